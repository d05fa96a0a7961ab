// The audit chain as its verification reads it (GET /v1/audit/verify): every acknowledged entry and
// the stored head, in one consistent snapshot, page by page, so a long chain never sits in memory
// at once. The SQL is in src/adapters/db/audit-snapshot.ts.
import type { AuditEntry } from "../../core/audit/chain.ts";

export interface AuditChainSnapshot {
  /** The stored head of the chain in this snapshot. */
  head(): Promise<{ seq: number; hash: string }>;
  /** Every entry of this snapshot, oldest first, a page at a time. */
  pages(onPage: (page: AuditEntry[]) => void): Promise<void>;
}

export interface AuditChainSnapshots {
  /** Integrates what is pending (everything acknowledged), then runs `read` in one snapshot. */
  read<T>(read: (snapshot: AuditChainSnapshot) => Promise<T>): Promise<T>;
}
