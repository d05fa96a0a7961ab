// The log's read side over the database: checkpoints, entries and proofs. Proofs are built from
// the stored complete subtrees (log_nodes), which never change once written, so they are cached
// in memory (bounded) and a proof costs at most one query for the nodes not seen yet. A proof is
// only given for sizes up to the latest SIGNED checkpoint's: what a verifier can check.
import type { CheckpointStatus, LogReader, ProofOutcome } from "../../../app/log/ports.ts";
import { consistencyProof, inclusionProof, type NodeSource, nodesNeeded } from "../../../core/log/merkle.ts";
import { formatVerifierKey, type Verifier } from "../../../core/log/note.ts";
import type { Store } from "../store.ts";
import { fetchNodes } from "./nodes.ts";

/** Cached node hashes at most (32 bytes each plus the key: about 10 MB). */
export const nodeCacheEntriesMax = 100_000;
/** How long the latest signed size is reused before it is read again. */
export const signedSizeTtlMs = 200;

export interface LogReaderOptions {
  /** The log's public key (none: GET /v1/log/key answers 503). */
  verifier?: Verifier | undefined;
  /** Cosignatures needed for "witnessed" (0: never witnessed). */
  witnessQuorum?: number;
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");

export class DbLogReader implements LogReader {
  readonly #cache = new Map<string, Uint8Array>();

  constructor(
    private readonly store: Store,
    private readonly options: LogReaderOptions = {},
  ) {}

  verifierKey(): string | undefined {
    return this.options.verifier ? formatVerifierKey(this.options.verifier) : undefined;
  }

  async checkpointStatus(): Promise<CheckpointStatus | undefined> {
    const { rows } = await this.store.query<{
      size: bigint;
      root: Buffer;
      note: string;
      cosigned: string | null;
      cosigners: string[];
      signed_at: Date;
    }>(
      "SELECT size, root, note, cosigned, cosigners, signed_at FROM log_checkpoints ORDER BY size DESC LIMIT 1",
    );
    const row = rows[0];
    if (!row) return undefined;
    const quorum = this.options.witnessQuorum ?? 0;
    return {
      origin: row.note.slice(0, row.note.indexOf("\n")),
      size: Number(row.size),
      rootHash: b64(row.root),
      note: row.cosigned ?? row.note,
      signedAt: row.signed_at.toISOString(),
      cosigners: row.cosigners,
      witnessQuorum: quorum,
      witnessed: quorum > 0 && row.cosigners.length >= quorum,
    };
  }

  async latestCheckpoint() {
    const status = await this.checkpointStatus();
    return (
      status && { origin: status.origin, size: status.size, rootHash: status.rootHash, note: status.note }
    );
  }

  async entry(index: number): Promise<string | undefined> {
    const { rows } = await this.store.query<{ entry: string | null }>(
      "SELECT entry FROM audit_log WHERE seq = $1 AND seq <= (SELECT tree_size FROM audit_head WHERE id = 1)",
      [index + 1],
    );
    return rows[0]?.entry ?? undefined;
  }

  #signed: { size: number; readAtMs: number } | undefined;

  /** The latest signed size, reused for signedSizeTtlMs unless a larger size is asked for. */
  async #signedSize(wanted: number): Promise<number> {
    const nowMs = performance.now();
    const cached = this.#signed;
    if (cached && nowMs - cached.readAtMs < signedSizeTtlMs && wanted <= cached.size) return cached.size;
    const { rows } = await this.store.query<{ size: bigint | null }>(
      "SELECT max(size) AS size FROM log_checkpoints",
    );
    this.#signed = { size: Number(rows[0]?.size ?? 0), readAtMs: nowMs };
    return this.#signed.size;
  }

  async #build(build: (node: NodeSource) => Uint8Array[]): Promise<string[]> {
    const missing = nodesNeeded(build).filter((id) => !this.#cache.has(`${id.level}:${id.index}`));
    if (missing.length > 0) {
      const fetched = await fetchNodes(this.store, missing);
      if (this.#cache.size + fetched.size > nodeCacheEntriesMax) this.#cache.clear();
      for (const [key, hash] of fetched) this.#cache.set(key, hash);
      const lacking = missing.find((id) => !fetched.has(`${id.level}:${id.index}`));
      if (lacking) throw new Error(`log node ${lacking.level}:${lacking.index} missing: the tree is broken`);
    }
    return build((level, index) => this.#cache.get(`${level}:${index}`) as Uint8Array).map(b64);
  }

  async inclusionProof(index: number, size: number): Promise<ProofOutcome> {
    if (index >= size) return { status: "index_not_below_size", size };
    const signed = await this.#signedSize(size);
    if (size > signed) return { status: "size_above_tree", size: signed };
    return { status: "ok", hashes: await this.#build((node) => inclusionProof(index, size, node)) };
  }

  async consistencyProof(from: number, size: number): Promise<ProofOutcome> {
    if (from > size) return { status: "from_above_size", size };
    const signed = await this.#signedSize(size);
    if (size > signed) return { status: "size_above_tree", size: signed };
    return { status: "ok", hashes: await this.#build((node) => consistencyProof(from, size, node)) };
  }
}
