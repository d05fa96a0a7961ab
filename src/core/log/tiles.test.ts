// Tile addressing: every node of a tree lands in exactly one slot of one tile, the tile's ranges
// cover exactly its nodes, and a tile answers only the nodes it was given.
import { describe, expect, it } from "vitest";
import { Tile, tileHeight, tileNodes, tileRanges, tileSlot, tileWidth } from "./tiles.ts";

describe("merkle tiles", () => {
  it("puts every node of levels 0–11 in one slot of one tile, and the tile's ranges name it", () => {
    const seen = new Set<string>();
    for (let level = 0; level < 12; level++) {
      for (let index = 0; index < 2 ** (12 - level) + 3; index++) {
        const at = tileSlot(level, index);
        expect(at.tileLevel).toBe(Math.floor(level / tileHeight));
        expect(at.row).toBe(level % tileHeight);
        const key = `${at.tileLevel}/${at.tileIndex}/${at.row}/${at.column}`;
        expect(seen.has(key)).toBe(false);
        seen.add(key);
        const range = tileRanges(at).find((r) => r.level === level);
        expect(range && index >= range.start && index < range.end).toBe(true);
      }
    }
    const ranges = tileRanges({ tileLevel: 0, tileIndex: 3 });
    expect(ranges.map((r) => r.end - r.start).reduce((a, b) => a + b, 0)).toBe(tileNodes);
    expect(ranges[0]).toEqual({ level: 0, start: 3 * tileWidth, end: 4 * tileWidth });
    expect(ranges.at(-1)).toEqual({ level: 7, start: 6, end: 8 });
    // The top tile level stops at level 52 (sizes below 2^53).
    expect(tileRanges({ tileLevel: 6, tileIndex: 0 }).map((r) => r.level)).toEqual([48, 49, 50, 51, 52]);
  });

  it("answers the nodes it was given and no others", () => {
    const tile = new Tile({ tileLevel: 1, tileIndex: 2 });
    const hash = (n: number) => new Uint8Array(32).fill(n);
    tile.set(8, 512, hash(1)); // first node of its bottom row
    tile.set(15, 5, hash(2)); // last node of its top row
    const first = tileSlot(8, 512);
    const last = tileSlot(15, 5);
    expect(tile.get(first.row, first.column)).toEqual(hash(1));
    expect(tile.get(last.row, last.column)).toEqual(hash(2));
    expect(tile.get(first.row, first.column + 1)).toBeUndefined();
    expect(() => tile.set(8, 511, hash(3))).toThrow(RangeError);
    expect(() => tile.set(7, 512, hash(3))).toThrow(RangeError);
  });
});
