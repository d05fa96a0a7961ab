// The report kinds built from the evidence and decision records: decisions (counts by outcome and
// by deciding rule, and the list with citations and remedies), Section 232 duty per entry, the
// prepayments and forfeitures per order, the labs' tests, and China's side (with headings in
// English and Chinese). Pure functions from rows to tables.
import type {
  ChinaFigures,
  DecisionRow,
  DutyEntryRow,
  ForfeitureRow,
  LabRow,
  PrepaymentOrderRow,
} from "./figures.ts";
import { type Cell, percentText, type ReportBody } from "./model.ts";

const decisionOutcomes = ["approve", "hold", "deny"] as const;

function countBy<T>(items: T[], keys: (item: T) => string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) for (const key of keys(item)) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function decisionsReport(rows: DecisionRow[]): ReportBody {
  const outcomes = countBy(rows, (r) => [r.decision]);
  const rules = countBy(rows, (r) => r.decidingRuleIds.map((rule) => `${rule}\u0000${r.decision}`));
  return {
    title: "Licence and release decisions",
    tables: [
      {
        id: "outcomes",
        title: "Decisions by outcome",
        columns: [
          { key: "outcome", title: "Outcome" },
          { key: "application", title: "Applications", numeric: true },
          { key: "release", title: "Releases", numeric: true },
          { key: "total", title: "Total", numeric: true },
        ],
        rows: decisionOutcomes.map((outcome) => {
          const of = (purpose: string) =>
            rows.filter((r) => r.decision === outcome && r.purpose === purpose).length;
          return [outcome, of("application"), of("release"), outcomes.get(outcome) ?? 0];
        }),
      },
      {
        id: "rules",
        title: "Decisions by deciding rule",
        columns: [
          { key: "rule", title: "Deciding rule" },
          { key: "outcome", title: "Outcome" },
          { key: "decisions", title: "Decisions", numeric: true },
        ],
        rows: [...rules.entries()]
          .sort(([a], [b]) => byKey(a, b))
          .map(([key, count]): Cell[] => {
            const [rule = "", outcome = ""] = key.split("\u0000");
            return [rule, outcome, count];
          }),
        note: "A decision held or denied by several rules counts under each of them.",
      },
      {
        id: "decisions",
        title: "Decisions, with citations and remedies",
        columns: [
          { key: "decision_id", title: "Decision" },
          { key: "decided_on", title: "Decided on" },
          { key: "order", title: "Order" },
          { key: "shipment", title: "Shipment" },
          { key: "purpose", title: "Purpose" },
          { key: "outcome", title: "Outcome" },
          { key: "deciding_rules", title: "Deciding rules" },
          { key: "citations", title: "Citations" },
          { key: "remedies", title: "Remedies" },
        ],
        rows: rows.map((r) => [
          r.id,
          r.decidedOn,
          r.orderId,
          r.shipmentId,
          r.purpose,
          r.decision,
          r.decidingRuleIds.join("; "),
          r.citations.join("; "),
          r.remedies.join("; "),
        ]),
      },
    ],
  };
}

