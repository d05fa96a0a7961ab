// The lab registry's use cases: registering a qualified lab with its Ed25519 public key (a key is
// one lab's only) and revoking one, which lapses its certificates on unshipped lots and puts the
// released shipments relying on it back to planned through the shipment path.
import { badInput, notFound, quote, requireVersion } from "../../core/errors.ts";
import { keyIdOf, parsePublicKey } from "../../core/evidence/certificate.ts";
import { labInputSchema, labRevocationSchema } from "../../core/evidence/labs.ts";
import { parseInput } from "../../core/validation.ts";
import type { CreateStatus, EvidenceContext, RevertRelease } from "./ports.ts";
import { shipmentsRelyingOnLab } from "./shipment-hooks.ts";
import { audit, conflict, replayStatus, write } from "./unit.ts";

const labFields = [
  ["name", "name"],
  ["headquartersCountry", "headquarters_country"],
  ["controlCountry", "control_country"],
  ["keyId", "key_id"],
  ["qualifiedFrom", "qualified_from"],
  ["qualifiedTo", "qualified_to"],
] as const satisfies readonly [string, string][];

export async function registerLab(
  context: EvidenceContext,
  input: unknown,
): Promise<{ status: CreateStatus; labId: string; keyId: string }> {
  const lab = parseInput(labInputSchema, input, "lab");
  const key = parsePublicKey(lab.publicKey);
  if (!key)
    throw badInput(`lab ${quote(lab.id)} at \`publicKey\``, "not an Ed25519 public key in PEM (SPKI)");
  const keyId = keyIdOf(key);
  return write(context, async (repos) => {
    const stored = await repos.evidence.loadDoc("labs", lab.id);
    if (stored) {
      const status = replayStatus(stored, { ...lab, keyId }, labFields);
      return { status, labId: lab.id, keyId: String(stored.key_id) };
    }
    if (await repos.evidence.labKeyInUse(keyId))
      throw conflict(
        `lab ${quote(lab.id)} at \`publicKey\``,
        "the key is registered to another lab",
        "key_in_use",
      );
    await repos.evidence.insertLab(lab, keyId, context.clock());
    await audit(context, repos, "lab.registered", { ...lab, keyId });
    return { status: "created" as const, labId: lab.id, keyId };
  });
}

export interface Revocation {
  status: CreateStatus | "revoked";
  certificatesRevoked: number;
  reverted: string[];
  relying?: string[];
}

/**
 * Revokes a lab: its certificates on unshipped lots turn `lab_revoked`, and every released but
 * unshipped shipment relying on it is put back on hold through `revertRelease` (each in its own
 * unit of work, after the revocation commits; a replayed revocation retries the reverts). With
 * `ifVersion`, only if the lab is still at that version (a replay answers as it did before).
 */
export async function revokeLab(
  context: EvidenceContext,
  input: unknown,
  revertRelease?: RevertRelease,
  ifVersion?: number,
): Promise<Revocation> {
  const revocation = parseInput(labRevocationSchema, input, "lab revocation");
  const outcome = await write(context, async (repos) => {
    const lab = await repos.evidence.loadLab(revocation.labId);
    if (!lab) throw notFound(`lab ${quote(revocation.labId)}`);
    if (lab.revokedOn !== null) {
      const status = replayStatus(
        { revoked_on: lab.revokedOn, revocation_reason: lab.revocationReason },
        revocation,
        [
          ["revokedOn", "revoked_on"],
          ["reason", "revocation_reason"],
        ],
      );
      return { status, certificatesRevoked: 0 };
    }
    requireVersion(`lab ${quote(lab.id)}`, ifVersion, lab.version);
    if (!(await repos.evidence.revokeLab(lab.id, revocation, lab.version)))
      throw new Error(`lab ${lab.id} changed under a serializable transaction`);
    const certificatesRevoked = await repos.evidence.lapseCertificates(lab.id);
    await audit(context, repos, "lab.revoked", { ...revocation, certificatesRevoked });
    return { status: "revoked" as const, certificatesRevoked };
  });
  const reverted: string[] = [];
  let relying: string[] = [];
  if (!outcome.status.startsWith("exists_with_different_")) {
    relying = await context.transactor.run((repos) => shipmentsRelyingOnLab(repos, revocation.labId), {
      isolation: "repeatable read",
    });
    const reason = `lab ${revocation.labId} revoked on ${revocation.revokedOn}: ${revocation.reason}`;
    for (const shipmentId of revertRelease ? relying : []) {
      await revertRelease?.(shipmentId, reason);
      reverted.push(shipmentId);
    }
  }
  // Without a callback, the released lots that still rely on the lab are returned to act on.
  return { ...outcome, reverted, ...(revertRelease ? {} : { relying }) };
}
