// The log's read side over the database: checkpoints, entries and proofs. Proofs are built from
// the stored complete subtrees (log_nodes), which never change once written, so they are kept in
// memory as tiles (tiles.ts): a proof over cached tiles makes no query at all, a cold one fetches
// each tile it lacks once. A proof is only given for sizes up to the latest SIGNED checkpoint's:
// what a verifier can check.
import type { CheckpointStatus, LogReader, ProofOutcome } from "../../../app/log/ports.ts";
import { consistencyProof, inclusionProof } from "../../../core/log/merkle.ts";
import { formatVerifierKey, type Verifier } from "../../../core/log/note.ts";
import type { Store } from "../store.ts";
import { TileCache, type TreeBuild } from "./tiles.ts";

export interface LogReaderOptions {
  /** The log's public key (none: GET /v1/log/key answers 503). */
  verifier?: Verifier | undefined;
  /** Cosignatures needed for "witnessed" (0: never witnessed). */
  witnessQuorum?: number;
  /** Tiles of the tree kept in memory at most (default tileCacheTilesMax). */
  tilesMax?: number;
}

const b64 = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");

export class DbLogReader implements LogReader {
  readonly #tiles: TileCache;

  constructor(
    private readonly store: Store,
    private readonly options: LogReaderOptions = {},
  ) {
    this.#tiles = new TileCache(store, options.tilesMax);
  }

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

  /** The largest signed size seen: it only grows (the log never signs an inconsistent tree). */
  #signedSizeKnown = 0;

  /**
   * The latest signed size when `wanted` is above the largest known: any size up to a signed one
   * stays provable for good, so only a larger size asks the database (and sees a new checkpoint
   * at once).
   */
  async #signedSize(wanted: number): Promise<number> {
    if (wanted <= this.#signedSizeKnown) return this.#signedSizeKnown;
    const { rows } = await this.store.query<{ size: bigint | null }>(
      "SELECT max(size) AS size FROM log_checkpoints",
    );
    this.#signedSizeKnown = Math.max(this.#signedSizeKnown, Number(rows[0]?.size ?? 0));
    return this.#signedSizeKnown;
  }

  async #build(build: TreeBuild<Uint8Array[]>): Promise<string[]> {
    return (await this.#tiles.build(build)).map(b64);
  }

  async inclusionProof(index: number, size: number): Promise<ProofOutcome> {
    if (index >= size) return { status: "index_not_below_size", size };
    const signed = await this.#signedSize(size);
    if (size > signed) return { status: "size_above_tree", size: signed };
    return {
      status: "ok",
      hashes: await this.#build((node, memo) => inclusionProof(index, size, node, memo)),
    };
  }

  async consistencyProof(from: number, size: number): Promise<ProofOutcome> {
    if (from > size) return { status: "from_above_size", size };
    const signed = await this.#signedSize(size);
    if (size > signed) return { status: "size_above_tree", size: signed };
    return { status: "ok", hashes: await this.#build((node) => consistencyProof(from, size, node)) };
  }
}
