// A lab certificate: what a qualified lab signs about one shipment. The signed bytes are the RFC 8785
// canonical JSON of the certificate body (the same text `canonicalJson` in src/core/digest.ts gives,
// written here directly because it is made on every check), so any re-serialization of the same
// body verifies and any changed byte does not. Signatures are Ed25519 (node:crypto); keys come in as
// KeyObjects made once by the caller. Deterministic: no clock, no randomness (nonces come from labs).
import { createHash, createPublicKey, type KeyObject, sign, verify } from "node:crypto";
import { z } from "zod";
import { chipSpecSchema } from "../classification/spec.ts";
import { sha256Hex } from "../digest.ts";
import { countrySchema, isoDateSchema, unitsSchema } from "../shared.ts";
import { idSchema } from "./ids.ts";
import { sampleSizeMax } from "./sampling.ts";

export const certificateFormat = "sluice-lab-certificate/1";

/**
 * Free text must be well-formed Unicode: RFC 8785 has no canonical form for a lone surrogate, so a
 * certificate carrying one is malformed (not an exception while canonicalizing it).
 */
const loneSurrogate = /\p{Cs}/u;
const wellFormed = (text: string): boolean => !loneSurrogate.test(text);
const wellFormedMessage = "must be well-formed Unicode (no lone surrogates)";
const freeText = (max: number) => z.string().min(1).max(max).refine(wellFormed, wellFormedMessage);

/** The signed content. Every field is bound by the signature. */
export const certificateBodySchema = z.strictObject({
  format: z.literal(certificateFormat),
  id: idSchema,
  labId: idSchema,
  /** sha256 (hex) of the signing public key's SPKI DER: names the key the lab signed with. */
  keyId: z.string().regex(/^[0-9a-f]{64}$/, "expected 64 lower-case hex digits"),
  shipmentId: idSchema,
  /** The declared product of the shipment (catalog id). */
  productId: freeText(128),
  lotUnits: unitsSchema,
  /** The lab's nonce: with the shipment id it seeds the sample draw (see sampling.ts). */
  nonce: z.string().regex(/^[0-9a-f]{16,128}$/, "expected 16–128 lower-case hex digits"),
  // One check over the array rather than one per element: certificates are checked in bulk.
  sampledSerials: z
    .array(z.string())
    .min(1)
    .max(sampleSizeMax)
    .refine(
      (serials) =>
        serials.every((serial) => serial.length >= 1 && serial.length <= 160 && wellFormed(serial)),
      { message: `each serial must be 1–160 characters and ${wellFormedMessage.replace("must be ", "")}` },
    ),
  testCountry: countrySchema,
  testSite: freeText(200).optional(),
  testedOn: isoDateSchema,
  /** The figures the lab certifies for the lot: the highest measured over the sample. */
  measured: z.strictObject({
    denseTops: chipSpecSchema.shape.denseTops,
    dramBandwidthGBs: z.number().positive().finite(),
  }),
  /** TPP computed from `measured` (max over precisions of dense TOPS × bit length). */
  tpp: z.number().nonnegative().finite(),
});
export type CertificateBody = z.output<typeof certificateBodySchema>;

/** Base64 of a 64-byte Ed25519 signature. */
const signatureSchema = z.string().regex(/^[A-Za-z0-9+/]{86}==$/, "expected a base64 Ed25519 signature");

export const signedCertificateSchema = z.strictObject({
  certificate: certificateBodySchema,
  signature: signatureSchema,
});
export type SignedCertificate = z.output<typeof signedCertificateSchema>;

/**
 * RFC 8785 canonical JSON of plain JSON data (what a certificate body is): keys sorted by UTF-16
 * code units (`sort()`), strings and numbers as JSON.stringify writes them (the ECMAScript forms the
 * RFC prescribes), members whose value is undefined left out. Equal to `canonicalJson` for every
 * body the schema accepts (a property test compares them) at a third of the cost: the generic path
 * copies the value for bigints and stringifies and re-scans every string on its own.
 */
function canonicalText(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`not canonical JSON: ${value}`);
    return JSON.stringify(value);
  }
  if (typeof value === "boolean" || value === null) return String(value);
  if (Array.isArray(value)) {
    // A list of strings (the sampled serials) is already canonical as JSON.stringify writes it.
    if (value.every((item) => typeof item === "string")) return JSON.stringify(value);
    let out = "[";
    for (let i = 0; i < value.length; i += 1) out += (i === 0 ? "" : ",") + canonicalText(value[i]);
    return `${out}]`;
  }
  if (typeof value !== "object") throw new Error(`not canonical JSON: a ${typeof value}`);
  const record = value as Record<string, unknown>;
  let out = "{";
  for (const key of Object.keys(record).sort()) {
    const inner = record[key];
    if (inner === undefined) continue;
    out += `${out === "{" ? "" : ","}${JSON.stringify(key)}:${canonicalText(inner)}`;
  }
  return `${out}}`;
}

/** The text that is signed (as UTF-8): RFC 8785 canonical JSON of the body. */
export const certificateBody = (body: CertificateBody): string => canonicalText(body);

/** The certificate's identity for replay detection: sha256 (hex) of its canonical body. */
export const certificateHash = (body: CertificateBody): string => sha256Hex(certificateBody(body));

/** sha256 (hex) of a public key's SPKI DER encoding. */
export const keyIdOf = (publicKey: KeyObject): string =>
  createHash("sha256")
    .update(publicKey.export({ type: "spki", format: "der" }))
    .digest("hex");

export function signCertificate(body: CertificateBody, privateKey: KeyObject): SignedCertificate {
  const signature = sign(null, Buffer.from(certificateBody(body), "utf8"), privateKey).toString("base64");
  return { certificate: body, signature };
}

/** Verifies an Ed25519 signature over the canonical text (or its UTF-8 bytes); false on any malformed input. */
export function verifySignature(text: string | Buffer, signature: string, publicKey: KeyObject): boolean {
  try {
    const bytes = typeof text === "string" ? Buffer.from(text, "utf8") : text;
    return verify(null, bytes, publicKey, Buffer.from(signature, "base64"));
  } catch {
    return false;
  }
}

/** A PEM (SPKI) Ed25519 public key as a KeyObject, or null when it is not one. */
export function parsePublicKey(pem: string): KeyObject | null {
  try {
    const key = createPublicKey(pem);
    return key.asymmetricKeyType === "ed25519" ? key : null;
  } catch {
    return null;
  }
}
