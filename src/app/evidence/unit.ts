// What every evidence write shares: its unit of work (SERIALIZABLE, the audit chain's lock taken
// up front by the transactor), the author it records (`recorded_by`, issue #13), the replay
// comparison that answers `exists` or `exists_with_different_<field>`, and the refusals it throws.
import { SluiceError } from "../../core/errors.ts";
import type { IsoDate } from "../../core/shared.ts";
import type { Clock } from "../ports.ts";
import type { CreateStatus, EvidenceContext, EvidenceRepos, RecordedBy } from "./ports.ts";

/** Runs a write: validated before, applied here in one serializable unit with its audit entry. */
export const write = <T>(context: EvidenceContext, work: (repos: EvidenceRepos) => Promise<T>): Promise<T> =>
  context.transactor.run(work, { isolation: "serializable" });

/** Runs a read of several records in one snapshot. */
export const read = <T>(context: EvidenceContext, work: (repos: EvidenceRepos) => Promise<T>): Promise<T> =>
  context.transactor.run(work, { isolation: "repeatable read" });

/** The `recorded_by` of a new record: the acting principal's token, role and party. */
export function recordedBy(context: EvidenceContext): RecordedBy {
  const actor = context.actor;
  return actor ? JSON.stringify({ tokenId: actor.tokenId, role: actor.role, partyId: actor.partyId }) : null;
}

/** Appends the write's audit entry at the clock's instant. */
export const audit = (context: EvidenceContext, repos: EvidenceRepos, kind: string, payload: unknown) =>
  repos.audit.append(kind, payload, context.clock());

export const conflict = (what: string, why: string, code: string) =>
  new SluiceError("conflict", what, why, code);

export const today = (clock: Clock): IsoDate => clock().toISOString().slice(0, 10);

/** Compares a replayed input with the stored row: the first differing field names the status. */
export function replayStatus(
  stored: Record<string, unknown>,
  incoming: Record<string, unknown>,
  fields: readonly (readonly [field: string, column: string])[],
): CreateStatus {
  for (const [field, column] of fields) {
    const a = stored[column] ?? null;
    const b = incoming[field] ?? null;
    if (String(a) !== String(b))
      return `exists_with_different_${column.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;
  }
  return "exists";
}
