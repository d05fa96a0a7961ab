// Prepayment: an order's invoices and payments (cash apart from collateral and insurance), each
// total never above the order's value (#13), and forfeiting the paid cash by hand (never a refund).
import { notFound, quote } from "../../core/errors.ts";
import { invoiceInputSchema, paymentInputSchema } from "../../core/evidence/payments.ts";
import type { IsoDate } from "../../core/shared.ts";
import { parseInput } from "../../core/validation.ts";
import type { CreateStatus, EvidenceContext } from "./ports.ts";
import { forfeitPayments } from "./shipment-hooks.ts";
import { audit, recordedBy, replayStatus, write } from "./unit.ts";

export async function invoice(
  context: EvidenceContext,
  input: unknown,
): Promise<{ status: CreateStatus | "exceeds_order_value"; invoiceId: string }> {
  const invoice = parseInput(invoiceInputSchema, input, "invoice");
  return write(context, async (repos) => {
    const stored = await repos.evidence.loadDoc("invoices", invoice.id);
    if (stored)
      return {
        status: replayStatus(stored, invoice, [
          ["orderId", "order_id"],
          ["amountCents", "amount_cents"],
          ["issuedOn", "issued_on"],
        ]),
        invoiceId: invoice.id,
      };
    const order = await repos.shipments.loadOrder(invoice.orderId);
    if (!order) throw notFound(`order ${quote(invoice.orderId)}`);
    const { invoicedCents } = await repos.evidence.paymentTotals(invoice.orderId);
    if (invoicedCents + invoice.amountCents > order.doc.valueCents)
      return { status: "exceeds_order_value" as const, invoiceId: invoice.id };
    await repos.evidence.insertInvoice(invoice, context.clock(), recordedBy(context));
    await audit(context, repos, "payment.invoiced", invoice);
    return { status: "created" as const, invoiceId: invoice.id };
  });
}

export async function pay(
  context: EvidenceContext,
  input: unknown,
): Promise<{ status: CreateStatus | "exceeds_order_value"; paymentId: string }> {
  const payment = parseInput(paymentInputSchema, input, "payment");
  return write(context, async (repos) => {
    const stored = await repos.evidence.loadDoc("payments", payment.id);
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
    const order = await repos.shipments.loadOrder(payment.orderId);
    if (!order) throw notFound(`order ${quote(payment.orderId)}`);
    // Every total has its maximum, checked when written (#13): what is paid (and, apart, what is
    // put up as collateral or insurance) on an order never exceeds the order's value.
    const totals = await repos.evidence.paymentTotals(payment.orderId);
    const sofar = payment.kind === "payment" ? totals.paidCents : totals.collateralCents;
    if (sofar + payment.amountCents > order.doc.valueCents)
      return { status: "exceeds_order_value" as const, paymentId: payment.id };
    await repos.evidence.insertPayment(payment, context.clock(), recordedBy(context));
    await audit(context, repos, "payment.received", payment);
    return { status: "created" as const, paymentId: payment.id };
  });
}

/** Forfeits the order's paid cash (never a refund): the use case behind `sluice payments forfeit`. */
export function forfeit(
  context: EvidenceContext,
  orderId: string,
  reason: string,
  options: { id?: string; on?: IsoDate } = {},
) {
  return write(context, async (repos) => {
    if (!(await repos.shipments.loadOrder(orderId))) throw notFound(`order ${quote(orderId)}`);
    return forfeitPayments(repos, orderId, reason, { ...options, at: context.clock() });
  });
}
