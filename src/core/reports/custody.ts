// The custody and diversion report: chips per importer and declared site, the location verdicts of
// the window's heartbeats (rates of verified / inconsistent / unprovable / impossible), the chips
// silent at the window's end, the alerts opened and closed in the window by kind, and the diversion
// report each alert opened, in the Chip Security Act's terms (what, where, when, evidence). Pure:
// rows in (as the store reads them in the report's snapshot), tables out.
import { groundsByAlert } from "../custody/diversion-report.ts";
import { type Cell, percentText, type ReportBody } from "./model.ts";

/** Chips of one importer at one declared site (or at none yet), by custody state. */
export interface CustodyChipRow {
  importerId: string;
  /** As the importer's latest Chinese approval writes it (Chinese), else the party's name. */
  importerName: string | null;
  siteId: string | null;
  chips: number;
  installed: number;
  inRepair: number;
  destroyed: number;
  /** Installed chips not heard from for the silence limit at the window's end. */
  silent: number;
}

/** Heartbeats received in the window at one importer's site, by location verdict. */
export interface CustodyVerdictRow {
  importerId: string;
  siteId: string | null;
  chipsHeard: number;
  heartbeats: number;
  verified: number;
  inconsistent: number;
  unprovable: number;
  impossible: number;
}

export interface SilentChipRow {
  serial: string;
  importerId: string;
  siteId: string | null;
  /** The last heartbeat received before the window's end (ISO instant), or null: never heard. */
  lastHeardAt: string | null;
}

export interface CustodyAlertRow {
  id: string;
  kind: string;
  serial: string | null;
  importerId: string | null;
  siteId: string | null;
  siteName: string | null;
  siteAddress: string | null;
  licenceId: string | null;
  status: string;
  openedAt: string;
  openedBy: string;
  /** When it was closed, if it was closed before the report's checkpoint. */
  closedAt: string | null;
  /** The alert's evidence as canonical JSON text. */
  evidence: string;
  rulebook: string;
}

export interface CustodyFigures {
  silentDaysMax: number;
  chips: CustodyChipRow[];
  verdicts: CustodyVerdictRow[];
  silent: SilentChipRow[];
  /** Alerts opened in the window, or closed in it. */
  alerts: CustodyAlertRow[];
  /** The window as ISO instants: [start, end). */
  start: string;
  end: string;
}

const inWindow = (at: string | null, figures: CustodyFigures): boolean =>
  at !== null && at >= figures.start && at < figures.end;

const rate = (part: number, whole: number): string => percentText(BigInt(part), BigInt(whole));

/** The Act's grounds an alert is evidence of (a kind the Act's table does not name: its own name). */
export function diversionGroundsOf(kind: string): string {
  const grounds = (groundsByAlert as Record<string, readonly string[] | undefined>)[kind];
  return grounds ? grounds.join("; ") : kind;
}

function alertCounts(figures: CustodyFigures): Cell[][] {
  const byKind = new Map<string, { opened: number; closed: number }>();
  for (const a of figures.alerts) {
    const sum = byKind.get(a.kind) ?? { opened: 0, closed: 0 };
    if (inWindow(a.openedAt, figures)) sum.opened++;
    if (inWindow(a.closedAt, figures)) sum.closed++;
    byKind.set(a.kind, sum);
  }
  return [...byKind.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([kind, s]): Cell[] => [kind, s.opened, s.closed]);
}

function verdictRows(rows: CustodyVerdictRow[]): Cell[][] {
  const sum = (of: (r: CustodyVerdictRow) => number): number => rows.reduce((t, r) => t + of(r), 0);
  const total: CustodyVerdictRow = {
    importerId: "all",
    siteId: null,
    chipsHeard: sum((r) => r.chipsHeard),
    heartbeats: sum((r) => r.heartbeats),
    verified: sum((r) => r.verified),
    inconsistent: sum((r) => r.inconsistent),
    unprovable: sum((r) => r.unprovable),
    impossible: sum((r) => r.impossible),
  };
  return [...rows, ...(rows.length > 1 ? [total] : [])].map((r) => [
    r.importerId,
    r.siteId,
    r.chipsHeard,
    r.heartbeats,
    r.verified,
    r.inconsistent,
    r.unprovable,
    r.impossible,
    rate(r.verified, r.heartbeats),
    rate(r.inconsistent, r.heartbeats),
    rate(r.unprovable, r.heartbeats),
    rate(r.impossible, r.heartbeats),
  ]);
}

/**
 * `categoryOf` gives the diversion report's category for an alert kind, as the alerts API writes it
 * (src/app/custody/alerts.ts), so the report and `GET /v1/alerts` say the same.
 */
