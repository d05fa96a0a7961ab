// China's side (REGIME.md §4): import approvals written down per shipment, the importer's purchases
// of domestic accelerators (for a domestic-chip ratio) and customs events. A write-down is checked
// here (validity, excluded end users, remaining units) and applied by the store; restoring it on
// cancellation gives the units back.
import { z } from "zod";
import { purposes, sectors } from "../dossier/schema.ts";
import { countSchema, type IsoDate, isoDateSchema, unitsSchema } from "../shared.ts";
import { idSchema } from "./ids.ts";

/** End users the early-January 2026 reports say approvals exclude [S]. */
export const excludedSectorsDefault = [
  "military",
  "sensitive-government",
  "critical-infrastructure",
  "state-owned-enterprise",
] as const;

export const approvalInputSchema = z
  .strictObject({
    id: idSchema,
    /** The importing party (the order's consignee) by id, and its name as the approval writes it. */
    importerId: idSchema,
    importer: z.string().min(1).max(300),
    authority: z.string().min(1).max(200),
    approvedOn: isoDateSchema,
    validFrom: isoDateSchema,
    validTo: isoDateSchema,
    approvedUnits: unitsSchema,
    purpose: z.enum(purposes),
    conditions: z.array(z.string().min(1).max(500)).max(50).default([]),
    excludedSectors: z.array(z.enum(sectors)).default([...excludedSectorsDefault]),
  })
  .refine((a) => a.validFrom <= a.validTo, {
    message: "`validFrom` must not be after `validTo`",
    path: ["validTo"],
  });
export type ApprovalInput = z.output<typeof approvalInputSchema>;

/** Outcomes of writing a shipment down on an approval, in the order they are checked. */
export const writeDownStatuses = [
  "ok",
  "exists",
  "no_approval",
  "approval_not_yet_valid",
  "approval_expired",
  "end_user_excluded",
  "approval_exhausted",
] as const;
export type WriteDownStatus = (typeof writeDownStatuses)[number];

export const remainingUnits = (approval: Pick<ApprovalInput, "approvedUnits">, usedUnits: number): number =>
  approval.approvedUnits - usedUnits;

/** Whether `units` more can be written down on the approval on day `at` for this end user. */
export function checkWriteDown(
  approval: Pick<ApprovalInput, "validFrom" | "validTo" | "approvedUnits" | "excludedSectors">,
  usedUnits: number,
  units: number,
  at: IsoDate,
  endUserSector: string | undefined,
): WriteDownStatus {
  if (at < approval.validFrom) return "approval_not_yet_valid";
  if (at > approval.validTo) return "approval_expired";
  if (endUserSector && (approval.excludedSectors as readonly string[]).includes(endUserSector))
    return "end_user_excluded";
  if (usedUnits + units > approval.approvedUnits) return "approval_exhausted";
  return "ok";
}

export const domesticVendors = ["huawei-ascend", "cambricon", "hygon", "other"] as const;

export const domesticPurchaseInputSchema = z.strictObject({
  id: idSchema,
  importerId: idSchema,
  vendor: z.enum(domesticVendors),
  product: z.string().min(1).max(200),
  units: unitsSchema,
  /** TPP per unit, when known: lets a ratio be counted in TPP as well as units. */
  tppPerUnit: countSchema.optional(),
  purchasedOn: isoDateSchema,
});
export type DomesticPurchaseInput = z.output<typeof domesticPurchaseInputSchema>;

export const customsEventKinds = ["cleared", "rejected"] as const;

export const customsEventInputSchema = z
  .strictObject({
    id: idSchema,
    shipmentId: idSchema,
    kind: z.enum(customsEventKinds),
    on: isoDateSchema,
    authority: z.string().min(1).max(200).default("General Administration of Customs of China"),
    reason: z.string().min(1).max(500).optional(),
  })
  .refine((e) => e.kind !== "rejected" || e.reason !== undefined, {
    message: "a rejection needs a `reason`",
    path: ["reason"],
  });
export type CustomsEventInput = z.output<typeof customsEventInputSchema>;
