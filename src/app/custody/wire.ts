// The heartbeat wire format agreed between the two custody engineers (docs/custody.md): schemas,
// the signed texts (RFC 8785 canonical JSON, each starting with a `type` domain-separation field),
// Ed25519 signing and verification with raw 32-byte keys in base64, and the verdict (part A's
// `locate`). Part A's src/core/custody/heartbeat.ts carries the same contract (a test checks that
// its verifiers accept what this module signs); folding the schemas and texts into it is a
// follow-up (its parseHeartbeat answers where/why, the ingest answers `malformed`).
import { createPublicKey, type KeyObject, sign, verify } from "node:crypto";
import canonicalize from "canonicalize";
import { z } from "zod";
import {
  locate as coreLocate,
  defaultLocationParams,
  type LocationParams,
  type LocationVerdict,
} from "../../core/custody/location.ts";

export const observationsMax = 16;
export const rttMsMax = 10_000;

const isoInstant = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/,
    "expected an ISO 8601 UTC instant with milliseconds",
  )
  .refine((text) => !Number.isNaN(Date.parse(text)), "expected a real instant");
const base64Signature = z.string().regex(/^[A-Za-z0-9+/]{86}==$/, "expected a base64 Ed25519 signature");
export const base64Key = z.string().regex(/^[A-Za-z0-9+/]{43}=$/, "expected a base64 raw Ed25519 public key");
const textId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7e]+$/, "expected printable ASCII without spaces");

export const observationSchema = z.strictObject({
  landmarkId: textId,
  nonce: z.string().regex(/^[A-Za-z0-9_-]{22}$/, "expected 16 bytes in base64url"),
  rttMs: z.number().finite().min(0).max(rttMsMax),
  at: isoInstant,
  signature: base64Signature,
});
export type Observation = z.output<typeof observationSchema>;

export const heartbeatSchema = z.strictObject({
  id: textId,
  serial: z.string().min(1).max(160),
  at: isoInstant,
  observations: z.array(observationSchema).min(1).max(observationsMax),
  signature: base64Signature,
});
export type Heartbeat = z.output<typeof heartbeatSchema>;

const canonical = (value: unknown): string => canonicalize(value) ?? "null";

export const observationText = (serial: string, o: Omit<Observation, "signature">): string =>
  canonical({
    type: "sluice.observation.v1",
    serial,
    landmarkId: o.landmarkId,
    nonce: o.nonce,
    rttMs: o.rttMs,
    at: o.at,
  });

export const heartbeatText = (h: Omit<Heartbeat, "signature">): string =>
  canonical({
    type: "sluice.heartbeat.v1",
    id: h.id,
    serial: h.serial,
    at: h.at,
    observations: h.observations.map((o) => ({
      landmarkId: o.landmarkId,
      nonce: o.nonce,
      rttMs: o.rttMs,
      at: o.at,
      signature: o.signature,
    })),
  });

/** The SPKI DER prefix of an Ed25519 public key: raw key = the 32 bytes after it. */
const ed25519SpkiPrefix = Buffer.from("302a300506032b6570032100", "hex");

/** A base64 raw 32-byte Ed25519 public key as a KeyObject, or null when it is not one. */
export function publicKeyOfRaw(base64: string): KeyObject | null {
  const raw = Buffer.from(base64, "base64");
  if (raw.length !== 32) return null;
  try {
    return createPublicKey({ key: Buffer.concat([ed25519SpkiPrefix, raw]), format: "der", type: "spki" });
  } catch {
    return null;
  }
}

/** The base64 raw public key of a KeyObject. */
export const rawOfPublicKey = (key: KeyObject): string =>
  key.export({ format: "der", type: "spki" }).subarray(ed25519SpkiPrefix.length).toString("base64");

export const signText = (text: string, privateKey: KeyObject): string =>
  sign(null, Buffer.from(text, "utf8"), privateKey).toString("base64");

export function verifyText(text: string, signature: string, key: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(text, "utf8"), key, Buffer.from(signature, "base64"));
  } catch {
    return false;
  }
}

export type { LocationVerdict } from "../../core/custody/location.ts";

export interface LocatedObservation {
  landmark: string;
  lat: number;
  lon: number;
  rttMs: number;
}

/**
 * The verdict of the constraint-based geolocation: part A's `locate`
 * (src/core/custody/location.ts), with the index of the smallest disc the ingest stores.
 */
export function locate(
  input: { site: { lat: number; lon: number }; observations: readonly LocatedObservation[] },
  params: LocationParams = defaultLocationParams,
): { verdict: LocationVerdict; radiiKm: number[]; minRadiusKm: number; nearest: number } {
  const result = coreLocate(
    { site: input.site, observations: [...input.observations] },
    { speedKmPerMs: params.speedKmPerMs, verifiedRadiusKmMax: params.verifiedRadiusKmMax },
  );
  const radiiKm = result.observations.map((o) => o.radiusKm);
  let nearest = 0;
  for (let i = 1; i < radiiKm.length; i += 1) if ((radiiKm[i] ?? 0) < (radiiKm[nearest] ?? 0)) nearest = i;
  return {
    verdict: result.verdict,
    radiiKm,
    minRadiusKm: result.smallestRadiusKm ?? Number.POSITIVE_INFINITY,
    nearest,
  };
}
