// The reads of the evidence records in SQL (tables of migration 0040; the writes are in
// ./writes.ts). Rows come back as the port's types (src/app/evidence/ports.ts); dates as
// `YYYY-MM-DD` text, money as bigint. Each function is one statement in the caller's Tx.
import type {
  ApprovalRow,
  CertificateRow,
  DutyEntryRow,
  EvidenceTable,
  LabRow,
  WriteDownRow,
} from "../../../app/evidence/ports.ts";
import { approvalInputSchema } from "../../../core/evidence/approvals.ts";
import type { CertificateBody } from "../../../core/evidence/certificate.ts";
import { noPayments, type PaymentTotals } from "../../../core/evidence/payments.ts";
import type { Tx } from "../store.ts";

const day = (column: string, as = column) => `to_char(${column}, 'YYYY-MM-DD') AS ${as}`;
/** A record its author has not reversed (migration 0140): the only kind any total or decision reads. */
const live = "reversed_at IS NULL";

export async function loadLab(tx: Tx, id: string): Promise<LabRow | undefined> {
  const { rows } = await tx.query<{
    id: string;
    name: string;
    headquarters_country: string;
    control_country: string | null;
    public_key: string;
    key_id: string;
    qualified_from: string;
    qualified_to: string | null;
    revoked_on: string | null;
    revocation_reason: string | null;
    version: number;
  }>(
    `SELECT id, name, headquarters_country, control_country, public_key, key_id, ${day("qualified_from")},
            ${day("qualified_to")}, ${day("revoked_on")}, revocation_reason, version FROM labs WHERE id = $1`,
    [id],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    id: row.id,
    name: row.name,
    headquartersCountry: row.headquarters_country,
    controlCountry: row.control_country,
    publicKey: row.public_key,
    keyId: row.key_id,
    qualifiedFrom: row.qualified_from,
    qualifiedTo: row.qualified_to,
    revokedOn: row.revoked_on,
    revocationReason: row.revocation_reason,
    version: row.version,
  };
}

interface CertificateSqlRow {
  id: string;
  shipment_id: string;
  lab_id: string;
  certificate_hash: string;
  document: CertificateBody;
  signature: string;
  status: "ok" | "lab_revoked";
}
const toCertificate = (row: CertificateSqlRow): CertificateRow => ({
  id: row.id,
  shipmentId: row.shipment_id,
  labId: row.lab_id,
  hash: row.certificate_hash,
  document: row.document,
  signature: row.signature,
  status: row.status,
});
const certificateColumns = "id, shipment_id, lab_id, certificate_hash, document, signature, status";

export async function loadCertificate(tx: Tx, id: string): Promise<CertificateRow | undefined> {
  const { rows } = await tx.query<CertificateSqlRow>(
    `SELECT ${certificateColumns} FROM lab_certificates WHERE id = $1`,
    [id],
  );
  return rows[0] ? toCertificate(rows[0]) : undefined;
}

export async function certificateByHash(tx: Tx, hash: string): Promise<CertificateRow | undefined> {
  const { rows } = await tx.query<CertificateSqlRow>(
    `SELECT ${certificateColumns} FROM lab_certificates WHERE certificate_hash = $1`,
    [hash],
  );
  return rows[0] ? toCertificate(rows[0]) : undefined;
}

/** The shipment's certificate: the live one, else the most recent revoked one. */
export async function certificateForShipment(
  tx: Tx,
  shipmentId: string,
): Promise<CertificateRow | undefined> {
  const { rows } = await tx.query<CertificateSqlRow>(
    `SELECT ${certificateColumns} FROM lab_certificates WHERE shipment_id = $1
      ORDER BY (status = 'ok') DESC, submitted_at DESC, id DESC LIMIT 1`,
    [shipmentId],
  );
  return rows[0] ? toCertificate(rows[0]) : undefined;
}

