// The integrator (Tessera's model): business transactions only insert entry bytes into
// log_pending; one integrator at a time gives them indices, extends the hash chain and the Merkle
// tree, and signs a checkpoint, each batch in ONE transaction, so a crash (kill -9) rolls the whole
// batch back and the pending rows are integrated again by whoever integrates next: no entry lost,
// no index used twice. Who integrates is decided by the log_lease row (holder + expiry, taken
// inside the batch's transaction with FOR UPDATE): two servers on one PostgreSQL both accept
// writes, exactly one integrates. The log never signs a tree that is not consistent with its last
// signed checkpoint: it checks a consistency proof from the stored nodes before signing.
import { v7 as uuidv7 } from "uuid";
import { systemActor } from "../../../core/audit/actor.ts";
import { type Json, nextEntry } from "../../../core/audit/chain.ts";
import { sha256Hex } from "../../../core/digest.ts";
import {
  chainText,
  entryText,
  isCanonicalEntryText,
  type LogEntry,
  parseEntryText,
} from "../../../core/log/entry.ts";
import {
  appendLeaves,
  consistencyProof,
  type Frontier,
  frontierIds,
  frontierRoot,
  leafHash,
  verifyConsistency,
} from "../../../core/log/merkle.ts";
import { formatCheckpoint, type Signer, signNote } from "../../../core/log/note.ts";
import type { Store, Tx } from "../store.ts";
import { fetchNodes, withNodes } from "./nodes.ts";

/** Entries integrated per transaction at most. */
export const integrateBatchMax = 4096;
/** How long a lease lasts without renewal; a crashed integrator's lease lapses after this. */
export const leaseMsDefault = 5000;

/** This process's name as a lease holder. */
export const processHolder = `pid ${process.pid} ${uuidv7()}`;

export interface IntegrateOptions {
  holder?: string | undefined;
  leaseMs?: number | undefined;
  batchMax?: number | undefined;
  /** Signs a checkpoint after the batch when given (origin = the signer's name). */
  signer?: Signer | undefined;
  /** The server's clock, for the checkpoint's signed_at. */
  now?: (() => Date) | undefined;
}

export type IntegrateOutcome =
  | { status: "integrated"; integrated: number; size: number; signed: number | undefined }
  | { status: "leased_elsewhere"; holder: string };

interface Head {
  seq: number;
  hash: string;
  treeSize: number;
}

/** Takes or renews the lease in `tx` (row locked until commit); the other holder when it is live. */
async function takeLease(tx: Tx, holder: string, leaseMs: number): Promise<string | undefined> {
  const { rows } = await tx.query<{ holder: string | null; live: boolean }>(
    "SELECT holder, expires_at > clock_timestamp() AS live FROM log_lease WHERE id = 1 FOR UPDATE",
  );
  const lease = rows[0];
  if (!lease) throw new Error("log_lease row missing: database not migrated");
  if (lease.live && lease.holder !== null && lease.holder !== holder) return lease.holder;
  await tx.query(
    `UPDATE log_lease SET holder = $1, expires_at = clock_timestamp() + $2 * interval '1 millisecond',
       epoch = epoch + CASE WHEN holder IS DISTINCT FROM $1 THEN 1 ELSE 0 END WHERE id = 1`,
    [holder, leaseMs],
  );
  return undefined;
}

async function loadHead(tx: Tx): Promise<Head> {
  const { rows } = await tx.query<{ seq: bigint; hash: string; tree_size: bigint }>(
    "SELECT seq, hash, tree_size FROM audit_head WHERE id = 1 FOR UPDATE",
  );
  const row = rows[0];
  if (!row) throw new Error("audit_head row missing: database not migrated");
  return { seq: Number(row.seq), hash: row.hash, treeSize: Number(row.tree_size) };
}

async function loadFrontier(tx: Tx, size: number): Promise<Frontier> {
  const ids = frontierIds(size);
  const nodes = await fetchNodes(tx, ids);
  return {
    size,
    nodes: ids.map((id) => {
      const hash = nodes.get(`${id.level}:${id.index}`);
      if (!hash) throw new Error(`log node ${id.level}:${id.index} missing: the tree is broken`);
      return { level: id.level, hash };
    }),
  };
}

const legacyActor = systemActor("migration 0110", "legacy");

