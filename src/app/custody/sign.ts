// Demo signing for the simulator, the tests, the bench and the demo: deterministic Ed25519 key
// pairs derived from a label (demo keys, not secret), a lab's signed device-key certificate and
// nonces from labels. Observations and heartbeats are signed by the wire format's own functions
// (signObservation, signHeartbeat in src/core/custody/heartbeat.ts). No randomness or clock here.
import { createHash, createPublicKey, type KeyObject, sign } from "node:crypto";
import canonicalize from "canonicalize";
import { privateKeyFromSeed, publicKeyToBase64 } from "../../core/custody/heartbeat.ts";
import type { DeviceKeyBody, DeviceKeyCertificate } from "./inputs.ts";

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** base64 of the raw 32-byte public key (the wire form). */
  publicKeyRaw: string;
}

/** The key pair whose seed is sha256(label): the same label gives the same key. */
export function keyPairOf(label: string): KeyPair {
  const seed = createHash("sha256").update(`sluice demo key (not secret)/${label}`).digest();
  const privateKey = privateKeyFromSeed(seed);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicKeyRaw: publicKeyToBase64(publicKey) };
}

/** The lab's Ed25519 signature over the RFC 8785 canonical text of the certificate body. */
export function signDeviceKeys(body: DeviceKeyBody, labKey: KeyObject): DeviceKeyCertificate {
  const text = canonicalize(body) ?? "null";
  return { certificate: body, signature: sign(null, Buffer.from(text, "utf8"), labKey).toString("base64") };
}

/** 16 bytes in base64url from a label (a simulator's nonce; a real landmark draws them at random). */
export const nonceOf = (label: string): string =>
  createHash("sha256").update(label).digest().subarray(0, 16).toString("base64url");