const dutyColumns = `id, shipment_id, ${day("entered_on")}, hts_code, band, entered_value_cents, rate_percent,
  exemption_kind, exemption_certificate_ref, duty_owed_cents, duty_paid_cents, reversed_at IS NOT NULL AS reversed`;
interface DutySqlRow {
  id: string;
  shipment_id: string;
  entered_on: string;
  hts_code: string;
  band: number | null;
  entered_value_cents: bigint;
  rate_percent: number;
  exemption_kind: string | null;
  exemption_certificate_ref: string | null;
  duty_owed_cents: bigint;
  duty_paid_cents: bigint;
  reversed: boolean;
}
const toDuty = (row: DutySqlRow): DutyEntryRow => ({
  id: row.id,
  shipmentId: row.shipment_id,
  enteredOn: row.entered_on,
  htsCode: row.hts_code,
  band: row.band,
  enteredValueCents: row.entered_value_cents,
  ratePercent: row.rate_percent,
  exemptionKind: row.exemption_kind,
  exemptionCertificateRef: row.exemption_certificate_ref,
  dutyOwedCents: row.duty_owed_cents,
  dutyPaidCents: row.duty_paid_cents,
  reversed: row.reversed,
});

/** An entry by id (reversed or not), or a shipment's live (not reversed) entry. */
export async function loadDutyEntry(
  tx: Tx,
  by: { id: string } | { shipmentId: string },
): Promise<DutyEntryRow | undefined> {
  const where = "id" in by ? "id = $1" : "shipment_id = $1 AND reversed_at IS NULL";
  const value = "id" in by ? by.id : by.shipmentId;
  const { rows } = await tx.query<DutySqlRow>(`SELECT ${dutyColumns} FROM duty_entries WHERE ${where}`, [
    value,
  ]);
  return rows[0] ? toDuty(rows[0]) : undefined;
}

export async function paymentTotals(tx: Tx, orderId: string): Promise<PaymentTotals & { records: number }> {
  const { rows } = await tx.query<{
    invoiced: bigint;
    paid: bigint;
    collateral: bigint;
    forfeited: bigint;
    records: bigint;
  }>(
    `SELECT (SELECT COALESCE(SUM(amount_cents), 0) FROM invoices WHERE order_id = $1 AND ${live}) AS invoiced,
            (SELECT COALESCE(SUM(amount_cents), 0) FROM payments WHERE order_id = $1 AND kind = 'payment' AND ${live}) AS paid,
            (SELECT COALESCE(SUM(amount_cents), 0) FROM payments WHERE order_id = $1 AND kind <> 'payment' AND ${live}) AS collateral,
            (SELECT COALESCE(SUM(amount_cents), 0) FROM forfeitures WHERE order_id = $1) AS forfeited,
            (SELECT COUNT(*) FROM invoices WHERE order_id = $1 AND ${live})
              + (SELECT COUNT(*) FROM payments WHERE order_id = $1 AND ${live}) AS records`,
    [orderId],
  );
  const row = rows[0];
  if (!row) return { ...noPayments, records: 0 };
  return {
    invoicedCents: BigInt(row.invoiced),
    paidCents: BigInt(row.paid),
    collateralCents: BigInt(row.collateral),
    forfeitedCents: BigInt(row.forfeited),
    records: Number(row.records),
  };
}

export async function loadApproval(tx: Tx, id: string): Promise<ApprovalRow | undefined> {
  const { rows } = await tx.query<{ doc: unknown; used_units: bigint }>(
    "SELECT doc, used_units FROM cn_import_approvals WHERE id = $1",
    [id],
  );
  const row = rows[0];
  return row ? { doc: approvalInputSchema.parse(row.doc), usedUnits: Number(row.used_units) } : undefined;
}