/** Rows logged before the tree existed (or before this batch's tree): their bytes, filled in once. */
async function catchUpRows(tx: Tx, head: Head, batchMax: number): Promise<string[]> {
  const { rows } = await tx.query<{
    seq: bigint;
    at: string;
    kind: string;
    payload: Json;
    entry: string | null;
  }>("SELECT seq, at, kind, payload, entry FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2", [
    head.treeSize,
    batchMax,
  ]);
  const missing = rows.filter((r) => r.entry === null);
  const filled = new Map(
    missing.map((r) => [
      r.seq,
      entryText({ kind: r.kind, at: r.at, actor: legacyActor, payload: r.payload }),
    ]),
  );
  if (missing.length > 0) {
    await tx.query(
      "UPDATE audit_log a SET entry = u.entry FROM unnest($1::bigint[], $2::text[]) AS u (seq, entry) WHERE a.seq = u.seq",
      [[...filled.keys()], [...filled.values()]],
    );
  }
  return rows.map((r) => r.entry ?? (filled.get(r.seq) as string));
}

/**
 * The legacy chain's next entry for canonical entry bytes: the chain's canonical body is the bytes
 * with prevHash and seq appended (chainText), the same text, so the same hash, as nextEntry's.
 */
function chainedCanonical(previous: { seq: number; hash: string }, text: string, parsed: LogEntry) {
  const seq = previous.seq + 1;
  const hash = sha256Hex(chainText(text, previous.hash, seq));
  return { seq, at: parsed.at, kind: parsed.kind, payload: parsed.payload, prevHash: previous.hash, hash };
}

/** Moves pending entries into audit_log with the next indices, chained; returns their bytes. */
async function integratePending(tx: Tx, head: Head, batchMax: number): Promise<string[]> {
  const { rows } = await tx.query<{ id: string; entry: string }>(
    "SELECT id, entry FROM log_pending ORDER BY id LIMIT $1",
    [batchMax],
  );
  if (rows.length === 0) return [];
  let previous = { seq: head.seq, hash: head.hash };
  const chained = rows.map((row) => {
    const parsed = parseEntryText(row.entry);
    // Bytes the log did not write still get their index (nothing acknowledged is dropped); their
    // columns say they are unreadable, and verification names them.
    // The chain's hash covers the actor too (issue #13), as the leaf does through the bytes.
    const actor = parsed ? ({ ...parsed.actor } as Json) : undefined;
    const e =
      parsed && isCanonicalEntryText(row.entry, parsed)
        ? chainedCanonical(previous, row.entry, parsed)
        : nextEntry(previous, parsed?.at ?? "", parsed?.kind ?? "unreadable", parsed?.payload ?? null, actor);
    previous = e;
    return { ...e, entry: row.entry, actorJson: actor === undefined ? null : JSON.stringify(actor) };
  });
  await tx.query(
    `INSERT INTO audit_log (seq, at, kind, payload, prev_hash, hash, entry, actor)
     SELECT e.seq, e.at, e.kind, e.payload::jsonb, e.prev_hash, e.hash, e.entry, e.actor::jsonb
     FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
       AS e (seq, at, kind, payload, prev_hash, hash, entry, actor)`,
    [
      chained.map((e) => e.seq),
      chained.map((e) => e.at),
      chained.map((e) => e.kind),
      chained.map((e) => JSON.stringify(e.payload)),
      chained.map((e) => e.prevHash),
      chained.map((e) => e.hash),
      chained.map((e) => e.entry),
      chained.map((e) => e.actorJson),
    ],
  );
  await tx.query("DELETE FROM log_pending WHERE id = ANY($1::text[])", [rows.map((r) => r.id)]);
  head.seq = previous.seq;
  head.hash = previous.hash;
  return chained.map((e) => e.entry);
}

/** Adds the leaves to the tree: every new complete subtree stored once. */
async function extendTree(tx: Tx, head: Head, entries: readonly string[]): Promise<Frontier> {
  const frontier = await loadFrontier(tx, head.treeSize);
  if (entries.length === 0) return frontier;
  const levels: number[] = [];
  const indices: number[] = [];
  const hashes: Buffer[] = [];
  const next = appendLeaves(
    frontier,
    entries.map((e) => leafHash(Buffer.from(e, "utf8"))),
    (level, index, hash) => {
      levels.push(level);
      indices.push(index);
      hashes.push(Buffer.from(hash));
    },
  );
  await tx.query(
    "INSERT INTO log_nodes (level, idx, hash) SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])",
    [levels, indices, hashes],
  );
  head.treeSize = next.size;
  return next;
}

