// An in-memory cache of the Merkle tree's tiles (src/core/log/tiles.ts) read from log_nodes, so a
// proof is built from memory: a tile is fetched with one query the first time a proof needs one
// of its nodes, and again only when a proof needs a node the tile did not hold yet (it was at the
// tree's right edge then). Node hashes never change once integrated, so nothing is invalidated;
// beyond tilesMax the tiles not used since the last eviction pass go first (second chance). The
// hashes of the incomplete ranges along a tree's right edge are kept too (RangeMemo). Concurrent
// requests for one tile share one query.
import type { NodeSource, RangeMemo } from "../../../core/log/merkle.ts";
import { Tile, type TileId, tileHeight, tileRanges } from "../../../core/log/tiles.ts";
import type { Store } from "../store.ts";

/** Tiles kept at most (about 16.5 KB each: 4,096 tiles ≈ 66 MB, a million-leaf tree whole). */
export const tileCacheTilesMax = 4096;
/** Fetch rounds for one proof: the tiles it lacks are fetched at once, so one round is the rule. */
export const buildRoundsMax = 4;
/** Right-edge range hashes kept at most (a tree size uses about log2(size) of them). */
export const rangeMemoEntriesMax = 4096;

interface CachedTile {
  tile: Tile;
  used: boolean;
}

export type TreeBuild<T> = (node: NodeSource, memo: RangeMemo) => T;

export class TileCache {
  readonly #tiles = new Map<number, CachedTile>();
  readonly #loading = new Map<number, Promise<Tile>>();
  readonly #ranges = new Map<string, Uint8Array>();

  constructor(
    private readonly store: Store,
    private readonly tilesMax: number = tileCacheTilesMax,
  ) {}

  /**
   * Runs `build` over the cached nodes. Nodes it lacks are recorded (it gets a placeholder, and
   * what it would memoize is dropped), their tiles fetched, and `build` run again over the cache
   * and the tiles fetched for it (kept for this build even if the cache drops them at once). A
   * node still absent after buildRoundsMax rounds is a broken store.
   */
  async build<T>(build: TreeBuild<T>): Promise<T> {
    const fetched = new Map<number, Tile>();
    for (let round = 1; ; round++) {
      const lacking = new Map<number, TileId>();
      const staged: [string, Uint8Array][] = [];
      const result = build(this.#source(lacking, fetched), {
        get: (key) => this.#ranges.get(key),
        set: (key, hash) => staged.push([key, hash]),
      });
      if (lacking.size === 0) {
        for (const [key, hash] of staged) this.#remember(key, hash);
        return result;
      }
      if (round === buildRoundsMax) {
        const [id] = lacking.values();
        throw new Error(
          `log tile ${id?.tileLevel}/${id?.tileIndex} lacks a node a proof needs: the tree is broken`,
        );
      }
      await Promise.all(
        [...lacking].map(async ([key, id]) => {
          fetched.set(key, await this.#load(id, key));
        }),
      );
    }
  }

  #remember(key: string, hash: Uint8Array): void {
    if (this.#ranges.size >= rangeMemoEntriesMax) this.#ranges.clear();
    this.#ranges.set(key, hash);
  }

  #source(lacking: Map<number, TileId>, fetched: Map<number, Tile>): NodeSource {
    return (level, index) => {
      const hash = this.#node(level, index, fetched);
      if (hash) return hash;
      const tileLevel = Math.floor(level / tileHeight);
      const tileIndex = Math.floor(index / 2 ** (tileHeight * (tileLevel + 1) - level));
      lacking.set(tileIndex * 8 + tileLevel, { tileLevel, tileIndex });
      return placeholder;
    };
  }

  #node(level: number, index: number, fetched: Map<number, Tile>): Uint8Array | undefined {
    const tileLevel = Math.floor(level / tileHeight);
    const row = level - tileLevel * tileHeight;
    const rowWidth = 2 ** (tileHeight - row);
    const tileIndex = Math.floor(index / rowWidth);
    const key = tileIndex * 8 + tileLevel;
    const cached = this.#tiles.get(key);
    if (cached) cached.used = true;
    const tile = fetched.get(key) ?? cached?.tile;
    return tile?.get(row, index - tileIndex * rowWidth);
  }

  #load(id: TileId, key: number): Promise<Tile> {
    let loading = this.#loading.get(key);
    if (!loading) {
      loading = this.#fetch(id, key).finally(() => this.#loading.delete(key));
      this.#loading.set(key, loading);
    }
    return loading;
  }

  async #fetch(id: TileId, key: number): Promise<Tile> {
    const ranges = tileRanges(id);
    const { rows } = await this.store.query<{ level: number; idx: bigint; hash: Buffer }>(
      `SELECT n.level, n.idx, n.hash
         FROM unnest($1::smallint[], $2::bigint[], $3::bigint[]) AS r (level, lo, hi)
         JOIN log_nodes n ON n.level = r.level AND n.idx >= r.lo AND n.idx < r.hi`,
      [ranges.map((r) => r.level), ranges.map((r) => r.start), ranges.map((r) => r.end)],
    );
    const tile = new Tile(id);
    for (const row of rows) tile.set(row.level, Number(row.idx), row.hash);
    this.#tiles.delete(key);
    this.#tiles.set(key, { tile, used: true });
    this.#evict();
    return tile;
  }

  /** Drops the oldest tiles not used since they were last looked at here (second chance). */
  #evict(): void {
    for (const [key, cached] of this.#tiles) {
      if (this.#tiles.size <= this.tilesMax) return;
      this.#tiles.delete(key);
      if (cached.used) {
        cached.used = false;
        this.#tiles.set(key, cached);
      }
    }
  }
}

const placeholder = new Uint8Array(32);
