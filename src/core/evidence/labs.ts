// The lab registry's inputs: a qualified lab with its Ed25519 public key (PEM, SPKI) and its
// qualification window, and a revocation with its reason and date (REGIME.md §1: BIS may revoke a
// lab at any time; exports relying on it lose case-by-case treatment).
import { z } from "zod";
import { countrySchema, isoDateSchema } from "../shared.ts";
import { idSchema } from "./ids.ts";

export const labInputSchema = z
  .strictObject({
    id: idSchema,
    name: z.string().min(1).max(300),
    headquartersCountry: countrySchema,
    /** Country of the capital that controls the lab, when it differs from the headquarters. */
    controlCountry: countrySchema.optional(),
    publicKey: z.string().includes("BEGIN PUBLIC KEY", { message: "expected a PEM public key" }).max(2000),
    qualifiedFrom: isoDateSchema,
    qualifiedTo: isoDateSchema.optional(),
  })
  .refine((lab) => lab.qualifiedTo === undefined || lab.qualifiedFrom <= lab.qualifiedTo, {
    message: "`qualifiedFrom` must not be after `qualifiedTo`",
    path: ["qualifiedTo"],
  });
export type LabInput = z.output<typeof labInputSchema>;

export const labRevocationSchema = z.strictObject({
  labId: idSchema,
  reason: z.string().min(1).max(500),
  revokedOn: isoDateSchema,
});
export type LabRevocation = z.output<typeof labRevocationSchema>;
