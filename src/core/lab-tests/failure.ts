// A failed lab test of a lot: what a qualified lab signs when a shipment's sample does not pass
// (measured performance over the declared figures, serials that do not match the lot, signs of
// tampering). Signed like a lab certificate: Ed25519 over the RFC 8785 canonical JSON of the body,
// with the key the lab is registered with, so a failure on record is the lab's own statement. The
// checks here are pure; the use case reads the lab and the lot and stores the record.
import { type KeyObject, sign, verify } from "node:crypto";
import { z } from "zod";
import { canonicalJson, sha256Hex } from "../digest.ts";
import type { ErrorKind } from "../errors.ts";
import { idSchema } from "../evidence/ids.ts";
import { sampleSizeMax, serialInRanges } from "../evidence/sampling.ts";
import { isoDateSchema } from "../shared.ts";
import type { SerialRange } from "../shipments/model.ts";

export const labTestFailureFormat = "sluice-lab-test-failure/1";

/** What failed, in the order a record lists them. */
export const failedChecks = [
  "performance_over_declared",
  "serials_mismatch",
  "tamper_evidence",
  "sample_incomplete",
  "other",
] as const;

const serialSchema = z.string().min(1).max(160);
const reasonLengthMax = 1000;

/** The signed content. Every field is bound by the signature. */
export const labTestFailureBodySchema = z.strictObject({
  format: z.literal(labTestFailureFormat),
  id: idSchema,
  labId: idSchema,
  /** sha256 (hex) of the signing public key's SPKI DER. */
  keyId: z.string().regex(/^[0-9a-f]{64}$/, "expected 64 lower-case hex digits"),
  shipmentId: idSchema,
  testedOn: isoDateSchema,
  sampledSerials: z.array(serialSchema).min(1).max(sampleSizeMax),
  /** The sampled serials that failed (may be empty when the lot fails as a whole). */
  failedSerials: z.array(serialSchema).max(sampleSizeMax),
  checks: z.array(z.enum(failedChecks)).min(1).max(failedChecks.length),
  reason: z.string().min(1).max(reasonLengthMax),
});
export type LabTestFailureBody = z.output<typeof labTestFailureBodySchema>;

export const signedLabTestFailureSchema = z.strictObject({
  failure: labTestFailureBodySchema,
  signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, "expected a base64 Ed25519 signature"),
});
export type SignedLabTestFailure = z.output<typeof signedLabTestFailureSchema>;

/** Outcomes of recording a failure, in precedence order (first failing wins). */
export const labTestFailureStatuses = [
  "recorded",
  "exists",
  "exists_with_different_document",
  "unknown_lab",
  "key_mismatch",
  "bad_signature",
  "lab_not_qualified",
  "tested_in_future",
  "unknown_shipment",
  "serials_not_in_lot",
] as const;
export type LabTestFailureStatus = (typeof labTestFailureStatuses)[number];

/** How each outcome answers (HTTP status and exit code through src/core/errors.ts); null: success. */
export const labTestFailureErrorKinds: Record<LabTestFailureStatus, ErrorKind | null> = {
  recorded: null,
  exists: null,
  exists_with_different_document: "conflict",
  unknown_lab: "conflict",
  key_mismatch: "conflict",
  bad_signature: "conflict",
  lab_not_qualified: "conflict",
  tested_in_future: "conflict",
  unknown_shipment: "not_found",
  serials_not_in_lot: "conflict",
};

/** The canonical text that is signed and kept, and its sha256 (hex). */
export function failureText(body: LabTestFailureBody): { text: string; hash: string } {
  const text = canonicalJson(body);
  return { text, hash: sha256Hex(text) };
}

export interface FailureLab {
  keyId: string;
  key: KeyObject;
  qualifiedFrom: string;
  /** The last day of qualification (included), if it ends. */
  qualifiedTo: string | null;
  /** From this day on the lab is revoked. */
  revokedOn: string | null;
}

/**
 * Checks a signed failure against the lab's registry entry, the day (`today`, the server's) and the
 * lot's serial ranges; `null` lot: no such shipment. Returns "recorded" when it may be stored.
 */
export function checkLabTestFailure(
  signed: SignedLabTestFailure,
  text: string,
  context: { lab: FailureLab | null; today: string; lotRanges: readonly SerialRange[] | null },
): LabTestFailureStatus {
  const { failure } = signed;
  const { lab } = context;
  if (!lab) return "unknown_lab";
  if (lab.keyId !== failure.keyId) return "key_mismatch";
  if (!verify(null, Buffer.from(text, "utf8"), lab.key, Buffer.from(signed.signature, "base64")))
    return "bad_signature";
  const day = failure.testedOn;
  if (
    day < lab.qualifiedFrom ||
    (lab.qualifiedTo !== null && day > lab.qualifiedTo) ||
    (lab.revokedOn !== null && day >= lab.revokedOn)
  )
    return "lab_not_qualified";
  if (failure.testedOn > context.today) return "tested_in_future";
  if (context.lotRanges === null) return "unknown_shipment";
  const sampled = new Set(failure.sampledSerials);
  const inLot = (serial: string) => serialInRanges(serial, context.lotRanges ?? []);
  if (!failure.sampledSerials.every(inLot) || !failure.failedSerials.every((s) => sampled.has(s)))
    return "serials_not_in_lot";
  return "recorded";
}

/** Signs a failure as a lab does (Ed25519 is deterministic: the same body and key, the same bytes). */
export function signLabTestFailure(body: LabTestFailureBody, privateKey: KeyObject): SignedLabTestFailure {
  const { text } = failureText(body);
  return { failure: body, signature: sign(null, Buffer.from(text, "utf8"), privateKey).toString("base64") };
}
