// The writes of the evidence records in SQL (tables of migration 0040, authors of 0140): one
// INSERT or UPDATE per function in the caller's Tx, the statements the use cases of
// src/app/evidence/ ran before they moved behind the EvidenceRepository port.
import type { NewCertificate, RecordedBy, WriteDownRow } from "../../../app/evidence/ports.ts";
import type {
  ApprovalInput,
  CustomsEventInput,
  DomesticPurchaseInput,
} from "../../../core/evidence/approvals.ts";
import type { DutyEntryInput, DutyPaymentInput } from "../../../core/evidence/duty.ts";
import type { LabInput, LabRevocation } from "../../../core/evidence/labs.ts";
import type { InvoiceInput, PaymentInput } from "../../../core/evidence/payments.ts";
import type { Tx } from "../store.ts";

/** A record's document as stored (jsonb): bigints as decimal strings. */
const json = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));

export async function insertLab(tx: Tx, lab: LabInput, keyId: string, at: Date): Promise<void> {
  await tx.query(
    `INSERT INTO labs (id, name, headquarters_country, control_country, public_key, key_id, qualified_from, qualified_to, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      lab.id,
      lab.name,
      lab.headquartersCountry,
      lab.controlCountry ?? null,
      lab.publicKey,
      keyId,
      lab.qualifiedFrom,
      lab.qualifiedTo ?? null,
      at,
    ],
  );
}

export async function revokeLab(
  tx: Tx,
  labId: string,
  revocation: LabRevocation,
  version: number,
): Promise<boolean> {
  const { rowCount } = await tx.query(
    `UPDATE labs SET revoked_on = $2, revocation_reason = $3, version = version + 1
      WHERE id = $1 AND version = $4`,
    [labId, revocation.revokedOn, revocation.reason, version],
  );
  return rowCount === 1;
}

export async function lapseCertificates(tx: Tx, labId: string): Promise<number> {
  const { rowCount } = await tx.query(
    `UPDATE lab_certificates c SET status = 'lab_revoked'
      WHERE c.lab_id = $1 AND c.status = 'ok'
        AND EXISTS (SELECT 1 FROM shipments s WHERE s.id = c.shipment_id AND s.status IN ('planned', 'released', 'expired'))`,
    [labId],
  );
  return rowCount;
}

export async function insertCertificate(tx: Tx, certificate: NewCertificate, at: Date): Promise<void> {
  await tx.query(
    `INSERT INTO lab_certificates (id, shipment_id, lab_id, certificate_hash, canonical_text, document, signature, tested_on, status, submitted_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'ok', $9)`,
    [
      certificate.id,
      certificate.shipmentId,
      certificate.labId,
      certificate.hash,
      certificate.text,
      certificate.text,
      certificate.signature,
      certificate.testedOn,
      at,
    ],
  );
}

export async function insertDutyEntry(
  tx: Tx,
  entry: DutyEntryInput,
  duty: { band: number | null; ratePercent: number; owedCents: bigint },
  at: Date,
  recordedBy: RecordedBy,
): Promise<void> {
  await tx.query(
    `INSERT INTO duty_entries (id, shipment_id, entered_on, hts_code, band, entered_value_cents, rate_percent,
                               exemption_kind, exemption_certificate_ref, duty_owed_cents, created_at, recorded_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      entry.id,
      entry.shipmentId,
      entry.enteredOn,
      entry.htsCode,
      duty.band,
      entry.enteredValueCents,
      duty.ratePercent,
      entry.exemption?.kind ?? null,
      entry.exemption?.certificateRef ?? null,
      duty.owedCents,
      at,
      recordedBy,
    ],
  );
}

export async function insertDutyPayment(
  tx: Tx,
  payment: DutyPaymentInput,
  at: Date,
  recordedBy: RecordedBy,
): Promise<void> {
  await tx.query(
    "INSERT INTO duty_payments (id, entry_id, amount_cents, paid_on, created_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6)",
    [payment.id, payment.entryId, payment.amountCents, payment.paidOn, at, recordedBy],
  );
  await tx.query("UPDATE duty_entries SET duty_paid_cents = duty_paid_cents + $2 WHERE id = $1", [
    payment.entryId,
    payment.amountCents,
  ]);
}

