// The ports of the evidence use cases (src/app/evidence/): the records they read and write
// (EvidenceRepository: labs, revocations, certificates, duty entries and payments, invoices,
// payments and forfeitures, import approvals and their write-downs, domestic purchases, customs
// events), the three shipment-path reads they make, and the audit log, all bound to one unit of
// work (EvidenceRepos, run by a Transactor); plus the evaluator, the clock and the acting principal
// (EvidenceContext). Implemented on SQL in src/adapters/db/evidence/; the use cases never see a
// transaction handle or SQL. Dates are `YYYY-MM-DD` text, money bigint cents.
import type { AuditActor } from "../../core/audit/actor.ts";
import type {
  ApprovalInput,
  CustomsEventInput,
  DomesticPurchaseInput,
} from "../../core/evidence/approvals.ts";
import type { CertificateBody } from "../../core/evidence/certificate.ts";
import type { DutyEntryInput, DutyPaymentInput } from "../../core/evidence/duty.ts";
import type { LabInput, LabRevocation } from "../../core/evidence/labs.ts";
import type { InvoiceInput, PaymentInput, PaymentTotals } from "../../core/evidence/payments.ts";
import type { AuditLog } from "../audit/ports.ts";
import type { Evaluator } from "../evaluation/evaluator.ts";
import type { Clock, Transactor } from "../ports.ts";
import type { ShipmentRepository } from "../shipments/ports.ts";

export interface LabRow {
  id: string;
  name: string;
  headquartersCountry: string;
  controlCountry: string | null;
  publicKey: string;
  keyId: string;
  qualifiedFrom: string;
  qualifiedTo: string | null;
  revokedOn: string | null;
  revocationReason: string | null;
  /** Bumped by every change of the row (its revocation): the lab's ETag over HTTP. */
  version: number;
}

export interface CertificateRow {
  id: string;
  shipmentId: string;
  labId: string;
  hash: string;
  document: CertificateBody;
  signature: string;
  status: "ok" | "lab_revoked";
}

/** A certificate as filed: the checked text, its hash and signature, for a shipment. */
export interface NewCertificate {
  id: string;
  shipmentId: string;
  labId: string;
  hash: string;
  text: string;
  signature: string;
  testedOn: string;
}

export interface DutyEntryRow {
  id: string;
  shipmentId: string;
  enteredOn: string;
  htsCode: string;
  band: number | null;
  enteredValueCents: bigint;
  ratePercent: number;
  exemptionKind: string | null;
  exemptionCertificateRef: string | null;
  dutyOwedCents: bigint;
  dutyPaidCents: bigint;
  /** Reversed by its author: kept on file, read by nothing that decides or totals. */
  reversed: boolean;
}

export interface ApprovalRow {
  doc: ApprovalInput;
  usedUnits: number;
}

export interface WriteDownRow {
  id: string;
  approvalId: string;
  shipmentId: string;
  units: number;
}

/** The evidence records as stored, by kind: what `loadDoc` reads for a replay's comparison. */
export const evidenceTables = [
  "labs",
  "lab_certificates",
  "duty_entries",
  "duty_payments",
  "invoices",
  "payments",
  "forfeitures",
  "cn_import_approvals",
  "cn_approval_write_downs",
  "domestic_purchases",
  "customs_events",
] as const;
export type EvidenceTable = (typeof evidenceTables)[number];

/** Who recorded a record (issue #13): the acting principal's token, role and party, as JSON text. */
export type RecordedBy = string | null;

/**
 * The evidence records inside the unit of work. Reads of a record by id see reversed records too
 * (a replay answers as before); totals and decisions read only live ones. Instants are the
 * caller's (the server's clock).
 */
