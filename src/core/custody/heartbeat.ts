// The heartbeat wire format (agreed between the custody engineers) and its signatures. A landmark
// signs its observation of one challenge–response round trip with a chip; the chip signs the
// heartbeat that carries the observations. Every signature is Ed25519 (node:crypto) over the UTF-8
// bytes of the RFC 8785 canonical JSON of an object that starts with a `type` field (domain
// separation: an observation's signature can never pass for a heartbeat's, or for a lab
// certificate's). Keys travel as base64 of the raw 32-byte public key, signatures as base64 of the
// 64 bytes, instants as ISO 8601 UTC with milliseconds. Pure: no clock (the caller passes the
// server's time), no randomness (nonces come from landmarks, ids from the chip).
import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from "node:crypto";
import canonicalize from "canonicalize";
import { z } from "zod";
import { reportIssues } from "../validation.ts";

/** Observations one heartbeat may carry. */
export const observationsMax = 16;
/** The longest round trip an observation may report, milliseconds (past it a bound proves nothing). */
export const rttMsMax = 10_000;
/** Characters of a heartbeat id and of a serial. */
export const heartbeatIdLengthMax = 128;
export const serialLengthMax = 160;
export const landmarkIdLengthMax = 128;

export const observationType = "sluice.observation.v1";
export const heartbeatType = "sluice.heartbeat.v1";

/**
 * What ingesting one heartbeat can come to, in precedence order: the first that applies wins.
 * `duplicate` and `id_reused_with_different_content` are decided by the store (same id seen before);
 * `checkHeartbeat` below decides the rest from `malformed` to `not_installed`.
 */
export const ingestOutcomes = [
  "accepted",
  "duplicate",
  "malformed",
  "unknown_serial",
  "no_device_key",
  "device_key_revoked",
  "bad_device_signature",
  "unknown_landmark",
  "landmark_not_valid",
  "bad_landmark_signature",
  "nonce_stale",
  "nonce_reused",
  "not_installed",
  "id_reused_with_different_content",
] as const;
export type IngestOutcome = (typeof ingestOutcomes)[number];

const instantPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** An ISO 8601 UTC instant with milliseconds that names a real moment (not 2026-02-30). */
export const instantSchema = z
  .string()
  .regex(instantPattern, "expected an ISO 8601 UTC instant with milliseconds (2026-12-06T10:00:00.000Z)")
  .refine((text) => {
    const ms = Date.parse(text);
    return Number.isFinite(ms) && new Date(ms).toISOString() === text;
  }, "not a real instant");

// Canonical encodings only (the unused low bits of the last character are zero): one text per value,
// so equal bytes are equal texts and "same bytes", nonce reuse and digests cannot be dodged by
// re-encoding.
/** Base64 (standard alphabet, padded) of a 64-byte Ed25519 signature. */
export const signatureSchema = z
  .string()
  .regex(/^[A-Za-z0-9+/]{85}[AQgw]==$/, "expected base64 of a 64-byte Ed25519 signature");
/** Base64 of a raw 32-byte Ed25519 public key. */
export const publicKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/, "expected base64 of a 32-byte Ed25519 public key");
/** Base64url (no padding) of the 16 random bytes a landmark issues for one challenge. */
export const nonceSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{21}[AQgw]$/, "expected base64url of 16 bytes (22 characters)");

const textId = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[\x21-\x7e]+$/, "expected printable ASCII without spaces");

export const observationSchema = z.strictObject({
  landmarkId: textId(landmarkIdLengthMax),
  nonce: nonceSchema,
  rttMs: z.number().finite().min(0).max(rttMsMax),
  at: instantSchema,
  signature: signatureSchema,
});
export type Observation = z.output<typeof observationSchema>;

export const heartbeatSchema = z.strictObject({
  id: textId(heartbeatIdLengthMax),
  serial: textId(serialLengthMax),
  at: instantSchema,
  observations: z.array(observationSchema).min(1).max(observationsMax),
  signature: signatureSchema,
});
export type Heartbeat = z.output<typeof heartbeatSchema>;

export type UnsignedObservation = Omit<Observation, "signature">;
export type UnsignedHeartbeat = Omit<Heartbeat, "signature">;

export type ParsedHeartbeat = { ok: true; heartbeat: Heartbeat } | { ok: false; where: string; why: string };

/** Validates one item of a batch; a bad one is `malformed` with where and why, never an exception. */
export function parseHeartbeat(input: unknown): ParsedHeartbeat {
  const result = heartbeatSchema.safeParse(input);
  if (result.success) return { ok: true, heartbeat: result.data };
  const { where, why } = reportIssues(result.error.issues);
  return { ok: false, where, why };
}

const utf8 = (text: string): Buffer => Buffer.from(text, "utf8");
const canonical = (value: unknown): string => {
  const text = canonicalize(value);
  if (text === undefined) throw new Error("bug: canonicalize returned undefined for a signed payload");
  return text;
};

