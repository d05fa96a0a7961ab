// Use cases of the evidence gates: the lab registry and revocations, signed lab certificates,
// Section 232 entries and duty payments, invoices/payments/forfeitures, Chinese import approvals
// (written down per shipment), domestic-chip purchases and customs events; and `evidenceView`, the
// dossier's `evidence` section built from these records. Every write validates first, then applies
// in one SERIALIZABLE transaction with its audit entry; a refusal is a status and changes nothing; a
// replayed client id answers `exists` or `exists_with_different_<field>`. Each record keeps its author
// (`recorded_by`, issue #13), whose reversal (src/app/reversals) the reads here then ignore.

import type { KeyObject } from "node:crypto";
import type { Store, Tx } from "../adapters/db/store.ts";
import type { AuditActor } from "../core/audit/actor.ts";
import type { DossierInput } from "../core/dossier/schema.ts";
import { badInput, notFound, quote, requireVersion, SluiceError } from "../core/errors.ts";
import type { Decision } from "../core/evaluation/types.ts";
import {
  type ApprovalInput,
  approvalInputSchema,
  type CustomsEventInput,
  checkWriteDown,
  customsEventInputSchema,
  domesticPurchaseInputSchema,
  type WriteDownStatus,
  writeDownStatuses,
} from "../core/evidence/approvals.ts";
import { keyIdOf, parsePublicKey } from "../core/evidence/certificate.ts";
import {
  type CertificateRules,
  type CertificateStatus,
  checkCertificate,
  type LabEntry,
  readCertificate,
} from "../core/evidence/checks.ts";
import { dutyEntryInputSchema, dutyFor, dutyPaymentInputSchema } from "../core/evidence/duty.ts";
import { labInputSchema, labRevocationSchema } from "../core/evidence/labs.ts";
import {
  type ForfeitureReason,
  forfeitableCents,
  forfeitureReasons,
  invoiceInputSchema,
  paymentEvidence,
  paymentInputSchema,
} from "../core/evidence/payments.ts";
import type { Rule } from "../core/rulebook/schema.ts";
import type { IsoDate } from "../core/shared.ts";
import { parseInput } from "../core/validation.ts";
import type { AuditAppender as UnitAuditAppender } from "./audit/ports.ts";
import type { Evaluator } from "./evaluation/evaluator.ts";
import * as ev from "./evidence-rows.ts";
import * as rows from "./shipment-rows.ts";

type AuditAppender = UnitAuditAppender<Tx>;

export type CreateStatus = "created" | "exists" | `exists_with_different_${string}`;

export interface EvidenceContext {
  store: Store;
  evaluator: Evaluator;
  clock: () => Date;
  appendAudit: AuditAppender;
  /** The principal acting, kept as the author of what it records (a reversal is the author's). */
  actor?: AuditActor;
}

/** Puts a released shipment back to planned (voids its reservation, restores its licence). */
export type RevertRelease = (shipmentId: string, reason: string) => Promise<unknown>;

export type SubmitStatus =
  | CertificateStatus
  | "exists"
  | "exists_with_different_document"
  | "shipment_closed"
  | "shipment_already_certified";

export interface SubmitResult {
  status: SubmitStatus;
  detail: string;
  certificateId?: string;
  shipmentId?: string;
  hash?: string;
}

/** A record's document as stored (jsonb): bigints as decimal strings. */
const json = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
const conflict = (what: string, why: string, code: string) => new SluiceError("conflict", what, why, code);
const today = (clock: () => Date): IsoDate => clock().toISOString().slice(0, 10);

