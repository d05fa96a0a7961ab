// Who did an act, as the audit log records it (the contract shared by the trust and the log
// branches): the authenticated principal and the channel it came through. The actor is part of
// each entry's bytes, so the Merkle leaf covers it.

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

/** The system acting on its own (seeder, sweeps, imports at start): no token, no party. */
export const systemActor = (via: string, requestId = "system"): AuditActor => ({
  tokenId: null,
  role: "system",
  partyId: null,
  via,
  requestId,
});
