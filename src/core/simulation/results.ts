// The figures a simulation reports, per month and rulebook set, and the comparison across sets.
// Units are integers (number: they stay far below 2^53 under figureUnitsMax × horizonMonthsMax);
// money is integer cents (bigint, written as decimal text in JSON and CSV).

export interface MonthFigures {
  month: string;
  rulebookSet: string;
  /** Units the exporter asked to release this month (lots evaluated, after cuts). */
  requestedUnits: number;
  approvedUnits: number;
  deniedUnits: number;
  heldUnits: number;
  /** Units under each deciding rule id (a lot decided by two rules counts under both). */
  deniedByReason: Record<string, number>;
  heldByReason: Record<string, number>;
  /** The cap's window at month end: China (pending + posted) against ratio × US. Null without a cap. */
  usUnits: number | null;
  chinaUnits: number | null;
  ratioPercent: number | null;
  capUnits: number | null;
  headroomUnits: number | null;
  dutyCents: bigint;
  revenueShareCents: bigint;
  prepaidCents: bigint;
  forfeitedCents: bigint;
  labTestsNeededUnits: number;
  labCapacityUnits: number;
  /** Units in the labs at month end: sent for their test, waiting out the lead time (0 without one). */
  labWaitingUnits: number;
  domesticBoughtUnits: number;
  blockedAtBorderUnits: number;
  /** Ordered and not yet shipped, at month end. */
  backlogUnits: number;
  decisions: number;
}

export function emptyMonth(month: string, rulebookSet: string, labCapacityUnits: number): MonthFigures {
  return {
    month,
    rulebookSet,
    requestedUnits: 0,
    approvedUnits: 0,
    deniedUnits: 0,
    heldUnits: 0,
    deniedByReason: {},
    heldByReason: {},
    usUnits: null,
    chinaUnits: null,
    ratioPercent: null,
    capUnits: null,
    headroomUnits: null,
    dutyCents: 0n,
    revenueShareCents: 0n,
    prepaidCents: 0n,
    forfeitedCents: 0n,
    labTestsNeededUnits: 0,
    labCapacityUnits,
    labWaitingUnits: 0,
    domesticBoughtUnits: 0,
    blockedAtBorderUnits: 0,
    backlogUnits: 0,
    decisions: 0,
  };
}

export function addReason(reasons: Record<string, number>, ruleIds: readonly string[], units: number): void {
  for (const id of ruleIds) reasons[id] = (reasons[id] ?? 0) + units;
}

/** One row per rulebook set: the horizon's totals and the backlog at its end. */
export interface SetTotals {
  rulebookSet: string;
  title: string;
  approvedUnits: number;
  deniedUnits: number;
  heldUnits: number;
  dutyCents: bigint;
  revenueShareCents: bigint;
  forfeitedCents: bigint;
  domesticBoughtUnits: number;
  blockedAtBorderUnits: number;
  endBacklogUnits: number;
  /** The rule id that held or denied the most units over the horizon, or null. */
  topReason: string | null;
  decisions: number;
}

export function totalsOf(rulebookSet: string, title: string, months: readonly MonthFigures[]): SetTotals {
  const reasons: Record<string, number> = {};
  const totals: SetTotals = {
    rulebookSet,
    title,
    approvedUnits: 0,
    deniedUnits: 0,
    heldUnits: 0,
    dutyCents: 0n,
    revenueShareCents: 0n,
    forfeitedCents: 0n,
    domesticBoughtUnits: 0,
    blockedAtBorderUnits: 0,
    endBacklogUnits: months.at(-1)?.backlogUnits ?? 0,
    topReason: null,
    decisions: 0,
  };
  for (const m of months) {
    totals.approvedUnits += m.approvedUnits;
    totals.deniedUnits += m.deniedUnits;
    totals.heldUnits += m.heldUnits;
    totals.dutyCents += m.dutyCents;
    totals.revenueShareCents += m.revenueShareCents;
    totals.forfeitedCents += m.forfeitedCents;
    totals.domesticBoughtUnits += m.domesticBoughtUnits;
    totals.blockedAtBorderUnits += m.blockedAtBorderUnits;
    totals.decisions += m.decisions;
    for (const [id, units] of Object.entries(m.deniedByReason)) reasons[id] = (reasons[id] ?? 0) + units;
    for (const [id, units] of Object.entries(m.heldByReason)) reasons[id] = (reasons[id] ?? 0) + units;
  }
  let top: [string, number] | null = null;
  for (const entry of Object.entries(reasons).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    if (!top || entry[1] > top[1]) top = entry;
  totals.topReason = top?.[0] ?? null;
  return totals;
}

/** Keys in byte order, so the same figures always print the same bytes. */
const sortedRecord = (record: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** JSON-ready copy: cents as decimal text, reason maps in key order. */
export function monthJson(m: MonthFigures) {
  return {
    ...m,
    deniedByReason: sortedRecord(m.deniedByReason),
    heldByReason: sortedRecord(m.heldByReason),
    dutyCents: m.dutyCents.toString(),
    revenueShareCents: m.revenueShareCents.toString(),
    prepaidCents: m.prepaidCents.toString(),
    forfeitedCents: m.forfeitedCents.toString(),
  };
}

export function totalsJson(t: SetTotals) {
  return {
    ...t,
    dutyCents: t.dutyCents.toString(),
    revenueShareCents: t.revenueShareCents.toString(),
    forfeitedCents: t.forfeitedCents.toString(),
  };
}

/** The flat columns of the monthly CSV, in order (reasons as `rule=units; …`). */
export const monthColumns = [
  "month",
  "rulebookSet",
  "requestedUnits",
  "approvedUnits",
  "deniedUnits",
  "heldUnits",
  "deniedByReason",
  "heldByReason",
  "usUnits",
  "chinaUnits",
  "ratioPercent",
  "capUnits",
  "headroomUnits",
  "dutyCents",
  "revenueShareCents",
  "prepaidCents",
  "forfeitedCents",
  "labTestsNeededUnits",
  "labCapacityUnits",
  "labWaitingUnits",
  "domesticBoughtUnits",
  "blockedAtBorderUnits",
  "backlogUnits",
  "decisions",
] as const;

export function monthRow(m: MonthFigures): (string | number)[] {
  const json = monthJson(m);
  const reasons = (record: Record<string, number>) =>
    Object.entries(record)
      .map(([id, units]) => `${id}=${units}`)
      .join("; ");
  return monthColumns.map((column) => {
    if (column === "deniedByReason" || column === "heldByReason") return reasons(json[column]);
    const value = json[column];
    return value === null ? "" : value;
  });
}
