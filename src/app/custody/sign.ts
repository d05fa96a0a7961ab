// Signing side of the heartbeat wire format, for the simulator, the tests, the bench and the demo:
// deterministic Ed25519 key pairs derived from a label (demo keys, not secret), a landmark's signed
// observation, a chip's signed heartbeat, and a lab's signed device-key certificate. Nonces and
// instants come in as arguments (no randomness or clock here).
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import canonicalize from "canonicalize";
import type { DeviceKeyBody, DeviceKeyCertificate } from "./inputs.ts";
import {
  type Heartbeat,
  heartbeatText,
  type Observation,
  observationText,
  rawOfPublicKey,
  signText,
} from "./wire.ts";

const pkcs8Prefix = Buffer.from("302e020100300506032b657004220420", "hex");

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** base64 of the raw 32-byte public key (the wire form). */
  publicKeyRaw: string;
}

/** The key pair whose seed is sha256(label): the same label gives the same key. */
export function keyPairOf(label: string): KeyPair {
  const seed = createHash("sha256").update(`sluice demo key (not secret)/${label}`).digest();
  const privateKey = createPrivateKey({
    key: Buffer.concat([pkcs8Prefix, seed]),
    format: "der",
    type: "pkcs8",
  });
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicKeyRaw: rawOfPublicKey(publicKey) };
}

export function signObservation(
  serial: string,
  o: Omit<Observation, "signature">,
  landmarkKey: KeyObject,
): Observation {
  return { ...o, signature: signText(observationText(serial, o), landmarkKey) };
}

export function signHeartbeat(h: Omit<Heartbeat, "signature">, deviceKey: KeyObject): Heartbeat {
  return { ...h, signature: signText(heartbeatText(h), deviceKey) };
}

export function signDeviceKeys(body: DeviceKeyBody, labKey: KeyObject): DeviceKeyCertificate {
  return { certificate: body, signature: signText(canonicalize(body) ?? "null", labKey) };
}

/** 16 bytes in base64url from a label (a simulator's nonce; a real landmark draws them at random). */
export const nonceOf = (label: string): string =>
  createHash("sha256").update(label).digest().subarray(0, 16).toString("base64url");
