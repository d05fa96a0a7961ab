// A lab certificate: what a qualified lab signs about one shipment. The signed bytes are the RFC 8785
// canonical JSON of the certificate body (src/core/digest.ts), so any re-serialization of the same
// body verifies and any changed byte does not. Signatures are Ed25519 (node:crypto); keys come in as
// KeyObjects made once by the caller. Deterministic: no clock, no randomness (nonces come from labs).
import { createHash, createPublicKey, type KeyObject, sign, verify } from "node:crypto";
import { z } from "zod";
import { chipSpecSchema } from "../classification/spec.ts";
import { canonicalJson, sha256Hex } from "../digest.ts";
import { countrySchema, isoDateSchema, unitsSchema } from "../shared.ts";
import { idSchema } from "./ids.ts";
import { sampleSizeMax } from "./sampling.ts";

export const certificateFormat = "sluice-lab-certificate/1";

/** The signed content. Every field is bound by the signature. */
export const certificateBodySchema = z.strictObject({
  format: z.literal(certificateFormat),
  id: idSchema,
  labId: idSchema,
  /** sha256 (hex) of the signing public key's SPKI DER: names the key the lab signed with. */
  keyId: z.string().regex(/^[0-9a-f]{64}$/, "expected 64 lower-case hex digits"),
  shipmentId: idSchema,
  /** The declared product of the shipment (catalog id). */
  productId: z.string().min(1).max(128),
  lotUnits: unitsSchema,
  /** The lab's nonce: with the shipment id it seeds the sample draw (see sampling.ts). */
  nonce: z.string().regex(/^[0-9a-f]{16,128}$/, "expected 16–128 lower-case hex digits"),
  // One check over the array rather than one per element: certificates are checked in bulk.
  sampledSerials: z
    .array(z.string())
    .min(1)
    .max(sampleSizeMax)
    .refine((serials) => serials.every((serial) => serial.length >= 1 && serial.length <= 160), {
      message: "each serial must be 1–160 characters",
    }),
  testCountry: countrySchema,
  testSite: z.string().min(1).max(200).optional(),
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

/** The bytes that are signed: RFC 8785 canonical JSON of the body, UTF-8. */
export const certificateBody = (body: CertificateBody): string => canonicalJson(body);

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

/** Verifies an Ed25519 signature over the canonical text; false on any malformed input. */
export function verifySignature(text: string, signature: string, publicKey: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(text, "utf8"), publicKey, Buffer.from(signature, "base64"));
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
