// A lot's serials as ranges and lists: `H200-0000001..H200-2000000` (a common prefix and a
// fixed-width number) or single serials. Counted and checked without expanding (2,000,000 serials
// per import), expanded lazily when a store writes them. Refusals are values with messages.
import { serialLengthMax } from "./heartbeat.ts";

/** Serials one import may register. */
export const serialsPerImportMax = 2_000_000;

export const serialRefusals = ["malformed", "range_reversed", "too_many", "duplicate"] as const;
export type SerialRefusal = (typeof serialRefusals)[number];

export interface SerialRange {
  prefix: string;
  first: number;
  last: number;
  /** Digits of the number, zero-padded. */
  width: number;
}

export interface SerialSet {
  ranges: SerialRange[];
  list: string[];
  count: number;
}

export type SerialsParse =
  | { ok: true; serials: SerialSet }
  | { ok: false; refusal: SerialRefusal; index: number; message: string };

const serialPattern = /^[\x21-\x7e]+$/;
/** The trailing number of a serial: up to 15 digits keeps it an exact double. */
const endPattern = /^(.*?)(\d{1,15})$/;

export const formatSerial = (range: SerialRange, n: number): string =>
  `${range.prefix}${String(n).padStart(range.width, "0")}`;

function parseRange(text: string): SerialRange | string {
  const [from, to, extra] = text.split("..");
  if (from === undefined || to === undefined || extra !== undefined) return "expected FIRST..LAST";
  const a = endPattern.exec(from);
  const b = endPattern.exec(to);
  if (!a || !b) return "both ends must end in digits";
  const [, prefixA = "", digitsA = ""] = a;
  const [, prefixB = "", digitsB = ""] = b;
  if (prefixA !== prefixB || digitsA.length !== digitsB.length)
    return "both ends must share the prefix and the number of digits";
  return { prefix: prefixA, first: Number(digitsA), last: Number(digitsB), width: digitsA.length };
}

/** Whether a serial falls inside a range. */
export function inRange(serial: string, range: SerialRange): boolean {
  if (serial.length !== range.prefix.length + range.width || !serial.startsWith(range.prefix)) return false;
  const digits = serial.slice(range.prefix.length);
  if (!/^\d+$/.test(digits)) return false;
  const n = Number(digits);
  return n >= range.first && n <= range.last;
}

const refuse = (refusal: SerialRefusal, index: number, message: string): SerialsParse => ({
  ok: false,
  refusal,
  index,
  message: `serials[${index}]: ${message}`,
});

/** The first overlap between ranges (sorted by prefix and start), as two indexes, or null. */
function rangeOverlap(ranges: readonly { range: SerialRange; index: number }[]): [number, number] | null {
  const sorted = [...ranges].sort(
    (x, y) =>
      (x.range.prefix < y.range.prefix ? -1 : x.range.prefix > y.range.prefix ? 1 : 0) ||
      x.range.width - y.range.width ||
      x.range.first - y.range.first,
  );
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1];
    const b = sorted[i];
    if (
      a &&
      b &&
      a.range.prefix === b.range.prefix &&
      a.range.width === b.range.width &&
      b.range.first <= a.range.last
    )
      return [a.index, b.index];
  }
  return null;
}

/** Parses a lot's serial entries (each a serial or a range), counting and checking for duplicates. */
export function parseSerials(entries: readonly string[]): SerialsParse {
  const ranges: { range: SerialRange; index: number }[] = [];
  const list: string[] = [];
  const listIndex = new Map<string, number>();
  let count = 0;
  for (const [index, text] of entries.entries()) {
    if (text.length === 0 || text.length > 2 * serialLengthMax + 2 || !serialPattern.test(text))
      return refuse(
        "malformed",
        index,
        `\`${text.slice(0, 40)}\` must be 1–${serialLengthMax} printable characters without spaces`,
      );
    if (text.includes("..")) {
      const range = parseRange(text);
      if (typeof range === "string") return refuse("malformed", index, `range \`${text}\`: ${range}`);
      if (range.first > range.last)
        return refuse("range_reversed", index, `range \`${text}\` ends before it starts`);
      count += range.last - range.first + 1;
      ranges.push({ range, index });
    } else {
      if (text.length > serialLengthMax)
        return refuse("malformed", index, `serial is longer than ${serialLengthMax} characters`);
      const before = listIndex.get(text);
      if (before !== undefined)
        return refuse("duplicate", index, `serial \`${text}\` is also serials[${before}]`);
      listIndex.set(text, index);
      list.push(text);
      count += 1;
    }
    if (count > serialsPerImportMax)
      return refuse("too_many", index, `more than ${serialsPerImportMax} serials in one import`);
  }
  const overlap = rangeOverlap(ranges);
  if (overlap) return refuse("duplicate", overlap[1], `range overlaps serials[${overlap[0]}]`);
  for (const { range, index } of ranges)
    for (const serial of list)
      if (inRange(serial, range))
        return refuse(
          "duplicate",
          listIndex.get(serial) ?? 0,
          `serial \`${serial}\` is inside serials[${index}]`,
        );
  return { ok: true, serials: { ranges: ranges.map((r) => r.range), list, count } };
}

/** Every serial of the set, ranges first, without building an array of them. */
export function* expandSerials(set: SerialSet): Generator<string> {
  for (const range of set.ranges)
    for (let n = range.first; n <= range.last; n++) yield formatSerial(range, n);
  yield* set.list;
}