export interface EvidenceRepository {
  loadLab(id: string): Promise<LabRow | undefined>;
  /** True when `keyId` is registered to a lab. */
  labKeyInUse(keyId: string): Promise<boolean>;
  insertLab(lab: LabInput, keyId: string, at: Date): Promise<void>;
  /** Revokes the lab at `version` (bumping it); false when it is no longer at that version. */
  revokeLab(labId: string, revocation: LabRevocation, version: number): Promise<boolean>;
  /** The lab's live certificates on unshipped lots turn `lab_revoked`; how many did. */
  lapseCertificates(labId: string): Promise<number>;
  /** Released (not yet shipped) shipments whose certificate is this lab's and no other lab's. */
  shipmentsRelyingOnLab(labId: string): Promise<string[]>;
  loadCertificate(id: string): Promise<CertificateRow | undefined>;
  certificateByHash(hash: string): Promise<CertificateRow | undefined>;
  /** The shipment's certificate: the live one, else the most recent revoked one. */
  certificateForShipment(shipmentId: string): Promise<CertificateRow | undefined>;
  insertCertificate(certificate: NewCertificate, at: Date): Promise<void>;
  /** An entry by id (reversed or not), or a shipment's live (not reversed) entry. */
  loadDutyEntry(by: { id: string } | { shipmentId: string }): Promise<DutyEntryRow | undefined>;
  insertDutyEntry(
    entry: DutyEntryInput,
    duty: { band: number | null; ratePercent: number; owedCents: bigint },
    at: Date,
    recordedBy: RecordedBy,
  ): Promise<void>;
  /** Records a duty payment and adds it to its entry's duty paid. */
  insertDutyPayment(payment: DutyPaymentInput, at: Date, recordedBy: RecordedBy): Promise<void>;
  /** An order's live invoices, payments, collateral and forfeitures, and how many records. */
  paymentTotals(orderId: string): Promise<PaymentTotals & { records: number }>;
  insertInvoice(invoice: InvoiceInput, at: Date, recordedBy: RecordedBy): Promise<void>;
  insertPayment(payment: PaymentInput, at: Date, recordedBy: RecordedBy): Promise<void>;
  /** How many forfeitures the order has (the next default id counts on). */
  countForfeitures(orderId: string): Promise<number>;
  insertForfeiture(
    forfeiture: { id: string; orderId: string; amountCents: bigint; reason: string; on: string },
    at: Date,
  ): Promise<void>;
  loadApproval(id: string): Promise<ApprovalRow | undefined>;
  /** The importer's live approvals, soonest-expiring first (they are used up first). */
  approvalsOf(importerId: string): Promise<ApprovalRow[]>;
  insertApproval(approval: ApprovalInput, at: Date, recordedBy: RecordedBy): Promise<void>;
  /** Uses `units` of an approval; false (nothing written) when it has not that many left. */
  useApprovalUnits(approvalId: string, units: number): Promise<boolean>;
  /** Gives `units` back to an approval. */
  returnApprovalUnits(approvalId: string, units: number): Promise<void>;
  /** How many write-downs the shipment has had (the next id counts on). */
  countWriteDowns(shipmentId: string): Promise<number>;
  insertWriteDown(writeDown: WriteDownRow & { orderId: string }, at: Date): Promise<void>;
  /** The shipment's write-down not restored yet. */
  liveWriteDown(shipmentId: string): Promise<WriteDownRow | undefined>;
  markWriteDownRestored(id: string, at: Date): Promise<void>;
  insertDomesticPurchase(purchase: DomesticPurchaseInput, at: Date): Promise<void>;
  domesticPurchaseTotals(importerId: string): Promise<{ units: number; purchases: number; tpp: bigint }>;
  insertCustomsEvent(event: CustomsEventInput, at: Date, recordedBy: RecordedBy): Promise<void>;
  /** A record by id from one of the evidence tables, as plain JSON (stored column names). */
  loadDoc(table: EvidenceTable, id: string): Promise<Record<string, unknown> | undefined>;
}

/** Everything one unit of work of the evidence use cases reads and writes, bound to its transaction. */
export interface EvidenceRepos {
  evidence: EvidenceRepository;
  /** The shipment path's reads the evidence checks make (a party, an order, a shipment). */
  shipments: Pick<ShipmentRepository, "loadParty" | "loadOrder" | "loadShipment">;
  /** Bound to the principal that acts (HTTP: the token; CLI: the operator; seeder: the system). */
  audit: AuditLog;
}

/** The ports the evidence use cases run on; built by the composition root per principal. */
export interface EvidenceContext {
  /** Writes run serializable and take the audit chain's lock up front (each writes an entry). */
  transactor: Transactor<EvidenceRepos>;
  evaluator: Evaluator;
  clock: Clock;
  /** The principal acting, kept as the author of what it records (a reversal is the author's). */
  actor?: AuditActor;
}

export type CreateStatus = "created" | "exists" | `exists_with_different_${string}`;

/** Puts a released shipment back to planned (voids its reservation, restores its licence). */
export type RevertRelease = (shipmentId: string, reason: string) => Promise<unknown>;
