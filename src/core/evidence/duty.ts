// Section 232 duty on the US entry of a lot (REGIME.md §2): 25 % ad valorem on the entered value,
// in integer cents. Rounding: half up to the cent (`percentOfCents`, the one rounding rule of money
// in Sluice). The band comes from the product's classification; an exemption claim carries its
// end-use certificate and owes nothing (the release rule decides whether a claim is acceptable).
import { z } from "zod";
import type { Classification } from "../classification/types.ts";
import { percentOfCents } from "../evaluation/kinds.ts";
import { centsSchema, isoDateSchema } from "../shared.ts";
import { idSchema } from "./ids.ts";

export const section232Exemptions = [
  "us-data-center",
  "us-repair",
  "us-research-and-development",
  "us-startup",
  "us-public-sector",
] as const;

export const dutyEntryInputSchema = z.strictObject({
  id: idSchema,
  shipmentId: idSchema,
  enteredOn: isoDateSchema,
  htsCode: z.string().regex(/^\d{4}\.\d{2}(\.\d{2,4})?$/, "expected an HTS code such as `8471.50`"),
  enteredValueCents: centsSchema,
  exemption: z
    .strictObject({ kind: z.enum(section232Exemptions), certificateRef: z.string().min(1).max(200) })
    .optional(),
});
export type DutyEntryInput = z.output<typeof dutyEntryInputSchema>;

export const dutyPaymentInputSchema = z.strictObject({
  id: idSchema,
  entryId: idSchema,
  amountCents: centsSchema.refine((cents) => cents > 0n, { message: "a payment must be positive" }),
  paidOn: isoDateSchema,
});
export type DutyPaymentInput = z.output<typeof dutyPaymentInputSchema>;

/** Duty owed on an entered value at a rate, rounded half up to the cent. */
export const dutyOwedCents = (enteredValueCents: bigint, ratePercent: number): bigint =>
  percentOfCents(enteredValueCents, ratePercent);

/** The duty an entry owes: nothing for an exemption claim or a product outside both bands. */
export function dutyFor(
  entry: Pick<DutyEntryInput, "enteredValueCents" | "exemption">,
  classification: Pick<Classification, "section232Band">,
  ratePercent: number,
): { band: 1 | 2 | null; owedCents: bigint } {
  const band = classification.section232Band;
  if (band === null || entry.exemption) return { band, owedCents: 0n };
  return { band, owedCents: dutyOwedCents(entry.enteredValueCents, ratePercent) };
}
