// The SQL of `sluice audit reconcile`: the log's entries and the tables it answers for, read in ONE
// repeatable-read snapshot. Entries are replayed from their stored bytes (`audit_log.entry`, what
// the Merkle leaves hash and the signed checkpoints cover), in index order, then the entries written
// but not yet integrated (`log_pending`, in write order: UUIDv7), so an acknowledged act whose entry
// waits for the integrator is not reported as a difference.
import type { ReconcileSnapshot, ReconcileSource } from "../../../app/log/reconcile.ts";
import { reversalTables } from "../../../core/evidence/reversals.ts";
import type { AccountBalances, ReplayEntry } from "../../../core/log/reconcile.ts";
import type { Store, Tx } from "../store.ts";

const pageRowsMax = 5000;

/** The payload of stored entry bytes; a row the log could not parse keeps its jsonb payload. */
function payloadOf(entry: string | null, fallback: unknown): unknown {
  if (entry === null) return fallback;
  try {
    const parsed = JSON.parse(entry) as { payload?: unknown };
    return parsed.payload;
  } catch {
    return undefined; // replay names it as an entry without a payload object
  }
}

async function integratedEntries(tx: Tx): Promise<ReplayEntry[]> {
  const entries: ReplayEntry[] = [];
  let after = 0n;
  for (;;) {
    const { rows } = await tx.query<{ seq: bigint; kind: string; entry: string | null; payload: unknown }>(
      "SELECT seq, kind, entry, payload FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
      [after, pageRowsMax],
    );
    for (const row of rows)
      entries.push({
        index: Number(row.seq) - 1,
        kind: row.kind,
        payload: payloadOf(row.entry, row.payload),
      });
    const last = rows.at(-1);
    if (!last || rows.length < pageRowsMax) return entries;
    after = last.seq;
  }
}

async function pendingEntries(tx: Tx): Promise<ReplayEntry[]> {
  const { rows } = await tx.query<{ entry: string }>('SELECT entry FROM log_pending ORDER BY id COLLATE "C"');
  return rows.map((row) => {
    let parsed: { kind?: unknown; payload?: unknown } = {};
    try {
      parsed = JSON.parse(row.entry) as typeof parsed;
    } catch {
      // kept as an entry of no kind: it changes nothing and compares as such
    }
    return { index: undefined, kind: String(parsed.kind ?? ""), payload: parsed.payload };
  });
}

async function tables(tx: Tx): Promise<ReconcileSnapshot["tables"]> {
  const accounts = await tx.query<{ id: string; us_posted: bigint; cn_pending: bigint; cn_posted: bigint }>(
    "SELECT id, us_posted, cn_pending, cn_posted FROM ledger_accounts",
  );
  const reservations = await tx.query<{ id: string; state: string; amount: bigint }>(
    "SELECT id, state, amount FROM ledger_reservations",
  );
  const shipments = await tx.query<{ id: string; status: string }>("SELECT id, status FROM shipments");
  // Evidence records reversed by their author (issue #13), each as `<table> <id>`.
  const reversed = await tx.query<{ key: string }>(
    Object.values(reversalTables)
      .map((table) => `SELECT '${table} ' || id AS key FROM ${table} WHERE reversed_at IS NOT NULL`)
      .join(" UNION ALL "),
  );
  return {
    accounts: new Map(
      accounts.rows.map((r): [string, AccountBalances] => [
        r.id,
        { usPosted: BigInt(r.us_posted), cnPending: BigInt(r.cn_pending), cnPosted: BigInt(r.cn_posted) },
      ]),
    ),
    reservations: new Map(reservations.rows.map((r) => [r.id, { state: r.state, amount: BigInt(r.amount) }])),
    shipments: new Map(shipments.rows.map((r) => [r.id, { status: r.status }])),
    reversed: new Set(reversed.rows.map((r) => r.key)),
  };
}

export const sqlReconcileSource = (store: Store): ReconcileSource => ({
  snapshot: () =>
    store.transaction(
      async (tx) => {
        const integrated = await integratedEntries(tx);
        const pending = await pendingEntries(tx);
        return { entries: [...integrated, ...pending], tables: await tables(tx) };
      },
      { isolation: "repeatable read" },
    ),
});