/** The importer's approvals, soonest-expiring first (they are used up first). */
export async function approvalsOf(tx: Tx, importerId: string): Promise<ApprovalRow[]> {
  const { rows } = await tx.query<{ doc: unknown; used_units: bigint }>(
    `SELECT doc, used_units FROM cn_import_approvals WHERE importer_id = $1 AND ${live} ORDER BY valid_to, id COLLATE "C"`,
    [importerId],
  );
  return rows.map((row) => ({ doc: approvalInputSchema.parse(row.doc), usedUnits: Number(row.used_units) }));
}

export async function liveWriteDown(tx: Tx, shipmentId: string): Promise<WriteDownRow | undefined> {
  const { rows } = await tx.query<{ id: string; approval_id: string; shipment_id: string; units: bigint }>(
    "SELECT id, approval_id, shipment_id, units FROM cn_approval_write_downs WHERE shipment_id = $1 AND restored_at IS NULL",
    [shipmentId],
  );
  const row = rows[0];
  return row
    ? { id: row.id, approvalId: row.approval_id, shipmentId: row.shipment_id, units: Number(row.units) }
    : undefined;
}

export async function domesticPurchaseTotals(
  tx: Tx,
  importerId: string,
): Promise<{ units: number; purchases: number; tpp: bigint }> {
  const { rows } = await tx.query<{ units: bigint; purchases: bigint; tpp: bigint }>(
    `SELECT COALESCE(SUM(units), 0) AS units, COUNT(*) AS purchases,
            COALESCE(SUM(units * COALESCE(tpp_per_unit, 0)), 0) AS tpp
       FROM domestic_purchases WHERE importer_id = $1`,
    [importerId],
  );
  const row = rows[0];
  return {
    units: Number(row?.units ?? 0),
    purchases: Number(row?.purchases ?? 0),
    tpp: BigInt(row?.tpp ?? 0),
  };
}

/** A row by id from one of the evidence tables, as plain JSON for replay comparison. */
export async function loadDoc(
  tx: Tx,
  table: EvidenceTable,
  id: string,
): Promise<Record<string, unknown> | undefined> {
  const { rows } = await tx.query<{ doc: Record<string, unknown> }>(
    `SELECT to_jsonb(t) AS doc FROM ${table} t WHERE id = $1`,
    [id],
  );
  return rows[0]?.doc;
}

/** True when `keyId` is registered to a lab. */
export async function labKeyInUse(tx: Tx, keyId: string): Promise<boolean> {
  const { rowCount } = await tx.query("SELECT 1 FROM labs WHERE key_id = $1", [keyId]);
  return rowCount > 0;
}

/** Released (not yet shipped) shipments whose certificate is this lab's and no other lab's. */
export async function shipmentsRelyingOnLab(tx: Tx, labId: string): Promise<string[]> {
  const { rows: found } = await tx.query<{ id: string }>(
    `SELECT DISTINCT s.id FROM shipments s JOIN lab_certificates c ON c.shipment_id = s.id
      WHERE s.status = 'released' AND c.lab_id = $1 AND c.status IN ('ok', 'lab_revoked')
        AND NOT EXISTS (SELECT 1 FROM lab_certificates o WHERE o.shipment_id = s.id AND o.status = 'ok' AND o.lab_id <> $1)
      ORDER BY s.id`,
    [labId],
  );
  return found.map((row) => row.id);
}

/** A `COUNT(*) AS n` query over one id (forfeitures by order, write-downs by shipment). */
async function countBy(tx: Tx, sql: string, id: string): Promise<number> {
  const {
    rows: [count],
  } = await tx.query<{ n: bigint }>(sql, [id]);
  return Number(count?.n ?? 0);
}

export const countForfeitures = (tx: Tx, orderId: string): Promise<number> =>
  countBy(tx, "SELECT COUNT(*) AS n FROM forfeitures WHERE order_id = $1", orderId);

export const countWriteDowns = (tx: Tx, shipmentId: string): Promise<number> =>
  countBy(tx, "SELECT COUNT(*) AS n FROM cn_approval_write_downs WHERE shipment_id = $1", shipmentId);