export function dutyReportTables(rows: DutyEntryRow[]): ReportBody {
  const bands = new Map<string, { entries: number; entered: bigint; owed: bigint; paid: bigint }>();
  for (const r of rows) {
    const key = `${r.band === null ? "none" : `band ${r.band}`}\u0000${r.exemptionKind === null ? "no" : "yes"}`;
    const sum = bands.get(key) ?? { entries: 0, entered: 0n, owed: 0n, paid: 0n };
    bands.set(key, {
      entries: sum.entries + 1,
      entered: sum.entered + r.enteredValueCents,
      owed: sum.owed + r.dutyOwedCents,
      paid: sum.paid + r.dutyPaidCents,
    });
  }
  const total = rows.reduce(
    (sum, r) => ({ owed: sum.owed + r.dutyOwedCents, paid: sum.paid + r.dutyPaidCents }),
    { owed: 0n, paid: 0n },
  );
  return {
    title: "Section 232 duty (integer cents)",
    tables: [
      {
        id: "entries",
        title: "Entries entered in the window",
        columns: [
          { key: "entry", title: "Entry" },
          { key: "shipment", title: "Shipment" },
          { key: "entered_on", title: "Entered on" },
          { key: "hts", title: "HTS" },
          { key: "band", title: "Band" },
          { key: "exemption", title: "Exemption" },
          { key: "entered_value_cents", title: "Entered value (¢)", numeric: true },
          { key: "rate_percent", title: "Rate %", numeric: true },
          { key: "owed_cents", title: "Owed (¢)", numeric: true },
          { key: "paid_cents", title: "Paid (¢)", numeric: true },
          { key: "outstanding_cents", title: "Outstanding (¢)", numeric: true },
        ],
        rows: rows.map((r) => [
          r.id,
          r.shipmentId,
          r.enteredOn,
          r.htsCode,
          r.band,
          r.exemptionKind,
          r.enteredValueCents,
          r.ratePercent,
          r.dutyOwedCents,
          r.dutyPaidCents,
          r.dutyOwedCents - r.dutyPaidCents,
        ]),
      },
      {
        id: "bands",
        title: "Totals by band and exemption claim",
        columns: [
          { key: "band", title: "Band" },
          { key: "exempt", title: "Exemption claimed" },
          { key: "entries", title: "Entries", numeric: true },
          { key: "entered_value_cents", title: "Entered value (¢)", numeric: true },
          { key: "owed_cents", title: "Owed (¢)", numeric: true },
          { key: "paid_cents", title: "Paid (¢)", numeric: true },
          { key: "outstanding_cents", title: "Outstanding (¢)", numeric: true },
        ],
        rows: [
          ...[...bands.entries()]
            .sort(([a], [b]) => byKey(a, b))
            .map(([key, s]): Cell[] => {
              const [band = "", exempt = ""] = key.split("\u0000");
              return [band, exempt, s.entries, s.entered, s.owed, s.paid, s.owed - s.paid];
            }),
          [
            "all",
            "",
            rows.length,
            rows.reduce((s, r) => s + r.enteredValueCents, 0n),
            total.owed,
            total.paid,
            total.owed - total.paid,
          ],
        ],
      },
    ],
  };
}

export function prepaymentsReport(orders: PrepaymentOrderRow[], forfeitures: ForfeitureRow[]): ReportBody {
  return {
    title: "Prepayments and forfeitures (integer cents)",
    tables: [
      {
        id: "orders",
        title: "Orders with invoices, payments or forfeitures in the window",
        columns: [
          { key: "order", title: "Order" },
          { key: "exporter", title: "Exporter" },
          { key: "consignee", title: "Consignee" },
          { key: "order_value_cents", title: "Order value (¢)", numeric: true },
          { key: "invoiced_cents", title: "Invoiced (¢)", numeric: true },
          { key: "paid_cents", title: "Paid (¢)", numeric: true },
          { key: "prepaid_percent", title: "Prepaid % of value", numeric: true },
          { key: "forfeited_cents", title: "Forfeited (¢)", numeric: true },
        ],
        rows: orders.map((o) => [
          o.orderId,
          o.exporterId,
          o.consigneeId,
          o.orderValueCents,
          o.invoicedCents,
          o.paidCents,
          percentText(o.paidCents, o.orderValueCents),
          o.forfeitedCents,
        ]),
        note: "Paid counts cash, collateral and insurance recorded in the window.",
      },
      {
        id: "forfeitures",
        title: "Forfeitures in the window",
        columns: [
          { key: "forfeiture", title: "Forfeiture" },
          { key: "order", title: "Order" },
          { key: "forfeited_on", title: "Forfeited on" },
          { key: "amount_cents", title: "Amount (¢)", numeric: true },
          { key: "reason", title: "Reason" },
        ],
        rows: forfeitures.map((f) => [f.id, f.orderId, f.forfeitedOn, f.amountCents, f.reason]),
      },
    ],
  };
}

export function labTestsReport(labs: LabRow[]): ReportBody {
  return {
    title: "Lab tests of shipment lots",
    tables: [
      {
        id: "labs",
        title: "Per qualified lab: lots tested in the window",
        columns: [
          { key: "lab", title: "Lab" },
          { key: "name", title: "Name" },
          { key: "qualified_from", title: "Qualified from" },
          { key: "revoked_on", title: "Revoked on" },
          { key: "lots_tested", title: "Lots tested", numeric: true },
          { key: "units_in_lots", title: "Units in lots", numeric: true },
          { key: "serials_sampled", title: "Serials sampled", numeric: true },
          { key: "certificates_revoked", title: "Certificates revoked", numeric: true },
          { key: "failures", title: "Failed tests", numeric: true },
          { key: "lots_failed", title: "Lots failed", numeric: true },
          { key: "serials_failed", title: "Serials failed", numeric: true },
        ],
        rows: labs.map((l) => [
          l.labId,
          l.name,
          l.qualifiedFrom,
          l.revokedOn,
          l.lotsTested,
          l.unitsInLots,
          l.serialsSampled,
          l.certificatesRevoked,
          l.failures,
          l.lotsFailed,
          l.serialsFailed,
        ]),
        note: "Lots tested: certificates on record (each passed every check). Failed tests: the failures the lab signed and recorded (POST /v1/lab-test-failures), by test day.",
      },
    ],
  };
}

