// Alert detectors, one table each: what raises an alert, what stays quiet, and the edges.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  alertKinds,
  detectClone,
  detectFleetSilence,
  detectLocation,
  detectRelay,
  detectRevokedKey,
  detectSilence,
  detectUnlicensed,
  type HeartbeatDiscs,
  defaultAlertParams as params,
  sweepRelay,
  sweepSilence,
  transitionAlert,
} from "./alerts.ts";
import { diversionGrounds, diversionReport } from "./diversion-report.ts";

const day = 86_400_000;
const now = Date.parse("2026-12-06T00:00:00.000Z");

describe("detectLocation", () => {
  const latest = (verdict: string) => ({ verdict, heartbeatId: "hb", reason: "why", siteId: "zhangbei" });
  it.each([
    ["impossible", "location_impossible"],
    ["inconsistent", "location_inconsistent"],
    ["verified", null],
    ["unprovable", null],
  ])("%s → %s", (verdict, kind) => {
    expect(detectLocation("s1", latest(verdict))?.kind ?? null).toBe(kind);
  });
});

describe("detectSilence", () => {
  const rows: [string, { installedAtMs: number | null; lastHeardAtMs: number | null }, string | null][] = [
    ["heard 3 days ago", { installedAtMs: now - 30 * day, lastHeardAtMs: now - 3 * day }, null],
    [
      "heard exactly 7 days ago (the limit itself is not silence)",
      { installedAtMs: now - 30 * day, lastHeardAtMs: now - 7 * day },
      null,
    ],
    [
      "heard 7 days and 1 ms ago",
      { installedAtMs: now - 30 * day, lastHeardAtMs: now - 7 * day - 1 },
      "silent",
    ],
    [
      "never heard since installed 10 days ago",
      { installedAtMs: now - 10 * day, lastHeardAtMs: null },
      "silent",
    ],
    ["never heard, installed 2 days ago", { installedAtMs: now - 2 * day, lastHeardAtMs: null }, null],
    ["not installed", { installedAtMs: null, lastHeardAtMs: null }, null],
  ];
  for (const [name, chip, kind] of rows)
    it(name, () => {
      const alert = detectSilence("s1", chip, now, params);
      expect(alert?.kind ?? null).toBe(kind);
    });
  it("carries its evidence", () => {
    const alert = detectSilence(
      "s1",
      { installedAtMs: now - 30 * day, lastHeardAtMs: now - 9 * day },
      now,
      params,
    );
    expect(alert?.evidence).toMatchObject({ days: 9, silentDaysMax: 7, neverHeard: false });
  });
});

describe("detectFleetSilence", () => {
  it.each([
    [1000, 50, null],
    [1000, 51, "fleet_silent_share"],
    [0, 0, null],
    [3, 1, "fleet_silent_share"],
  ])("%i installed, %i silent → %s", (installed, silent, kind) => {
    expect(detectFleetSilence("imp", { month: "2026-11", installed, silent }, params)?.kind ?? null).toBe(
      kind,
    );
  });
});

const disc = (landmark: string, lat: number, lon: number, radiusKm: number) => ({
  landmark,
  lat,
  lon,
  radiusKm,
});
const beijingNear = [disc("beijing", 39.9, 116.4, 300)];
const singaporeNear = [disc("singapore", 1.35, 103.8, 300)];
const wide = [disc("tokyo", 35.7, 139.7, 9000)];

