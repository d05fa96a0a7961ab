// Custody end to end on both drivers, through the use cases over the SQL store: sites, permits,
// landmarks, serial registration, device keys, the custody state machine's refusals, and heartbeat
// ingestion with every refusal its own status; a refusal changes nothing; a replay is a duplicate.
import { expect, it } from "vitest";
import { pruneHeartbeats } from "../../src/app/custody/ingest.ts";
import { playHeartbeat } from "../../src/app/custody/play.ts";
import {
  demoSites,
  deviceKeyOf,
  landmarkKeys,
  registerDemoLandmarks,
} from "../../src/app/custody/seed-custody.ts";
import { keyPairOf, nonceOf, signDeviceKeys } from "../../src/app/custody/sign.ts";
import { signHeartbeat, signObservation } from "../../src/core/custody/heartbeat.ts";
import { SluiceError } from "../../src/core/errors.ts";
import { forEachDriver } from "../support/drivers.ts";
import { actor, importerId, licensedShipment, resetFixtures, services, testClock } from "./support.ts";

const codeOf = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
    return "no error";
  } catch (error) {
    if (error instanceof SluiceError) return error.code;
    throw error;
  }
};

forEachDriver("custody", (env) => {
  const time = testClock();
  const importer = actor("importer", importerId);
  const admin = actor("admin");

  it("registers, keys, installs and ingests; each refusal has its own status and writes nothing", {
    timeout: 120_000,
  }, async () => {
    resetFixtures();
    const store = env.store();
    const s = services(store, time.clock);
    const lot = await licensedShipment(store, time.clock, `cs-${env.driver}`, 12);
    await registerDemoLandmarks(s.custody, "2026-12-01T00:00:00.000Z");
    const zhangbei = demoSites[0];
    expect(await s.custody.declareSite({ ...zhangbei, importerId }, importer)).toMatchObject({
      status: "created",
    });
    expect(await s.custody.declareSite({ ...zhangbei, importerId }, importer)).toMatchObject({
      status: "exists",
    });
    expect(await codeOf(s.custody.declareSite({ ...zhangbei, importerId, name: "other" }, importer))).toBe(
      "exists_with_different_content",
    );
    expect(
      await codeOf(s.custody.declareSite({ ...zhangbei, id: "x", importerId: "nvidia" }, importer)),
    ).toBe("not_found");

    expect(
      (await s.custody.importSerials({ shipmentId: lot.shipmentId }, actor("exporter", "nvidia"))).serials,
    ).toBe(12);
    expect(
      (await s.custody.importSerials({ shipmentId: lot.shipmentId }, actor("exporter", "nvidia"))).status,
    ).toBe("exists");
    const serials = Array.from({ length: 12 }, (_, i) => `${lot.prefix}${i + 1}`);
    const keys = (list: string[], id: string, labKey = s.lab.privateKey) =>
      signDeviceKeys(
        {
          type: "sluice.device-keys.v1",
          id,
          labId: s.lab.id,
          shipmentId: lot.shipmentId,
          keys: list.map((serial) => ({ serial, publicKey: keyPairOf(`device/${serial}`).publicKeyRaw })),
        },
        labKey,
      );
    expect(
      await codeOf(
        s.custody.submitDeviceKeys(
          keys(serials, "dk-forged", keyPairOf("not the lab").privateKey),
          actor("lab", s.lab.id),
        ),
      ),
    ).toBe("bad_lab_signature");
    expect(
      await codeOf(s.custody.submitDeviceKeys(keys(["nope-1"], "dk-unknown"), actor("lab", s.lab.id))),
    ).toBe("serials_not_registered");
    // The last serial is left without a device key.
    expect(
      await s.custody.submitDeviceKeys(keys(serials.slice(0, 11), "dk-1"), actor("lab", s.lab.id)),
    ).toMatchObject({ status: "created", keys: 11 });

    const range = (first: number, last: number) => [{ prefix: lot.prefix, first, last }];
    const event = (
      id: string,
      kind: string,
      who: ReturnType<typeof actor>,
      extra: object = {},
      r = range(1, 12),
    ) => s.custody.recordEvent({ id, shipmentId: lot.shipmentId, kind, serials: r, ...extra }, who);
    expect(await codeOf(event("e0", "exported", importer))).toBe("not_your_authority");
    expect(await codeOf(event("e0", "entered_china", actor("cn-customs")))).toBe("wrong_state");
    await expect(event("e0", "entered_china", actor("cn-customs"))).rejects.toThrow(
      "custody event `e0`: entered_china needs every serial exported; some are registered",
    );
    expect(await codeOf(event("e0", "exported", actor("exporter", "nvidia"), {}, range(1, 13)))).toBe(
      "serials_not_in_lot",
    );
    expect(await event("e1", "exported", actor("exporter", "nvidia"))).toMatchObject({
      status: "created",
      serials: 12,
    });
    expect(await event("e1", "exported", actor("exporter", "nvidia"))).toMatchObject({ status: "exists" });
    await event("e2", "entered_china", actor("cn-customs"));
    await event("e3", "delivered", importer, {}, range(1, 11));
    expect(await codeOf(event("e4", "installed", importer, {}, range(1, 10)))).toBe("site_required");
    expect(await codeOf(event("e4", "installed", importer, { siteId: zhangbei.id }, range(1, 10)))).toBe(
      "site_not_permitted",
    );
    await s.custody.permitSite({ licenceId: lot.licenceId, siteId: zhangbei.id }, actor("us-regulator"));
    expect(await codeOf(event("e4", "installed", importer, { siteId: zhangbei.id }, range(1, 11)))).toBe(
      "no error",
    );
    expect(await codeOf(event("e5", "destroyed", importer, {}, range(11, 11)))).toBe("evidence_required");
    expect(await codeOf(event("e5", "moved", importer, {}, range(1, 1)))).toBe("site_change_required");

    const landmarks = landmarkKeys();
    const play = (serial: string, round: string, at: { lat: number; lon: number } = zhangbei, delayMs = 0) =>
      playHeartbeat(landmarks, {
        serial,
        deviceKey: deviceKeyOf(serial),
        at,
        round,
        when: time.clock(),
        delayMs,
      });
    const first = play(serials[0] as string, "r1");
    const honest = await s.ingest.ingest([first, play(serials[1] as string, "r1b")], admin, "test");
    expect(honest.results.map((r) => [r.outcome, r.verdict])).toEqual([
      ["accepted", "verified"],
      ["accepted", "verified"],
    ]);
    expect(honest.auditEntryId).not.toBeNull();

    const before = await store.query(
      "SELECT (SELECT count(*) FROM heartbeat_ids) AS ids, (SELECT count(*) FROM heartbeats) AS raw",
    );
    // A chip that signs an observation no landmark made (a shorter RTT, signed by another key).
    const honestRound = play(serials[2] as string, "r2");
    const forgedLandmark = signHeartbeat(deviceKeyOf(serials[2] as string), {
      ...honestRound,
      observations: honestRound.observations.map((x, i) =>
        i === 0 ? signObservation(keyPairOf("x").privateKey, serials[2] as string, { ...x, rttMs: 0.01 }) : x,
      ),
    });
    const reNonce = play(serials[3] as string, "r1"); // same nonces as r1 at the same landmarks
    const replayedNonce = signHeartbeat(deviceKeyOf(serials[0] as string), {
      ...reNonce,
      id: "hb-other",
      serial: serials[0] as string,
      observations: first.observations.map((x) =>
        signObservation(
          landmarks.find((l) => l.id === x.landmarkId)?.key ?? keyPairOf("?").privateKey,
          serials[0] as string,
          { ...x },
        ),
      ),
    });
    const staleAt = new Date(time.clock().getTime() - 3_600_000);
    const stale = playHeartbeat(landmarks, {
      serial: serials[4] as string,
      deviceKey: deviceKeyOf(serials[4] as string),
      at: zhangbei,
      round: "r-stale",
      when: staleAt,
    });
    const unknownLandmark = signHeartbeat(deviceKeyOf(serials[5] as string), {
      id: "hb-ul",
      serial: serials[5] as string,
      at: time.clock().toISOString(),
      observations: [
        signObservation(keyPairOf("x").privateKey, serials[5] as string, {
          landmarkId: "lm-nowhere",
          nonce: nonceOf("ul"),
          rttMs: 1,
          at: time.clock().toISOString(),
        }),
      ],
    });
    const results = await s.ingest.ingest(
      [
        first,
        { ...first, observations: [] },
        play("nobody-1", "r3"),
        play(serials[11] as string, "r4"),
        play(serials[6] as string, "r5"),
        { ...play(serials[7] as string, "r6"), signature: first.signature },
        forgedLandmark,
        unknownLandmark,
        stale,
        replayedNonce,
        play(serials[10] as string, "r7"),
        { ...first, at: "2026-12-06T09:00:00.000Z" },
      ],
      admin,
      "test",
    );
    expect(results.results.map((r) => r.outcome)).toEqual([
      "duplicate",
      "malformed",
      "unknown_serial",
      "no_device_key",
      "accepted",
      "bad_device_signature",
      "bad_landmark_signature",
      "unknown_landmark",
      "nonce_stale",
      "nonce_reused",
      "accepted",
      "id_reused_with_different_content",
    ]);
    const after = await store.query(
      "SELECT (SELECT count(*) FROM heartbeat_ids) AS ids, (SELECT count(*) FROM heartbeats) AS raw",
    );
    expect(after.rows[0]).toEqual({
      ids: (before.rows[0]?.ids as bigint) + 2n,
      raw: (before.rows[0]?.raw as bigint) + 2n,
    });

    // Not installed: delivered but never installed (serial 12 has no key; make 12's sibling: revoke route).
    await event("e6", "returned_for_repair", importer, {}, range(9, 9));
    const repaired = await s.ingest.ingest([play(serials[8] as string, "r8")], admin, "test");
    expect(repaired.results[0]?.outcome).toBe("not_installed");
    await s.custody.revokeDeviceKey(
      serials[9] as string,
      "key extracted in a lab attack",
      actor("lab", s.lab.id),
    );
    const revoked = await s.ingest.ingest([play(serials[9] as string, "r9")], admin, "test");
    expect(revoked.results[0]?.outcome).toBe("device_key_revoked");

    // A chip of the lot heard from near Singapore: accepted, inconsistent, and an alert.
    const diverted = await s.ingest.ingest(
      [play(serials[2] as string, "r10", { lat: 1.49, lon: 103.74 })],
      admin,
      "test",
    );
    expect(diverted.results[0]).toMatchObject({ outcome: "accepted", verdict: "inconsistent" });
    const alerts = await s.alerts.list(importer, {});
    expect(alerts.map((a) => a.kind).sort()).toEqual([
      "device_key_revoked",
      "heartbeat_not_installed",
      "location_inconsistent",
    ]);
    expect(await s.alerts.list(actor("importer", "someone-else"), {})).toEqual([]);
    const shown = await s.custody.showSerial(serials[2] as string, importer);
    expect(shown).toMatchObject({ state: "installed", siteId: zhangbei.id, lastVerdict: "inconsistent" });
    expect(shown.history.map((h) => h.input.kind)).toEqual([
      "exported",
      "entered_china",
      "delivered",
      "installed",
    ]);
    expect(await codeOf(s.custody.showSerial(serials[2] as string, actor("importer", "someone-else")))).toBe(
      "not_found",
    );

    // Silence: eight days on (the licence conditions' limit is 7), the quiet chips are swept once.
    time.advanceMs(8 * 86_400_000);
    const swept = await s.alerts.sweep(admin);
    expect(swept.silent).toBeGreaterThan(0);
    expect((await s.alerts.sweep(admin)).raised).toBe(0);

    // Retention: raw days older than the period go, whole partitions at a time; the summary stays.
    const summaryBefore = await store.query("SELECT count(*) AS n FROM heartbeat_daily");
    expect((await pruneHeartbeats(s.deps.store, time.clock, 1)).dropped).toEqual(["heartbeats_p20261206"]);
    expect((await store.query("SELECT count(*) AS n FROM heartbeats")).rows[0]).toEqual({ n: 0n });
    expect((await store.query("SELECT count(*) AS n FROM heartbeat_nonces")).rows[0]).toEqual({ n: 0n });
    expect((await store.query("SELECT count(*) AS n FROM heartbeat_daily")).rows).toEqual(summaryBefore.rows);
  });
});
