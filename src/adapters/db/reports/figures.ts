// The SQL that reads a report's figures, inside the report's snapshot transaction. Windows are UTC
// days, both ends included: a timestamp counts when it falls in [from 00:00Z, to + 1 day 00:00Z).
// Every list is in a stable order (byte order of ids), so a report renders the same every time.
import type { ReportFigures, ReportScope } from "../../../app/reports/ports.ts";
import type { CapFigures, ChinaFigures, DecisionRow, LabRow } from "../../../core/reports/figures.ts";
import type { ReportWindow } from "../../../core/reports/model.ts";
import type { Tx } from "../store.ts";
import { custodyFigures } from "./custody.ts";

const startOf = (window: ReportWindow): string => `${window.from}T00:00:00Z`;
const endOf = (window: ReportWindow): string =>
  new Date(Date.parse(`${window.to}T00:00:00Z`) + 86_400_000).toISOString();
const big = (value: unknown): bigint => BigInt(String(value ?? 0));
const day = (column: string): string => `to_char(${column}, 'YYYY-MM-DD')`;
const utcDay = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;

export function sqlFigures(tx: Tx): ReportFigures {
  return {
    cap: (window) => capFigures(tx, window),
    decisions: (window, scope) => decisionRows(tx, window, scope),
    duty: async (window, scope) => {
      const { rows } = await tx.query<Record<string, unknown>>(
        `SELECT e.id, e.shipment_id, ${day("e.entered_on")} AS entered_on, e.hts_code, e.band, e.exemption_kind,
                e.entered_value_cents, e.rate_percent, e.duty_owed_cents, e.duty_paid_cents
           FROM duty_entries e JOIN shipments s ON s.id = e.shipment_id JOIN orders o ON o.id = s.order_id
          WHERE e.entered_on BETWEEN $1 AND $2 AND e.reversed_at IS NULL AND ($3::text IS NULL OR o.exporter_id = $3)
          ORDER BY e.entered_on, e.id COLLATE "C"`,
        [window.from, window.to, scope.exporterId],
      );
      return rows.map((r) => ({
        id: String(r.id),
        shipmentId: String(r.shipment_id),
        enteredOn: String(r.entered_on),
        htsCode: String(r.hts_code),
        band: r.band === null ? null : Number(r.band),
        exemptionKind: r.exemption_kind === null ? null : String(r.exemption_kind),
        enteredValueCents: big(r.entered_value_cents),
        ratePercent: Number(r.rate_percent),
        dutyOwedCents: big(r.duty_owed_cents),
        dutyPaidCents: big(r.duty_paid_cents),
      }));
    },
    prepayments: (window, scope) => prepaymentFigures(tx, window, scope),
    labTests: (window) => labRows(tx, window),
    china: (window) => chinaFigures(tx, window),
    custody: (window, scope, silentDaysMax) => custodyFigures(tx, window, scope, silentDaysMax),
  };
}

