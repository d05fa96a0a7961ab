// What the reversal use case needs from storage (issue #13 point 5; the port pattern of #14): the
// evidence records it can reverse, read and marked in domain terms, and the audit log bound to the
// acting principal. The SQL lives in src/adapters/db/reversals.
import type { RecordAuthor, ReversalFacts, ReversibleKind } from "../../core/evidence/reversals.ts";
import type { AuditLog } from "../audit/ports.ts";

/** A record as a reversal sees it. */
export interface ReversibleRecord {
  kind: ReversibleKind;
  id: string;
  /** The party that owns the record (an order's exporter for payments and invoices), else null. */
  ownerPartyId: string | null;
  /** Who recorded it; null for records written before authors were kept. */
  recordedBy: RecordAuthor | null;
  reversal: { at: Date; by: RecordAuthor; reason: string } | null;
  /** What depends on the record (see `reversalBlock`). */
  facts: ReversalFacts;
  /** The record's own fields, named in the audit entry of its reversal. */
  summary: Record<string, unknown>;
}

export interface ReversibleRecords {
  find(kind: ReversibleKind, id: string): Promise<ReversibleRecord | undefined>;
  /** Marks the record reversed (it stays on file); false when it was reversed meanwhile. */
  markReversed(
    kind: ReversibleKind,
    id: string,
    reversal: { at: Date; by: RecordAuthor; reason: string },
  ): Promise<boolean>;
  /** A duty payment reversed: its entry's paid duty goes down by its amount. */
  subtractDutyPaid(entryId: string, amountCents: bigint): Promise<void>;
}

export interface ReversalRepos {
  records: ReversibleRecords;
  audit: AuditLog;
}
