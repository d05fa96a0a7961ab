// How `sluice simulate` shows a report: a comparison table on the terminal, CSV files written with
// csv-stringify, and SVG charts rendered with ECharts' server-side SVG renderer (no DOM, no network).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CounterfactualReport } from "../../../app/simulation/counterfactual.ts";
import type { SimulationReport } from "../../../app/simulation/simulate.ts";
import { type MonthFigures, monthColumns, monthRow, totalsJson } from "../../../core/simulation/results.ts";

export const chartWidthPx = 960;
export const chartHeightPx = 480;

const dollars = (cents: bigint): string => `$${(cents / 100n).toLocaleString("en-US")}`;
const count = (units: number): string => units.toLocaleString("en-US");

export function comparisonTable(report: SimulationReport): string {
  const header = [
    "rulebook set",
    "approved",
    "denied",
    "held",
    "end backlog",
    "§232 duty",
    "share",
    "forfeited",
    "domestic",
    "top reason",
  ];
  const rows = report.totals.map((t) => [
    t.rulebookSet,
    count(t.approvedUnits),
    count(t.deniedUnits),
    count(t.heldUnits),
    count(t.endBacklogUnits),
    dollars(t.dutyCents),
    dollars(t.revenueShareCents),
    dollars(t.forfeitedCents),
    count(t.domesticBoughtUnits),
    t.topReason ?? "-",
  ]);
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => (r[k] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, k) => (k === 0 || k === 9 ? c.padEnd(widths[k] ?? 0) : c.padStart(widths[k] ?? 0)))
      .join("  ")
      .trimEnd();
  const { scenario, months } = report;
  return [
    `${scenario.title} (${scenario.id}, seed ${scenario.seed}), ${months[0]} to ${months.at(-1)}`,
    "units over the horizon; held and denied count a lot again each month it is refused",
    "",
    line(header),
    ...rows.map(line),
  ].join("\n");
}

export async function writeCsv(report: SimulationReport, dir: string): Promise<string[]> {
  const { stringify } = await import("csv-stringify/sync");
  mkdirSync(dir, { recursive: true });
  const monthsFile = join(dir, "months.csv");
  writeFileSync(
    monthsFile,
    stringify(report.series.map(monthRow), { header: true, columns: [...monthColumns] }),
  );
  const totals = report.totals.map(totalsJson);
  const totalsFile = join(dir, "totals.csv");
  const columns = Object.keys(totals[0] ?? {});
  writeFileSync(
    totalsFile,
    stringify(
      totals.map((t) => columns.map((c) => (t as Record<string, unknown>)[c] ?? "")),
      { header: true, columns },
    ),
  );
  return [monthsFile, totalsFile];
}

/** One line per rulebook set over the months; SVG text, the same bytes for the same report. */
export function lineChartSvg(
  echarts: typeof import("echarts"),
  title: string,
  unit: string,
  report: SimulationReport,
  value: (m: MonthFigures) => number | null,
): string {
  const chart = echarts.init(null, null, {
    renderer: "svg",
    ssr: true,
    width: chartWidthPx,
    height: chartHeightPx,
  });
  chart.setOption({
    animation: false,
    title: { text: title, left: "center" },
    legend: { bottom: 0, type: "plain" },
    grid: { left: 90, right: 30, top: 50, bottom: 90 },
    xAxis: { type: "category", data: report.months },
    yAxis: { type: "value", name: unit },
    series: report.rulebookSets.map((set) => ({
      name: set.id,
      type: "line",
      data: report.series.filter((m) => m.rulebookSet === set.id).map(value),
    })),
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

export const charts: {
  file: string;
  title: string;
  unit: string;
  value: (m: MonthFigures) => number | null;
}[] = [
  {
    file: "approved.svg",
    title: "Units approved and shipped to China per month",
    unit: "units",
    value: (m) => m.approvedUnits,
  },
  {
    file: "backlog.svg",
    title: "Backlog of Chinese orders at month end",
    unit: "units",
    value: (m) => m.backlogUnits,
  },
  {
    file: "headroom.svg",
    title: "Cap headroom at month end (ratio × US − China)",
    unit: "units",
    value: (m) => m.headroomUnits,
  },
  {
    file: "duty.svg",
    title: "Section 232 duty collected per month",
    unit: "USD",
    value: (m) => Number(m.dutyCents / 100n),
  },
  { file: "held.svg", title: "Units held per month (all reasons)", unit: "units", value: (m) => m.heldUnits },
  {
    file: "labs.svg",
    title: "Units at the labs at month end, waiting for their test (with a lead time)",
    unit: "units",
    value: (m) => m.labWaitingUnits,
  },
  {
    file: "domestic.svg",
    title: "Domestic accelerators bought per month",
    unit: "units",
    value: (m) => m.domesticBoughtUnits,
  },
];

export async function writeCharts(report: SimulationReport, dir: string): Promise<string[]> {
  // ECharts takes seconds to load on a busy machine: only a run that draws charts loads it.
  const echarts = await import("echarts");
  mkdirSync(dir, { recursive: true });
  return charts.map(({ file, title, unit, value }) => {
    const path = join(dir, file);
    writeFileSync(path, lineChartSvg(echarts, title, unit, report, value));
    return path;
  });
}

export function flipLines(report: CounterfactualReport): string {
  const proposed =
    report.proposed.map((b) => `${b.id}@${b.version}`).join(", ") || "the rulebooks as they are";
  const lines = [
    `re-decided ${report.examined} stored decisions under ${proposed}${report.at ? ` on ${report.at}` : " on their own days"}: ${report.flipped} flip`,
  ];
  for (const flip of report.flips) {
    const what = flip.shipmentId ? `${flip.orderId}/${flip.shipmentId}` : flip.orderId;
    lines.push(
      `  ${flip.decisionId}  ${what} ${flip.purpose} (${flip.evaluatedOn}): ${flip.before} → ${flip.after}`,
    );
    for (const change of flip.changes)
      lines.push(
        `      ${change.ruleId}: ${change.before ?? "absent"} → ${change.after ?? "absent"}  ${change.message}`,
      );
  }
  return lines.join("\n");
}
