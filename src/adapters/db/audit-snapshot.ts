// The AuditChainSnapshots port (src/app/audit/snapshot.ts) over the store: pending entries are
// integrated first, then the head and the chain are read in one repeatable-read transaction, page
// by page (the event loop turns between pages; the connection is held only while reading).
import type { AuditChainSnapshots } from "../../app/audit/snapshot.ts";
import type { AuditEntry } from "../../core/audit/chain.ts";
import { type AuditRow, auditHead, entryOfRow } from "./audit.ts";
import { integrateAll } from "./log/integrate.ts";
import type { Store, Tx } from "./store.ts";

/** Rows per read: small enough that parsing one page stalls the event loop only briefly. */
export const verifyPageRowsMax = 1000;

async function readPages(tx: Tx, onPage: (page: AuditEntry[]) => void): Promise<void> {
  for (let after = -1n; ; ) {
    const { rows } = await tx.query<AuditRow>(
      "SELECT seq, at, kind, payload, prev_hash, hash, actor FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
      [after, verifyPageRowsMax],
    );
    // The actor is part of what each entry's hash covers (#13).
    onPage(rows.map(entryOfRow));
    const last = rows.at(-1);
    if (!last || rows.length < verifyPageRowsMax) return;
    after = last.seq;
  }
}

export function sqlAuditChainSnapshots(store: Store): AuditChainSnapshots {
  return {
    read: async (read) => {
      // Everything acknowledged is verified: entries still pending get their index first.
      await integrateAll(store);
      return store.transaction(
        (tx) => read({ head: () => auditHead(tx), pages: (onPage) => readPages(tx, onPage) }),
        { isolation: "repeatable read" },
      );
    },
  };
}
