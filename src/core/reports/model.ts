// The regulator report as a value: its kind, window, issuer, the log checkpoint it was computed at,
// and its tables (and one optional chart). Every renderer (JSON, CSV, PDF) reads this one model, so
// the figures are the same in every format. Pure: no clock, no I/O; the issue time and the
// checkpoint come in from the use case.

/** The kinds served, in the order the docs list them. */
export const reportKinds = [
  "cap",
  "decisions",
  "duty",
  "prepayments",
  "lab-tests",
  "china",
  "custody",
] as const;
export type ReportKind = (typeof reportKinds)[number];

export const reportFormats = ["json", "csv", "pdf"] as const;
export type ReportFormat = (typeof reportFormats)[number];

/** Longest window a report covers, in days: a year and a day (leap years). */
export const reportWindowDaysMax = 366;
/** Most rows one table holds; a longer table is cut and says so in its note. */
export const tableRowsMax = 200_000;

/** A cell: text, an integer (bigint for money and quantities), or empty. */
export type Cell = string | number | bigint | null;

export interface Column {
  key: string;
  title: string;
  /** The Chinese heading, for the reports the Chinese side files. */
  titleZh?: string;
  /** Right-aligned in the PDF. */
  numeric?: boolean;
}

export interface Table {
  id: string;
  title: string;
  titleZh?: string;
  columns: Column[];
  rows: Cell[][];
  /** A sentence under the table (e.g. how a figure is counted). */
  note?: string;
}

export interface ChartSeries {
  name: string;
  values: number[];
}

/** A line chart over days (the cap over time). */
export interface Chart {
  title: string;
  titleZh?: string;
  days: string[];
  series: ChartSeries[];
}

/** The log checkpoint a report was computed at (the same shape as the log's `latestCheckpoint`). */
export interface Checkpoint {
  origin: string;
  size: number;
  /** base64 */
  rootHash: string;
  note: string;
}

export interface ReportWindow {
  /** First day, inclusive (ISO date, UTC). */
  from: string;
  /** Last day, inclusive. */
  to: string;
}

export interface Issuer {
  /** The token id of the principal who asked. */
  principalId: string;
  role: string;
}

export interface Report {
  /** The report format's version, so a reader can tell. */
  format: "sluice-report/1";
  kind: ReportKind;
  title: string;
  titleZh?: string;
  window: ReportWindow;
  /** True when the window ended before the day it was first issued: the report is pinned. */
  closed: boolean;
  issuer: Issuer;
  /** The server's clock when the report was (first) issued, ISO 8601. */
  issuedAt: string;
  checkpoint: Checkpoint;
  tables: Table[];
  chart?: Chart;
}

/** The part of a report its builder makes (the use case adds window, issuer, time, checkpoint). */
export interface ReportBody {
  title: string;
  titleZh?: string;
  tables: Table[];
  chart?: Chart;
}

/** The days of a window in order (both ends included). */
export function daysOf(window: ReportWindow): string[] {
  const days: string[] = [];
  const end = Date.parse(`${window.to}T00:00:00Z`);
  for (let at = Date.parse(`${window.from}T00:00:00Z`); at <= end; at += 86_400_000)
    days.push(new Date(at).toISOString().slice(0, 10));
  return days;
}

/** Days from `from` to `to`, both included. */
export const windowDays = (window: ReportWindow): number =>
  Math.round((Date.parse(`${window.to}T00:00:00Z`) - Date.parse(`${window.from}T00:00:00Z`)) / 86_400_000) +
  1;

/** `part / whole` as a percentage with two decimals, exactly (integers only), or "" when whole is 0. */
export function percentText(part: bigint, whole: bigint): string {
  if (whole === 0n) return "";
  const hundredths = (part * 10_000n) / whole;
  const sign = hundredths < 0n ? "-" : "";
  const abs = hundredths < 0n ? -hundredths : hundredths;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, "0")}`;
}

/** Cells as JSON-safe values: bigints become decimal strings. */
export const jsonCell = (cell: Cell): string | number | null =>
  typeof cell === "bigint" ? cell.toString() : cell;

/** The report as plain JSON (bigints as strings): what the JSON format answers and what is pinned. */
export function reportJson(report: Report): unknown {
  return {
    ...report,
    tables: report.tables.map((t) => ({ ...t, rows: t.rows.map((r) => r.map(jsonCell)) })),
  };
}
