// Section 232: a lot's US entry (its band from the product's classification, duty at the
// `duty-paid` rule's rate on the entry date, an exemption claim apart) and payments of its duty,
// never more than owed and never on a reversed entry.
import { notFound, quote } from "../../core/errors.ts";
import { dutyEntryInputSchema, dutyFor, dutyPaymentInputSchema } from "../../core/evidence/duty.ts";
import type { Rule } from "../../core/rulebook/schema.ts";
import type { IsoDate } from "../../core/shared.ts";
import { parseInput } from "../../core/validation.ts";
import type { CreateStatus, DutyEntryRow, EvidenceContext } from "./ports.ts";
import { audit, conflict, recordedBy, replayStatus, write } from "./unit.ts";

const dutyFields = [
  ["shipmentId", "shipment_id"],
  ["enteredOn", "entered_on"],
  ["htsCode", "hts_code"],
  ["enteredValueCents", "entered_value_cents"],
  ["exemptionKind", "exemption_kind"],
  ["exemptionCertificateRef", "exemption_certificate_ref"],
] as const satisfies readonly [string, string][];

const asColumns = (row: DutyEntryRow): Record<string, unknown> => ({
  shipment_id: row.shipmentId,
  entered_on: row.enteredOn,
  hts_code: row.htsCode,
  entered_value_cents: row.enteredValueCents,
  exemption_kind: row.exemptionKind,
  exemption_certificate_ref: row.exemptionCertificateRef,
});

/** The `duty-paid` rule's rate on the entry date; 0 when no duty was in force. */
function dutyRatePercent(context: EvidenceContext, on: IsoDate): number {
  const found = context.evaluator.rulesFor(on).rules.find((entry) => entry.rule.kind === "duty-paid");
  const rule = found?.rule as Extract<Rule, { kind: "duty-paid" }> | undefined;
  return rule?.params.ratePercent ?? 0;
}

/** Records the US entry of a shipment's lot: band from the product, duty at the rule's rate. */
export async function recordDutyEntry(
  context: EvidenceContext,
  input: unknown,
): Promise<{ status: CreateStatus; entryId: string; band: number | null; dutyOwedCents: bigint }> {
  const entry = parseInput(dutyEntryInputSchema, input, "duty entry");
  const rate = dutyRatePercent(context, entry.enteredOn);
  return write(context, async (repos) => {
    const stored = await repos.evidence.loadDutyEntry({ id: entry.id });
    if (stored) {
      const incoming = {
        ...entry,
        exemptionKind: entry.exemption?.kind,
        exemptionCertificateRef: entry.exemption?.certificateRef,
      };
      const status = replayStatus(asColumns(stored), incoming, dutyFields);
      return { status, entryId: entry.id, band: stored.band, dutyOwedCents: stored.dutyOwedCents };
    }
    const shipment = await repos.shipments.loadShipment(entry.shipmentId);
    if (!shipment) throw notFound(`shipment ${quote(entry.shipmentId)}`);
    const other = await repos.evidence.loadDutyEntry({ shipmentId: entry.shipmentId });
    if (other)
      throw conflict(
        `shipment ${quote(entry.shipmentId)}`,
        `already entered as ${quote(other.id)}`,
        "shipment_already_entered",
      );
    const order = await repos.shipments.loadOrder(shipment.orderId);
    if (!order) throw new Error(`shipment ${shipment.id} refers to a missing order`);
    const { classification } = context.evaluator.productById(order.doc.productId);
    const { band, owedCents } = dutyFor(entry, classification, rate);
    const duty = { band, ratePercent: rate, owedCents };
    await repos.evidence.insertDutyEntry(entry, duty, context.clock(), recordedBy(context));
    await audit(context, repos, "duty.entered", {
      ...entry,
      band,
      ratePercent: rate,
      dutyOwedCents: owedCents,
    });
    return { status: "created" as const, entryId: entry.id, band, dutyOwedCents: owedCents };
  });
}

export async function payDuty(
  context: EvidenceContext,
  input: unknown,
): Promise<{
  status: CreateStatus | "exceeds_duty_owed" | "entry_reversed";
  paymentId: string;
  dutyPaidCents?: bigint;
}> {
  const payment = parseInput(dutyPaymentInputSchema, input, "duty payment");
  return write(context, async (repos) => {
    const stored = await repos.evidence.loadDoc("duty_payments", payment.id);
    if (stored)
      return {
        status: replayStatus(stored, payment, [
          ["entryId", "entry_id"],
          ["amountCents", "amount_cents"],
          ["paidOn", "paid_on"],
        ]),
        paymentId: payment.id,
      };
    const entry = await repos.evidence.loadDutyEntry({ id: payment.entryId });
    if (!entry) throw notFound(`duty entry ${quote(payment.entryId)}`);
    if (entry.reversed) return { status: "entry_reversed" as const, paymentId: payment.id };
    const after = entry.dutyPaidCents + payment.amountCents;
    if (after > entry.dutyOwedCents)
      return {
        status: "exceeds_duty_owed" as const,
        paymentId: payment.id,
        dutyPaidCents: entry.dutyPaidCents,
      };
    await repos.evidence.insertDutyPayment(payment, context.clock(), recordedBy(context));
    await audit(context, repos, "duty.paid", { ...payment, dutyPaidCents: after });
    return { status: "created" as const, paymentId: payment.id, dutyPaidCents: after };
  });
}