/** Compares a replayed input with the stored row: the first differing field names the status. */
function replayStatus(
  stored: Record<string, unknown>,
  incoming: Record<string, unknown>,
  fields: readonly [field: string, column: string][],
): CreateStatus {
  for (const [field, column] of fields) {
    const a = stored[column] ?? null;
    const b = incoming[field] ?? null;
    if (String(a) !== String(b))
      return `exists_with_different_${column.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;
  }
  return "exists";
}

export class EvidenceService {
  /** Registered public keys as KeyObjects, made once per key (certificate checks reuse them). */
  private readonly keys = new Map<string, KeyObject>();

  constructor(private readonly context: EvidenceContext) {}

  private tx<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.context.store.transaction(fn, { isolation: "serializable", lockAuditChain: true });
  }

  /** The `recorded_by` of a new record: the acting principal's token, role and party. */
  private recordedBy(): string | null {
    const actor = this.context.actor;
    return actor
      ? JSON.stringify({ tokenId: actor.tokenId, role: actor.role, partyId: actor.partyId })
      : null;
  }

  private audit(tx: Tx, kind: string, payload: unknown) {
    return this.context.appendAudit(tx, kind, payload, this.context.clock());
  }

  // ── labs ──────────────────────────────────────────────────────────────────────────────────────

  async registerLab(input: unknown): Promise<{ status: CreateStatus; labId: string; keyId: string }> {
    const lab = parseInput(labInputSchema, input, "lab");
    const key = parsePublicKey(lab.publicKey);
    if (!key)
      throw badInput(`lab ${quote(lab.id)} at \`publicKey\``, "not an Ed25519 public key in PEM (SPKI)");
    const keyId = keyIdOf(key);
    return this.tx(async (tx) => {
      const stored = await ev.loadDoc(tx, "labs", lab.id);
      if (stored) {
        const status = replayStatus(stored, { ...lab, keyId }, labFields);
        return { status, labId: lab.id, keyId: String(stored.key_id) };
      }
      const { rowCount } = await tx.query("SELECT 1 FROM labs WHERE key_id = $1", [keyId]);
      if (rowCount > 0)
        throw conflict(
          `lab ${quote(lab.id)} at \`publicKey\``,
          "the key is registered to another lab",
          "key_in_use",
        );
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
          this.context.clock(),
        ],
      );
      await this.audit(tx, "lab.registered", { ...lab, keyId });
      return { status: "created" as const, labId: lab.id, keyId };
    });
  }

  /**
   * Revokes a lab: its certificates on unshipped lots turn `lab_revoked`, and every released but
   * unshipped shipment relying on it is put back on hold through `revertRelease` (each in its own
   * transaction, after the revocation commits; a replayed revocation retries the reverts). With
   * `ifVersion`, only if the lab is still at that version (a replay answers as it did before).
   */
  async revokeLab(
    input: unknown,
    revertRelease?: RevertRelease,
    ifVersion?: number,
  ): Promise<{
    status: CreateStatus | "revoked";
    certificatesRevoked: number;
    reverted: string[];
    relying?: string[];
  }> {
    const revocation = parseInput(labRevocationSchema, input, "lab revocation");
    const outcome = await this.tx(async (tx) => {
      const lab = await ev.loadLab(tx, revocation.labId);
      if (!lab) throw notFound(`lab ${quote(revocation.labId)}`);
      if (lab.revokedOn !== null) {
        const status = replayStatus(
          { revoked_on: lab.revokedOn, revocation_reason: lab.revocationReason },
          revocation,
          [
            ["revokedOn", "revoked_on"],
            ["reason", "revocation_reason"],
          ],
        );
        return { status, certificatesRevoked: 0 };
      }
      requireVersion(`lab ${quote(lab.id)}`, ifVersion, lab.version);
      const { rowCount: updated } = await tx.query(
        `UPDATE labs SET revoked_on = $2, revocation_reason = $3, version = version + 1
          WHERE id = $1 AND version = $4`,
        [lab.id, revocation.revokedOn, revocation.reason, lab.version],
      );
      if (updated !== 1) throw new Error(`lab ${lab.id} changed under a serializable transaction`);
      const { rowCount } = await tx.query(
        `UPDATE lab_certificates c SET status = 'lab_revoked'
          WHERE c.lab_id = $1 AND c.status = 'ok'
            AND EXISTS (SELECT 1 FROM shipments s WHERE s.id = c.shipment_id AND s.status IN ('planned', 'released', 'expired'))`,
        [lab.id],
      );
      await this.audit(tx, "lab.revoked", { ...revocation, certificatesRevoked: rowCount });
      return { status: "revoked" as const, certificatesRevoked: rowCount };
    });
    const reverted: string[] = [];
    let relying: string[] = [];
    if (!outcome.status.startsWith("exists_with_different_")) {
      relying = await this.context.store.transaction((tx) => shipmentsRelyingOnLab(tx, revocation.labId), {
        isolation: "repeatable read",
      });
      const reason = `lab ${revocation.labId} revoked on ${revocation.revokedOn}: ${revocation.reason}`;
      for (const shipmentId of revertRelease ? relying : []) {
        await revertRelease?.(shipmentId, reason);
        reverted.push(shipmentId);
      }
    }
    // Without a callback, the released lots that still rely on the lab are returned to act on.
    return { ...outcome, reverted, ...(revertRelease ? {} : { relying }) };
  }

  // ── certificates ──────────────────────────────────────────────────────────────────────────────

  /**
   * Checks a signed certificate and stores it when every check passes. A rejection returns its
   * status and detail and changes nothing. `shipmentId` is the shipment it is filed for (default:
   * the one it names); `at` the day of the check (default: today by the clock).
   */
  async submitCertificate(
    input: unknown,
    options: { at?: IsoDate; shipmentId?: string } = {},
  ): Promise<SubmitResult> {
    const read = readCertificate(input);
    if (read.status !== "ok") return { status: read.status, detail: read.detail };
    const body = read.signed.certificate;
    const at = options.at ?? today(this.context.clock);
    const shipmentId = options.shipmentId ?? body.shipmentId;
    const rules = this.certificateRules(at);
    return this.tx(async (tx): Promise<SubmitResult> => {
      const base = { certificateId: body.id, shipmentId, hash: read.hash };
      // The same certificate filed again for its shipment is a replay; for another shipment it
      // falls through to the checks, which call it reused.
      const stored = await ev.loadCertificate(tx, body.id);
      if (stored && stored.hash !== read.hash)
        return {
          ...base,
          status: "exists_with_different_document",
          detail: `certificate id ${body.id} is on file with other content`,
        };
      if (stored && stored.shipmentId === shipmentId)
        return { ...base, status: "exists", detail: `certificate ${body.id} is on file` };
      const shipment = await rows.loadShipment(tx, shipmentId);
      if (!shipment) throw notFound(`shipment ${quote(shipmentId)}`);
      const order = await rows.loadOrder(tx, shipment.orderId);
      if (!order) throw new Error(`shipment ${shipmentId} refers to a missing order`);
      const product = this.context.evaluator.productById(order.doc.productId);
      const reused = await ev.certificateByHash(tx, read.hash);
      const check = checkCertificate(read, {
        at,
        lab: await this.labEntry(tx, body.labId),
        shipment: {
          id: shipment.id,
          productId: order.doc.productId,
          quantityUnits: shipment.quantityUnits,
          serials: shipment.serials,
        },
        declared: { tpp: product.classification.tpp, dramBandwidthGBs: product.spec.dramBandwidthGBs },
        usedByShipmentId: reused?.shipmentId ?? null,
        rules,
      });
      if (check.status !== "ok") return { ...base, ...check };
      if (shipment.status !== "planned" && shipment.status !== "expired")
        return { ...base, status: "shipment_closed", detail: `shipment ${shipmentId} is ${shipment.status}` };
      const live = await ev.certificateForShipment(tx, shipmentId);
      if (live?.status === "ok")
        return {
          ...base,
          status: "shipment_already_certified",
          detail: `shipment ${shipmentId} has certificate ${live.id}`,
        };
      await tx.query(
        `INSERT INTO lab_certificates (id, shipment_id, lab_id, certificate_hash, canonical_text, document, signature, tested_on, status, submitted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'ok', $9)`,
        [
          body.id,
          shipmentId,
          body.labId,
          read.hash,
          read.text,
          read.text,
          read.signed.signature,
          body.testedOn,
          this.context.clock(),
        ],
      );
      await this.audit(tx, "certificate.accepted", {
        certificateId: body.id,
        shipmentId,
        labId: body.labId,
        hash: read.hash,
        at,
      });
      return { ...base, ...check };
    });
  }

  /** The `lab-certificate` rule in force on `at`: its parameters drive the checks. */
  certificateRules(at: IsoDate): CertificateRules {
    const found = this.context.evaluator
      .rulesFor(at)
      .rules.find((entry) => entry.rule.kind === "lab-certificate");
    const rule = found?.rule as Extract<Rule, { kind: "lab-certificate" }> | undefined;
    if (!rule)
      throw conflict(`certificate check on ${at}`, "no lab-certificate rule is in force", "no_rule_in_force");
    return rule.params;
  }

  private async labEntry(tx: Tx, labId: string): Promise<LabEntry | undefined> {
    const lab = await ev.loadLab(tx, labId);
    if (!lab) return undefined;
    let key = this.keys.get(lab.keyId);
    if (!key) {
      key = parsePublicKey(lab.publicKey) ?? undefined;
      if (!key) throw new Error(`lab ${labId} has an unusable stored key`);
      this.keys.set(lab.keyId, key);
    }
    return {
      id: lab.id,
      name: lab.name,
      headquartersCountry: lab.headquartersCountry,
      controlCountry: lab.controlCountry ?? undefined,
      keyId: lab.keyId,
      key,
      qualifiedFrom: lab.qualifiedFrom,
      qualifiedTo: lab.qualifiedTo ?? undefined,
      revokedOn: lab.revokedOn ?? undefined,
    };
  }

  // ── Section 232 ───────────────────────────────────────────────────────────────────────────────

  /** Records the US entry of a shipment's lot: band from the product, duty at the rule's rate. */
  async recordDutyEntry(
    input: unknown,
  ): Promise<{ status: CreateStatus; entryId: string; band: number | null; dutyOwedCents: bigint }> {
    const entry = parseInput(dutyEntryInputSchema, input, "duty entry");
    const rate = this.dutyRatePercent(entry.enteredOn);
    return this.tx(async (tx) => {
      const stored = await ev.loadDutyEntry(tx, { id: entry.id });
      if (stored) {
        const status = replayStatus(
          asColumns(stored),
          {
            ...entry,
            exemptionKind: entry.exemption?.kind,
            exemptionCertificateRef: entry.exemption?.certificateRef,
          },
          dutyFields,
        );
        return { status, entryId: entry.id, band: stored.band, dutyOwedCents: stored.dutyOwedCents };
      }
      const shipment = await rows.loadShipment(tx, entry.shipmentId);
      if (!shipment) throw notFound(`shipment ${quote(entry.shipmentId)}`);
      const other = await ev.loadDutyEntry(tx, { shipmentId: entry.shipmentId });
      if (other)
        throw conflict(
          `shipment ${quote(entry.shipmentId)}`,
          `already entered as ${quote(other.id)}`,
          "shipment_already_entered",
        );
      const order = await rows.loadOrder(tx, shipment.orderId);
      if (!order) throw new Error(`shipment ${shipment.id} refers to a missing order`);
      const { classification } = this.context.evaluator.productById(order.doc.productId);
      const { band, owedCents } = dutyFor(entry, classification, rate);
      await tx.query(
        `INSERT INTO duty_entries (id, shipment_id, entered_on, hts_code, band, entered_value_cents, rate_percent,
                                   exemption_kind, exemption_certificate_ref, duty_owed_cents, created_at, recorded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          entry.id,
          entry.shipmentId,
          entry.enteredOn,
          entry.htsCode,
          band,
          entry.enteredValueCents,
          rate,
          entry.exemption?.kind ?? null,
          entry.exemption?.certificateRef ?? null,
          owedCents,
          this.context.clock(),
          this.recordedBy(),
        ],
      );
      await this.audit(tx, "duty.entered", { ...entry, band, ratePercent: rate, dutyOwedCents: owedCents });
      return { status: "created" as const, entryId: entry.id, band, dutyOwedCents: owedCents };
    });
  }

  /** The `duty-paid` rule's rate on the entry date; 0 when no duty was in force. */
  private dutyRatePercent(on: IsoDate): number {
    const found = this.context.evaluator.rulesFor(on).rules.find((entry) => entry.rule.kind === "duty-paid");
    const rule = found?.rule as Extract<Rule, { kind: "duty-paid" }> | undefined;
    return rule?.params.ratePercent ?? 0;
  }

  async payDuty(input: unknown): Promise<{
    status: CreateStatus | "exceeds_duty_owed" | "entry_reversed";
    paymentId: string;
    dutyPaidCents?: bigint;
  }> {
    const payment = parseInput(dutyPaymentInputSchema, input, "duty payment");
    return this.tx(async (tx) => {
      const stored = await ev.loadDoc(tx, "duty_payments", payment.id);
      if (stored)
        return {
          status: replayStatus(stored, payment, [
            ["entryId", "entry_id"],
            ["amountCents", "amount_cents"],
            ["paidOn", "paid_on"],
          ]),
          paymentId: payment.id,
        };
      const entry = await ev.loadDutyEntry(tx, { id: payment.entryId });
      if (!entry) throw notFound(`duty entry ${quote(payment.entryId)}`);
      if (entry.reversed) return { status: "entry_reversed" as const, paymentId: payment.id };
      const after = entry.dutyPaidCents + payment.amountCents;
      if (after > entry.dutyOwedCents)
        return {
          status: "exceeds_duty_owed" as const,
          paymentId: payment.id,
          dutyPaidCents: entry.dutyPaidCents,
        };
      await tx.query(
        "INSERT INTO duty_payments (id, entry_id, amount_cents, paid_on, created_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6)",
        [
          payment.id,
          payment.entryId,
          payment.amountCents,
          payment.paidOn,
          this.context.clock(),
          this.recordedBy(),
        ],
      );
      await tx.query("UPDATE duty_entries SET duty_paid_cents = duty_paid_cents + $2 WHERE id = $1", [
        entry.id,
        payment.amountCents,
      ]);
      await this.audit(tx, "duty.paid", { ...payment, dutyPaidCents: after });
      return { status: "created" as const, paymentId: payment.id, dutyPaidCents: after };
    });
  }

  // ── prepayment ────────────────────────────────────────────────────────────────────────────────

  async invoice(
    input: unknown,
  ): Promise<{ status: CreateStatus | "exceeds_order_value"; invoiceId: string }> {
    const invoice = parseInput(invoiceInputSchema, input, "invoice");
    return this.tx(async (tx) => {
      const stored = await ev.loadDoc(tx, "invoices", invoice.id);
      if (stored)
        return {
          status: replayStatus(stored, invoice, [
            ["orderId", "order_id"],
            ["amountCents", "amount_cents"],
            ["issuedOn", "issued_on"],
          ]),
          invoiceId: invoice.id,
        };
      const order = await rows.loadOrder(tx, invoice.orderId);
      if (!order) throw notFound(`order ${quote(invoice.orderId)}`);
      const { invoicedCents } = await ev.paymentTotals(tx, invoice.orderId);
      if (invoicedCents + invoice.amountCents > order.doc.valueCents)
        return { status: "exceeds_order_value" as const, invoiceId: invoice.id };
      await tx.query(
        "INSERT INTO invoices (id, order_id, amount_cents, issued_on, created_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6)",
        [
          invoice.id,
          invoice.orderId,
          invoice.amountCents,
          invoice.issuedOn,
          this.context.clock(),
          this.recordedBy(),
        ],
      );
      await this.audit(tx, "payment.invoiced", invoice);
      return { status: "created" as const, invoiceId: invoice.id };
    });
  }

  async pay(input: unknown): Promise<{ status: CreateStatus | "exceeds_order_value"; paymentId: string }> {
    const payment = parseInput(paymentInputSchema, input, "payment");
    return this.tx(async (tx) => {
      const stored = await ev.loadDoc(tx, "payments", payment.id);
      if (stored)
        return {
          status: replayStatus(stored, payment, [
            ["orderId", "order_id"],
            ["amountCents", "amount_cents"],
            ["kind", "kind"],
            ["paidOn", "paid_on"],
          ]),
          paymentId: payment.id,
        };
      const order = await rows.loadOrder(tx, payment.orderId);
      if (!order) throw notFound(`order ${quote(payment.orderId)}`);
      // Every total has its maximum, checked when written (#13): what is paid (and, apart, what is
      // put up as collateral or insurance) on an order never exceeds the order's value.
      const totals = await ev.paymentTotals(tx, payment.orderId);
      const sofar = payment.kind === "payment" ? totals.paidCents : totals.collateralCents;
      if (sofar + payment.amountCents > order.doc.valueCents)
        return { status: "exceeds_order_value" as const, paymentId: payment.id };
      await tx.query(
        "INSERT INTO payments (id, order_id, kind, amount_cents, paid_on, reference, created_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        [
          payment.id,
          payment.orderId,
          payment.kind,
          payment.amountCents,
          payment.paidOn,
          payment.reference ?? null,
          this.context.clock(),
          this.recordedBy(),
        ],
      );
      await this.audit(tx, "payment.received", payment);
      return { status: "created" as const, paymentId: payment.id };
    });
  }

  /** Forfeits the order's paid cash (never a refund): the use case behind `sluice payments forfeit`. */
  forfeit(orderId: string, reason: string, options: { id?: string; on?: IsoDate } = {}) {
    return this.tx(async (tx) => {
      if (!(await rows.loadOrder(tx, orderId))) throw notFound(`order ${quote(orderId)}`);
      return forfeitPayments(tx, orderId, reason, {
        ...options,
        at: this.context.clock(),
        appendAudit: this.context.appendAudit,
      });
    });
  }

  // ── China ─────────────────────────────────────────────────────────────────────────────────────

  async recordImportApproval(input: unknown): Promise<{ status: CreateStatus; approvalId: string }> {
    const approval = parseInput(approvalInputSchema, input, "import approval");
    return this.tx(async (tx) => {
      const stored = await ev.loadApproval(tx, approval.id);
      if (stored)
        return {
          status: replayStatus(stored.doc as unknown as Record<string, unknown>, approval, approvalFields),
          approvalId: approval.id,
        };
      if (!(await rows.loadParty(tx, approval.importerId)))
        throw notFound(
          `import approval ${quote(approval.id)} at \`importerId\``,
          `unknown party ${quote(approval.importerId)}`,
        );
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
          this.context.clock(),
          this.recordedBy(),
        ],
      );
      await this.audit(tx, "approval.recorded", approval);
      return { status: "created" as const, approvalId: approval.id };
    });
  }

  async recordDomesticPurchase(input: unknown): Promise<{ status: CreateStatus; purchaseId: string }> {
    const purchase = parseInput(domesticPurchaseInputSchema, input, "domestic purchase");
    return this.tx(async (tx) => {
      const stored = await ev.loadDoc(tx, "domestic_purchases", purchase.id);
      if (stored) return { status: replayStatus(stored, purchase, purchaseFields), purchaseId: purchase.id };
      if (!(await rows.loadParty(tx, purchase.importerId)))
        throw notFound(
          `domestic purchase ${quote(purchase.id)} at \`importerId\``,
          `unknown party ${quote(purchase.importerId)}`,
        );
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
          this.context.clock(),
        ],
      );
      await this.audit(tx, "domestic.purchased", purchase);
      return { status: "created" as const, purchaseId: purchase.id };
    });
  }

  /** Customs clearance or rejection of a shipped lot. */
  async recordCustomsEvent(
    input: unknown,
  ): Promise<{ status: CreateStatus | "shipment_not_shipped"; eventId: string }> {
    const event: CustomsEventInput = parseInput(customsEventInputSchema, input, "customs event");
    return this.tx(async (tx) => {
      const stored = await ev.loadDoc(tx, "customs_events", event.id);
      if (stored) return { status: replayStatus(stored, event, customsFields), eventId: event.id };
      const shipment = await rows.loadShipment(tx, event.shipmentId);
      if (!shipment) throw notFound(`shipment ${quote(event.shipmentId)}`);
      if (shipment.status !== "shipped")
        return { status: "shipment_not_shipped" as const, eventId: event.id };
      await tx.query(
        `INSERT INTO customs_events (id, shipment_id, kind, on_date, authority, reason, created_at, recorded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          event.id,
          event.shipmentId,
          event.kind,
          event.on,
          event.authority,
          event.reason ?? null,
          this.context.clock(),
          this.recordedBy(),
        ],
      );
      await this.audit(tx, `customs.${event.kind}`, event);
      return { status: "created" as const, eventId: event.id };
    });
  }

  /** The dossier's evidence section for an order (and one of its shipments) from the records. */
  view(orderId: string, shipmentId: string | null): Promise<DossierInput["evidence"]> {
    return this.context.store.transaction((tx) => evidenceView(tx, orderId, shipmentId), {
      isolation: "repeatable read",
    });
  }
}

const labFields = [
  ["name", "name"],
  ["headquartersCountry", "headquarters_country"],
  ["controlCountry", "control_country"],
  ["keyId", "key_id"],
  ["qualifiedFrom", "qualified_from"],
  ["qualifiedTo", "qualified_to"],
] as const satisfies readonly [string, string][];
const dutyFields = [
  ["shipmentId", "shipment_id"],
  ["enteredOn", "entered_on"],
  ["htsCode", "hts_code"],
  ["enteredValueCents", "entered_value_cents"],
  ["exemptionKind", "exemption_kind"],
  ["exemptionCertificateRef", "exemption_certificate_ref"],
] as const satisfies readonly [string, string][];
const approvalFields = [
  ["importerId", "importerId"],
  ["importer", "importer"],
  ["authority", "authority"],
  ["approvedOn", "approvedOn"],
  ["validFrom", "validFrom"],
  ["validTo", "validTo"],
  ["approvedUnits", "approvedUnits"],
  ["purpose", "purpose"],
] as const satisfies readonly [string, string][];
const purchaseFields = [
  ["importerId", "importer_id"],
  ["vendor", "vendor"],
  ["product", "product"],
  ["units", "units"],
  ["tppPerUnit", "tpp_per_unit"],
  ["purchasedOn", "purchased_on"],
] as const satisfies readonly [string, string][];
const customsFields = [
  ["shipmentId", "shipment_id"],
  ["kind", "kind"],
  ["on", "on_date"],
  ["reason", "reason"],
] as const satisfies readonly [string, string][];

const asColumns = (row: ev.DutyEntryRow): Record<string, unknown> => ({
  shipment_id: row.shipmentId,
  entered_on: row.enteredOn,
  hts_code: row.htsCode,
  entered_value_cents: row.enteredValueCents,
  exemption_kind: row.exemptionKind,
  exemption_certificate_ref: row.exemptionCertificateRef,
});

// ── hooks for the shipment path (called inside its transactions) ──────────────────────────────

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

export interface HookTime {
  /** The calendar day of the event (validity windows are checked against it). */
  on: IsoDate;
  /** The instant recorded in rows and the audit entry. */
  at: Date;
  appendAudit: AuditAppender;
}

/** True when the release decision passed an import-approval rule: its units must be written down. */
export const approvalRequired = (decision: Pick<Decision, "findings">): boolean =>
  decision.findings.some((finding) => finding.kind === "import-approval" && finding.status === "pass");

/**
 * Writes `units` of a shipment down on an import approval of the order's consignee, with an audit
 * entry; a refusal changes nothing. The approval used is the first (soonest-expiring) that allows
 * it; when none does, the status of the candidate that came closest is returned.
 */
export async function writeDownApprovalTx(
  tx: Tx,
  orderId: string,
  shipmentId: string,
  units: number,
  time: HookTime,
): Promise<{ status: WriteDownStatus; approvalId?: string }> {
  const live = await ev.liveWriteDown(tx, shipmentId);
  if (live) return { status: "exists", approvalId: live.approvalId };
  const order = await rows.loadOrder(tx, orderId);
  if (!order) throw notFound(`order ${quote(orderId)}`);
  const endUser = await rows.loadParty(tx, order.doc.endUserId);
  let closest: { status: WriteDownStatus; approvalId?: string } = { status: "no_approval" };
  for (const approval of await ev.approvalsOf(tx, order.doc.consigneeId)) {
    const status = checkWriteDown(approval.doc, approval.usedUnits, units, time.on, endUser?.sector);
    if (status === "ok") return applyWriteDown(tx, approval.doc, orderId, shipmentId, units, time);
    if (writeDownStatuses.indexOf(status) > writeDownStatuses.indexOf(closest.status))
      closest = { status, approvalId: approval.doc.id };
  }
  return closest;
}

async function applyWriteDown(
  tx: Tx,
  approval: ApprovalInput,
  orderId: string,
  shipmentId: string,
  units: number,
  time: HookTime,
) {
  const { rowCount } = await tx.query(
    "UPDATE cn_import_approvals SET used_units = used_units + $2 WHERE id = $1 AND used_units + $2 <= approved_units",
    [approval.id, units],
  );
  if (rowCount !== 1) return { status: "approval_exhausted" as const, approvalId: approval.id };
  const {
    rows: [count],
  } = await tx.query<{ n: bigint }>(
    "SELECT COUNT(*) AS n FROM cn_approval_write_downs WHERE shipment_id = $1",
    [shipmentId],
  );
  const id = `${shipmentId}:approval:${Number(count?.n ?? 0) + 1}`;
  await tx.query(
    "INSERT INTO cn_approval_write_downs (id, approval_id, order_id, shipment_id, units, written_at) VALUES ($1, $2, $3, $4, $5, $6)",
    [id, approval.id, orderId, shipmentId, units, time.at],
  );
  await time.appendAudit(
    tx,
    "approval.written_down",
    { writeDownId: id, approvalId: approval.id, orderId, shipmentId, units, on: time.on },
    time.at,
  );
  return { status: "ok" as const, approvalId: approval.id };
}

/** Gives a shipment's units back to its approval (cancellation, reverted release). */
export async function restoreApprovalTx(
  tx: Tx,
  shipmentId: string,
  time: Omit<HookTime, "on">,
): Promise<{ status: "restored" | "nothing_to_restore"; approvalId?: string }> {
  const live = await ev.liveWriteDown(tx, shipmentId);
  if (!live) return { status: "nothing_to_restore" };
  await tx.query("UPDATE cn_approval_write_downs SET restored_at = $2 WHERE id = $1", [live.id, time.at]);
  await tx.query("UPDATE cn_import_approvals SET used_units = used_units - $2 WHERE id = $1", [
    live.approvalId,
    live.units,
  ]);
  await time.appendAudit(
    tx,
    "approval.restored",
    { writeDownId: live.id, approvalId: live.approvalId, shipmentId, units: live.units },
    time.at,
  );
  return { status: "restored", approvalId: live.approvalId };
}

/**
 * Forfeits the order's paid cash not forfeited yet (after a denial or revocation): one forfeiture
 * entry with an audit entry, never a refund. Nothing paid (or all forfeited) → `nothing_to_forfeit`.
 */
export async function forfeitPayments(
  tx: Tx,
  orderId: string,
  reason: string,
  options: { at: Date; appendAudit: AuditAppender; id?: string; on?: IsoDate },
): Promise<{
  status: "forfeited" | "nothing_to_forfeit" | "exists";
  forfeitureId?: string;
  amountCents: bigint;
}> {
  const kind = (forfeitureReasons as readonly string[]).includes(reason)
    ? (reason as ForfeitureReason)
    : "other";
  if (options.id) {
    const stored = await ev.loadDoc(tx, "forfeitures", options.id);
    if (stored)
      return { status: "exists", forfeitureId: options.id, amountCents: BigInt(String(stored.amount_cents)) };
  }
  const amount = forfeitableCents(await ev.paymentTotals(tx, orderId));
  if (amount <= 0n) return { status: "nothing_to_forfeit", amountCents: 0n };
  const {
    rows: [count],
  } = await tx.query<{ n: bigint }>("SELECT COUNT(*) AS n FROM forfeitures WHERE order_id = $1", [orderId]);
  const id = options.id ?? `${orderId}:forfeit:${Number(count?.n ?? 0) + 1}`;
  const on = options.on ?? options.at.toISOString().slice(0, 10);
  await tx.query(
    "INSERT INTO forfeitures (id, order_id, amount_cents, reason, forfeited_on, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    [id, orderId, amount, reason, on, options.at],
  );
  await options.appendAudit(
    tx,
    "payment.forfeited",
    { forfeitureId: id, orderId, amountCents: amount, reason, kind, on },
    options.at,
  );
  return { status: "forfeited", forfeitureId: id, amountCents: amount };
}

/** Where a lab certificate goes instead of an evidence document (PUT …/evidence refuses one). */
export const certificateRoute =
  "submit the signed certificate with POST /v1/certificates or `sluice lab submit`";

/**
 * Refuses a `labCertificate` in evidence filed as a document: only a certificate whose Ed25519
 * signature Sluice checked on submission may satisfy the lab-test rule.
 */
export function refuseFiledCertificate(evidence: { labCertificate?: unknown }, where: string): void {
  if (evidence.labCertificate !== undefined)
    throw badInput(
      `${where} at \`labCertificate\``,
      `a lab certificate is not filed as a document: ${certificateRoute}`,
      "certificate_not_submitted",
    );
}

/**
 * Evidence filed as a document, as the dossier may use it: a `labCertificate` on file from before
 * documents refused one loses any `signatureVerified` claim, so it can only hold the release.
 */
export function documentEvidence(evidence: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!evidence?.labCertificate || typeof evidence.labCertificate !== "object") return evidence ?? {};
  const { signatureVerified: _claimed, ...certificate } = evidence.labCertificate as Record<string, unknown>;
  return { ...evidence, labCertificate: certificate };
}

/**
 * The dossier's `evidence` section from the records: the shipment's certificate (its signature
 * counts as verified only while the stored status is `ok`), its duty entry, the order's payment
 * totals, the consignee's import approval (with units used by other shipments) and its domestic
 * purchases. Sections without records are left out.
 */
export async function evidenceView(
  tx: Tx,
  orderId: string,
  shipmentId: string | null,
): Promise<DossierInput["evidence"]> {
  const order = await rows.loadOrder(tx, orderId);
  if (!order) throw notFound(`order ${quote(orderId)}`);
  const evidence: NonNullable<DossierInput["evidence"]> = {};
  if (shipmentId) {
    const certificate = await certificateEvidence(tx, shipmentId);
    if (certificate) evidence.labCertificate = certificate;
    const duty = await ev.loadDutyEntry(tx, { shipmentId });
    if (duty) evidence.dutyEntry = dutyEvidence(duty);
  }
  const totals = await ev.paymentTotals(tx, orderId);
  if (totals.records > 0) evidence.payment = paymentEvidence(totals);
  const approval = await approvalEvidence(tx, order.doc.consigneeId, shipmentId);
  if (approval) evidence.cnImportApproval = approval;
  const purchases = await ev.domesticPurchaseTotals(tx, order.doc.consigneeId);
  if (purchases.purchases > 0)
    evidence.domesticPurchases = {
      units: purchases.units,
      reference: `${purchases.purchases} recorded purchase(s)`,
    };
  return evidence;
}

async function certificateEvidence(tx: Tx, shipmentId: string) {
  const certificate = await ev.certificateForShipment(tx, shipmentId);
  if (!certificate) return undefined;
  const lab = await ev.loadLab(tx, certificate.labId);
  if (!lab) throw new Error(`certificate ${certificate.id} refers to a missing lab`);
  const body = certificate.document;
  return {
    id: certificate.id,
    lab: {
      id: lab.id,
      name: lab.name,
      headquartersCountry: lab.headquartersCountry,
      qualifiedFrom: lab.qualifiedFrom,
      ...(lab.qualifiedTo ? { qualifiedTo: lab.qualifiedTo } : {}),
      ...(lab.revokedOn ? { revokedOn: lab.revokedOn } : {}),
    },
    shipmentId: certificate.shipmentId,
    testCountry: body.testCountry,
    testedOn: body.testedOn,
    sampledSerials: body.sampledSerials,
    measured: body.measured,
    signatureVerified: certificate.status === "ok",
  };
}

function dutyEvidence(duty: ev.DutyEntryRow) {
  return {
    id: duty.id,
    enteredOn: duty.enteredOn,
    htsCode: duty.htsCode,
    enteredValueCents: duty.enteredValueCents.toString(),
    dutyPaidCents: duty.dutyPaidCents.toString(),
    ...(duty.exemptionKind && duty.exemptionCertificateRef
      ? { exemption: { kind: duty.exemptionKind as never, certificateRef: duty.exemptionCertificateRef } }
      : {}),
  };
}

/** The approval the shipment is written down on, else the consignee's with the most units left. */
async function approvalEvidence(tx: Tx, importerId: string, shipmentId: string | null) {
  const live = shipmentId ? await ev.liveWriteDown(tx, shipmentId) : undefined;
  const approvals = await ev.approvalsOf(tx, importerId);
  const chosen = live
    ? approvals.find((a) => a.doc.id === live.approvalId)
    : [...approvals].sort(
        (a, b) => b.doc.approvedUnits - b.usedUnits - (a.doc.approvedUnits - a.usedUnits),
      )[0];
  if (!chosen) return undefined;
  const { doc } = chosen;
  // The shipment's own write-down is what the rule is deciding, so it does not count as used.
  const usedUnits = chosen.usedUnits - (live?.approvalId === doc.id ? live.units : 0);
  return {
    id: doc.id,
    authority: doc.authority,
    importer: doc.importer,
    approvedOn: doc.approvedOn,
    validFrom: doc.validFrom,
    validTo: doc.validTo,
    approvedUnits: doc.approvedUnits,
    usedUnits,
    purpose: doc.purpose,
    conditions: doc.conditions,
  };
}
