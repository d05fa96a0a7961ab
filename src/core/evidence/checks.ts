// Checking a submitted lab certificate, in two pure steps: `readCertificate` parses the signed
// document (malformed input is a status, not an exception) and computes its canonical text and
// hash; the caller then looks up the lab and any earlier use of the hash, and `checkCertificate`
// runs every check in the order of `certificateStatuses` and reports the first that fails, with a
// one-line detail. The rule parameters (box, tolerance, sampling plan, lab conditions) come from the
// `lab-certificate` rule in force, so a changed rulebook changes the checks, not this code.
import { createHash, type KeyObject } from "node:crypto";
import { computeTpp } from "../classification/classify.ts";
import type { ParamsOf } from "../rulebook/schema.ts";
import type { IsoDate } from "../shared.ts";
import { formatPath } from "../shared.ts";
import type { SerialRange } from "../shipments/model.ts";
import {
  type CertificateBody,
  certificateBody,
  type SignedCertificate,
  signedCertificateSchema,
  verifySignature,
} from "./certificate.ts";
import { drawSample, sampleSizeFor, samplingSeed, serialInRanges } from "./sampling.ts";

/** Outcomes of a certificate check, in the order the checks run: the first failure is reported. */
export const certificateStatuses = [
  "ok",
  "malformed",
  "unknown_lab",
  "wrong_key",
  "bad_signature",
  "certificate_reused",
  "shipment_mismatch",
  "lab_not_us",
  "lab_not_independent",
  "lab_not_qualified",
  "lab_revoked",
  "tested_outside_us",
  "test_date_in_future",
  "tpp_miscomputed",
  "measured_outside_box",
  "inconsistent_with_product",
  "lot_mismatch",
  "sample_not_from_shipment",
  "sample_too_small",
  "sample_not_by_plan",
] as const;
export type CertificateStatus = (typeof certificateStatuses)[number];

/** A lab as the registry holds it; `key` is its registered public key, made once per lab. */
export interface LabEntry {
  id: string;
  name: string;
  headquartersCountry: string;
  /** Country of the capital that controls the lab (defaults to its headquarters). */
  controlCountry?: string | undefined;
  keyId: string;
  key: KeyObject;
  qualifiedFrom: IsoDate;
  qualifiedTo?: IsoDate | undefined;
  revokedOn?: IsoDate | undefined;
}

/** The rule parameters the checks use (the `lab-certificate` rule in force). */
export type CertificateRules = Pick<
  ParamsOf<"lab-certificate">,
  | "testCountries"
  | "labHeadquarters"
  | "labControlForbidden"
  | "tppMax"
  | "dramBandwidthMaxGBs"
  | "declaredTolerancePercent"
  | "samplingPlan"
>;

export interface CertificateContext {
  /** The day of the check (submission): revocations on or before it count. */
  at: IsoDate;
  lab: LabEntry | undefined;
  /** The shipment the certificate is filed for. */
  shipment: { id: string; productId: string; quantityUnits: number; serials: readonly SerialRange[] };
  /** The declared product's figures (from its classification). */
  declared: { tpp: number; dramBandwidthGBs: number };
  /** The shipment this very certificate (same hash) is already on file for, or null. */
  usedByShipmentId: string | null;
  rules: CertificateRules;
}

export interface CheckResult {
  status: CertificateStatus;
  detail: string;
}

export type ReadResult =
  | { status: "malformed"; detail: string }
  | { status: "ok"; signed: SignedCertificate; text: string; bytes: Buffer; hash: string };

/**
 * Parses a signed certificate; the canonical text is computed and encoded once, and its bytes are
 * what is hashed and verified.
 */
export function readCertificate(input: unknown): ReadResult {
  const parsed = signedCertificateSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = formatPath(issue?.path ?? []);
    return { status: "malformed", detail: `at ${where}: ${issue?.message.toLowerCase() ?? "invalid"}` };
  }
  const text = certificateBody(parsed.data.certificate);
  const bytes = Buffer.from(text, "utf8");
  return {
    status: "ok",
    signed: parsed.data,
    text,
    bytes,
    hash: createHash("sha256").update(bytes).digest("hex"),
  };
}

const result = (status: CertificateStatus, detail: string): CheckResult => ({ status, detail });

/** Runs every check on a read certificate; `ok` only when all pass. */
export function checkCertificate(
  read: Extract<ReadResult, { status: "ok" }>,
  context: CertificateContext,
): CheckResult {
  const body = read.signed.certificate;
  const lab = context.lab;
  if (!lab) return result("unknown_lab", `lab ${body.labId} is not in the registry`);
  if (body.keyId !== lab.keyId)
    return result(
      "wrong_key",
      `signed with key ${body.keyId.slice(0, 16)}…, not lab ${lab.id}'s registered key`,
    );
  if (!verifySignature(read.bytes, read.signed.signature, lab.key))
    return result(
      "bad_signature",
      `the signature does not verify over the certificate under lab ${lab.id}'s key`,
    );
  return (
    bindingCheck(body, context) ??
    labCheck(body, lab, context) ??
    measurementCheck(body, context) ??
    sampleCheck(body, context) ??
    result("ok", `certificate ${body.id} for shipment ${body.shipmentId} checks out`)
  );
}