describe("detectClone", () => {
  const hb = (id: string, minutes: number, discs: HeartbeatDiscs["discs"]): HeartbeatDiscs => ({
    heartbeatId: id,
    atMs: now + minutes * 60_000,
    discs,
  });
  it("raises when one serial is near Beijing and near Singapore 20 minutes apart", () => {
    const alert = detectClone("s1", [hb("a", 0, beijingNear), hb("b", 20, singaporeNear)], params);
    expect(alert?.kind).toBe("clone");
    expect(alert?.evidence.heartbeatIds).toEqual(["a", "b"]);
  });
  it("stays quiet when the two are further apart than the window (the chip may have moved)", () => {
    expect(detectClone("s1", [hb("a", 0, beijingNear), hb("b", 61, singaporeNear)], params)).toBeNull();
  });
  it("stays quiet when the discs can both hold", () => {
    expect(
      detectClone("s1", [hb("a", 0, beijingNear), hb("b", 5, wide), hb("c", 10, beijingNear)], params),
    ).toBeNull();
  });
  it("finds the pair across a heartbeat between them", () => {
    expect(
      detectClone("s1", [hb("a", 0, beijingNear), hb("b", 5, wide), hb("c", 10, singaporeNear)], params)
        ?.kind,
    ).toBe("clone");
  });
});

describe("detectUnlicensed", () => {
  it.each([
    [true, true, null],
    [false, true, "undelivered_heartbeat"],
    [true, false, "unlicensed_heartbeat"],
    [false, false, "unlicensed_heartbeat"],
  ])("delivered %s, licensed %s → %s", (delivered, licensed, kind) => {
    expect(detectUnlicensed("s1", { delivered, licensed }, "hb")?.kind ?? null).toBe(kind);
  });
});

describe("detectRelay", () => {
  const k = params.relayHeartbeatsMin;
  const series = (baseline: number, step: number, jitter = 0.5) => [
    ...Array.from({ length: 48 }, (_, i) => baseline + (i % 5) * jitter),
    ...Array.from({ length: k }, (_, i) => baseline + step + (i % 3) * jitter),
  ];
  const rows: [string, number[], string | null][] = [
    ["a steady 3 ms path", series(3, 0), null],
    ["a 70 ms step sustained for K heartbeats", series(3, 70), "relay"],
    ["a 39 ms step (under the minimum)", series(3, 39), null],
    ["a 40 ms step (the minimum itself)", series(3, 40, 0), "relay"],
    ["a 400 ms step (an outage, not a relay)", series(3, 400), null],
    ["a step one heartbeat short of K", series(3, 70).slice(0, -1).concat([3]), null],
    ["too little history before the step", Array.from({ length: k + 3 }, (_, i) => (i < 3 ? 3 : 80)), null],
  ];
  for (const [name, rtts, kind] of rows)
    it(name, () => {
      expect(detectRelay("s1", "shanghai", rtts, params)?.kind ?? null).toBe(kind);
    });
  it("reads a Float64Array as well (the sweep's summaries)", () => {
    const alert = detectRelay("s1", "shanghai", Float64Array.from(series(3, 70, 0)), params);
    expect(alert?.evidence).toMatchObject({ baselineMs: 3, stepMs: 70, heartbeats: k });
  });
});

describe("detectRevokedKey", () => {
  it("raises for a revoked key with who and why, and not otherwise", () => {
    const alert = detectRevokedKey("s1", { revokedAtMs: now, revokedBy: "lab-1", reason: "key leaked" });
    expect(alert?.evidence).toEqual({
      revokedAt: "2026-12-06T00:00:00.000Z",
      revokedBy: "lab-1",
      reason: "key leaked",
    });
    expect(detectRevokedKey("s1", { revokedAtMs: null, revokedBy: null, reason: null })).toBeNull();
  });
});

describe("transitionAlert", () => {
  it.each([
    ["open", "acknowledge", "acknowledged"],
    ["open", "close", "closed"],
    ["acknowledged", "close", "closed"],
    ["closed", "reopen", "open"],
  ] as const)("%s --%s--> %s", (from, action, to) => {
    expect(transitionAlert(from, action, "checked on site")).toEqual({ ok: true, state: to });
  });
  it.each([
    ["closed", "acknowledge", "not_allowed_from_state"],
    ["open", "reopen", "already_in_state"],
    ["closed", "close", "already_in_state"],
  ] as const)("refuses %s --%s--> (%s)", (from, action, refusal) => {
    const result = transitionAlert(from, action, "why");
    expect(result.ok ? null : result.refusal).toBe(refusal);
  });
  it("refuses a transition without a reason", () => {
    const result = transitionAlert("open", "close", "  ");
    expect(result.ok ? null : result.refusal).toBe("reason_required");
  });
});

