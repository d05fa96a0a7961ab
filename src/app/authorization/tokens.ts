// API tokens as the application knows them: what an administrator may ask for (the input schema,
// checked alike by the HTTP route, the CLI and the store), the record shown to administrators
// (never the secret nor its hash), and the hash under which a secret is stored and looked up.
import { z } from "zod";
import { partyRequiredRoles, type Role, roles } from "../../core/authorization/policy.ts";
import { sha256Hex } from "../../core/digest.ts";
import { badInput, quote } from "../../core/errors.ts";
import { reportIssues } from "../../core/validation.ts";

/** Bytes of randomness in a secret (256 bits). */
export const tokenSecretBytes = 32;
export const tokenSecretPrefix = "sluice_";
export const tokenLabelLengthMax = 200;

/** Secrets are kept and looked up only as their SHA-256. */
export const hashSecret = (secret: string): string => sha256Hex(secret);

const partyIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, "expected 1–128 letters, digits, `.`, `_`, `:` or `-`");

export const tokenLabelSchema = z.string().max(tokenLabelLengthMax);

export const tokenInputSchema = z
  .strictObject({
    role: z.enum(roles),
    partyId: partyIdSchema.optional(),
    label: tokenLabelSchema.optional(),
  })
  .refine((input) => !partyRequiredRoles.includes(input.role) || input.partyId !== undefined, {
    message: `roles ${partyRequiredRoles.join(", ")} need a party`,
    path: ["partyId"],
  })
  // A party on a role that is not scoped to one would be accepted and ignored (issue #13): refused.
  .refine((input) => partyRequiredRoles.includes(input.role) || input.partyId === undefined, {
    message: `only roles ${partyRequiredRoles.join(", ")} act for a party; this role reads across parties`,
    path: ["partyId"],
  });
export type TokenInput = z.output<typeof tokenInputSchema>;

/** A token as shown to administrators: never the secret nor its hash. */
export interface TokenRecord {
  id: string;
  role: Role;
  partyId: string | null;
  label: string;
  version: number;
  createdAt: string;
  revokedAt: string | null;
}

/** Validates `input` (the error names the field), e.g. from the CLI's options. */
export function parseTokenInput(input: unknown, source: string): TokenInput {
  const result = tokenInputSchema.safeParse(input);
  if (result.success) return result.data;
  const report = reportIssues(result.error.issues);
  throw badInput(`${source} ${quote(report.where)}`, report.why);
}
