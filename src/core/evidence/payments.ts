// Prepayment per order (REGIME.md §3): invoices, payments (cash, or collateral/insurance where a
// scenario accepts it) and forfeitures, all integer cents. There is no refund operation: when a
// licence is denied or revoked after payment, the paid cash becomes a forfeiture entry. A forfeited
// amount no longer counts as prepaid for a release.
import { z } from "zod";
import { centsSchema, isoDateSchema } from "../shared.ts";
import { idSchema } from "./ids.ts";

const positiveCents = centsSchema.refine((cents) => cents > 0n, { message: "must be more than 0 cents" });

export const invoiceInputSchema = z.strictObject({
  id: idSchema,
  orderId: idSchema,
  amountCents: positiveCents,
  issuedOn: isoDateSchema,
});
export type InvoiceInput = z.output<typeof invoiceInputSchema>;

export const paymentKinds = ["payment", "collateral", "insurance"] as const;

export const paymentInputSchema = z.strictObject({
  id: idSchema,
  orderId: idSchema,
  amountCents: positiveCents,
  paidOn: isoDateSchema,
  kind: z.enum(paymentKinds).default("payment"),
  reference: z.string().min(1).max(200).optional(),
});
export type PaymentInput = z.output<typeof paymentInputSchema>;

export const forfeitureReasons = [
  "licence-denied",
  "licence-revoked",
  "lab-revoked",
  "import-refused",
  "other",
] as const;
export type ForfeitureReason = (typeof forfeitureReasons)[number];

export interface PaymentTotals {
  invoicedCents: bigint;
  /** Cash received. */
  paidCents: bigint;
  /** Collateral and insurance accepted instead of cash. */
  collateralCents: bigint;
  forfeitedCents: bigint;
}

export const noPayments: PaymentTotals = {
  invoicedCents: 0n,
  paidCents: 0n,
  collateralCents: 0n,
  forfeitedCents: 0n,
};

/** Cash that could still be forfeited: paid and not forfeited yet. */
export const forfeitableCents = (totals: PaymentTotals): bigint => totals.paidCents - totals.forfeitedCents;

/** Share of the order value prepaid in cash, in basis points (10,000 = 100 %), rounded down. */
export function prepaidShare(totals: PaymentTotals, valueCents: bigint): bigint {
  if (valueCents <= 0n) return 10_000n;
  return (forfeitableCents(totals) * 10_000n) / valueCents;
}

/** The dossier's `payment` section: forfeited cash is no longer prepayment. */
export const paymentEvidence = (totals: PaymentTotals) => ({
  invoicedCents: totals.invoicedCents.toString(),
  paidCents: forfeitableCents(totals).toString(),
  collateralCents: totals.collateralCents.toString(),
});