export async function insertInvoice(
  tx: Tx,
  invoice: InvoiceInput,
  at: Date,
  recordedBy: RecordedBy,
): Promise<void> {
  await tx.query(
    "INSERT INTO invoices (id, order_id, amount_cents, issued_on, created_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6)",
    [invoice.id, invoice.orderId, invoice.amountCents, invoice.issuedOn, at, recordedBy],
  );
}

export async function insertPayment(
  tx: Tx,
  payment: PaymentInput,
  at: Date,
  recordedBy: RecordedBy,
): Promise<void> {
  await tx.query(
    "INSERT INTO payments (id, order_id, kind, amount_cents, paid_on, reference, created_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    [
      payment.id,
      payment.orderId,
      payment.kind,
      payment.amountCents,
      payment.paidOn,
      payment.reference ?? null,
      at,
      recordedBy,
    ],
  );
}

export async function insertForfeiture(
  tx: Tx,
  forfeiture: { id: string; orderId: string; amountCents: bigint; reason: string; on: string },
  at: Date,
): Promise<void> {
  await tx.query(
    "INSERT INTO forfeitures (id, order_id, amount_cents, reason, forfeited_on, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    [forfeiture.id, forfeiture.orderId, forfeiture.amountCents, forfeiture.reason, forfeiture.on, at],
  );
}

export async function insertApproval(
  tx: Tx,
  approval: ApprovalInput,
  at: Date,
  recordedBy: RecordedBy,
): Promise<void> {
  await tx.query(
    `INSERT INTO cn_import_approvals (id, importer_id, valid_from, valid_to, approved_units, doc, created_at, recorded_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      approval.id,
      approval.importerId,
      approval.validFrom,
      approval.validTo,
      approval.approvedUnits,
      json(approval),
      at,
      recordedBy,
    ],
  );
}

export async function useApprovalUnits(tx: Tx, approvalId: string, units: number): Promise<boolean> {
  const { rowCount } = await tx.query(
    "UPDATE cn_import_approvals SET used_units = used_units + $2 WHERE id = $1 AND used_units + $2 <= approved_units",
    [approvalId, units],
  );
  return rowCount === 1;
}

export async function returnApprovalUnits(tx: Tx, approvalId: string, units: number): Promise<void> {
  await tx.query("UPDATE cn_import_approvals SET used_units = used_units - $2 WHERE id = $1", [
    approvalId,
    units,
  ]);
}

export async function insertWriteDown(
  tx: Tx,
  writeDown: WriteDownRow & { orderId: string },
  at: Date,
): Promise<void> {
  await tx.query(
    "INSERT INTO cn_approval_write_downs (id, approval_id, order_id, shipment_id, units, written_at) VALUES ($1, $2, $3, $4, $5, $6)",
    [writeDown.id, writeDown.approvalId, writeDown.orderId, writeDown.shipmentId, writeDown.units, at],
  );
}

export async function markWriteDownRestored(tx: Tx, id: string, at: Date): Promise<void> {
  await tx.query("UPDATE cn_approval_write_downs SET restored_at = $2 WHERE id = $1", [id, at]);
}

export async function insertDomesticPurchase(
  tx: Tx,
  purchase: DomesticPurchaseInput,
  at: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO domestic_purchases (id, importer_id, vendor, product, units, tpp_per_unit, purchased_on, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      purchase.id,
      purchase.importerId,
      purchase.vendor,
      purchase.product,
      purchase.units,
      purchase.tppPerUnit ?? null,
      purchase.purchasedOn,
      at,
    ],
  );
}

export async function insertCustomsEvent(
  tx: Tx,
  event: CustomsEventInput,
  at: Date,
  recordedBy: RecordedBy,
): Promise<void> {
  await tx.query(
    `INSERT INTO customs_events (id, shipment_id, kind, on_date, authority, reason, created_at, recorded_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [event.id, event.shipmentId, event.kind, event.on, event.authority, event.reason ?? null, at, recordedBy],
  );
}
