// Tiles of the Merkle tree, for serving proofs from memory: the tree's complete subtrees grouped
// as C2SP tlog-tiles and Tessera group them (height 8). Tile (tileLevel L, tileIndex T) holds the
// nodes of levels 8L … 8L+7 under the level-(8L+8) node T: 256 nodes of level 8L, 128 of the
// level above, …, 2 of level 8L+7 (510 in all). A complete subtree's hash never changes once
// integrated, so a tile only ever gains nodes (at the tree's right edge) and never needs
// invalidating. Pure: addressing and a fixed-size container, no I/O.
import { hashBytes } from "./merkle.ts";

export const tileHeight = 8;
/** Nodes of a tile's bottom row. */
export const tileWidth = 2 ** tileHeight;
/** Nodes a tile holds: 256 + 128 + … + 2. */
export const tileNodes = 2 * tileWidth - 2;

export interface TileId {
  tileLevel: number;
  tileIndex: number;
}

/** A node's place: its tile, the row in it (0 = bottom) and the position in that row. */
export interface TileSlot extends TileId {
  row: number;
  column: number;
}

/** First slot of each row in a tile's flat layout (row 0 at 0, row 1 at 256, row 2 at 384, …). */
const rowStart = (row: number): number => 2 * tileWidth - 2 ** (tileHeight + 1 - row);

export function tileSlot(level: number, index: number): TileSlot {
  const tileLevel = Math.floor(level / tileHeight);
  const row = level - tileLevel * tileHeight;
  const rowWidth = 2 ** (tileHeight - row);
  const tileIndex = Math.floor(index / rowWidth);
  return { tileLevel, tileIndex, row, column: index - tileIndex * rowWidth };
}

/** The node ranges a tile covers: per row, its level and the indices [start, end) at that level. */
export function tileRanges(id: TileId): { level: number; start: number; end: number }[] {
  const ranges: { level: number; start: number; end: number }[] = [];
  for (let row = 0; row < tileHeight; row++) {
    const level = id.tileLevel * tileHeight + row;
    if (level > 52) break;
    const rowWidth = 2 ** (tileHeight - row);
    ranges.push({ level, start: id.tileIndex * rowWidth, end: (id.tileIndex + 1) * rowWidth });
  }
  return ranges;
}

/** The hashes of one tile known so far, in one buffer; absent nodes are marked as such. */
export class Tile {
  readonly #hashes = new Uint8Array(tileNodes * hashBytes);
  readonly #present = new Uint8Array(tileNodes);

  constructor(readonly id: TileId) {}

  /** Stores node (level, index), which must lie in this tile. */
  set(level: number, index: number, hash: Uint8Array): void {
    const slot = this.#slotOf(level, index);
    this.#hashes.set(hash, slot * hashBytes);
    this.#present[slot] = 1;
  }

  /** The node's hash (a view into the tile), or undefined when this tile does not hold it yet. */
  get(row: number, column: number): Uint8Array | undefined {
    const slot = rowStart(row) + column;
    return this.#present[slot] === 1
      ? this.#hashes.subarray(slot * hashBytes, (slot + 1) * hashBytes)
      : undefined;
  }

  #slotOf(level: number, index: number): number {
    const at = tileSlot(level, index);
    if (at.tileLevel !== this.id.tileLevel || at.tileIndex !== this.id.tileIndex) {
      throw new RangeError(`node ${level}:${index} is not in tile ${this.id.tileLevel}/${this.id.tileIndex}`);
    }
    return rowStart(at.row) + at.column;
  }
}
