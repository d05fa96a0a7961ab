// The volume-cap policy (REGIME C6: China ≤ ratio × US end-use, measure/scope/window as parameters)
// and the pure derivations from it: which accounts an operation touches and its integer amount.
// Dates are UTC calendar days `YYYY-MM-DD`. No I/O, no clock.
import { z } from "zod";

export const capMeasures = ["units", "tpp"] as const;
export const capScopes = ["product", "all"] as const;
/** A rolling window touches one account per day it covers; this bounds the work per operation. */
export const rollingDaysMax = 366;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD");

export const capPolicySchema = z.object({
  ratioPercent: z.number().int().min(0).max(1000),
  measure: z.enum(capMeasures),
  scope: z.enum(capScopes),
  window: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("cumulative"), since: isoDate }),
    z.object({ kind: z.literal("calendar-quarter") }),
    z.object({ kind: z.literal("rolling"), days: z.number().int().min(1).max(rollingDaysMax) }),
  ]),
});

/** Exactly the shape the rulebook's ratio-cap parameters map to. */
export type CapPolicy = z.infer<typeof capPolicySchema>;
export type CapMeasure = CapPolicy["measure"];

/**
 * A fixed policy for the ledger's own tests and benches (REGIME C6 as the shipped rulebook reads it:
 * 50 %, units, per product, since 15 Jan 2026). The running system never uses it: the server, the
 * CLI and the seed take the cap from the ratio-cap rule in force (cap-in-force.ts), one source.
 */
export const capPolicyDefault: CapPolicy = {
  ratioPercent: 50,
  measure: "units",
  scope: "product",
  window: { kind: "cumulative", since: "2026-01-15" },
};

const dayMs = 86_400_000;

export const dayOf = (instant: Date): string => instant.toISOString().slice(0, 10);

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * dayMs).toISOString().slice(0, 10);
}

export function isValidDay(day: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return false;
  const parsed = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === day;
}

export const scopeKey = (policy: CapPolicy, productId: string): string =>
  policy.scope === "all" ? "all" : `product:${productId}`;

/**
 * The accounts an operation dated `day` belongs to, or undefined when the day lies before a
 * cumulative window's start. A rolling window of N days is kept as one account per window END
 * day: an amount dated d counts in the windows ending d, d+1, …, d+N-1, so each account is an exact
 * window total and the invariant holds per row (and is checked by the row's CHECK constraint).
 */
export function accountIdsFor(policy: CapPolicy, productId: string, day: string): string[] | undefined {
  const prefix = `${policy.measure}/${scopeKey(policy, productId)}`;
  const window = policy.window;
  switch (window.kind) {
    case "cumulative":
      return day < window.since ? undefined : [`${prefix}/since:${window.since}`];
    case "calendar-quarter": {
      const quarter = Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1;
      return [`${prefix}/quarter:${day.slice(0, 4)}-Q${quarter}`];
    }
    case "rolling":
      return Array.from(
        { length: window.days },
        (_, k) => `${prefix}/rolling:${window.days}d:${addDays(day, k)}`,
      );
  }
}

/**
 * The amount counted for `units` of a product. TPP per unit may be fractional; China amounts round
 * UP and US amounts round DOWN, so rounding can only make the cap stricter, never looser.
 */
export function capAmount(
  measure: CapMeasure,
  side: "cn" | "us",
  units: bigint,
  tppPerUnit?: number,
): bigint | undefined {
  if (measure === "units") return units;
  if (tppPerUnit === undefined || !Number.isFinite(tppPerUnit) || tppPerUnit <= 0) return undefined;
  const perUnit = side === "cn" ? Math.ceil(tppPerUnit) : Math.floor(tppPerUnit);
  return BigInt(perUnit) * units;
}

/** `100 × (cn_pending + cn_posted) ≤ ratio × us_posted`, in integers. */
export const withinCap = (ratioPercent: number, usPosted: bigint, cnTotal: bigint): boolean =>
  100n * cnTotal <= BigInt(ratioPercent) * usPosted;