async function capFigures(tx: Tx, window: ReportWindow): Promise<CapFigures> {
  const end = endOf(window);
  const accounts = await tx.query<Record<string, unknown>>(
    `SELECT a.id, a.ratio_percent, SUM(m.d_us_posted) AS us, SUM(m.d_cn_pending) AS pending, SUM(m.d_cn_posted) AS posted
       FROM ledger_accounts a JOIN ledger_movements m ON m.account_id = a.id AND m.at < $1
      GROUP BY a.id, a.ratio_percent ORDER BY a.id COLLATE "C"`,
    [end],
  );
  const days = await tx.query<Record<string, unknown>>(
    `SELECT account_id, ${utcDay("at")} AS day, SUM(d_us_posted) AS us, SUM(d_cn_pending) AS pending,
            SUM(d_cn_posted) AS posted
       FROM ledger_movements WHERE at < $1 GROUP BY 1, 2 ORDER BY account_id COLLATE "C", day`,
    [end],
  );
  const exporters = await tx.query<Record<string, unknown>>(
    `SELECT COALESCE(o.exporter_id, '(no order)') AS exporter_id, r.product_id, r.state, COUNT(*) AS n,
            SUM(r.units) AS units, SUM(r.amount) AS amount
       FROM ledger_reservations r
       LEFT JOIN shipments s ON s.id = r.reference->>'shipmentId'
       LEFT JOIN orders o ON o.id = s.order_id
      WHERE r.reserved_at >= $1 AND r.reserved_at < $2
      GROUP BY 1, 2, 3 ORDER BY COALESCE(o.exporter_id, '(no order)') COLLATE "C", r.product_id COLLATE "C", r.state`,
    [startOf(window), end],
  );
  return {
    accounts: accounts.rows.map((r) => ({
      accountId: String(r.id),
      ratioPercent: Number(r.ratio_percent),
      usPosted: big(r.us),
      cnPending: big(r.pending),
      cnPosted: big(r.posted),
    })),
    movementDays: days.rows.map((r) => ({
      accountId: String(r.account_id),
      day: String(r.day),
      dUsPosted: big(r.us),
      dCnPending: big(r.pending),
      dCnPosted: big(r.posted),
    })),
    exporters: exporters.rows.map((r) => ({
      exporterId: String(r.exporter_id),
      productId: String(r.product_id),
      state: String(r.state),
      reservations: Number(r.n),
      units: big(r.units),
      amount: big(r.amount),
    })),
  };
}

async function decisionRows(tx: Tx, window: ReportWindow, scope: ReportScope): Promise<DecisionRow[]> {
  // Citations and remedies of the deciding findings only, in the findings' order, read in SQL so a
  // year of decisions does not bring every finding of every decision into memory; one pass over each
  // decision's findings gives both lists.
  const { rows } = await tx.query<Record<string, unknown>>(
    `SELECT d.id, d.order_id, d.shipment_id, d.purpose, ${day("d.evaluated_on")} AS evaluated_on,
            ${utcDay("d.decided_at")} AS decided_on, d.decision, d.deciding_rule_ids,
            COALESCE(f.citations, '{}') AS citations, COALESCE(f.remedies, '{}') AS remedies
       FROM decisions d JOIN orders o ON o.id = d.order_id
       LEFT JOIN LATERAL (
         SELECT array_agg((e.value->>'ruleId') || ': ' || (e.value->'citation'->>'source') || ' [' || (e.value->'citation'->>'status') || ']'
                          ORDER BY e.n) AS citations,
                array_agg(e.value->'remedy'->>'summary' ORDER BY e.n)
                  FILTER (WHERE e.value->'remedy'->>'summary' IS NOT NULL) AS remedies
           FROM jsonb_array_elements(d.result->'findings') WITH ORDINALITY AS e (value, n)
          WHERE e.value->>'ruleId' = ANY (d.deciding_rule_ids)) f ON true
      WHERE d.decided_at >= $1 AND d.decided_at < $2 AND ($3::text IS NULL OR o.exporter_id = $3)
      ORDER BY d.decided_at, d.id COLLATE "C"`,
    [startOf(window), endOf(window), scope.exporterId],
  );
  return rows.map((r) => ({
    id: String(r.id),
    orderId: String(r.order_id),
    shipmentId: r.shipment_id === null ? null : String(r.shipment_id),
    purpose: String(r.purpose),
    evaluatedOn: String(r.evaluated_on),
    decidedOn: String(r.decided_on),
    decision: String(r.decision),
    decidingRuleIds: r.deciding_rule_ids as string[],
    citations: r.citations as string[],
    remedies: r.remedies as string[],
  }));
}

