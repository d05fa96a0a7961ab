// The SQL behind the reversal use case (src/app/reversals): each reversible evidence record is read
// with its author, its reversal and the facts that depend on it, and marked reversed in place
// (migration 0140). `sqlReversalTransactor` runs a unit of work in one transaction of the store,
// with the audit log bound to the acting principal.

import type { Transactor, WorkOptions } from "../../../app/ports.ts";
import type { ReversalRepos, ReversibleRecord, ReversibleRecords } from "../../../app/reversals/ports.ts";
import type { AuditActor } from "../../../core/audit/actor.ts";
import {
  type RecordAuthor,
  type ReversalFacts,
  type ReversibleKind,
  reversalTables,
} from "../../../core/evidence/reversals.ts";
import { appendAudit, toAuditJson } from "../audit.ts";
import type { Store, Tx } from "../store.ts";

const tableOf = reversalTables;

/** Per kind: the owner party, and the record's fields and dependent facts as one jsonb. */
const detailsOf: Record<ReversibleKind, { owner: string; summary: string }> = {
  payment: {
    owner: "(SELECT exporter_id FROM orders o WHERE o.id = r.order_id)",
    summary: `jsonb_build_object('orderId', r.order_id, 'paymentKind', r.kind, 'amountCents', r.amount_cents::text,
      'paidOn', to_char(r.paid_on, 'YYYY-MM-DD'),
      'paidCents', (SELECT COALESCE(SUM(amount_cents), 0) FROM payments p
                     WHERE p.order_id = r.order_id AND p.kind = 'payment' AND p.reversed_at IS NULL)::text,
      'forfeitedCents', (SELECT COALESCE(SUM(amount_cents), 0) FROM forfeitures f WHERE f.order_id = r.order_id)::text)`,
  },
  invoice: {
    owner: "(SELECT exporter_id FROM orders o WHERE o.id = r.order_id)",
    summary: `jsonb_build_object('orderId', r.order_id, 'amountCents', r.amount_cents::text,
      'issuedOn', to_char(r.issued_on, 'YYYY-MM-DD'))`,
  },
  "duty-entry": {
    owner: "NULL::text",
    summary: `jsonb_build_object('shipmentId', r.shipment_id, 'enteredOn', to_char(r.entered_on, 'YYYY-MM-DD'),
      'dutyOwedCents', r.duty_owed_cents::text, 'dutyPaidCents', r.duty_paid_cents::text)`,
  },
  "duty-payment": {
    owner: "NULL::text",
    summary: `jsonb_build_object('entryId', r.entry_id, 'amountCents', r.amount_cents::text,
      'paidOn', to_char(r.paid_on, 'YYYY-MM-DD'))`,
  },
  "import-approval": {
    owner: "NULL::text",
    summary: `jsonb_build_object('importerId', r.importer_id, 'approvedUnits', r.approved_units::text,
      'usedUnits', r.used_units::text)`,
  },
  "customs-event": {
    owner: "NULL::text",
    summary: `jsonb_build_object('shipmentId', r.shipment_id, 'customsKind', r.kind,
      'on', to_char(r.on_date, 'YYYY-MM-DD'))`,
  },
};

type Summary = Record<string, string>;

function factsOf(kind: ReversibleKind, summary: Summary): ReversalFacts {
  const cents = (name: string) => BigInt(summary[name] ?? "0");
  switch (kind) {
    case "payment":
      return {
        kind,
        paymentKind: summary.paymentKind ?? "payment",
        amountCents: cents("amountCents"),
        paidCents: cents("paidCents"),
        forfeitedCents: cents("forfeitedCents"),
      };
    case "duty-entry":
      return { kind, dutyPaidCents: cents("dutyPaidCents") };
    case "import-approval":
      return { kind, usedUnits: Number(summary.usedUnits ?? "0") };
    default:
      return { kind };
  }
}

const authorOf = (value: unknown): RecordAuthor | null => {
  if (typeof value !== "object" || value === null) return null;
  const row = value as Record<string, unknown>;
  return {
    tokenId: typeof row.tokenId === "string" ? row.tokenId : null,
    role: String(row.role ?? "unknown"),
    partyId: typeof row.partyId === "string" ? row.partyId : null,
  };
};

/** The records of one transaction. */
export function sqlReversibleRecords(tx: Tx): ReversibleRecords {
  return {
    async find(kind, id) {
      const details = detailsOf[kind];
      const { rows } = await tx.query<{
        owner: string | null;
        summary: Summary;
        recorded_by: unknown;
        reversed_at: Date | null;
        reversed_by: unknown;
        reversal_reason: string | null;
      }>(
        `SELECT ${details.owner} AS owner, ${details.summary} AS summary, r.recorded_by, r.reversed_at,
                r.reversed_by, r.reversal_reason
           FROM ${tableOf[kind]} r WHERE r.id = $1`,
        [id],
      );
      const row = rows[0];
      if (!row) return undefined;
      const reversedBy = authorOf(row.reversed_by);
      const record: ReversibleRecord = {
        kind,
        id,
        ownerPartyId: row.owner,
        recordedBy: authorOf(row.recorded_by),
        reversal:
          row.reversed_at && reversedBy
            ? { at: row.reversed_at, by: reversedBy, reason: row.reversal_reason ?? "" }
            : null,
        facts: factsOf(kind, row.summary),
        summary: row.summary,
      };
      return record;
    },
    async markReversed(kind, id, reversal) {
      const { rowCount } = await tx.query(
        `UPDATE ${tableOf[kind]} SET reversed_at = $2, reversed_by = $3, reversal_reason = $4
          WHERE id = $1 AND reversed_at IS NULL`,
        [id, reversal.at, JSON.stringify(reversal.by), reversal.reason],
      );
      return rowCount === 1;
    },
    async subtractDutyPaid(entryId, amountCents) {
      await tx.query("UPDATE duty_entries SET duty_paid_cents = duty_paid_cents - $2 WHERE id = $1", [
        entryId,
        amountCents,
      ]);
    },
  };
}

/** Reversals by `actor` over `store`: serializable, holding the audit chain as every evidence write. */
export function sqlReversalTransactor(store: Store, actor: AuditActor): Transactor<ReversalRepos> {
  return {
    run<T>(work: (repos: ReversalRepos) => Promise<T>, options: WorkOptions = {}): Promise<T> {
      return store.transaction(
        (tx) =>
          work({
            records: sqlReversibleRecords(tx),
            audit: { append: (kind, payload, at) => appendAudit(tx, kind, toAuditJson(payload), at, actor) },
          }),
        {
          isolation: options.isolation ?? "serializable",
          lockAuditChain: true,
          ...(options.attemptsMax ? { attemptsMax: options.attemptsMax } : {}),
        },
      );
    },
  };
}
