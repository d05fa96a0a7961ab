// Who did an act (issue #13; the contract agreed between the trust and the transparency-log
// branches): every audit entry names the authenticated principal and the channel it came through,
// and the actor is part of each entry's bytes (so the Merkle leaf covers it) and of its chain hash.
// Pure types and constructors.

/** Who did an act: the authenticated principal and the channel it came through. */
export interface AuditActor {
  /** The token's id (never its secret); null for the system itself (seeder, integrator, sweeps). */
  tokenId: string | null;
  /** The role of the principal, or "system". */
  role: string;
  /** The party the principal acts for (exporter, importer, lab …), null when none. */
  partyId: string | null;
  /** The route ("POST /v1/shipments/{id}/release") or command ("sluice release"). */
  via: string;
  /** The request id (HTTP: the X-Request-Id answered; CLI: a UUIDv7 per invocation). */
  requestId: string;
}

/** The system acting on its own (the seeder, a sweep, the integrator): no token, no party. */
export const systemActor = (via: string, requestId = "system"): AuditActor => ({
  tokenId: null,
  role: "system",
  partyId: null,
  via,
  requestId,
});

/** The role audit entries name for the person running the CLI on a local store (no token). */
export const localOperatorRole = "local-operator";