async function prepaymentFigures(tx: Tx, window: ReportWindow, scope: ReportScope) {
  const params = [window.from, window.to, scope.exporterId];
  const orders = await tx.query<Record<string, unknown>>(
    `WITH inv AS (SELECT order_id, SUM(amount_cents) AS s FROM invoices WHERE issued_on BETWEEN $1 AND $2 AND reversed_at IS NULL GROUP BY 1),
          pay AS (SELECT order_id, SUM(amount_cents) AS s FROM payments WHERE paid_on BETWEEN $1 AND $2 AND reversed_at IS NULL GROUP BY 1),
          lost AS (SELECT order_id, SUM(amount_cents) AS s FROM forfeitures WHERE forfeited_on BETWEEN $1 AND $2 GROUP BY 1)
     SELECT o.id, o.exporter_id, o.consignee_id, o.value_cents, inv.s AS invoiced, pay.s AS paid, lost.s AS forfeited
       FROM orders o LEFT JOIN inv ON inv.order_id = o.id LEFT JOIN pay ON pay.order_id = o.id
       LEFT JOIN lost ON lost.order_id = o.id
      WHERE (inv.s IS NOT NULL OR pay.s IS NOT NULL OR lost.s IS NOT NULL) AND ($3::text IS NULL OR o.exporter_id = $3)
      ORDER BY o.id COLLATE "C"`,
    params,
  );
  const forfeitures = await tx.query<Record<string, unknown>>(
    `SELECT f.id, f.order_id, f.amount_cents, f.reason, ${day("f.forfeited_on")} AS forfeited_on
       FROM forfeitures f JOIN orders o ON o.id = f.order_id
      WHERE f.forfeited_on BETWEEN $1 AND $2 AND ($3::text IS NULL OR o.exporter_id = $3)
      ORDER BY f.forfeited_on, f.id COLLATE "C"`,
    params,
  );
  return {
    orders: orders.rows.map((r) => ({
      orderId: String(r.id),
      exporterId: String(r.exporter_id),
      consigneeId: String(r.consignee_id),
      orderValueCents: big(r.value_cents),
      invoicedCents: big(r.invoiced),
      paidCents: big(r.paid),
      forfeitedCents: big(r.forfeited),
    })),
    forfeitures: forfeitures.rows.map((r) => ({
      id: String(r.id),
      orderId: String(r.order_id),
      amountCents: big(r.amount_cents),
      reason: String(r.reason),
      forfeitedOn: String(r.forfeited_on),
    })),
  };
}

async function labRows(tx: Tx, window: ReportWindow): Promise<LabRow[]> {
  const { rows } = await tx.query<Record<string, unknown>>(
    `SELECT l.id, l.name, ${day("l.qualified_from")} AS qualified_from, ${day("l.revoked_on")} AS revoked_on,
            COUNT(c.id) AS lots, COALESCE(SUM(s.quantity_units), 0) AS units,
            COALESCE(SUM(jsonb_array_length(c.document->'sampledSerials')), 0) AS sampled,
            COUNT(c.id) FILTER (WHERE c.status = 'lab_revoked') AS revoked,
            (SELECT COUNT(*) FROM lab_test_failures f WHERE f.lab_id = l.id AND f.tested_on BETWEEN $1 AND $2) AS failures,
            (SELECT COUNT(DISTINCT f.shipment_id) FROM lab_test_failures f
              WHERE f.lab_id = l.id AND f.tested_on BETWEEN $1 AND $2) AS lots_failed,
            (SELECT COALESCE(SUM(jsonb_array_length(f.document->'failedSerials')), 0) FROM lab_test_failures f
              WHERE f.lab_id = l.id AND f.tested_on BETWEEN $1 AND $2) AS serials_failed
       FROM labs l
       LEFT JOIN lab_certificates c ON c.lab_id = l.id AND c.tested_on BETWEEN $1 AND $2
       LEFT JOIN shipments s ON s.id = c.shipment_id
      GROUP BY l.id ORDER BY l.id COLLATE "C"`,
    [window.from, window.to],
  );
  return rows.map((r) => ({
    labId: String(r.id),
    name: String(r.name),
    qualifiedFrom: String(r.qualified_from),
    revokedOn: r.revoked_on === null ? null : String(r.revoked_on),
    lotsTested: Number(r.lots),
    unitsInLots: big(r.units),
    serialsSampled: Number(r.sampled),
    certificatesRevoked: Number(r.revoked),
    failures: Number(r.failures),
    lotsFailed: Number(r.lots_failed),
    serialsFailed: Number(r.serials_failed),
  }));
}