export function chinaReport(figures: ChinaFigures): ReportBody {
  const purposes = new Map<string, { approved: bigint; used: bigint }>();
  for (const a of figures.approvals) {
    const sum = purposes.get(a.purpose) ?? { approved: 0n, used: 0n };
    purposes.set(a.purpose, { approved: sum.approved + a.approvedUnits, used: sum.used + a.usedUnits });
  }
  return {
    title: "China side: import approvals, domestic chips, customs",
    titleZh: "中方：进口批准、国产芯片、海关",
    tables: [
      {
        id: "approvals",
        title: "Import approvals valid in the window",
        titleZh: "窗口期内有效的进口批准",
        columns: [
          { key: "approval", title: "Approval", titleZh: "批准编号" },
          { key: "importer", title: "Importer", titleZh: "进口商" },
          { key: "importer_name", title: "Name on approval", titleZh: "批准所载名称" },
          { key: "authority", title: "Authority", titleZh: "批准机关" },
          { key: "purpose", title: "Purpose", titleZh: "用途" },
          { key: "valid_to", title: "Valid to", titleZh: "有效期至" },
          { key: "approved_units", title: "Approved", titleZh: "批准数量", numeric: true },
          { key: "used_units", title: "Used", titleZh: "已使用", numeric: true },
          { key: "remaining_units", title: "Remaining", titleZh: "剩余", numeric: true },
        ],
        rows: figures.approvals.map((a) => [
          a.id,
          a.importerId,
          a.importerName,
          a.authority,
          a.purpose,
          a.validTo,
          a.approvedUnits,
          a.usedUnits,
          a.approvedUnits - a.usedUnits,
        ]),
      },
      {
        id: "purposes",
        title: "Approved and used by purpose",
        titleZh: "按用途统计的批准与使用数量",
        columns: [
          { key: "purpose", title: "Purpose", titleZh: "用途" },
          { key: "approved_units", title: "Approved", titleZh: "批准数量", numeric: true },
          { key: "used_units", title: "Used", titleZh: "已使用", numeric: true },
        ],
        rows: [...purposes.entries()]
          .sort(([a], [b]) => byKey(a, b))
          .map(([purpose, s]): Cell[] => [purpose, s.approved, s.used]),
      },
      {
        id: "domestic",
        title: "Domestic-chip ratio per importer",
        titleZh: "各进口商国产芯片比例",
        columns: [
          { key: "importer", title: "Importer", titleZh: "进口商" },
          { key: "importer_name", title: "Name", titleZh: "名称" },
          { key: "imported_units", title: "Imported (written down)", titleZh: "进口数量", numeric: true },
          { key: "domestic_units", title: "Domestic bought", titleZh: "国产芯片采购量", numeric: true },
          {
            key: "domestic_percent",
            title: "Domestic per imported %",
            titleZh: "国产/进口 %",
            numeric: true,
          },
        ],
        rows: figures.domestic.map((d) => [
          d.importerId,
          d.importerName,
          d.importedUnits,
          d.domesticUnits,
          percentText(d.domesticUnits, d.importedUnits),
        ]),
      },
      {
        id: "customs",
        title: "Customs clearances and blocks",
        titleZh: "海关放行与拦截",
        columns: [
          { key: "event", title: "Event", titleZh: "事件" },
          { key: "shipment", title: "Shipment", titleZh: "货物批次" },
          { key: "kind", title: "Kind", titleZh: "类型" },
          { key: "on", title: "On", titleZh: "日期" },
          { key: "authority", title: "Authority", titleZh: "机关" },
          { key: "reason", title: "Reason", titleZh: "原因" },
        ],
        rows: figures.customs.map((e) => [e.id, e.shipmentId, e.kind, e.on, e.authority, e.reason]),
      },
    ],
  };
}
