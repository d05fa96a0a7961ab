// The cap comes from the rulebook in force: the shipped rulebooks' C6 rule on each side of its date,
// under a scenario that overrides it, and equal to the seed's stand-in while that remains.
import { describe, expect, it } from "vitest";
import { loadRulebooks } from "../../src/adapters/files/reference-data.ts";
import { capPolicyInForceOn } from "../../src/core/ledger/cap-in-force.ts";
import { capPolicyDefault } from "../../src/core/ledger/cap-policy.ts";

const rulebooks = loadRulebooks();

describe("capPolicyInForceOn", () => {
  it("reads C6 from the BIS rulebook of 15 January 2026", () => {
    expect(capPolicyInForceOn(rulebooks, "2026-02-10")).toEqual({
      ratioPercent: 50,
      measure: "units",
      scope: "product",
      window: { kind: "cumulative", since: "2026-01-15" },
    });
  });

  it("finds no cap before the rule (presumption of denial: nothing to count)", () => {
    expect(capPolicyInForceOn(rulebooks, "2026-01-14")).toBeUndefined();
  });

  it("takes a scenario's override", () => {
    expect(capPolicyInForceOn(rulebooks, "2026-02-10", ["scenario-cap-25"])?.ratioPercent).toBe(25);
  });

  it("agrees with capPolicyDefault, which the seed still uses (phase 2 of issue #14 removes it)", () => {
    expect(capPolicyInForceOn(rulebooks, "2026-01-15")).toEqual(capPolicyDefault);
  });
});
