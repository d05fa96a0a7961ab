// isIsoDate by arithmetic against the definition it replaced: a Date built from the text and
// written back gives the same text.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isIsoDate } from "./shared.ts";

const byDate = (value: string): boolean => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
};

const pad = (n: number, width: number) => String(n).padStart(width, "0");

describe("isIsoDate", () => {
  it("takes real days and refuses the rest, at the edges", () => {
    for (const day of ["2026-01-15", "2024-02-29", "2000-02-29", "0000-01-01", "9999-12-31", "2026-12-31"])
      expect(isIsoDate(day), day).toBe(true);
    for (const day of [
      "2026-02-29",
      "1900-02-29",
      "2026-04-31",
      "2026-13-01",
      "2026-00-10",
      "2026-01-00",
      "2026-1-15",
      "26-01-15",
      "2026-01-15T00:00:00Z",
      " 2026-01-15",
      "",
      "2026-01-32",
    ])
      expect(isIsoDate(day), day).toBe(false);
  });

  it("agrees with Date's reading on every year, month and day written with the right digits", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 0, max: 99 }),
        (year, month, day) => {
          const text = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
          expect(isIsoDate(text)).toBe(byDate(text));
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it("agrees with Date's reading on any text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (text) => {
        expect(isIsoDate(text)).toBe(byDate(text));
      }),
    );
  });
});