/** The bytes a landmark signs for one observation of `serial`. */
export function observationSigningBytes(serial: string, o: UnsignedObservation): Buffer {
  return utf8(
    canonical({
      type: observationType,
      serial,
      landmarkId: o.landmarkId,
      nonce: o.nonce,
      rttMs: o.rttMs,
      at: o.at,
    }),
  );
}

/** The bytes a chip signs for a heartbeat: its fields and every observation with its signature. */
export function heartbeatSigningBytes(h: UnsignedHeartbeat): Buffer {
  const observations = h.observations.map(({ landmarkId, nonce, rttMs, at, signature }) => ({
    landmarkId,
    nonce,
    rttMs,
    at,
    signature,
  }));
  return utf8(canonical({ type: heartbeatType, id: h.id, serial: h.serial, at: h.at, observations }));
}

/**
 * The whole heartbeat (signature included) as canonical JSON bytes: what "same bytes" means for
 * `duplicate` against `id_reused_with_different_content`, and the leaf of an ingest batch's Merkle
 * tree, so a heartbeat kept by the importer can be proven later whatever its JSON spacing or order.
 */
export function heartbeatCanonicalBytes(h: Heartbeat): Buffer {
  const observations = h.observations.map(({ landmarkId, nonce, rttMs, at, signature }) => ({
    landmarkId,
    nonce,
    rttMs,
    at,
    signature,
  }));
  return utf8(canonical({ id: h.id, serial: h.serial, at: h.at, observations, signature: h.signature }));
}

/** sha256 (hex) of `heartbeatCanonicalBytes`. */
export const heartbeatDigest = (h: Heartbeat): string =>
  createHash("sha256").update(heartbeatCanonicalBytes(h)).digest("hex");

export function signObservation(landmarkKey: KeyObject, serial: string, o: UnsignedObservation): Observation {
  return { ...o, signature: sign(null, observationSigningBytes(serial, o), landmarkKey).toString("base64") };
}

export function signHeartbeat(deviceKey: KeyObject, h: UnsignedHeartbeat): Heartbeat {
  return { ...h, signature: sign(null, heartbeatSigningBytes(h), deviceKey).toString("base64") };
}

const signatureBytes = (signature: string): Buffer => Buffer.from(signature, "base64");

export function verifyObservation(landmarkKey: KeyObject, serial: string, o: Observation): boolean {
  return verify(null, observationSigningBytes(serial, o), landmarkKey, signatureBytes(o.signature));
}

/** `signed`: the heartbeat's signing bytes when the caller has them already (the ingest stores them). */
export function verifyHeartbeatSignature(
  deviceKey: KeyObject,
  h: Heartbeat,
  signed: Buffer = heartbeatSigningBytes(h),
): boolean {
  return verify(null, signed, deviceKey, signatureBytes(h.signature));
}

// DER prefixes of Ed25519 keys (RFC 8410): SubjectPublicKeyInfo and PKCS #8 around the raw 32 bytes.
const spkiPrefix = Buffer.from("302a300506032b6570032100", "hex");
const pkcs8Prefix = Buffer.from("302e020100300506032b657004220420", "hex");

/** A public key from base64 of its raw 32 bytes, or null when the text is not one. */
export function publicKeyFromBase64(raw: string): KeyObject | null {
  if (!publicKeySchema.safeParse(raw).success) return null;
  try {
    return createPublicKey({
      key: Buffer.concat([spkiPrefix, Buffer.from(raw, "base64")]),
      format: "der",
      type: "spki",
    });
  } catch {
    return null;
  }
}

/** Base64 of the raw 32 bytes of an Ed25519 public key (of a private key: its public half). */
export function publicKeyToBase64(key: KeyObject): string {
  const publicKey = key.type === "private" ? createPublicKey(key) : key;
  const der = publicKey.export({ format: "der", type: "spki" });
  return der.subarray(der.length - 32).toString("base64");
}

/** The private key whose 32-byte seed is given (deterministic keys for the simulator and tests). */
export function privateKeyFromSeed(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new Error(`bug: an Ed25519 seed has 32 bytes, not ${seed.length}`);
  return createPrivateKey({ key: Buffer.concat([pkcs8Prefix, seed]), format: "der", type: "pkcs8" });
}

/** What the ingest check needs to know about a chip (from the store). */
export interface ChipKeyState {
  /**
   * The device key bound to the serial by the lab's certificate; null when none is on file,
   * `unreadable` when the key on file is no Ed25519 key (nothing verifies under it).
   */
  deviceKey: KeyObject | null | "unreadable";
  deviceKeyRevoked: boolean;
  installed: boolean;
}

