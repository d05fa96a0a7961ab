// Small value types shared by the core modules: ISO dates, country codes, integer money and
// quantities, and their zod schemas. Dates are calendar days (`YYYY-MM-DD`) compared as strings.
import { z } from "zod";

export type IsoDate = string;

const isoDatePattern = /^\d{4}-\d{2}-\d{2}$/;

/** True when `value` is a real calendar day written `YYYY-MM-DD`. */
export function isIsoDate(value: string): boolean {
  if (!isoDatePattern.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

export const isoDateSchema = z
  .string()
  .refine(isIsoDate, { message: "expected a calendar date written YYYY-MM-DD" })
  .meta({ format: "date" });

/** ISO 3166-1 alpha-2 country code, upper case. */
export const countrySchema = z
  .string()
  .regex(/^[A-Z]{2}$/, "expected an ISO 3166 alpha-2 country code such as `CN`");

/** The largest amount the store holds (PostgreSQL bigint): more is bad input, not a database error. */
export const centsMax = 9_223_372_036_854_775_807n;

/**
 * Integer money in cents (or any non-negative integer amount): JSON has no bigint, so accept a
 * string of digits or a safe integer, and hand the core a bigint (at most `centsMax`).
 */
export const centsSchema = z
  .union([
    z.string().regex(/^\d+$/, "expected a non-negative integer written as digits"),
    z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  ])
  .transform((value) => BigInt(value))
  .refine((cents) => cents <= centsMax, { message: `expected at most ${centsMax}` });

export const unitsSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const countSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** Days from `a` to `b` (positive when b is later). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** Monday–Friday days after `a` up to and including `b` (holidays are not modelled). */
export function businessDaysBetween(a: IsoDate, b: IsoDate): number {
  const total = daysBetween(a, b);
  if (total <= 0) return 0;
  const startWeekday = new Date(`${a}T00:00:00Z`).getUTCDay();
  let count = 0;
  for (let offset = 1; offset <= total; offset += 1) {
    const weekday = (startWeekday + offset) % 7;
    if (weekday !== 0 && weekday !== 6) count += 1;
  }
  return count;
}

/** Ceiling of a / b for non-negative bigints, b > 0. */
export const ceilDiv = (a: bigint, b: bigint): bigint => (a + b - 1n) / b;

/** Turns a zod issue path into `a.b[2].c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? "(root)" : out;
}
