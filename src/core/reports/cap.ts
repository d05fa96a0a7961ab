// The cap report: per ledger account (measure / product scope / window) the US end-use volume,
// China pending and posted, the ratio reached and the headroom at the window's end (the same
// figures as GET /v1/quota when the window ends today); reservations per exporter; the days the
// cap was tight or blocked; and the cap over time as a chart.
import type { CapFigures, CapMovementDay } from "./figures.ts";
import { type Cell, type Chart, daysOf, percentText, type ReportBody, type ReportWindow } from "./model.ts";

/** A day is tight when the headroom left is under this share of what the cap allows. */
export const tightHeadroomPercentMax = 10;

export const capDayStatuses = ["blocked", "tight", "ok"] as const;
export type CapDayStatus = (typeof capDayStatuses)[number];

/** What the cap allows China: ratio × US posted, rounded down (as the ledger's CHECK counts it). */
export const allowedOf = (ratioPercent: number, usPosted: bigint): bigint =>
  (BigInt(ratioPercent) * usPosted) / 100n;

export function capDayStatus(ratioPercent: number, usPosted: bigint, cnTotal: bigint): CapDayStatus {
  const allowed = allowedOf(ratioPercent, usPosted);
  if (100n * cnTotal > BigInt(ratioPercent) * usPosted) return "blocked";
  return 100n * (allowed - cnTotal) < BigInt(tightHeadroomPercentMax) * allowed ? "tight" : "ok";
}

interface DayBalance {
  day: string;
  usPosted: bigint;
  cnTotal: bigint;
}

/** End-of-day balances of one account over the window's days, from its movements by day. */
export function dailyBalances(movements: CapMovementDay[], window: ReportWindow): DayBalance[] {
  let us = 0n;
  let cn = 0n;
  let next = 0;
  const ordered = [...movements].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const out: DayBalance[] = [];
  for (const day of daysOf(window)) {
    for (; next < ordered.length && (ordered[next]?.day ?? "") <= day; next++) {
      const m = ordered[next];
      if (!m) break;
      us += m.dUsPosted;
      cn += m.dCnPending + m.dCnPosted;
    }
    out.push({ day, usPosted: us, cnTotal: cn });
  }
  return out;
}

export function capReport(figures: CapFigures, window: ReportWindow): ReportBody {
  const accounts: Cell[][] = figures.accounts.map((a) => {
    const cnTotal = a.cnPending + a.cnPosted;
    return [
      a.accountId,
      a.ratioPercent,
      a.usPosted,
      a.cnPending,
      a.cnPosted,
      percentText(cnTotal, a.usPosted),
      allowedOf(a.ratioPercent, a.usPosted) - cnTotal,
      capDayStatus(a.ratioPercent, a.usPosted, cnTotal),
    ];
  });
  const byAccount = new Map<string, CapMovementDay[]>();
  for (const m of figures.movementDays)
    byAccount.set(m.accountId, [...(byAccount.get(m.accountId) ?? []), m]);
  const days: Cell[][] = [];
  for (const account of figures.accounts) {
    for (const d of dailyBalances(byAccount.get(account.accountId) ?? [], window)) {
      const status = capDayStatus(account.ratioPercent, d.usPosted, d.cnTotal);
      if (status === "ok") continue;
      const allowed = allowedOf(account.ratioPercent, d.usPosted);
      days.push([account.accountId, d.day, d.usPosted, d.cnTotal, allowed, allowed - d.cnTotal, status]);
    }
  }
  const exporters: Cell[][] = figures.exporters.map((e) => [
    e.exporterId,
    e.productId,
    e.state,
    e.reservations,
    e.units,
    e.amount,
  ]);
  const chart = capChart(figures, window, byAccount);
  return {
    title: "Volume cap: US end use and China",
    tables: [
      {
        id: "accounts",
        title: "Cap accounts at the end of the window",
        columns: [
          { key: "account", title: "Account (measure/scope/window)" },
          { key: "ratio_percent", title: "Cap %", numeric: true },
          { key: "us_posted", title: "US posted", numeric: true },
          { key: "cn_pending", title: "China pending", numeric: true },
          { key: "cn_posted", title: "China posted", numeric: true },
          { key: "ratio_reached_percent", title: "China / US %", numeric: true },
          { key: "headroom", title: "Headroom", numeric: true },
          { key: "status", title: "Status" },
        ],
        rows: accounts,
        note: `Headroom = cap % × US posted − China pending − China posted, rounded down. Tight: headroom under ${tightHeadroomPercentMax} % of what the cap allows.`,
      },
      {
        id: "exporters",
        title: "Reservations made in the window, per exporter",
        columns: [
          { key: "exporter", title: "Exporter" },
          { key: "product", title: "Product" },
          { key: "state", title: "State" },
          { key: "reservations", title: "Reservations", numeric: true },
          { key: "units", title: "Units", numeric: true },
          { key: "amount", title: "Amount (cap measure)", numeric: true },
        ],
        rows: exporters,
      },
      {
        id: "days",
        title: "Days the cap was tight or blocked (end of day)",
        columns: [
          { key: "account", title: "Account" },
          { key: "day", title: "Day" },
          { key: "us_posted", title: "US posted", numeric: true },
          { key: "cn_total", title: "China pending + posted", numeric: true },
          { key: "allowed", title: "Cap allows", numeric: true },
          { key: "headroom", title: "Headroom", numeric: true },
          { key: "status", title: "Status" },
        ],
        rows: days,
      },
    ],
    ...(chart ? { chart } : {}),
  };
}

/** The cap over time for the account with the largest US volume (ties: the first id). */
function capChart(
  figures: CapFigures,
  window: ReportWindow,
  byAccount: Map<string, CapMovementDay[]>,
): Chart | undefined {
  const largest = [...figures.accounts].sort((a, b) =>
    a.usPosted === b.usPosted ? (a.accountId < b.accountId ? -1 : 1) : a.usPosted > b.usPosted ? -1 : 1,
  )[0];
  if (!largest) return undefined;
  const balances = dailyBalances(byAccount.get(largest.accountId) ?? [], window);
  return {
    title: `Cap over time: ${largest.accountId}`,
    days: balances.map((b) => b.day),
    series: [
      {
        name: "cap allows China",
        values: balances.map((b) => Number(allowedOf(largest.ratioPercent, b.usPosted))),
      },
      { name: "China pending + posted", values: balances.map((b) => Number(b.cnTotal)) },
    ],
  };
}
