import { describe, expect, it } from "vitest";
import { accountIdsFor, addDays, type CapPolicy, capAmount, isValidDay, withinCap } from "./cap-policy.ts";

const base: CapPolicy = {
  ratioPercent: 50,
  measure: "units",
  scope: "product",
  window: { kind: "cumulative", since: "2026-01-15" },
};

describe("cap policy derivations", () => {
  it("derives one account per scope for cumulative and quarter windows", () => {
    expect(accountIdsFor(base, "h200", "2026-02-01")).toEqual(["units/product:h200/since:2026-01-15"]);
    expect(accountIdsFor(base, "h200", "2026-01-14")).toBeUndefined();
    const quarter: CapPolicy = {
      ...base,
      measure: "tpp",
      scope: "all",
      window: { kind: "calendar-quarter" },
    };
    expect(accountIdsFor(quarter, "h200", "2026-03-31")).toEqual(["tpp/all/quarter:2026-Q1"]);
    expect(accountIdsFor(quarter, "h200", "2026-04-01")).toEqual(["tpp/all/quarter:2026-Q2"]);
    expect(accountIdsFor(quarter, "h200", "2026-12-31")).toEqual(["tpp/all/quarter:2026-Q4"]);
  });

  it("derives one account per window end day for rolling windows, across month ends", () => {
    const rolling: CapPolicy = { ...base, window: { kind: "rolling", days: 3 } };
    expect(accountIdsFor(rolling, "x", "2026-02-27")).toEqual([
      "units/product:x/rolling:3d:2026-02-27",
      "units/product:x/rolling:3d:2026-02-28",
      "units/product:x/rolling:3d:2026-03-01",
    ]);
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
  });

  it("rounds TPP up for China and down for the US", () => {
    expect(capAmount("tpp", "cn", 3n, 15832.5)).toBe(47499n);
    expect(capAmount("tpp", "us", 3n, 15832.5)).toBe(47496n);
    expect(capAmount("units", "cn", 3n)).toBe(3n);
    expect(capAmount("tpp", "cn", 3n)).toBeUndefined();
    expect(capAmount("tpp", "us", 3n, -1)).toBeUndefined();
  });

  it("checks the cap in integers, at the boundary", () => {
    expect(withinCap(50, 10n, 5n)).toBe(true);
    expect(withinCap(50, 10n, 6n)).toBe(false);
    expect(withinCap(50, 11n, 5n)).toBe(true);
    expect(withinCap(50, 9n, 5n)).toBe(false);
    expect(withinCap(50, 0n, 0n)).toBe(true);
  });

  it("validates calendar days", () => {
    expect(isValidDay("2026-02-29")).toBe(false);
    expect(isValidDay("2028-02-29")).toBe(true);
    expect(isValidDay("2026-1-01")).toBe(false);
  });
});
