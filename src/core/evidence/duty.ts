// Section 232 duty on the US entry of a lot (REGIME.md §2): 25 % ad valorem on the entered value,
// in integer cents. Rounding: half up to the cent (`percentOfCents`, the one rounding rule of money
// in Sluice). The band comes from the product's classification; an exemption claim carries its
// end-use certificate and owes nothing (the release rule decides whether a claim is acceptable).
import { z } from "zod";
import type { Classification } from "../classification/types.ts";
import { percentOfCents } from "../evaluation/kinds.ts";
import { centsSchema, type IsoDate, isoDateSchema } from "../shared.ts";
import { idSchema } from "./ids.ts";

export const section232Exemptions = [
  "us-data-center",
  "us-repair",
  "us-research-and-development",
  "us-startup",
  "us-public-sector",
] as const;

export const dutyEntryInputSchema = z.strictObject({
  id: idSchema,
  shipmentId: idSchema,
  enteredOn: isoDateSchema,
  htsCode: z.string().regex(/^\d{4}\.\d{2}(\.\d{2,4})?$/, "expected an HTS code such as `8471.50`"),
  enteredValueCents: centsSchema,
  exemption: z
    .strictObject({ kind: z.enum(section232Exemptions), certificateRef: z.string().min(1).max(200) })
    .optional(),
});
export type DutyEntryInput = z.output<typeof dutyEntryInputSchema>;

export const dutyPaymentInputSchema = z.strictObject({
  id: idSchema,
  entryId: idSchema,
  amountCents: centsSchema.refine((cents) => cents > 0n, { message: "a payment must be positive" }),
  paidOn: isoDateSchema,
});
export type DutyPaymentInput = z.output<typeof dutyPaymentInputSchema>;

/** Duty owed on an entered value at a rate, rounded half up to the cent. */
export const dutyOwedCents = (enteredValueCents: bigint, ratePercent: number): bigint =>
  percentOfCents(enteredValueCents, ratePercent);

/** The duty an entry owes: nothing for an exemption claim or a product outside both bands. */
export function dutyFor(
  entry: Pick<DutyEntryInput, "enteredValueCents" | "exemption">,
  classification: Pick<Classification, "section232Band">,
  ratePercent: number,
): { band: 1 | 2 | null; owedCents: bigint } {
  const band = classification.section232Band;
  if (band === null || entry.exemption) return { band, owedCents: 0n };
  return { band, owedCents: dutyOwedCents(entry.enteredValueCents, ratePercent) };
}

// ── totals per window, for reports ────────────────────────────────────────────────────────────

/** How a from–to range is cut into report windows: calendar periods, or the range as one window. */
export const dutyWindowKinds = ["month", "quarter", "year", "range"] as const;
export type DutyWindowKind = (typeof dutyWindowKinds)[number];

/** At most this many windows per report (ten years by month). */
export const dutyWindowsMax = 120;

export interface DutyWindow {
  from: IsoDate;
  to: IsoDate;
}

const monthsPer: Record<Exclude<DutyWindowKind, "range">, number> = { month: 1, quarter: 3, year: 12 };
const isoDay = (year: number, month: number, day: number): IsoDate =>
  new Date(Date.UTC(year, month, day)).toISOString().slice(0, 10);

/**
 * The windows of [from, to] (inclusive dates, from ≤ to): calendar months, quarters or years
 * clipped to the range, or the range itself. Every window is listed, empty ones too, so a report
 * has one row per period. Stops after `limit` + 1 windows (the caller refuses a range that long).
 */
export function dutyWindows(
  from: IsoDate,
  to: IsoDate,
  by: DutyWindowKind,
  limit = dutyWindowsMax,
): DutyWindow[] {
  if (by === "range") return [{ from, to }];
  const step = monthsPer[by];
  const windows: DutyWindow[] = [];
  const year = Number(from.slice(0, 4));
  let month = Math.floor((Number(from.slice(5, 7)) - 1) / step) * step;
  let start = from;
  while (start <= to && windows.length <= limit) {
    const end = isoDay(year, month + step, 0);
    windows.push({ from: start, to: end < to ? end : to });
    month += step;
    start = isoDay(year, month, 1);
  }
  return windows;
}

/** Sums over a set of entries, in integer cents; outstanding = owed − paid. */
export interface DutySums {
  entries: number;
  enteredValueCents: bigint;
  dutyOwedCents: bigint;
  dutyPaidCents: bigint;
  outstandingCents: bigint;
}

/** Entries grouped by entry day, band and exemption claim (what the store sums). */
export interface DutyGroup {
  enteredOn: IsoDate;
  band: 1 | 2 | null;
  exempt: boolean;
  entries: number;
  enteredValueCents: bigint;
  dutyOwedCents: bigint;
  dutyPaidCents: bigint;
}

/**
 * One window of the report: every entry in `total`; the exemption claims (owing nothing) in
 * `exempt`; the other entries by §232 band in `bands`, or in `outsideBands` when the product is in
 * neither band.
 */
export interface DutyWindowTotals extends DutyWindow {
  total: DutySums;
  exempt: DutySums;
  bands: { band: 1 | 2; sums: DutySums }[];
  outsideBands: DutySums;
}

const noSums = (): DutySums => ({
  entries: 0,
  enteredValueCents: 0n,
  dutyOwedCents: 0n,
  dutyPaidCents: 0n,
  outstandingCents: 0n,
});

function addGroup(sums: DutySums, group: DutyGroup): void {
  sums.entries += group.entries;
  sums.enteredValueCents += group.enteredValueCents;
  sums.dutyOwedCents += group.dutyOwedCents;
  sums.dutyPaidCents += group.dutyPaidCents;
  sums.outstandingCents += group.dutyOwedCents - group.dutyPaidCents;
}

/** Adds each group to its window (by entry day); groups outside every window are ignored. */
export function dutyReport(windows: readonly DutyWindow[], groups: readonly DutyGroup[]): DutyWindowTotals[] {
  const report = windows.map((window) => ({
    ...window,
    total: noSums(),
    exempt: noSums(),
    bands: [
      { band: 1 as const, sums: noSums() },
      { band: 2 as const, sums: noSums() },
    ],
    outsideBands: noSums(),
  }));
  for (const group of groups) {
    const window = report.find((w) => w.from <= group.enteredOn && group.enteredOn <= w.to);
    if (!window) continue;
    addGroup(window.total, group);
    if (group.exempt) addGroup(window.exempt, group);
    else if (group.band === null) addGroup(window.outsideBands, group);
    else addGroup(window.bands[group.band - 1]?.sums ?? noSums(), group);
  }
  return report;
}
