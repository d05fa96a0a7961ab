// The fleet simulator end to end through the pure custody core: every simulated heartbeat verifies,
// the same seed gives the same bytes, and each behaviour raises (only) the alert it was made for.
import { describe, expect, it } from "vitest";
import {
  defaultAlertParams,
  detectClone,
  detectRelay,
  type HeartbeatDiscs,
} from "../../core/custody/alerts.ts";
import {
  checkHeartbeat,
  type Heartbeat,
  type HeartbeatCheckContext,
  heartbeatDigest,
  publicKeyFromBase64,
} from "../../core/custody/heartbeat.ts";
import { heartbeatDiscs, heartbeatVerdict } from "../../core/custody/heartbeat-verdict.ts";
import {
  defaultLocationParams,
  discRadiusKm,
  distanceKm,
  speedOfLightKmPerMs,
} from "../../core/custody/location.ts";
import { type Fleet, generateFleet, heartbeatRound } from "./fleet.ts";
import { seededRandom } from "./seeded-random.ts";

const startMs = Date.parse("2026-12-01T00:00:00.000Z");
const hourMs = 3_600_000;
const options = { honest: 6, diverted: 3, silent: 2, clones: 1, relays: 1, relayFromHour: 24 };

function simulate(seed: number, hours: number): { fleet: Fleet; heartbeats: Heartbeat[] } {
  const random = seededRandom(seed);
  const fleet = generateFleet(seed, options, random);
  const heartbeats: Heartbeat[] = [];
  for (let hour = 0; hour < hours; hour++)
    heartbeats.push(...heartbeatRound(fleet, { hour, atMs: startMs + hour * hourMs }, random));
  return { fleet, heartbeats };
}

const { fleet, heartbeats } = simulate(42, 50);
const chipOf = new Map(fleet.chips.map((c) => [c.serial, c]));
const landmarkOf = new Map(fleet.landmarks.map((l) => [l.id, l]));
const siteOf = new Map(fleet.sites.map((s) => [s.id, s]));

const landmarkAt = (id: string) => landmarkOf.get(id);

function verdictOf(h: Heartbeat) {
  const chip = chipOf.get(h.serial);
  const site = chip && siteOf.get(chip.siteId);
  if (!site) throw new Error(`no site for ${h.serial}`);
  const result = heartbeatVerdict(h, site, landmarkAt, defaultLocationParams);
  if (!result) throw new Error(`unknown landmark in ${h.id}`);
  return result.verdict;
}

