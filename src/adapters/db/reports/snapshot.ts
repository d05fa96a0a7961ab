// The report ports on the store: one REPEATABLE READ transaction per report, in which the checkpoint
// (the transparency log's latest signed checkpoint, issue #15; the audit chain head on a store whose
// log has signed nothing yet), the figures and the pinned reports are read in one snapshot.
import type {
  CheckpointSource,
  PinnedReports,
  ReportSnapshot,
  ReportStore,
} from "../../../app/reports/ports.ts";
import type { Checkpoint } from "../../../core/reports/model.ts";
import type { Store, Tx } from "../store.ts";
import { sqlFigures } from "./figures.ts";

export const chainOrigin = "sluice audit chain";

/**
 * The log's latest signed checkpoint (origin, size, root and the signed note, cosignatures
 * included), read in the report's snapshot; without one yet, the audit chain head: size = head seq,
 * root = the head hash (hex) as base64.
 */
export function chainHeadCheckpoint(tx: Tx): CheckpointSource {
  return {
    async latestCheckpoint(): Promise<Checkpoint | undefined> {
      const signed = await tx.query<{ size: bigint; root: Buffer; note: string; cosigned: string | null }>(
        "SELECT size, root, note, cosigned FROM log_checkpoints ORDER BY size DESC LIMIT 1",
      );
      const latest = signed.rows[0];
      if (latest) {
        const note = latest.cosigned ?? latest.note;
        return {
          origin: note.slice(0, note.indexOf("\n")),
          size: Number(latest.size),
          rootHash: Buffer.from(latest.root).toString("base64"),
          note,
        };
      }
      const { rows } = await tx.query<{ seq: bigint; hash: string }>(
        "SELECT seq, hash FROM audit_head WHERE id = 1",
      );
      const head = rows[0];
      if (!head) return undefined;
      return {
        origin: chainOrigin,
        size: Number(head.seq),
        rootHash: Buffer.from(head.hash, "hex").toString("base64"),
        note: `audit chain head: entry ${head.seq}, sha256 ${head.hash} (hash chain head; signed log checkpoints replace it)`,
      };
    },
  };
}

function sqlPinned(tx: Tx): PinnedReports {
  return {
    async find(key) {
      const { rows } = await tx.query<{ report: string }>("SELECT report FROM report_issues WHERE key = $1", [
        key,
      ]);
      return rows[0]?.report;
    },
    async pin(key, issue, reportText) {
      await tx.query(
        `INSERT INTO report_issues (key, kind, window_from, window_to, report, issued_by, issued_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (key) DO NOTHING`,
        [key, issue.kind, issue.window.from, issue.window.to, reportText, issue.issuedBy, issue.issuedAt],
      );
    },
  };
}

export class SqlReportStore implements ReportStore {
  constructor(private readonly store: Store) {}

  inSnapshot<T>(read: (snapshot: ReportSnapshot) => Promise<T>): Promise<T> {
    return this.store.transaction(
      (tx) => read({ checkpoints: chainHeadCheckpoint(tx), figures: sqlFigures(tx), pinned: sqlPinned(tx) }),
      { isolation: "repeatable read" },
    );
  }
}