/**
 * Signs a checkpoint of the tree at `frontier`, unless the last signed one already covers it.
 * Refuses (throws: the store was tampered with or is broken) a tree that does not extend it.
 */
async function signCheckpoint(
  tx: Tx,
  frontier: Frontier,
  signer: Signer,
  at: Date,
): Promise<number | undefined> {
  const { rows } = await tx.query<{ size: bigint; root: Buffer }>(
    "SELECT size, root FROM log_checkpoints ORDER BY size DESC LIMIT 1",
  );
  const last = rows[0];
  const root = frontierRoot(frontier);
  if (last && Number(last.size) >= frontier.size) {
    if (Number(last.size) > frontier.size) {
      throw new Error(`log refused to sign: tree size ${frontier.size} is below the signed ${last.size}`);
    }
    return undefined;
  }
  if (last && Number(last.size) > 0) {
    const from = Number(last.size);
    const proof = await withNodes(tx, (node) => consistencyProof(from, frontier.size, node));
    if (!verifyConsistency(from, frontier.size, proof, new Uint8Array(last.root), root)) {
      throw new Error(
        `log refused to sign: tree size ${frontier.size} is not consistent with the signed ${from}`,
      );
    }
  }
  const note = signNote(
    formatCheckpoint({ origin: signer.name, size: frontier.size, rootHash: root }),
    signer,
  );
  await tx.query("INSERT INTO log_checkpoints (size, root, note, signed_at) VALUES ($1, $2, $3, $4)", [
    frontier.size,
    Buffer.from(root),
    note,
    at,
  ]);
  return frontier.size;
}

/** One batch: lease, indices, chain, tree, checkpoint; all in one transaction. */
export function integrateOnce(store: Store, options: IntegrateOptions = {}): Promise<IntegrateOutcome> {
  const holder = options.holder ?? processHolder;
  const batchMax = options.batchMax ?? integrateBatchMax;
  return store.transaction(
    async (tx): Promise<IntegrateOutcome> => {
      const other = await takeLease(tx, holder, options.leaseMs ?? leaseMsDefault);
      if (other !== undefined) return { status: "leased_elsewhere", holder: other };
      const head = await loadHead(tx);
      const catchUp = head.treeSize < head.seq;
      const entries = catchUp
        ? await catchUpRows(tx, head, batchMax)
        : await integratePending(tx, head, batchMax);
      const frontier = await extendTree(tx, head, entries);
      await tx.query("UPDATE audit_head SET seq = $1, hash = $2, tree_size = $3 WHERE id = 1", [
        head.seq,
        head.hash,
        head.treeSize,
      ]);
      const signed = options.signer
        ? await signCheckpoint(tx, frontier, options.signer, (options.now ?? (() => new Date()))())
        : undefined;
      return { status: "integrated", integrated: entries.length, size: head.treeSize, signed };
    },
    { isolation: "read committed", attemptsMax: 5 },
  );
}

const running = new WeakMap<Store, Promise<unknown>>();
const waitStepMs = 20;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Integrates until nothing is pending (one integration at a time per store in this process).
 * When another process holds the lease, waits for it to integrate what was pending, up to a
 * few leases' time.
 */
export async function integrateAll(store: Store, options: IntegrateOptions = {}): Promise<number> {
  const previous = running.get(store) ?? Promise.resolve();
  const run = previous.catch(() => {}).then(() => integrateLoop(store, options));
  running.set(store, run);
  return run;
}

async function integrateLoop(store: Store, options: IntegrateOptions): Promise<number> {
  const deadline = Date.now() + 3 * (options.leaseMs ?? leaseMsDefault);
  let total = 0;
  for (;;) {
    const outcome = await integrateOnce(store, options);
    if (outcome.status === "integrated") {
      total += outcome.integrated;
      if (outcome.integrated === 0) return total;
      continue;
    }
    const pending = await store.query<{ n: bigint }>("SELECT count(*) AS n FROM log_pending");
    if (Number(pending.rows[0]?.n ?? 0) === 0 || Date.now() > deadline) return total;
    await sleep(waitStepMs);
  }
}
