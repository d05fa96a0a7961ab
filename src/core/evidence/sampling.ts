// Sampling a shipment for the lab test: how many units a lab must pull for a lot of a given size (a
// rule parameter: lot-size bands → sample size), which units (a deterministic draw from the
// shipment's serial ranges, seeded by the shipment id and the lab's nonce, so the lab's tool draws
// and the checker re-draws the same serials), and whether a serial belongs to the shipment.
// Pure: the seed is derived by sha256, the draw by a small counter-free PRNG (sfc32).
import { createHash } from "node:crypto";
import { z } from "zod";
import type { SerialRange } from "../shipments/model.ts";

/** One band of a sampling plan: lots of at least `lotUnitsMin` units need `sampleSize` units. */
export interface SamplingBand {
  lotUnitsMin: number;
  sampleSize: number;
}

/**
 * ANSI/ASQ Z1.4 general inspection level II, single sampling, normal inspection: the sample size of
 * each lot-size code letter (A 2–8 → 2 … Q ≥ 500,001 → 1,250). No plan is published for the BIS
 * condition: this is Sluice's working value, annotated [U] in the rulebook.
 */
export const z14GeneralLevelII: readonly SamplingBand[] = [
  { lotUnitsMin: 1, sampleSize: 1 },
  { lotUnitsMin: 2, sampleSize: 2 },
  { lotUnitsMin: 9, sampleSize: 3 },
  { lotUnitsMin: 16, sampleSize: 5 },
  { lotUnitsMin: 26, sampleSize: 8 },
  { lotUnitsMin: 51, sampleSize: 13 },
  { lotUnitsMin: 91, sampleSize: 20 },
  { lotUnitsMin: 151, sampleSize: 32 },
  { lotUnitsMin: 281, sampleSize: 50 },
  { lotUnitsMin: 501, sampleSize: 80 },
  { lotUnitsMin: 1201, sampleSize: 125 },
  { lotUnitsMin: 3201, sampleSize: 200 },
  { lotUnitsMin: 10001, sampleSize: 315 },
  { lotUnitsMin: 35001, sampleSize: 500 },
  { lotUnitsMin: 150001, sampleSize: 800 },
  { lotUnitsMin: 500001, sampleSize: 1250 },
];

/** Upper bound of any sample, so a certificate and a draw stay small. */
export const sampleSizeMax = 5000;

export const samplingPlanSchema = z
  .array(
    z.strictObject({
      lotUnitsMin: z.number().int().positive(),
      sampleSize: z.number().int().positive().max(sampleSizeMax),
    }),
  )
  .min(1)
  .refine((bands) => bands[0]?.lotUnitsMin === 1, { message: "the first band must start at lotUnitsMin 1" })
  .refine(
    (bands) => bands.every((band, i) => i === 0 || band.lotUnitsMin > (bands[i - 1]?.lotUnitsMin ?? 0)),
    {
      message: "bands must be in increasing lotUnitsMin order",
    },
  );

/** Units to sample from a lot: the band's size, never more than the lot itself. */
export function sampleSizeFor(lotUnits: number, plan: readonly SamplingBand[]): number {
  let size = 1;
  for (const band of plan) if (band.lotUnitsMin <= lotUnits) size = band.sampleSize;
  return Math.min(size, lotUnits);
}

/** The draw's seed: sha256 over the shipment id and the lab's nonce (both bound in the certificate). */
export function samplingSeed(shipmentId: string, nonce: string): Buffer {
  return createHash("sha256").update(`sluice-sample/1\n${shipmentId}\n${nonce}`).digest();
}

/** sfc32 over four 32-bit words of the seed: deterministic and fast; not for secrets. */
function prng(seed: Buffer): () => number {
  let a = seed.readUInt32BE(0);
  let b = seed.readUInt32BE(4);
  let c = seed.readUInt32BE(8);
  let d = seed.readUInt32BE(12);
  const next32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i += 1) next32();
  // 53 random bits → a double in [0, 1), as in Math.random's contract.
  return () => ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992;
}

export const serialCountOf = (ranges: readonly SerialRange[]): number =>
  ranges.reduce((sum, range) => sum + (range.last - range.first + 1), 0);

/** The serial at position `index` of the ranges taken in order, written `prefix` + number. */
function serialAt(ranges: readonly SerialRange[], index: number): string {
  let rest = index;
  for (const range of ranges) {
    const size = range.last - range.first + 1;
    if (rest < size) return `${range.prefix}${range.first + rest}`;
    rest -= size;
  }
  throw new Error(`serial index ${index} beyond the ranges`);
}

/** Lots up to this many units mark drawn positions in a bitset (8 KiB at most), larger ones in a set. */
const bitsetUnitsMax = 1 << 16;

/**
 * Floyd's algorithm over positions 0..total-1: `count` distinct positions, O(count) draws for lots
 * of any size, returned in increasing order. Which structure answers "already chosen?" does not
 * change the picks (the draw is a function of the seed only): a bitset for lots up to
 * `bitsetUnitsMax` units, read out in order with no sort, else a set and one numeric sort.
 */
function drawPositions(total: number, count: number, random: () => number): Float64Array {
  const positions = new Float64Array(count);
  if (total > bitsetUnitsMax) {
    const chosen = new Set<number>();
    for (let j = total - count, k = 0; j < total; j += 1, k += 1) {
      const t = Math.floor(random() * (j + 1));
      const pick = chosen.has(t) ? j : t;
      chosen.add(pick);
      positions[k] = pick;
    }
    // A typed array sorts numerically without a comparator (integers < 2^53).
    return positions.sort();
  }
  const taken = new Uint32Array(Math.ceil(total / 32));
  for (let j = total - count; j < total; j += 1) {
    const t = Math.floor(random() * (j + 1));
    const pick = ((taken[t >>> 5] ?? 0) & (1 << (t & 31))) !== 0 ? j : t;
    taken[pick >>> 5] = (taken[pick >>> 5] ?? 0) | (1 << (pick & 31));
  }
  let k = 0;
  for (let word = 0; word < taken.length; word += 1) {
    // Lowest set bit first: positions come out in increasing order.
    for (let bits = taken[word] ?? 0; bits !== 0; bits &= bits - 1)
      positions[k++] = word * 32 + 31 - Math.clz32(bits & -bits);
  }
  return positions;
}

/** Draws `size` distinct serials from the ranges (Floyd's algorithm), in position order. */
export function drawSample(ranges: readonly SerialRange[], size: number, seed: Buffer): string[] {
  const total = serialCountOf(ranges);
  const count = Math.min(size, total);
  const positions = drawPositions(total, count, prng(seed));
  const serials: string[] = new Array(count);
  for (let k = 0; k < count; k += 1) serials[k] = serialAt(ranges, positions[k] ?? 0);
  return serials;
}

/** True when `serial` is `prefix` + number (no leading zeros) inside one of the ranges. */
export function serialInRanges(serial: string, ranges: readonly SerialRange[]): boolean {
  for (const range of ranges) {
    if (!serial.startsWith(range.prefix)) continue;
    const digits = serial.slice(range.prefix.length);
    if (!/^(0|[1-9]\d{0,15})$/.test(digits)) continue;
    const n = Number(digits);
    if (n >= range.first && n <= range.last) return true;
  }
  return false;
}