describe("fleet simulator", () => {
  it("gives the same fleet and heartbeats for the same seed, others for another", () => {
    const again = simulate(42, 3);
    expect(again.heartbeats).toEqual(heartbeats.slice(0, again.heartbeats.length));
    expect(simulate(43, 1).heartbeats[0]?.signature).not.toBe(heartbeats[0]?.signature);
  });

  it("has the issue's eight landmarks and three declared sites", () => {
    expect(fleet.landmarks.map((l) => l.name)).toEqual([
      "Beijing",
      "Shanghai",
      "Hong Kong",
      "Singapore",
      "Tokyo",
      "Frankfurt",
      "Dubai",
      "Ashburn",
    ]);
    expect(fleet.sites.map((s) => s.id)).toEqual(["site-zhangbei", "site-ulanqab", "site-shanghai"]);
  });

  it("signs every heartbeat so that the ingest check accepts it", () => {
    const keys = new Map(fleet.chips.map((c) => [c.serial, publicKeyFromBase64(c.devicePublicKey)]));
    const nonces = new Set<string>();
    for (const h of heartbeats) {
      const context: HeartbeatCheckContext = {
        nowMs: Date.parse(h.at) + 5_000,
        heartbeatAgeMaxMs: 600_000,
        clockSkewMaxMs: 30_000,
        chip: (serial) => ({ deviceKey: keys.get(serial) ?? null, deviceKeyRevoked: false, installed: true }),
        landmark: (id) => {
          const key = publicKeyFromBase64(landmarkOf.get(id)?.publicKey ?? "");
          return key ? { key, validFromMs: 0, validToMs: null } : undefined;
        },
        nonceSeen: (id, nonce) => nonces.has(`${id}/${nonce}`),
      };
      expect(checkHeartbeat(h, context)).toEqual({ outcome: "accepted" });
      for (const o of h.observations) nonces.add(`${o.landmarkId}/${o.nonce}`);
    }
  });

  it("gives each heartbeat one canonical digest, whatever its JSON spacing and key order", () => {
    const [h] = heartbeats;
    if (!h) throw new Error("no heartbeat");
    const reordered = JSON.parse(
      JSON.stringify({
        signature: h.signature,
        observations: h.observations,
        at: h.at,
        serial: h.serial,
        id: h.id,
      }),
    );
    expect(heartbeatDigest(reordered)).toBe(heartbeatDigest(h));
    expect(heartbeatDigest({ ...h, signature: heartbeats[1]?.signature ?? "" })).not.toBe(heartbeatDigest(h));
    expect(new Set(heartbeats.map(heartbeatDigest)).size).toBe(heartbeats.length);
  });

  it("never sends a round trip below the light-speed minimum", () => {
    for (const h of heartbeats) {
      const chip = chipOf.get(h.serial);
      if (!chip || chip.behaviour === "clone") continue;
      for (const o of h.observations) {
        const landmark = landmarkOf.get(o.landmarkId);
        if (landmark)
          expect(discRadiusKm(o.rttMs, speedOfLightKmPerMs)).toBeGreaterThanOrEqual(
            distanceKm(chip.position, landmark),
          );
      }
    }
  });

  it("gives each behaviour its verdicts: honest verified, diverted inconsistent, silent never heard", () => {
    const verdicts = new Map<string, Set<string>>();
    for (const h of heartbeats) {
      const behaviour = chipOf.get(h.serial)?.behaviour ?? "?";
      const set = verdicts.get(behaviour) ?? new Set();
      set.add(verdictOf(h));
      verdicts.set(behaviour, set);
    }
    expect([...(verdicts.get("honest") ?? [])]).toEqual(["verified"]);
    expect([...(verdicts.get("diverted") ?? [])]).toEqual(["inconsistent"]);
    expect(verdicts.has("silent")).toBe(false);
  });

  const discsOf = (h: Heartbeat): HeartbeatDiscs => {
    const discs = heartbeatDiscs(h, landmarkAt, defaultLocationParams);
    if (!discs) throw new Error(`unknown landmark in ${h.id}`);
    return discs;
  };

  it("raises a clone alert for the cloned serial and for no other", () => {
    const bySerial = new Map<string, Heartbeat[]>();
    for (const h of heartbeats) bySerial.set(h.serial, [...(bySerial.get(h.serial) ?? []), h]);
    for (const [serial, list] of bySerial) {
      const alert = detectClone(serial, list.map(discsOf), defaultAlertParams);
      expect(alert !== null, serial).toBe(chipOf.get(serial)?.behaviour === "clone");
    }
  });

  it("raises a relay alert once the step has lasted K heartbeats, and not before", () => {
    const relay = fleet.chips.find((c) => c.behaviour === "relay");
    if (!relay) throw new Error("no relay chip");
    const nearest = heartbeats.find((h) => h.serial === relay.serial)?.observations[0]?.landmarkId;
    const rtts = heartbeats
      .filter((h) => h.serial === relay.serial)
      .map((h) => h.observations.find((o) => o.landmarkId === nearest)?.rttMs ?? Number.NaN);
    const k = defaultAlertParams.relayHeartbeatsMin;
    expect(
      detectRelay(relay.serial, nearest ?? "", rtts.slice(0, 24 + k - 1), defaultAlertParams),
    ).toBeNull();
    expect(detectRelay(relay.serial, nearest ?? "", rtts.slice(0, 24 + k), defaultAlertParams)?.kind).toBe(
      "relay",
    );
    for (const chip of fleet.chips.filter((c) => c.behaviour === "honest")) {
      const series = heartbeats
        .filter((h) => h.serial === chip.serial)
        .map((h) => h.observations[0]?.rttMs ?? 0);
      expect(detectRelay(chip.serial, "x", series, defaultAlertParams)).toBeNull();
    }
  });
});
