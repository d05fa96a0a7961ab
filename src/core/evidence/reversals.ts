// Reversal, never deletion (issue #13 point 5): a mistaken evidence record stays on file and is
// marked reversed by its author with a reason; every read of the records then ignores it. This
// module is the pure part: which records can be reversed, whose act a reversal is (the author's
// role and party; the record's authority when the record has no authority as author, e.g. seeded
// by the system or written by an administrator), and what still holds a record in place.
import { z } from "zod";
import { localOperatorRole } from "../audit/actor.ts";
import { type Action, allowedRoles } from "../authorization/policy.ts";

/** The records a reversal applies to, with the audit kind each reversal is logged under. */
export const reversibleKinds = [
  "payment",
  "invoice",
  "duty-entry",
  "duty-payment",
  "import-approval",
  "customs-event",
] as const;
export type ReversibleKind = (typeof reversibleKinds)[number];

export interface ReversibleKindInfo {
  /** How errors and answers name a record of the kind. */
  label: string;
  /** The audit entry kind of its reversal. */
  auditKind: string;
  /** The policy action of its reversal route; its roles are the kind's authority. */
  action: Action;
}

export const reversibleKindInfo: Record<ReversibleKind, ReversibleKindInfo> = {
  payment: { label: "payment", auditKind: "payment.reversed", action: "payments.reverse" },
  invoice: { label: "invoice", auditKind: "payment.invoice_reversed", action: "payments.reverse" },
  "duty-entry": { label: "duty entry", auditKind: "duty.entry_reversed", action: "duty.reverse" },
  "duty-payment": { label: "duty payment", auditKind: "duty.payment_reversed", action: "duty.reverse" },
  "import-approval": {
    label: "import approval",
    auditKind: "approval.reversed",
    action: "approvals.reverse",
  },
  "customs-event": { label: "customs event", auditKind: "customs.reversed", action: "customs.reverse" },
};

/** The table each kind's records are kept in (the reconcile names the table of a difference). */
export const reversalTables = {
  payment: "payments",
  invoice: "invoices",
  "duty-entry": "duty_entries",
  "duty-payment": "duty_payments",
  "import-approval": "cn_import_approvals",
  "customs-event": "customs_events",
} as const satisfies Record<ReversibleKind, string>;
export type ReversalTable = (typeof reversalTables)[ReversibleKind];

/** The kind whose reversal an audit entry kind records, if it records one. */
export const reversedKindOf = (auditKind: string): ReversibleKind | undefined =>
  reversibleKinds.find((kind) => reversibleKindInfo[kind].auditKind === auditKind);

/** The roles that are the authority for a kind (who records it in the first place). */
export const authorityRolesOf = (kind: ReversibleKind): readonly string[] =>
  allowedRoles[reversibleKindInfo[kind].action];

/** A reason is required: what was wrong with the record, in the author's words. */
export const reversalReasonCharsMax = 500;
export const reversalInputSchema = z.strictObject({
  reason: z
    .string()
    .trim()
    .min(1, "a reversal needs a reason (what was wrong with the record)")
    .max(reversalReasonCharsMax),
});
export type ReversalInput = z.output<typeof reversalInputSchema>;

/** Who recorded or reversed a record: the principal's role and party (token and route too). */
export interface RecordAuthor {
  tokenId: string | null;
  role: string;
  partyId: string | null;
}

/**
 * May `actor` reverse a record of `kind` recorded by `recordedBy`? The author may, as the same role
 * and party (another token of that role and party is the same authority). A record whose author is
 * not the kind's authority (the system's seeder, an administrator, a record from before authors were
 * kept) is reversed by the kind's authority. An administrator never stands in for an authority. The
 * local store's operator (the CLI without a server) owns the whole store and may.
 */
export function mayReverse(
  kind: ReversibleKind,
  recordedBy: RecordAuthor | null,
  actor: RecordAuthor,
): boolean {
  if (actor.role === localOperatorRole) return true;
  const authorityRoles = authorityRolesOf(kind);
  if (recordedBy && authorityRoles.includes(recordedBy.role))
    return recordedBy.role === actor.role && recordedBy.partyId === actor.partyId;
  return authorityRoles.includes(actor.role);
}

/** What a record of each kind must not be reversed under: the facts that depend on it. */
export type ReversalFacts =
  | { kind: "payment"; paymentKind: string; amountCents: bigint; paidCents: bigint; forfeitedCents: bigint }
  | { kind: "duty-entry"; dutyPaidCents: bigint }
  | { kind: "import-approval"; usedUnits: number }
  | { kind: "invoice" | "duty-payment" | "customs-event" };

export const reversalRefusals = ["payment_forfeited", "entry_has_payments", "approval_in_use"] as const;
export type ReversalRefusal = (typeof reversalRefusals)[number];

/**
 * Why the record must stay, if it must: cash already forfeited would exceed what is paid without
 * it; an entry whose duty was paid (reverse those payments first); an approval that shipments were
 * written down on (their units would have no approval).
 */
export function reversalBlock(facts: ReversalFacts): { status: ReversalRefusal; why: string } | undefined {
  if (
    facts.kind === "payment" &&
    facts.paymentKind === "payment" &&
    facts.paidCents - facts.amountCents < facts.forfeitedCents
  )
    return {
      status: "payment_forfeited",
      why: `${facts.forfeitedCents} ¢ of the order's paid cash is forfeited; without this payment only ${facts.paidCents - facts.amountCents} ¢ would be paid`,
    };
  if (facts.kind === "duty-entry" && facts.dutyPaidCents > 0n)
    return {
      status: "entry_has_payments",
      why: `${facts.dutyPaidCents} ¢ of duty is paid on the entry: reverse those duty payments first`,
    };
  if (facts.kind === "import-approval" && facts.usedUnits > 0)
    return {
      status: "approval_in_use",
      why: `${facts.usedUnits} units of shipments are written down on the approval`,
    };
  return undefined;
}
