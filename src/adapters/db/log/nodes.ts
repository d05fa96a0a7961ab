// Reading the Merkle tree's stored complete subtrees (log_nodes) for roots and proofs: the core
// names the nodes a proof reads (nodesNeeded), one query fetches them all, the core builds the
// proof. A node missing from the table is a broken store, reported as an error (never guessed).
import { type NodeId, type NodeSource, nodesNeeded } from "../../../core/log/merkle.ts";
import type { Store, Tx } from "../store.ts";

export async function fetchNodes(q: Store | Tx, ids: readonly NodeId[]): Promise<Map<string, Uint8Array>> {
  const found = new Map<string, Uint8Array>();
  if (ids.length === 0) return found;
  const { rows } = await q.query<{ level: number; idx: bigint; hash: Buffer }>(
    `SELECT n.level, n.idx, n.hash FROM log_nodes n
     JOIN unnest($1::smallint[], $2::bigint[]) AS w (level, idx) ON n.level = w.level AND n.idx = w.idx`,
    [ids.map((id) => id.level), ids.map((id) => id.index)],
  );
  for (const row of rows) found.set(`${row.level}:${row.idx}`, new Uint8Array(row.hash));
  return found;
}

/** Runs `build` (a root or proof) over the stored nodes, fetched in one query. */
export async function withNodes<T>(q: Store | Tx, build: (node: NodeSource) => T): Promise<T> {
  const nodes = await fetchNodes(q, nodesNeeded(build));
  return build((level, index) => {
    const hash = nodes.get(`${level}:${index}`);
    if (!hash) throw new Error(`log node ${level}:${index} missing from log_nodes: the tree is broken`);
    return hash;
  });
}