function bindingCheck(body: CertificateBody, context: CertificateContext): CheckResult | null {
  const filedFor = context.shipment.id;
  if (context.usedByShipmentId !== null && context.usedByShipmentId !== filedFor)
    return result(
      "certificate_reused",
      `certificate ${body.id} is already on file for shipment ${context.usedByShipmentId}`,
    );
  if (body.shipmentId !== filedFor)
    return result(
      "shipment_mismatch",
      `certificate ${body.id} names shipment ${body.shipmentId}, not ${filedFor}`,
    );
  return null;
}

function labCheck(body: CertificateBody, lab: LabEntry, context: CertificateContext): CheckResult | null {
  const { rules } = context;
  if (!rules.labHeadquarters.includes(lab.headquartersCountry))
    return result(
      "lab_not_us",
      `lab ${lab.id} is headquartered in ${lab.headquartersCountry}, not ${rules.labHeadquarters.join(", ")}`,
    );
  const control = lab.controlCountry ?? lab.headquartersCountry;
  if (rules.labControlForbidden.includes(control))
    return result("lab_not_independent", `lab ${lab.id} is controlled from ${control}`);
  if (body.testedOn < lab.qualifiedFrom || (lab.qualifiedTo !== undefined && body.testedOn > lab.qualifiedTo))
    return result(
      "lab_not_qualified",
      `lab ${lab.id} was not qualified on ${body.testedOn} (qualified ${lab.qualifiedFrom} to ${lab.qualifiedTo ?? "open"})`,
    );
  if (lab.revokedOn !== undefined && lab.revokedOn <= context.at)
    return result("lab_revoked", `lab ${lab.id} was revoked on ${lab.revokedOn}`);
  if (!rules.testCountries.includes(body.testCountry))
    return result(
      "tested_outside_us",
      `tested in ${body.testCountry}, not in ${rules.testCountries.join(", ")}`,
    );
  if (body.testedOn > context.at)
    return result("test_date_in_future", `tested on ${body.testedOn}, after ${context.at}`);
  return null;
}

function measurementCheck(body: CertificateBody, context: CertificateContext): CheckResult | null {
  const { rules, declared } = context;
  const tpp = computeTpp(body.measured.denseTops).tpp;
  if (tpp !== body.tpp)
    return result("tpp_miscomputed", `certificate says TPP ${body.tpp}, its measurements give ${tpp}`);
  const bandwidth = body.measured.dramBandwidthGBs;
  if (!(tpp < rules.tppMax && bandwidth < rules.dramBandwidthMaxGBs))
    return result(
      "measured_outside_box",
      `measured TPP ${tpp} and DRAM ${bandwidth} GB/s; the box is TPP < ${rules.tppMax} and DRAM < ${rules.dramBandwidthMaxGBs} GB/s`,
    );
  if (body.productId !== context.shipment.productId)
    return result(
      "inconsistent_with_product",
      `certificate is for product ${body.productId}, the shipment declares ${context.shipment.productId}`,
    );
  const off = (measured: number, expected: number) =>
    expected > 0 ? (Math.abs(measured - expected) / expected) * 100 : measured === expected ? 0 : 100;
  const tolerance = rules.declaredTolerancePercent;
  for (const [name, measured, expected] of [
    ["TPP", tpp, declared.tpp],
    ["DRAM bandwidth", bandwidth, declared.dramBandwidthGBs],
  ] as const) {
    const deviation = off(measured, expected);
    if (deviation > tolerance)
      return result(
        "inconsistent_with_product",
        `measured ${name} ${measured} differs from the declared ${expected} by ${deviation.toFixed(1)} % (tolerance ${tolerance} %)`,
      );
  }
  return null;
}

/**
 * The sample must be the seeded draw of its own size from the shipment's serials, and at least the
 * plan's size. The re-draw runs first: when it matches, the serials are in the shipment and
 * distinct by construction; only a mismatch needs the finer checks to name the right status.
 */
function sampleCheck(body: CertificateBody, context: CertificateContext): CheckResult | null {
  const { shipment } = context;
  if (body.lotUnits !== shipment.quantityUnits)
    return result(
      "lot_mismatch",
      `certificate says ${body.lotUnits} units, shipment ${shipment.id} has ${shipment.quantityUnits}`,
    );
  const sampled = body.sampledSerials;
  const drawn = drawSample(shipment.serials, sampled.length, samplingSeed(shipment.id, body.nonce));
  const asDrawn = drawn.length === sampled.length && drawn.every((serial, i) => serial === sampled[i]);
  if (!asDrawn) {
    const outside = sampled.find((serial) => !serialInRanges(serial, shipment.serials));
    if (outside !== undefined)
      return result("sample_not_from_shipment", `serial ${outside} is not in shipment ${shipment.id}`);
  }
  const distinct = asDrawn ? sampled.length : new Set(sampled).size;
  const required = sampleSizeFor(shipment.quantityUnits, context.rules.samplingPlan);
  if (distinct < required)
    return result(
      "sample_too_small",
      `${distinct} distinct serials sampled; a lot of ${shipment.quantityUnits} needs ${required}`,
    );
  if (!asDrawn)
    return result(
      "sample_not_by_plan",
      "the sampled serials are not the draw seeded by the shipment id and the lab's nonce",
    );
  return null;
}
