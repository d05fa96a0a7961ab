// Response schemas of the evidence routes, for the OpenAPI document and the web app's types (issue
// #17): labs, certificates, forfeitures, duty totals, the evidence on file, and the answer of an
// evidence write (its status, then the record). Loose objects: fields added later are not breaking.
import { z } from "@hono/zod-openapi";

const digits = z.string().regex(/^-?\d+$/);

export const labSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  headquartersCountry: z.string(),
  controlCountry: z.string().nullable(),
  publicKey: z.string(),
  keyId: z.string(),
  qualifiedFrom: z.string(),
  qualifiedTo: z.string().nullable(),
  revokedOn: z.string().nullable(),
  revocationReason: z.string().nullable(),
  version: z.number().int(),
});

export const certificateSchema = z.looseObject({
  id: z.string(),
  shipmentId: z.string(),
  labId: z.string(),
  hash: z.string(),
  document: z.looseObject({}).meta({ description: "the signed certificate body (canonical JSON)" }),
  signature: z.string(),
  status: z.enum(["ok", "lab_revoked"]),
});

export const forfeitureSchema = z.object({
  id: z.string(),
  orderId: z.string(),
  amountCents: digits,
  reason: z.string(),
  kind: z.string(),
  forfeitedOn: z.string(),
});

export const dutyTotalsSchema = z.looseObject({
  from: z.string(),
  to: z.string(),
  by: z.string(),
  windows: z.array(
    z.looseObject({}).meta({ description: "per window: entered value, duty owed, paid, outstanding" }),
  ),
});

export const evidenceRecordsSchema = z.object({
  orderId: z.string(),
  shipmentId: z.string().nullable(),
  evidence: z.looseObject({}).meta({ description: "the evidence on file, by kind, as the rules read it" }),
});

/** An evidence write's answer: `created`/`exists` (or `ok`, `revoked`, `forfeited`), then the record. */
export const evidenceWriteSchema = z
  .looseObject({ status: z.string() })
  .meta({ description: "the write's status and the record as stored" });
