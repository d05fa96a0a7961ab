// One heartbeat wire format (src/core/custody/heartbeat.ts): what the simulator plays, the core's
// schema accepts and its verifiers verify; the signed texts are pinned byte for byte (stored batch
// Merkle leaves and content hashes depend on them); the demo keys and the lab's device-key
// certificates use the same key encoding the registries accept.
import canonicalize from "canonicalize";
import { describe, expect, it } from "vitest";
import { landmarkInputSchema } from "../../src/app/custody/inputs.ts";
import { playHeartbeat } from "../../src/app/custody/play.ts";
import { demoSites, deviceKeyOf, landmarkKeys } from "../../src/app/custody/seed-custody.ts";
import { keyPairOf, nonceOf, signDeviceKeys } from "../../src/app/custody/sign.ts";
import {
  heartbeatSchema,
  heartbeatSigningBytes,
  observationSigningBytes,
  publicKeyFromBase64,
  publicKeyToBase64,
  signHeartbeat,
  signObservation,
  verifyHeartbeatSignature,
  verifyObservation,
} from "../../src/core/custody/heartbeat.ts";
import { verifySignature } from "../../src/core/evidence/certificate.ts";

describe("one heartbeat wire format", () => {
  const landmarks = landmarkKeys();
  const serial = "H200-42";
  const heartbeat = playHeartbeat(landmarks, {
    serial,
    deviceKey: deviceKeyOf(serial),
    at: demoSites[0],
    round: "wire",
    when: new Date("2026-12-06T10:00:00.000Z"),
  });

  it("plays heartbeats the core's schema accepts and its verifiers verify; a changed byte fails", () => {
    const device = publicKeyFromBase64(keyPairOf(`device/${serial}`).publicKeyRaw);
    if (!device) throw new Error("the demo device key does not decode");
    expect(heartbeatSchema.safeParse(heartbeat).success).toBe(true);
    expect(verifyHeartbeatSignature(device, heartbeat)).toBe(true);
    for (const o of heartbeat.observations) {
      const key = publicKeyFromBase64(keyPairOf(`landmark/${o.landmarkId}`).publicKeyRaw);
      if (!key) throw new Error("a demo landmark key does not decode");
      expect(verifyObservation(key, serial, o)).toBe(true);
      expect(verifyObservation(key, "H200-43", o)).toBe(false);
    }
    const tampered = {
      ...heartbeat,
      observations: heartbeat.observations.map((o, i) => (i === 0 ? { ...o, rttMs: o.rttMs + 1 } : o)),
    };
    expect(verifyHeartbeatSignature(device, tampered)).toBe(false);
  });

  it("signs the pinned texts: type-separated RFC 8785 JSON", () => {
    const key = keyPairOf("device/pinned").privateKey;
    const observation = signObservation(keyPairOf("landmark/pinned").privateKey, "S-1", {
      landmarkId: "lm-1",
      nonce: nonceOf("pinned"),
      rttMs: 12.5,
      at: "2026-12-06T10:00:00.000Z",
    });
    expect(observationSigningBytes("S-1", observation).toString("utf8")).toBe(
      `{"at":"2026-12-06T10:00:00.000Z","landmarkId":"lm-1","nonce":"${observation.nonce}","rttMs":12.5,"serial":"S-1","type":"sluice.observation.v1"}`,
    );
    const signed = signHeartbeat(key, {
      id: "hb-1",
      serial: "S-1",
      at: "2026-12-06T10:00:01.000Z",
      observations: [observation],
    });
    expect(heartbeatSigningBytes(signed).toString("utf8")).toBe(
      `{"at":"2026-12-06T10:00:01.000Z","id":"hb-1","observations":[{"at":"2026-12-06T10:00:00.000Z","landmarkId":"lm-1","nonce":"${observation.nonce}","rttMs":12.5,"signature":"${observation.signature}"}],"serial":"S-1","type":"sluice.heartbeat.v1"}`,
    );
  });

  it("encodes demo keys as the registries accept them, and the lab's certificate verifies", () => {
    const pair = keyPairOf("landmark/lm-x");
    expect(publicKeyToBase64(pair.privateKey)).toBe(pair.publicKeyRaw);
    const landmark = {
      id: "lm-x",
      name: "x",
      operator: "x",
      lat: 0,
      lon: 0,
      publicKey: pair.publicKeyRaw,
      validFrom: "2026-01-01T00:00:00Z",
    };
    expect(landmarkInputSchema.safeParse(landmark).success).toBe(true);
    const lab = keyPairOf("lab/x");
    const body = {
      type: "sluice.device-keys.v1" as const,
      id: "dk-1",
      labId: "lab-x",
      shipmentId: "shp-1",
      keys: [{ serial: "S-1", publicKey: pair.publicKeyRaw }],
    };
    const certificate = signDeviceKeys(body, lab.privateKey);
    expect(verifySignature(canonicalize(body) ?? "", certificate.signature, lab.publicKey)).toBe(true);
  });
});
