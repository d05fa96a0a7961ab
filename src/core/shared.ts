// Small value types shared by the core modules: ISO dates, country codes, integer money and
// quantities, and their zod schemas. Dates are calendar days (`YYYY-MM-DD`) compared as strings.
import { z } from "zod";

export type IsoDate = string;

const isoDatePattern = /^\d{4}-\d{2}-\d{2}$/;

/** Days in each month of a common year; February gains one in a leap year. */
const monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/**
 * True when `value` is a real calendar day written `YYYY-MM-DD` (proleptic Gregorian, years
 * 0000–9999, as `Date` reads them). Checked by arithmetic: building a Date and writing it back
 * cost a tenth of a request's validation (a dossier has a dozen dates); the test compares both.
 */
export function isIsoDate(value: string): boolean {
  if (!isoDatePattern.test(value)) return false;
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  if (month < 1 || month > 12 || day < 1) return false;
  const days = month === 2 && isLeapYear(year) ? 29 : (monthDays[month - 1] ?? 0);
  return day <= days;
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
