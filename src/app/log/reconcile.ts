// The use case of `sluice audit reconcile` and GET /v1/audit/reconcile: read the log's entries and
// the tables in one snapshot (through the ReconcileSource port; the SQL is in
// src/adapters/db/log/reconcile.ts), replay the entries and name every difference
// (src/core/log/reconcile.ts). Reading changes nothing.
import {
  type LedgerState,
  type ReconcileReport,
  type ReplayEntry,
  reconcile,
} from "../../core/log/reconcile.ts";

/** The log's entries (integrated ones in index order, then the pending ones) and the tables. */
export interface ReconcileSnapshot {
  entries: ReplayEntry[];
  tables: LedgerState;
}

export interface ReconcileSource {
  /** Both read in ONE snapshot, so a write in between cannot look like a difference. */
  snapshot(): Promise<ReconcileSnapshot>;
}

export async function reconcileLog(source: ReconcileSource): Promise<ReconcileReport> {
  const { entries, tables } = await source.snapshot();
  return reconcile(entries, tables);
}
