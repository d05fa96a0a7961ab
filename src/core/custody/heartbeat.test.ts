// Heartbeat signatures: sign/verify round trips, every forgery refused with its own outcome, the
// order of the checks, and the wire format's validation.
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  checkHeartbeat,
  type Heartbeat,
  type HeartbeatCheckContext,
  heartbeatSigningBytes,
  ingestOutcomes,
  observationSigningBytes,
  parseHeartbeat,
  privateKeyFromSeed,
  publicKeyFromBase64,
  publicKeyToBase64,
  signHeartbeat,
  signObservation,
  verifyHeartbeatSignature,
  verifyObservation,
} from "./heartbeat.ts";

const keyPair = () => generateKeyPairSync("ed25519");
const device = keyPair();
const landmarkA = keyPair();
const landmarkB = keyPair();
const nowMs = Date.parse("2026-12-06T10:00:00.000Z");
const nonce = (n: number) => Buffer.alloc(16, n).toString("base64url");

function makeHeartbeat(
  deviceKey: KeyObject = device.privateKey,
  overrides: Partial<Heartbeat> = {},
): Heartbeat {
  const serial = overrides.serial ?? "H200-0000001";
  const at = "2026-12-06T09:59:59.000Z";
  const observations = [
    signObservation(landmarkA.privateKey, serial, {
      landmarkId: "lm-beijing",
      nonce: nonce(1),
      rttMs: 2.5,
      at,
    }),
    signObservation(landmarkB.privateKey, serial, {
      landmarkId: "lm-shanghai",
      nonce: nonce(2),
      rttMs: 11.25,
      at,
    }),
  ];
  return signHeartbeat(deviceKey, { id: "hb-1", serial, at, observations, ...overrides });
}

function context(over: Partial<HeartbeatCheckContext> = {}, chip = {}): HeartbeatCheckContext {
  const landmarks: Record<string, KeyObject> = {
    "lm-beijing": landmarkA.publicKey,
    "lm-shanghai": landmarkB.publicKey,
  };
  return {
    nowMs,
    heartbeatAgeMaxMs: 10 * 60_000,
    clockSkewMaxMs: 30_000,
    chip: (serial) =>
      serial === "H200-0000001"
        ? { deviceKey: device.publicKey, deviceKeyRevoked: false, installed: true, ...chip }
        : undefined,
    landmark: (id) => {
      const key = landmarks[id];
      return key ? { key, validFromMs: Date.parse("2026-01-01T00:00:00.000Z"), validToMs: null } : undefined;
    },
    nonceSeen: () => false,
    ...over,
  };
}

