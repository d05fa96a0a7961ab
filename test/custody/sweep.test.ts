// The fleet sweep's relay and fleet-silence-share alerts on both drivers: a fleet installed at
// Zhangbei plays 48 hourly rounds with the demo's fleet player, one chip behind a relay (a 70 ms
// step from round 24), two chips silent. Thresholds come from the books in force: the licence conditions
// raise the relay only; a book with tighter thresholds raises the silences and the share instead,
// and each alert names the rule it came from. Then a clone: consecutive heartbeats of one chip from
// Zhangbei and near Singapore, in one batch or two.
import { expect, it } from "vitest";
import { loadRulebooks } from "../../src/adapters/files/reference-data.ts";
import { AlertService } from "../../src/app/custody/alerts.ts";
import { playFleetRound } from "../../src/app/custody/play.ts";
import {
  demoSites,
  deviceKeyOf,
  divertedPosition,
  landmarkKeys,
  registerDemoLandmarks,
} from "../../src/app/custody/seed-custody.ts";
import { keyPairOf, signDeviceKeys } from "../../src/app/custody/sign.ts";
import { selectRules } from "../../src/core/rulebook/load.ts";
import { forEachDriver } from "../support/drivers.ts";
import { actor, importerId, licensedShipment, resetFixtures, services, testClock } from "./support.ts";

const chips = 10;
const rounds = 48;
const relayChip = 2;
const silentChips = [9, 10];
const conditionsRule = "scenario-licence-location-conditions.location-evidence";
const tightRule = "test-tight.location-evidence";

/** The books in force, with the licence conditions' alert thresholds replaced (as a new book would). */
const tightRules = (day: string) => ({
  rules: selectRules(loadRulebooks(), day, ["scenario-licence-location-conditions"]).rules.map((entry) =>
    entry.rule.kind === "location-verification" && entry.rule.params.alerts
      ? {
          ...entry,
          rule: {
            ...entry.rule,
            id: tightRule,
            params: {
              ...entry.rule.params,
              alerts: {
                ...entry.rule.params.alerts,
                silentDaysMax: 1,
                fleetSilentSharePercentMax: 10,
                relayStepMsMin: 100,
              },
            },
          },
        }
      : entry,
  ),
});

