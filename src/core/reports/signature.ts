// Detached signatures of rendered reports: `FILE.sig` beside `FILE` holds one JSON line naming the
// algorithm (Ed25519), the key (sha256 of its SPKI DER), the file's sha256 and the signature over
// the file's exact bytes. Checking it needs only the public key (GET /v1/reports/key). Outcomes are
// values, most basic failure first.
import { createHash, createPublicKey, type KeyObject, verify } from "node:crypto";
import { z } from "zod";

export const signatureFormat = "sluice-report-signature/1";

export const signatureSchema = z.strictObject({
  format: z.literal(signatureFormat),
  alg: z.literal("Ed25519"),
  keyId: z.string().regex(/^[0-9a-f]{64}$/),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  signature: z.string().min(1),
});
export type DetachedSignature = z.output<typeof signatureSchema>;

export const verifyStatuses = [
  "valid",
  "malformed_signature",
  "malformed_key",
  "other_key",
  "digest_mismatch",
  "bad_signature",
] as const;
export type VerifyStatus = (typeof verifyStatuses)[number];

export const sha256Hex = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

/** The key id: sha256 of the public key's SPKI DER, hex. */
export const reportKeyIdOf = (publicKey: KeyObject): string =>
  sha256Hex(publicKey.export({ type: "spki", format: "der" }));

/** The `.sig` file's text for `bytes` signed (base64) by the key `keyId`. */
export function signatureText(bytes: Uint8Array, keyId: string, signature: string): string {
  const body: DetachedSignature = {
    format: signatureFormat,
    alg: "Ed25519",
    keyId,
    sha256: sha256Hex(bytes),
    signature,
  };
  return `${JSON.stringify(body)}\n`;
}

/** Checks `bytes` against a `.sig` text with the public key (PEM). */
export function verifyReport(bytes: Uint8Array, signatureFile: string, publicKeyPem: string): VerifyStatus {
  let parsed: DetachedSignature;
  try {
    const result = signatureSchema.safeParse(JSON.parse(signatureFile));
    if (!result.success) return "malformed_signature";
    parsed = result.data;
  } catch {
    return "malformed_signature";
  }
  let key: KeyObject;
  try {
    key = createPublicKey(publicKeyPem);
    if (key.asymmetricKeyType !== "ed25519") return "malformed_key";
  } catch {
    return "malformed_key";
  }
  if (reportKeyIdOf(key) !== parsed.keyId) return "other_key";
  if (sha256Hex(bytes) !== parsed.sha256) return "digest_mismatch";
  return verify(null, bytes, key, Buffer.from(parsed.signature, "base64")) ? "valid" : "bad_signature";
}