/** What the ingest check needs to know about a landmark (from the registry). */
export interface LandmarkKeyState {
  key: KeyObject;
  /** Validity of the landmark's registration, epoch milliseconds; `validToMs` null = open. */
  validFromMs: number;
  validToMs: number | null;
}

export interface HeartbeatCheckContext {
  /** The server's clock, epoch milliseconds: the only time that decides freshness. */
  nowMs: number;
  /** How old an observation may be when it reaches the server. */
  heartbeatAgeMaxMs: number;
  /** How far in the future (by the server's clock) an observation may claim to be. */
  clockSkewMaxMs: number;
  chip(serial: string): ChipKeyState | undefined;
  landmark(landmarkId: string): LandmarkKeyState | undefined;
  /** Whether this landmark's nonce was used by a heartbeat already accepted. */
  nonceSeen(landmarkId: string, nonce: string): boolean;
}

export type HeartbeatCheck =
  | { outcome: "accepted" }
  | {
      outcome: Exclude<IngestOutcome, "accepted" | "duplicate" | "id_reused_with_different_content">;
      detail: string;
    };

/**
 * The checks of one parsed heartbeat in the order of `ingestOutcomes`, signatures before
 * freshness (a forged item must not learn whether its nonce was fresh). The store adds `duplicate`
 * and `id_reused_with_different_content`, and records the nonces of an accepted heartbeat. The
 * ingest (src/app/custody/ingest.ts) passes the signing bytes it stores anyway (`signed`) and its
 * cached KeyObjects through `context`, so a heartbeat is encoded and its keys decoded once.
 */
/** A landmark's registration covers `atMs`, both ends included. */
const registeredAt = (landmark: LandmarkKeyState | undefined, atMs: number): boolean =>
  landmark !== undefined &&
  atMs >= landmark.validFromMs &&
  (landmark.validToMs === null || atMs <= landmark.validToMs);

export function checkHeartbeat(
  h: Heartbeat,
  context: HeartbeatCheckContext,
  signed: Buffer = heartbeatSigningBytes(h),
): HeartbeatCheck {
  const chip = context.chip(h.serial);
  if (!chip) return { outcome: "unknown_serial", detail: `serial \`${h.serial}\` is not registered` };
  if (!chip.deviceKey)
    return { outcome: "no_device_key", detail: `no device key is bound to serial \`${h.serial}\`` };
  if (chip.deviceKeyRevoked)
    return { outcome: "device_key_revoked", detail: `the device key of serial \`${h.serial}\` is revoked` };
  if (chip.deviceKey === "unreadable" || !verifyHeartbeatSignature(chip.deviceKey, h, signed))
    return { outcome: "bad_device_signature", detail: "the device signature does not verify" };
  // One step at a time across every observation, so the outcome earliest in `ingestOutcomes` wins
  // whatever the observations' order (docs/custody.md).
  const landmarks = h.observations.map((o) => context.landmark(o.landmarkId));
  const failed = (test: (o: Observation, index: number) => boolean) =>
    h.observations.findIndex((o, index) => test(o, index));
  let index = failed((_o, i) => !landmarks[i]);
  if (index >= 0)
    return {
      outcome: "unknown_landmark",
      detail: `observations[${index}]: landmark \`${h.observations[index]?.landmarkId}\` is not registered`,
    };
  index = failed((o, i) => !registeredAt(landmarks[i], Date.parse(o.at)));
  if (index >= 0)
    return {
      outcome: "landmark_not_valid",
      detail: `observations[${index}]: landmark \`${h.observations[index]?.landmarkId}\` was not valid at ${h.observations[index]?.at}`,
    };
  index = failed((o, i) => !verifyObservation((landmarks[i] as LandmarkKeyState).key, h.serial, o));
  if (index >= 0)
    return {
      outcome: "bad_landmark_signature",
      detail: `observations[${index}]: the landmark signature does not verify`,
    };
  index = failed((o) => {
    const ageMs = context.nowMs - Date.parse(o.at);
    return ageMs > context.heartbeatAgeMaxMs || -ageMs > context.clockSkewMaxMs;
  });
  if (index >= 0)
    return {
      outcome: "nonce_stale",
      detail: `observations[${index}]: measured at ${h.observations[index]?.at}, outside the freshness window`,
    };
  const seen = new Set<string>();
  index = failed((o) => {
    const key = `${o.landmarkId}\u0000${o.nonce}`;
    const reused = seen.has(key) || context.nonceSeen(o.landmarkId, o.nonce);
    seen.add(key);
    return reused;
  });
  if (index >= 0)
    return {
      outcome: "nonce_reused",
      detail: `observations[${index}]: nonce of landmark \`${h.observations[index]?.landmarkId}\` was used before`,
    };
  if (!chip.installed)
    return { outcome: "not_installed", detail: `serial \`${h.serial}\` is not installed at a declared site` };
  return { outcome: "accepted" };
}