forEachDriver("custody alert sweep", (env) => {
  const time = testClock();
  const importer = actor("importer", importerId);
  const admin = actor("admin");

  it("raises the relay and the fleet's silent share with the thresholds of the books in force", {
    timeout: 240_000,
  }, async () => {
    resetFixtures();
    const store = env.store();
    const s = services(store, time.clock);
    const lot = await licensedShipment(store, time.clock, `sw-${env.driver}`, chips);
    await registerDemoLandmarks(s.custody, "2026-12-01T00:00:00.000Z");
    const site = demoSites[0];
    await s.custody.declareSite({ ...site, importerId }, importer);
    await s.custody.permitSite({ licenceId: lot.licenceId, siteId: site.id }, actor("us-regulator"));
    await s.custody.importSerials({ shipmentId: lot.shipmentId }, actor("exporter", "nvidia"));
    const serials = Array.from({ length: chips }, (_, i) => `${lot.prefix}${i + 1}`);
    await s.custody.submitDeviceKeys(
      signDeviceKeys(
        {
          type: "sluice.device-keys.v1",
          id: `dk-${lot.shipmentId}`,
          labId: s.lab.id,
          shipmentId: lot.shipmentId,
          keys: serials.map((serial) => ({ serial, publicKey: keyPairOf(`device/${serial}`).publicKeyRaw })),
        },
        s.lab.privateKey,
      ),
      actor("lab", s.lab.id),
    );
    const all = [{ prefix: lot.prefix, first: 1, last: chips }];
    const event = (id: string, kind: string, who: ReturnType<typeof actor>, extra: object = {}) =>
      s.custody.recordEvent({ id, shipmentId: lot.shipmentId, kind, serials: all, ...extra }, who);
    await event("e1", "exported", actor("exporter", "nvidia"));
    await event("e2", "entered_china", actor("cn-customs"));
    await event("e3", "delivered", importer);
    expect(await event("e4", "installed", importer, { siteId: site.id })).toMatchObject({
      status: "created",
    });

    // The demo's fleet player (`heartbeats simulate`): chip 2 behind a relay from round 24, the
    // last two chips silent (never heard: counted from their registration).
    const landmarks = landmarkKeys();
    const plan = {
      prefix: lot.prefix,
      first: 1,
      last: chips,
      site,
      diverted: 0,
      divertedAt: site,
      silent: silentChips.length,
      clone: false,
      relayDelayMs: 70,
      relayFromRound: rounds / 2,
      run: `sw-${env.driver}`,
    };
    for (let round = 0; round < rounds; round++) {
      const heartbeats = playFleetRound(landmarks, plan, round, time.clock(), deviceKeyOf);
      const { counts } = await s.ingest.ingest(heartbeats, admin, "test");
      expect(counts).toEqual({ accepted: chips - silentChips.length });
      if (round < rounds - 1) time.advanceMs(3_600_000);
    }

    // The licence conditions (silence 7 days, share 5 %, step 40–300 ms for 24 heartbeats): the relay.
    const swept = await s.alerts.sweep(admin);
    expect(swept).toMatchObject({
      silent: 0,
      fleetSilentShares: 0,
      relays: 1,
      raised: 1,
      rule: conditionsRule,
    });
    const [relay, ...others] = await s.alerts.list(importer, {});
    expect(others).toEqual([]);
    expect(relay).toMatchObject({
      kind: "relay",
      serial: serials[relayChip - 1],
      importerId,
      rulebook: conditionsRule,
      evidence: { heartbeats: 24, relayStepMsMin: 40, relayStepMsMax: 300, rule: conditionsRule },
      report: { category: expect.stringContaining("relay") },
    });
    expect((relay?.evidence as { stepMs?: number } | undefined)?.stepMs).toBeCloseTo(70, 3);
    expect((await s.alerts.sweep(admin)).raised).toBe(0);

    // A book with tighter thresholds (silence 1 day, share 10 %, step from 100 ms) changes the alerts.
    const tight = await new AlertService({ ...s.deps, rules: tightRules }).sweep(admin);
    expect(tight).toMatchObject({ silent: 2, fleetSilentShares: 1, relays: 0, raised: 3, rule: tightRule });
    const raised = (await s.alerts.list(importer, {})).filter((a) => a.rulebook === tightRule);
    expect(raised.map((a) => `${a.kind} ${a.serial}`).sort()).toEqual(
      ["fleet_silent_share null", `silent ${serials[8]}`, `silent ${serials[9]}`].sort(),
    );
    const share = raised.find((a) => a.kind === "fleet_silent_share");
    expect(share).toMatchObject({
      importerId,
      evidence: {
        month: "2026-12",
        installed: chips,
        silent: 2,
        percent: 20,
        fleetSilentSharePercentMax: 10,
      },
    });
    // Another importer sees none of them.
    expect(await s.alerts.list(actor("importer", "someone-else"), {})).toEqual([]);

    // A clone: chip 1 answers from Zhangbei and, minutes later in another batch, from near
    // Singapore; then both places again in one batch. Consecutive heartbeats whose discs cannot both
    // hold are a clone, whichever batch carried them; an honest chip heard twice is not.
    time.advanceMs(3_600_000);
    const cloned = { ...plan, silent: 0, relayDelayMs: 0, clone: true, divertedAt: divertedPosition };
    const [honest, clone, ...rest] = playFleetRound(landmarks, cloned, rounds, time.clock(), deviceKeyOf);
    if (!honest || !clone) throw new Error("the player gave no clone");
    expect((await s.ingest.ingest([honest, ...rest], admin, "test")).counts).toEqual({ accepted: chips });
    time.advanceMs(5 * 60_000);
    expect((await s.ingest.ingest([clone], admin, "test")).counts).toEqual({ accepted: 1 });
    const cloneSweep = await s.alerts.sweep(admin);
    expect(cloneSweep).toMatchObject({ clones: 1, raised: 1 });
    const [cloneAlert] = (await s.alerts.list(importer, {})).filter((a) => a.kind === "clone");
    expect(cloneAlert).toMatchObject({
      serial: serials[0],
      evidence: { heartbeats: [honest.id, clone.id], windowMinutes: 60, rule: conditionsRule },
    });
    time.advanceMs(5 * 60_000);
    const again = playFleetRound(landmarks, cloned, rounds + 1, time.clock(), deviceKeyOf).slice(0, 2);
    await s.ingest.ingest(again, admin, "test");
    // Three consecutive pairs now contradict (Singapore → Zhangbei → Singapore); one open alert.
    expect(await s.alerts.sweep(admin)).toMatchObject({ clones: 3, raised: 0 });
  });
});