describe("fleet sweeps agree with the per-chip detectors (property)", () => {
  const instant = fc.oneof(fc.constant(Number.NaN), fc.integer({ min: now - 30 * day, max: now }));
  it("sweepSilence visits exactly the chips detectSilence calls silent", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(instant, instant), { maxLength: 50 }), (chips) => {
        const installedAtMs = Float64Array.from(chips, ([installed]) => installed);
        const lastHeardAtMs = Float64Array.from(chips, ([, heard]) => heard);
        const visited: number[] = [];
        const count = sweepSilence({ installedAtMs, lastHeardAtMs }, now, params, (i) => visited.push(i));
        const expected = chips.flatMap(([installed, heard], i) =>
          detectSilence(
            "s",
            {
              installedAtMs: Number.isNaN(installed) ? null : installed,
              lastHeardAtMs: Number.isNaN(heard) ? null : heard,
            },
            now,
            params,
          )
            ? [i]
            : [],
        );
        expect(visited).toEqual(expected);
        expect(count).toBe(expected.length);
      }),
    );
  });

  it("sweepRelay finds the step detectRelay finds, chip by chip", () => {
    const window = 2 * params.relayHeartbeatsMin;
    const series = fc.tuple(
      fc.double({ min: 1, max: 50, noNaN: true }),
      fc.constantFrom(0, 20, 39.9, 40, 70, 300, 301),
      fc.integer({ min: 0, max: 3 }),
    );
    fc.assert(
      fc.property(fc.array(series, { maxLength: 20 }), (chips) => {
        const rows = chips.map(([base, step, jitter]) =>
          Array.from(
            { length: window },
            (_, j) => base + (j >= params.relayHeartbeatsMin ? step : 0) + ((j * 7) % 4) * jitter * 0.1,
          ),
        );
        const packed = Float64Array.from(rows.flat());
        const visited: number[] = [];
        sweepRelay(packed, window, params, (i) => visited.push(i));
        const expected = rows.flatMap((row, i) => (detectRelay("s", "l", row, params) ? [i] : []));
        expect(visited).toEqual(expected);
      }),
    );
  });
});

describe("diversionReport", () => {
  it("files every alert kind under at least one of the Act's grounds, with its evidence", () => {
    for (const kind of alertKinds) {
      const alert = { kind, serial: "s1", importerId: null, message: `m ${kind}`, evidence: { x: 1 } };
      const report = diversionReport(alert, {
        licenceId: "lic-1",
        exporterId: "nvidia",
        importerId: "imp",
        siteId: "zb",
      });
      expect(report.grounds.length, kind).toBeGreaterThan(0);
      for (const ground of report.grounds) expect(diversionGrounds).toContain(ground);
      expect(report.statements).toHaveLength(report.grounds.length);
      expect(report).toMatchObject({
        licenceId: "lic-1",
        importerId: "imp",
        summary: `m ${kind}`,
        evidence: { x: 1 },
      });
    }
  });
  it("calls a relay both spoofing and absence from the licensed location", () => {
    const relay = detectRelay("s1", "shanghai", [3, 3, 3, ...Array(24).fill(80)].slice(-27), {
      ...params,
      relayHeartbeatsMin: 3,
    });
    if (!relay) throw new Error("no relay alert");
    const report = diversionReport(relay, {
      licenceId: null,
      exporterId: null,
      importerId: null,
      siteId: null,
    });
    expect(report.grounds).toEqual(["tampered_or_spoofed", "not_at_licensed_location"]);
  });
});