async function chinaFigures(tx: Tx, window: ReportWindow): Promise<ChinaFigures> {
  const approvals = await tx.query<Record<string, unknown>>(
    `SELECT id, importer_id, doc->>'importer' AS importer_name, doc->>'authority' AS authority,
            doc->>'purpose' AS purpose, ${day("valid_from")} AS valid_from, ${day("valid_to")} AS valid_to,
            approved_units, used_units
       FROM cn_import_approvals WHERE valid_from <= $2 AND valid_to >= $1 AND reversed_at IS NULL
      ORDER BY importer_id COLLATE "C", id COLLATE "C"`,
    [window.from, window.to],
  );
  // Importers with an approval, a write-down or a domestic purchase in the window; the name is the
  // one their latest approval writes, else the party's.
  const domestic = await tx.query<Record<string, unknown>>(
    `WITH imported AS (
            SELECT a.importer_id, SUM(w.units) AS units FROM cn_approval_write_downs w
              JOIN cn_import_approvals a ON a.id = w.approval_id
             WHERE w.restored_at IS NULL AND w.written_at >= $3 AND w.written_at < $4 GROUP BY 1),
          bought AS (
            SELECT importer_id, SUM(units) AS units FROM domestic_purchases
             WHERE purchased_on BETWEEN $1 AND $2 GROUP BY 1),
          importers AS (
            SELECT importer_id FROM cn_import_approvals WHERE valid_from <= $2 AND valid_to >= $1 AND reversed_at IS NULL
            UNION SELECT importer_id FROM imported UNION SELECT importer_id FROM bought)
     SELECT i.importer_id,
            COALESCE((SELECT a.doc->>'importer' FROM cn_import_approvals a WHERE a.importer_id = i.importer_id AND a.reversed_at IS NULL
                       ORDER BY a.valid_from DESC, a.id COLLATE "C" DESC LIMIT 1), p.name) AS name,
            imported.units AS imported, bought.units AS bought
       FROM importers i JOIN parties p ON p.id = i.importer_id
       LEFT JOIN imported ON imported.importer_id = i.importer_id LEFT JOIN bought ON bought.importer_id = i.importer_id
      ORDER BY i.importer_id COLLATE "C"`,
    [window.from, window.to, startOf(window), endOf(window)],
  );
  const customs = await tx.query<Record<string, unknown>>(
    `SELECT id, shipment_id, kind, ${day("on_date")} AS on_date, authority, reason FROM customs_events
      WHERE on_date BETWEEN $1 AND $2 AND reversed_at IS NULL ORDER BY on_date, id COLLATE "C"`,
    [window.from, window.to],
  );
  return {
    approvals: approvals.rows.map((r) => ({
      id: String(r.id),
      importerId: String(r.importer_id),
      importerName: String(r.importer_name),
      authority: String(r.authority),
      purpose: String(r.purpose),
      validFrom: String(r.valid_from),
      validTo: String(r.valid_to),
      approvedUnits: big(r.approved_units),
      usedUnits: big(r.used_units),
    })),
    domestic: domestic.rows.map((r) => ({
      importerId: String(r.importer_id),
      importerName: String(r.name),
      importedUnits: big(r.imported),
      domesticUnits: big(r.bought),
    })),
    customs: customs.rows.map((r) => ({
      id: String(r.id),
      shipmentId: String(r.shipment_id),
      kind: String(r.kind),
      on: String(r.on_date),
      authority: String(r.authority),
      reason: r.reason === null ? null : String(r.reason),
    })),
  };
}