describe("heartbeat signatures", () => {
  it("round-trips: what a device and landmarks sign verifies, after a trip through JSON", () => {
    const h = makeHeartbeat();
    const wire = parseHeartbeat(JSON.parse(JSON.stringify(h)));
    expect(wire.ok).toBe(true);
    if (!wire.ok) return;
    expect(verifyHeartbeatSignature(device.publicKey, wire.heartbeat)).toBe(true);
    for (const [i, o] of wire.heartbeat.observations.entries())
      expect(verifyObservation(i === 0 ? landmarkA.publicKey : landmarkB.publicKey, h.serial, o)).toBe(true);
    expect(checkHeartbeat(wire.heartbeat, context())).toEqual({ outcome: "accepted" });
  });

  it("signs RFC 8785 canonical JSON (keys sorted) carrying a type field (domain separation)", () => {
    const h = makeHeartbeat();
    expect(heartbeatSigningBytes(h).toString()).toMatch(/^\{"at":".*","id":"hb-1","observations":\[/);
    expect(heartbeatSigningBytes(h).toString()).toContain('"type":"sluice.heartbeat.v1"');
    const [o] = h.observations;
    if (!o) throw new Error("no observation");
    expect(observationSigningBytes(h.serial, o).toString()).toBe(
      `{"at":"${o.at}","landmarkId":"lm-beijing","nonce":"${o.nonce}","rttMs":2.5,"serial":"H200-0000001","type":"sluice.observation.v1"}`,
    );
  });

  it("keys travel as base64 of the raw 32 bytes, and a seed gives the same key every time", () => {
    const raw = publicKeyToBase64(device.publicKey);
    expect(Buffer.from(raw, "base64")).toHaveLength(32);
    const back = publicKeyFromBase64(raw);
    expect(back && verifyHeartbeatSignature(back, makeHeartbeat())).toBe(true);
    expect(publicKeyFromBase64("not a key")).toBeNull();
    const seed = new Uint8Array(32).fill(7);
    const a = signHeartbeat(privateKeyFromSeed(seed), makeHeartbeat());
    const b = signHeartbeat(privateKeyFromSeed(seed), makeHeartbeat());
    expect(a.signature).toBe(b.signature);
  });

  it("an observation's signature does not pass for another serial's", () => {
    const h = makeHeartbeat();
    const [o] = h.observations;
    if (!o) throw new Error("no observation");
    expect(verifyObservation(landmarkA.publicKey, "H200-0000002", o)).toBe(false);
  });
});

describe("checkHeartbeat: each refusal has its own outcome", () => {
  const h = makeHeartbeat();
  const tamperedRtt: Heartbeat = {
    ...h,
    observations: h.observations.map((o, i) => (i === 0 ? { ...o, rttMs: 0.5 } : o)),
  };
  const resignedAfterTamper = signHeartbeat(device.privateKey, tamperedRtt);
  const rows: [string, Heartbeat, HeartbeatCheckContext, string][] = [
    [
      "an unknown serial",
      makeHeartbeat(device.privateKey, { serial: "H200-9999999" }),
      context(),
      "unknown_serial",
    ],
    ["no device key on file", h, context({}, { deviceKey: null }), "no_device_key"],
    ["a revoked device key", h, context({}, { deviceKeyRevoked: true }), "device_key_revoked"],
    ["a forged device signature", makeHeartbeat(keyPair().privateKey), context(), "bad_device_signature"],
    ["an RTT changed after the device signed", tamperedRtt, context(), "bad_device_signature"],
    ["an unknown landmark", h, context({ landmark: () => undefined }), "unknown_landmark"],
    [
      "a landmark not valid at the time",
      h,
      context({ landmark: () => ({ key: landmarkA.publicKey, validFromMs: nowMs, validToMs: null }) }),
      "landmark_not_valid",
    ],
    [
      "a landmark whose registration ended before the measurement",
      h,
      context({
        landmark: () => ({ key: landmarkA.publicKey, validFromMs: 0, validToMs: nowMs - 3_600_000 }),
      }),
      "landmark_not_valid",
    ],
    [
      "an RTT changed and re-signed by the device (forged landmark signature)",
      resignedAfterTamper,
      context(),
      "bad_landmark_signature",
    ],
    ["an observation too old", h, context({ nowMs: nowMs + 11 * 60_000 }), "nonce_stale"],
    ["an observation from the future", h, context({ nowMs: nowMs - 60_000 }), "nonce_stale"],
    ["a replayed nonce", h, context({ nonceSeen: (id) => id === "lm-shanghai" }), "nonce_reused"],
    ["a chip not installed", h, context({}, { installed: false }), "not_installed"],
  ];
  for (const [name, heartbeat, ctx, outcome] of rows)
    it(`refuses ${name}: ${outcome}`, () => {
      const result = checkHeartbeat(heartbeat, ctx);
      expect(result.outcome).toBe(outcome);
      expect(ingestOutcomes).toContain(result.outcome);
    });

  it("refuses one nonce used twice inside a heartbeat", () => {
    const serial = "H200-0000001";
    const at = "2026-12-06T09:59:59.000Z";
    const o = signObservation(landmarkA.privateKey, serial, {
      landmarkId: "lm-beijing",
      nonce: nonce(1),
      rttMs: 2,
      at,
    });
    const twice = signHeartbeat(device.privateKey, { id: "hb-2", serial, at, observations: [o, o] });
    expect(checkHeartbeat(twice, context()).outcome).toBe("nonce_reused");
  });

  it("checks signatures before freshness: a forged stale item is a bad signature", () => {
    const forged = makeHeartbeat(keyPair().privateKey);
    expect(checkHeartbeat(forged, context({ nowMs: nowMs + 3_600_000 })).outcome).toBe(
      "bad_device_signature",
    );
  });
});

describe("parseHeartbeat", () => {
  const h = makeHeartbeat();
  const bad: [string, unknown, string][] = [
    ["a missing signature", { ...h, signature: undefined }, "signature"],
    ["an instant without milliseconds", { ...h, at: "2026-12-06T10:00:00Z" }, "at"],
    ["an instant that is not a day", { ...h, at: "2026-02-30T10:00:00.000Z" }, "at"],
    ["no observations", { ...h, observations: [] }, "observations"],
    ["17 observations", { ...h, observations: Array(17).fill(h.observations[0]) }, "observations"],
    [
      "a round trip over 10 s",
      { ...h, observations: [{ ...h.observations[0], rttMs: 10_001 }] },
      "observations[0].rttMs",
    ],
    [
      "a short nonce",
      { ...h, observations: [{ ...h.observations[0], nonce: "abc" }] },
      "observations[0].nonce",
    ],
    ["an unknown field", { ...h, gps: [1, 2] }, "gps"],
    ["not an object", "heartbeat", "(root)"],
  ];
  for (const [name, input, where] of bad)
    it(`calls ${name} malformed, saying where`, () => {
      const result = parseHeartbeat(input);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(`${result.where} ${result.why}`).toContain(where);
    });
});
