// The simulator against months computed by hand, its determinism, and its use of the real engine.
import { describe, expect, it } from "vitest";
import { loadCatalog, loadRulebooks } from "../../src/adapters/files/reference-data.ts";
import { reportJson, simulate } from "../../src/app/simulation/simulate.ts";
import { parseRulebook } from "../../src/core/rulebook/load.ts";
import type { Rulebook } from "../../src/core/rulebook/schema.ts";
import { parseScenario, type Scenario } from "../../src/core/simulation/scenario.ts";

const noHits = () => ({
  screenedOn: "2026-01-01",
  listVersions: [{ listId: "test", version: "1" }],
  hits: [],
});

/** One approved buyer wanting `demand` units; everything but the cap is ample. */
function scenario(overrides: Record<string, unknown> = {}): Scenario {
  return parseScenario(
    {
      id: "hand",
      title: "computed by hand",
      seed: 7,
      horizon: { from: "2026-03", to: "2026-08" },
      sources: { a: { source: "test figures", status: "U" } },
      product: { id: "nvidia-h200-sxm" },
      price: { centsPerUnit: 2_700_000, source: "a" },
      usSales: { unitsPerMonth: 10_000, source: "a" },
      inventory: { units: 1_000_000, source: "a" },
      supply: { unitsPerMonth: 0, from: "2026-03", source: "a" },
      buyers: [
        {
          id: "alibaba-cloud",
          name: "Alibaba Cloud Computing Co., Ltd.",
          sector: "cloud-provider",
          purpose: "commercial-cloud",
          demand: { units: 100_000, orderedIn: "2026-03", source: "a" },
          approval: { units: 100_000, from: "2026-01-28", to: "2027-12-31", source: "a" },
        },
      ],
      labs: { count: 1, unitsPerMonthPerLab: 1_000_000, source: "a" },
      prepayment: { percent: 100, source: "a" },
      domesticSupply: { unitsPerMonth: 0, source: "a" },
      rulebooks: [
        { id: "history", title: "history" },
        { id: "cap-25", title: "cap 25", scenarios: ["scenario-cap-25"] },
        { id: "safe", title: "SAFE", scenarios: ["scenario-safe-chips-act"] },
      ],
      ...overrides,
    },
    "test",
  );
}

const run = (s: Scenario, extraBooks?: ReadonlyMap<string, Rulebook[]>) =>
  simulate({
    scenario: s,
    library: loadRulebooks(),
    catalog: loadCatalog(),
    screen: noHits,
    ...(extraBooks ? { extraBooks } : {}),
  });

/** $27,000 a chip, in cents, and the 25 % §232 duty on `units` of them. */
const centsPerUnit = 2_700_000n;
const dutyOn = (units: number) => (BigInt(units) * centsPerUnit * 25n) / 100n;

/** A scenario book switching the exporter's prepayment terms off (prepayments are refunded). */
const refundBook = parseRulebook(
  `id: scenario-test-refunds
version: 1
title: "Test: the exporter refunds prepayments"
jurisdiction: scenario
scenario: true
citation: { source: "test fixture", status: U }
effective: { from: 2026-01-01, to: null }
disables: [exporter-terms-2026.prepayment]
`,
  "refund book",
);

