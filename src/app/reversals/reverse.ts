// The reversal use case (issue #13 point 5): a mistaken evidence record — a prepayment, invoice, US
// duty entry or duty payment, Chinese import approval or customs event — is reversed by its author
// with a reason, at the server's time, with an audit entry naming the actor; it is never deleted.
// Every read of the records ignores a reversed one (release decisions, totals, reports, lists). A
// second reversal answers `already_reversed` and changes nothing; so does every refusal.
import type { AuditActor } from "../../core/audit/actor.ts";
import { notFound, quote, SluiceError } from "../../core/errors.ts";
import {
  authorityRolesOf,
  mayReverse,
  type RecordAuthor,
  type ReversalRefusal,
  type ReversibleKind,
  reversalBlock,
  reversalInputSchema,
  reversibleKindInfo,
} from "../../core/evidence/reversals.ts";
import { parseInput } from "../../core/validation.ts";
import type { Clock, Transactor } from "../ports.ts";
import type { ReversalRepos } from "./ports.ts";

export type ReversalStatus = "reversed" | "already_reversed" | ReversalRefusal;

export interface ReversalResult {
  status: ReversalStatus;
  kind: ReversibleKind;
  id: string;
  /** Why a refusal (or when and by whom it was reversed before). */
  detail: string;
  reversedAt?: string;
  reversedBy?: RecordAuthor;
  reason?: string;
}

const authorOf = (actor: AuditActor): RecordAuthor => ({
  tokenId: actor.tokenId,
  role: actor.role,
  partyId: actor.partyId,
});

export interface ReversalDeps {
  transactor: Transactor<ReversalRepos>;
  clock: Clock;
  /** The principal acting (the same one the transactor's audit log is bound to). */
  actor: AuditActor;
}

/** Reverses the record `kind`/`id` as `deps.actor` with the body `input` ({reason}). */
export async function reverseRecord(
  deps: ReversalDeps,
  kind: ReversibleKind,
  id: string,
  input: unknown,
): Promise<ReversalResult> {
  const info = reversibleKindInfo[kind];
  const what = `${info.label} ${quote(id)}`;
  const { reason } = parseInput(reversalInputSchema, input, `reversal of ${what}`);
  const by = authorOf(deps.actor);
  return deps.transactor.run(
    async ({ records, audit }): Promise<ReversalResult> => {
      const record = await records.find(kind, id);
      // Another party's record is hidden, as every read of it is.
      if (!record || (by.partyId !== null && record.ownerPartyId !== by.partyId)) throw notFound(what);
      if (!mayReverse(kind, record.recordedBy, by))
        throw new SluiceError(
          "forbidden",
          what,
          `only its author (${reverserOf(record.recordedBy, authorityRolesOf(kind))}) may reverse it, not ${nameOf(by)}`,
          "not_author",
        );
      if (record.reversal)
        return {
          status: "already_reversed",
          kind,
          id,
          detail: `reversed at ${record.reversal.at.toISOString()} by ${nameOf(record.reversal.by)}: ${record.reversal.reason}`,
          reversedAt: record.reversal.at.toISOString(),
          reversedBy: record.reversal.by,
          reason: record.reversal.reason,
        };
      const block = reversalBlock(record.facts);
      if (block) return { status: block.status, kind, id, detail: block.why };
      const at = deps.clock();
      if (!(await records.markReversed(kind, id, { at, by, reason })))
        throw new Error(`${what} changed under a serializable transaction`);
      if (record.facts.kind === "duty-payment")
        await records.subtractDutyPaid(
          String(record.summary.entryId),
          BigInt(String(record.summary.amountCents)),
        );
      await audit.append(
        info.auditKind,
        { kind, id, reason, record: record.summary, recordedBy: record.recordedBy },
        at,
      );
      return {
        status: "reversed",
        kind,
        id,
        detail: `${what} reversed`,
        reversedAt: at.toISOString(),
        reversedBy: by,
        reason,
      };
    },
    { isolation: "serializable" },
  );
}

const nameOf = (author: RecordAuthor): string =>
  author.partyId ? `${author.role} of ${author.partyId}` : author.role;

/** Who may reverse: the authority that recorded it, else any of the kind's authority roles. */
const reverserOf = (recordedBy: RecordAuthor | null, authorityRoles: readonly string[]): string =>
  recordedBy && authorityRoles.includes(recordedBy.role) ? nameOf(recordedBy) : authorityRoles.join(" or ");
