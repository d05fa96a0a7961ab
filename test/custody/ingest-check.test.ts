// The heartbeat ingest decides with core's `checkHeartbeat` (src/core/custody/heartbeat.ts), on both
// drivers, through the use case: a landmark's registration is judged at the observation's time with
// its end instant included (not at the server's clock), and a heartbeat whose observations fail at
// different stages (registrations, landmark signatures, freshness) gets the outcome that comes
// first in `ingestOutcomes`, whatever the observations' order (not the first failing observation's).
import type { KeyObject } from "node:crypto";
import { beforeAll, expect, it } from "vitest";
import { demoSites, deviceKeyOf, registerDemoLandmarks } from "../../src/app/custody/seed-custody.ts";
import { keyPairOf, nonceOf } from "../../src/app/custody/sign.ts";
import {
  type Heartbeat,
  type IngestOutcome,
  type Observation,
  signHeartbeat,
  signObservation,
} from "../../src/core/custody/heartbeat.ts";
import { forEachDriver } from "../support/drivers.ts";
import { actor, installedLot, resetFixtures, services, testClock } from "./support.ts";

/** The instant the registration of `lm-ending` ends (inclusive). */
const registrationEnd = "2026-12-06T10:00:00.000Z";
const registrationStart = "2026-12-01T00:00:00.000Z";
const zhangbei = demoSites[0];

/** Extra landmarks near Zhangbei: one whose registration ends at `registrationEnd`, one ended days ago. */
const limitedLandmarks = [
  { id: "lm-ending", validUntil: registrationEnd },
  { id: "lm-ended", validUntil: "2026-12-04T00:00:00.000Z" },
] as const;

const landmarkKey = (id: string): KeyObject => keyPairOf(`landmark/${id}`).privateKey;
const msAfter = (iso: string, ms: number): string => new Date(Date.parse(iso) + ms).toISOString();

/** One observation of `serial` by `landmarkId`, signed by `signer` (the landmark's own key unless forged). */
const observe = (
  serial: string,
  landmarkId: string,
  at: string,
  label: string,
  signer: KeyObject = landmarkKey(landmarkId),
): Observation =>
  signObservation(signer, serial, { landmarkId, nonce: nonceOf(`${label}/${landmarkId}`), rttMs: 4, at });

/** A heartbeat the chip signs over the given observations (its device signature verifies), sent at the latest. */
const heartbeatOf = (serial: string, id: string, observations: Observation[]): Heartbeat =>
  signHeartbeat(deviceKeyOf(serial), {
    id,
    serial,
    at:
      observations
        .map((o) => o.at)
        .sort()
        .at(-1) ?? "",
    observations,
  });

forEachDriver("custody ingest on core's heartbeat check", (env) => {
  const time = testClock(registrationStart);
  const admin = actor("admin");
  let s: ReturnType<typeof services>;
  let serials: [string, string, string];
  const outcomesOf = async (heartbeats: Heartbeat[]): Promise<IngestOutcome[]> =>
    (await s.ingest.ingest(heartbeats, admin, "test")).results.map((r) => r.outcome);

  beforeAll(async () => {
    resetFixtures();
    const store = env.store();
    s = services(store, time.clock);
    await registerDemoLandmarks(s.custody, registrationStart);
    for (const l of limitedLandmarks)
      await s.custody.registerLandmark(
        {
          ...l,
          name: `Zhangbei ${l.id}`,
          operator: "Sluice test landmarks",
          lat: 41.2,
          lon: 114.8,
          publicKey: keyPairOf(`landmark/${l.id}`).publicKeyRaw,
          validFrom: registrationStart,
          validUntil: l.validUntil,
        },
        admin,
      );
    const lot = await installedLot(store, s, `ic-${env.driver}`, 3, zhangbei);
    serials = lot.serials as [string, string, string];
  }, 120_000);

  it("accepts an observation measured at the registration's last instant, heard after it ended", async () => {
    const [serial] = serials;
    // The server's clock alone would refuse it; so would an end that is excluded.
    time.set(msAfter(registrationEnd, 60_000));
    expect(
      await outcomesOf([
        heartbeatOf(serial, "hb-on-end", [
          observe(serial, "lm-ending", registrationEnd, "on-end"),
          observe(serial, "lm-beijing", registrationEnd, "on-end"),
        ]),
      ]),
    ).toEqual(["accepted"]);
  });

  it("refuses an observation measured after the end while the server's clock is still inside it", async () => {
    const [, serial] = serials;
    // Measured 10 s after the end, the server 10 s before it (a device clock ahead within the
    // tolerated skew): refused for the registration, not for freshness, as the same timing on an
    // open-ended landmark shows.
    time.set(msAfter(registrationEnd, -10_000));
    const afterEnd = msAfter(registrationEnd, 10_000);
    expect(
      await outcomesOf([
        heartbeatOf(serial, "hb-after-end", [observe(serial, "lm-ending", afterEnd, "after-end")]),
        heartbeatOf(serial, "hb-after-end-open", [observe(serial, "lm-beijing", afterEnd, "after-end")]),
      ]),
    ).toEqual(["landmark_not_valid", "accepted"]);
  });

  it("gives observations failing differently the outcome listed first, in either order", async () => {
    const [, , serial] = serials;
    // Landmarks, registrations, landmark signatures, freshness, nonces: not the first failing observation.
    const now = "2026-12-06T12:00:00.000Z";
    time.set(now);
    const failing = (label: string) => ({
      unknown: observe(serial, "lm-nowhere", now, label, keyPairOf("not a landmark").privateKey),
      ended: observe(serial, "lm-ended", now, label),
      forged: observe(serial, "lm-beijing", now, label, keyPairOf("not lm-beijing").privateKey),
      stale: observe(serial, "lm-shanghai", msAfter(now, -3_600_000), label),
      // The nonce lm-beijing signed for the first test's accepted heartbeat, observed again now.
      replayed: observe(serial, "lm-beijing", now, "on-end"),
    });
    const pairs = [
      ["unknown", "forged", "unknown_landmark"],
      ["ended", "forged", "landmark_not_valid"],
      ["forged", "stale", "bad_landmark_signature"],
      ["ended", "stale", "landmark_not_valid"],
      // Within one step too: every landmark is looked up before any registration is judged, and
      // every observation's freshness before any nonce.
      ["ended", "unknown", "unknown_landmark"],
      ["replayed", "stale", "nonce_stale"],
    ] as const;
    const heartbeats = pairs.flatMap(([first, second], i) => {
      const o = failing(`pair-${i}`);
      return [
        heartbeatOf(serial, `hb-pair-${i}`, [o[first], o[second]]),
        heartbeatOf(serial, `hb-pair-${i}-swapped`, [o[second], o[first]]),
      ];
    });
    expect(await outcomesOf(heartbeats)).toEqual(pairs.flatMap(([, , outcome]) => [outcome, outcome]));
  });
});