export function custodyReport(figures: CustodyFigures, categoryOf: (kind: string) => string): ReportBody {
  const opened = figures.alerts.filter((a) => inWindow(a.openedAt, figures));
  return {
    title: "Custody and diversion",
    titleZh: "监管链与转移",
    tables: [
      {
        id: "chips",
        title: "Chips per importer and declared site",
        titleZh: "各进口商及申报场所的芯片",
        columns: [
          { key: "importer", title: "Importer", titleZh: "进口商" },
          { key: "importer_name", title: "Name", titleZh: "名称" },
          { key: "site", title: "Site", titleZh: "场所" },
          { key: "chips", title: "Chips", titleZh: "芯片", numeric: true },
          { key: "installed", title: "Installed", titleZh: "已安装", numeric: true },
          { key: "in_repair", title: "In repair", titleZh: "维修中", numeric: true },
          { key: "destroyed", title: "Destroyed", titleZh: "已销毁", numeric: true },
          { key: "silent", title: "Silent", titleZh: "静默", numeric: true },
        ],
        rows: figures.chips.map((c) => [
          c.importerId,
          c.importerName,
          c.siteId,
          c.chips,
          c.installed,
          c.inRepair,
          c.destroyed,
          c.silent,
        ]),
        note: `Chips registered before the window's end, in their state and site at the checkpoint. Silent: installed and not heard from for more than ${figures.silentDaysMax} days before the window's end (a chip never heard from counts from its registration).`,
      },
      {
        id: "verdicts",
        title: "Location verdicts of the heartbeats received in the window",
        titleZh: "窗口期内心跳的位置判定",
        columns: [
          { key: "importer", title: "Importer" },
          { key: "site", title: "Site" },
          { key: "chips_heard", title: "Chips heard", numeric: true },
          { key: "heartbeats", title: "Heartbeats", numeric: true },
          { key: "verified", title: "Verified", numeric: true },
          { key: "inconsistent", title: "Inconsistent", numeric: true },
          { key: "unprovable", title: "Unprovable", numeric: true },
          { key: "impossible", title: "Impossible", numeric: true },
          { key: "verified_percent", title: "Verified %", numeric: true },
          { key: "inconsistent_percent", title: "Inconsistent %", numeric: true },
          { key: "unprovable_percent", title: "Unprovable %", numeric: true },
          { key: "impossible_percent", title: "Impossible %", numeric: true },
        ],
        rows: verdictRows(figures.verdicts),
        note: "Counted from the per-chip daily summaries (days of receipt, UTC); rates are shares of the heartbeats.",
      },
      {
        id: "silent",
        title: "Silent chips at the window's end",
        titleZh: "窗口期末静默的芯片",
        columns: [
          { key: "serial", title: "Serial" },
          { key: "importer", title: "Importer" },
          { key: "site", title: "Site" },
          { key: "last_heard_at", title: "Last heard" },
        ],
        rows: figures.silent.map((s) => [s.serial, s.importerId, s.siteId, s.lastHeardAt]),
      },
      {
        id: "alerts",
        title: "Alerts opened and closed in the window, by kind",
        titleZh: "窗口期内按类型开启与关闭的警报",
        columns: [
          { key: "kind", title: "Kind" },
          { key: "opened", title: "Opened", numeric: true },
          { key: "closed", title: "Closed", numeric: true },
        ],
        rows: alertCounts(figures),
      },
      {
        id: "diversion",
        title: "Diversion reports opened in the window (Chip Security Act, S.1705 / H.R.3447 §2)",
        titleZh: "窗口期内的转移报告",
        columns: [
          { key: "alert", title: "Alert" },
          { key: "opened_at", title: "When (opened)" },
          { key: "category", title: "What" },
          { key: "grounds", title: "Grounds under the Act" },
          { key: "serial", title: "Serial" },
          { key: "importer", title: "Importer" },
          { key: "licence", title: "Licence" },
          { key: "site", title: "Where (declared site)" },
          { key: "site_address", title: "Site address" },
          { key: "status", title: "Status" },
          { key: "rule", title: "Thresholds from" },
          { key: "evidence", title: "Evidence" },
        ],
        rows: opened.map((a) => [
          a.id,
          a.openedAt,
          categoryOf(a.kind),
          diversionGroundsOf(a.kind),
          a.serial,
          a.importerId,
          a.licenceId,
          a.siteId === null ? null : `${a.siteId}${a.siteName ? ` (${a.siteName})` : ""}`,
          a.siteAddress,
          a.status,
          a.rulebook,
          a.evidence,
        ]),
        note: "Each alert opens a report to the US Department of Commerce (BIS). Status as at the checkpoint.",
      },
    ],
  };
}