describe("simulate", () => {
  it("ships X/2 a month under a 50 % cap on US sales of X, and the backlog falls by that", async () => {
    const report = await run(scenario());
    const history = report.series.filter((m) => m.rulebookSet === "history");
    expect(history.map((m) => m.approvedUnits)).toEqual([5000, 5000, 5000, 5000, 5000, 5000]);
    expect(history.map((m) => m.backlogUnits)).toEqual([95_000, 90_000, 85_000, 80_000, 75_000, 70_000]);
    expect(history.map((m) => m.headroomUnits)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(history.map((m) => m.usUnits)).toEqual([10_000, 20_000, 30_000, 40_000, 50_000, 60_000]);
    // Each month the first lot is held by the cap, cut by the shortfall its remedy states, approved.
    expect(history.every((m) => m.decisions === 2)).toBe(true);
    // 25 % duty on the entered value of 5,000 chips at $27,000: $33.75 m a month, in cents.
    expect(history[0]?.dutyCents).toBe(3_375_000_000n);
    expect(history[0]?.prepaidCents).toBe(13_500_000_000n);
  });

  it("a tighter cap ships X/4 a month, and the SAFE Chips Act denies every lot by its rule", async () => {
    const report = await run(scenario());
    const cap25 = report.series.filter((m) => m.rulebookSet === "cap-25");
    expect(cap25.map((m) => m.approvedUnits)).toEqual([2500, 2500, 2500, 2500, 2500, 2500]);
    const safe = report.series.filter((m) => m.rulebookSet === "safe");
    expect(safe.every((m) => m.approvedUnits === 0 && m.deniedUnits === 100_000)).toBe(true);
    expect(Object.keys(safe[0]?.deniedByReason ?? {})).toContain("scenario-safe-chips-act.deny-advanced-ics");
    expect(report.totals.map((t) => [t.rulebookSet, t.approvedUnits, t.endBacklogUnits])).toEqual([
      ["history", 30_000, 70_000],
      ["cap-25", 15_000, 85_000],
      ["safe", 0, 100_000],
    ]);
  });

  it("ships located chips under the Chip Security Act, and none against China's refusal of them", async () => {
    const report = await run(
      scenario({
        rulebooks: [
          {
            id: "csa",
            title: "CSA",
            scenarios: ["scenario-chip-security-act"],
            locationVerification: "signed-latency",
          },
          { id: "csa-unlocated", title: "CSA, lots without it", scenarios: ["scenario-chip-security-act"] },
          {
            id: "csa-vs-cn",
            title: "CSA against China's refusal",
            scenarios: ["scenario-chip-security-act", "scenario-cn-refuse-location-verification"],
            locationVerification: "signed-latency",
          },
        ],
      }),
    );
    const units = (set: string) => report.series.filter((m) => m.rulebookSet === set);
    // Located chips pass the Act and ship as under history (X/2 a month).
    expect(units("csa").map((m) => m.approvedUnits)).toEqual([5000, 5000, 5000, 5000, 5000, 5000]);
    // Without location verification the Act stops every lot; with it, China's refusal does.
    expect(units("csa-unlocated").every((m) => m.approvedUnits === 0)).toBe(true);
    const conflict = units("csa-vs-cn");
    expect(conflict.every((m) => m.approvedUnits === 0 && m.deniedUnits === 100_000)).toBe(true);
    expect(Object.keys(conflict[0]?.deniedByReason ?? {})).toEqual([
      "scenario-cn-refuse-location-verification.refuse",
    ]);
  });

  it("holds lots past lab capacity by the lab-test rule, and lots without stock by the world", async () => {
    const report = await run(
      scenario({
        labs: { count: 1, unitsPerMonthPerLab: 1000, source: "a" },
        rulebooks: [{ id: "history", title: "history" }],
      }),
    );
    const first = report.series[0];
    expect(first?.approvedUnits).toBe(0);
    expect(Object.keys(first?.heldByReason ?? {})).toContain("us-bis-2026.c9-lab-test");
    const empty = await run(
      scenario({ inventory: { units: 0, source: "a" }, rulebooks: [{ id: "history", title: "history" }] }),
    );
    expect(empty.series[0]?.heldByReason).toEqual({ "sim.no-stock": 100_000 });
  });

  it("with a 2-month lab lead time, ships in month m + 2 what the labs tested in month m", async () => {
    const report = await run(
      scenario({
        labs: { count: 1, unitsPerMonthPerLab: 1_000_000, leadMonths: 2, source: "a" },
        rulebooks: [{ id: "history", title: "history" }],
      }),
    );
    const months = report.series;
    // March: the whole order (100,000) goes to the lab; nothing is asked for release until May.
    expect(months.map((m) => m.labTestsNeededUnits)).toEqual([100_000, 0, 0, 0, 0, 0]);
    expect(months.map((m) => m.labWaitingUnits)).toEqual([100_000, 100_000, 0, 0, 0, 0]);
    // May: US sales of 30,000 allow 15,000 (50 %); then 5,000 a month, as without a lead time.
    expect(months.map((m) => m.approvedUnits)).toEqual([0, 0, 15_000, 5000, 5000, 5000]);
    expect(months.map((m) => m.decisions)).toEqual([0, 0, 2, 2, 2, 2]);
    expect(months.map((m) => m.backlogUnits)).toEqual([100_000, 100_000, 85_000, 80_000, 75_000, 70_000]);
    // Duty counts in the month a lot ships, on the units shipped (not on the 100,000 tested).
    expect(months.map((m) => m.dutyCents)).toEqual([
      0n,
      0n,
      dutyOn(15_000),
      dutyOn(5000),
      dutyOn(5000),
      dutyOn(5000),
    ]);
    expect(
      months.every((m) => Object.keys(m.heldByReason).every((id) => id !== "us-bis-2026.c9-lab-test")),
    ).toBe(true);
  });

  it("counts duty only on shipped lots, and forfeits a turned-back lot's prepayment per the terms", async () => {
    const report = await run(
      scenario({
        chinaGate: { customsBlock: { from: "2026-04-01", to: "2026-04-30", source: "a" } },
        rulebooks: [
          { id: "history", title: "history" },
          { id: "refunds", title: "prepayments refunded", files: ["refund.yaml"] },
          { id: "safe", title: "SAFE", scenarios: ["scenario-safe-chips-act"] },
        ],
      }),
      new Map([["refunds", [refundBook]]]),
    );
    const of = (set: string) => report.series.filter((m) => m.rulebookSet === set).slice(0, 3);
    const history = of("history");
    // Each month the lot is first held by the cap and cut to the 5,000 it allows: duty on 5,000 only.
    expect(history.map((m) => [m.decisions, m.requestedUnits, m.approvedUnits])).toEqual([
      [2, 5000, 5000],
      [2, 5000, 5000],
      [2, 5000, 5000],
    ]);
    expect(history.map((m) => m.dutyCents)).toEqual([dutyOn(5000), dutyOn(5000), dutyOn(5000)]);
    // April's lot is turned back at the Chinese border: the duty was paid on entry to the US, the
    // 100 % prepayment ($135 m) is forfeited under the exporter's terms, the backlog does not fall.
    const prepaid = 5000n * centsPerUnit;
    expect(history.map((m) => m.blockedAtBorderUnits)).toEqual([0, 5000, 0]);
    expect(history.map((m) => m.forfeitedCents)).toEqual([0n, prepaid, 0n]);
    expect(history.map((m) => m.backlogUnits)).toEqual([95_000, 95_000, 90_000]);
    // Without those terms in force the prepayment of the turned-back lot is refunded.
    const refunds = of("refunds");
    expect(refunds.map((m) => m.prepaidCents)).toEqual([prepaid, prepaid, prepaid]);
    expect(refunds.map((m) => m.forfeitedCents)).toEqual([0n, 0n, 0n]);
    // Denied lots ship nothing and pay nothing.
    expect(of("safe").map((m) => [m.deniedUnits, m.dutyCents, m.prepaidCents])).toEqual([
      [100_000, 0n, 0n],
      [100_000, 0n, 0n],
      [100_000, 0n, 0n],
    ]);
  });

  it("gives byte-identical output for the same scenario and seed, and uses the seed", async () => {
    const generated = {
      generatedBuyers: {
        count: 20,
        sector: "commercial",
        purpose: "ai-inference",
        demand: { units: 200_000, orderedIn: "2026-03", source: "a" },
        approval: { probability: 0.5, from: "2026-01-28", to: "2027-12-31", source: "a" },
      },
    };
    const text = async (seed: number) =>
      JSON.stringify(reportJson(await run(scenario({ ...generated, seed }))));
    const first = await text(7);
    expect(await text(7)).toBe(first);
    expect(await text(8)).not.toBe(first);
  });

  it("refuses an unknown scenario book by the field that names it", async () => {
    await expect(
      run(scenario({ rulebooks: [{ id: "x", title: "x", scenarios: ["scenario-nope"] }] })),
    ).rejects.toThrow(/`rulebooks\[0\]\.scenarios\[0\]`: unknown scenario `scenario-nope`/);
  });
});
