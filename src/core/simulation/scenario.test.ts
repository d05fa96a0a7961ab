// Scenario validation names the field and says why; the plan splits demand exactly and is a
// function of the seed.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { planScenario, splitByWeights } from "./plan.ts";
import { monthsOf, parseScenario, parseScenarioText } from "./scenario.ts";

const shipped = () =>
  readFileSync(new URL("../../../scenarios/h200-china-2026-2027.yaml", import.meta.url), "utf8");
const base = () => parseScenarioText(shipped(), "shipped") as unknown as Record<string, unknown>;

describe("scenario", () => {
  it("the shipped scenario parses, each figure citing a source", () => {
    const scenario = parseScenarioText(shipped(), "shipped");
    expect(scenario.rulebooks.length).toBe(10);
    expect(scenario.buyers.length + (scenario.generatedBuyers?.count ?? 0)).toBe(100);
  });

  it("every figure of the shipped scenario sits beside the source it cites", () => {
    const raw = parse(shipped()) as Record<string, unknown>;
    const uncited: string[] = [];
    const walk = (value: unknown, path: string, cited: boolean) => {
      if (typeof value === "number" && !cited) uncited.push(path);
      if (value === null || typeof value !== "object") return;
      const here = cited || (!Array.isArray(value) && "source" in value);
      for (const [key, item] of Object.entries(value)) walk(item, `${path}.${key}`, here);
    };
    // The seed and the day of the month are the model's settings, not figures of the world.
    const { sources: _, seed: __, dayOfMonth: ___, ...figures } = raw;
    walk(figures, "scenario", false);
    expect(uncited).toEqual([]);
    expect(Object.keys(raw.sources as object).length).toBeGreaterThan(5);
  });

  it.each([
    [{ horizon: { from: "2026-13", to: "2027-01" } }, "`horizon.from`: expected a month written yyyy-mm"],
    [{ horizon: { from: "2027-01", to: "2026-01" } }, "`horizon.to`: is before `horizon.from`"],
    [{ horizon: { from: "2026-01", to: "2040-01" } }, "`horizon.to`: the horizon is longer than 120 months"],
    [
      { price: { centsPerUnit: 2700000, source: "nobody" } },
      "`price.source`: names `nobody`, which is not a key of `sources`",
    ],
    [{ inventory: { units: -1, source: "reuters-2026-01-08" } }, "`inventory.units`: too small"],
    [
      { usSales: { unitsPerMonth: 1, source: "assumption-us-sales", extra: 1 } },
      "`usSales`: unknown field `extra`",
    ],
    [{ rulebooks: [] }, "`rulebooks`: too small"],
    [
      { labs: { count: 4, unitsPerMonthPerLab: 60000, leadMonths: -1, source: "assumption-labs" } },
      "`labs.leadMonths`: a lead time cannot be negative",
    ],
    [
      { labs: { count: 4, unitsPerMonthPerLab: 60000, leadMonths: 0.5, source: "assumption-labs" } },
      "`labs.leadMonths`: expected int, received number",
    ],
    [
      { labs: { count: 4, unitsPerMonthPerLab: 60000, leadMonths: 13, source: "assumption-labs" } },
      "`labs.leadMonths`: a lab's lead time is at most 12 months",
    ],
    [
      {
        horizon: { from: "2026-01", to: "2026-02" },
        labs: { count: 4, unitsPerMonthPerLab: 60000, leadMonths: 2, source: "assumption-labs" },
      },
      "`labs.leadMonths`: 2 months is not shorter than the horizon (2 months): no tested lot would ship",
    ],
    [{ seed: 1.5 }, "`seed`: expected int, received number"],
  ])("refuses %j naming the field", (change, message) => {
    expect(() => parseScenario({ ...base(), ...change }, "s.yaml")).toThrow(
      `scenario \`s.yaml\` at ${message}`,
    );
  });

  it("names a duplicate buyer and a missing field", () => {
    const scenario = base();
    const buyers = scenario.buyers as Record<string, unknown>[];
    expect(() => parseScenario({ ...scenario, buyers: [buyers[0], buyers[0]] }, "s")).toThrow(
      "at `buyers[1].id`: duplicate buyer id `alibaba-cloud`",
    );
    const { demand: _, ...noDemand } = buyers[0] as Record<string, unknown>;
    expect(() => parseScenario({ ...scenario, buyers: [noDemand] }, "s")).toThrow(
      "at `buyers[0].demand`: missing",
    );
  });

  it("reports a YAML syntax error", () => {
    expect(() => parseScenarioText("id: [", "bad.yaml")).toThrow(/^scenario `bad.yaml`: /);
  });
});

describe("plan", () => {
  it("lists the horizon's months", () => {
    expect(monthsOf({ from: "2026-11", to: "2027-02" })).toEqual([
      "2026-11",
      "2026-12",
      "2027-01",
      "2027-02",
    ]);
  });

  it("splits demand exactly by weights", () => {
    expect(splitByWeights(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(splitByWeights(1_400_000, [3, 5, 7, 11]).reduce((a, b) => a + b, 0)).toBe(1_400_000);
  });

  it("is a function of the seed", () => {
    const scenario = parseScenarioText(shipped(), "shipped");
    const a = planScenario(scenario);
    expect(planScenario(scenario)).toEqual(a);
    expect(a.buyers.reduce((sum, b) => sum + b.demandUnits, 0)).toBe(2_000_000);
    const other = planScenario({ ...scenario, seed: scenario.seed + 1 });
    expect(other.buyers.map((b) => b.demandUnits)).not.toEqual(a.buyers.map((b) => b.demandUnits));
    expect(a.customsBlocked.slice(0, 2)).toEqual([true, false]);
  });
});
