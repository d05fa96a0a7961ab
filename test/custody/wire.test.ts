// The ingest's wire module and part A's core agree on the contract: what the simulator signs,
// part A's verifiers accept (and the other way round), byte for byte, and the ingest's verdict is
// part A's `locate`.
import { describe, expect, it } from "vitest";
import { playHeartbeat } from "../../src/app/custody/play.ts";
import {
  demoSites,
  deviceKeyOf,
  divertedPosition,
  landmarkKeys,
} from "../../src/app/custody/seed-custody.ts";
import { keyPairOf } from "../../src/app/custody/sign.ts";
import {
  heartbeatSchema,
  heartbeatText,
  locate,
  observationText,
  publicKeyOfRaw,
  verifyText,
} from "../../src/app/custody/wire.ts";
import * as core from "../../src/core/custody/heartbeat.ts";
import { locate as coreLocate } from "../../src/core/custody/location.ts";

describe("wire contract against part A's core", () => {
  const landmarks = landmarkKeys();
  const serial = "H200-42";
  const heartbeat = playHeartbeat(landmarks, {
    serial,
    deviceKey: deviceKeyOf(serial),
    at: demoSites[0],
    round: "wire",
    when: new Date("2026-12-06T10:00:00.000Z"),
  });

  it("signs heartbeats and observations that part A verifies, over the same bytes", () => {
    const device = publicKeyOfRaw(keyPairOf(`device/${serial}`).publicKeyRaw);
    expect(device).not.toBeNull();
    if (!device) return;
    expect(core.parseHeartbeat(heartbeat)).toMatchObject({ ok: true });
    expect(core.verifyHeartbeatSignature(device, heartbeat)).toBe(true);
    expect(core.heartbeatSigningBytes(heartbeat).toString("utf8")).toBe(heartbeatText(heartbeat));
    for (const o of heartbeat.observations) {
      const key = publicKeyOfRaw(keyPairOf(`landmark/${o.landmarkId}`).publicKeyRaw);
      if (!key) throw new Error("landmark key");
      expect(core.verifyObservation(key, serial, o)).toBe(true);
      expect(core.observationSigningBytes(serial, o).toString("utf8")).toBe(observationText(serial, o));
    }
    const tampered = {
      ...heartbeat,
      observations: heartbeat.observations.map((o, i) => (i === 0 ? { ...o, rttMs: o.rttMs + 1 } : o)),
    };
    expect(core.verifyHeartbeatSignature(device, tampered)).toBe(false);
    expect(verifyText(heartbeatText(tampered), tampered.signature, device)).toBe(false);
  });

  it("verifies what part A signs", () => {
    const device = keyPairOf(`device/${serial}`);
    const signed = core.signHeartbeat(device.privateKey, {
      id: "a-1",
      serial,
      at: heartbeat.at,
      observations: heartbeat.observations,
    });
    expect(heartbeatSchema.safeParse(signed).success).toBe(true);
    expect(verifyText(heartbeatText(signed), signed.signature, device.publicKey)).toBe(true);
  });

  it("judges location with part A's locate", () => {
    for (const at of [demoSites[0], divertedPosition]) {
      const h = playHeartbeat(landmarks, {
        serial,
        deviceKey: deviceKeyOf(serial),
        at,
        round: `w-${at.lat}`,
        when: new Date(),
      });
      const observations = h.observations.map((o) => {
        const l = landmarks.find((x) => x.id === o.landmarkId);
        return { landmark: o.landmarkId, lat: l?.lat ?? 0, lon: l?.lon ?? 0, rttMs: o.rttMs };
      });
      expect(locate({ site: demoSites[0], observations }).verdict).toBe(
        coreLocate({ site: demoSites[0], observations }).verdict,
      );
    }
  });
});
