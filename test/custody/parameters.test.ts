// The custody thresholds come from the books in force, and the location-verification rules decide:
// the Chip Security Act scenario requires it, the Chinese-side scenario refuses it, and a decision
// under both shows the conflict (no lot passes both).
import { describe, expect, it } from "vitest";
import { loadRulebooks } from "../../src/adapters/files/reference-data.ts";
import { clockSkewMaxMs, ingestParamsOf } from "../../src/app/custody/ingest.ts";
import { defaultAlertParams } from "../../src/core/custody/alerts.ts";
import { defaultLocationParams } from "../../src/core/custody/location.ts";
import { custodyParameters, defaultHeartbeatAgeMaxMs } from "../../src/core/custody/parameters.ts";
import { selectRules } from "../../src/core/rulebook/load.ts";
import { approvable, sharedEvaluator as evaluator } from "../support/dossiers.ts";

const library = loadRulebooks();
const day = "2026-12-06";
const csa = "scenario-chip-security-act";
const cn = "scenario-cn-refuse-location-verification";
const conditions = "scenario-licence-location-conditions";

describe("custodyParameters", () => {
  it("keeps the documented defaults when no book sets thresholds", () => {
    const params = custodyParameters(selectRules(library, day, [csa]));
    expect(params).toEqual({
      location: defaultLocationParams,
      alerts: defaultAlertParams,
      heartbeatAgeMaxMs: defaultHeartbeatAgeMaxMs,
      sources: { location: null, alerts: null },
    });
  });

  it("reads the licence conditions' thresholds and names the rule", () => {
    const params = custodyParameters(selectRules(library, day, [csa, conditions]));
    expect(params.location).toEqual({ speedKmPerMs: 299.792458, verifiedRadiusKmMax: 500 });
    expect(params.alerts.relayStepMsMin).toBe(40);
    expect(params.alerts.relayStepMsMax).toBe(300);
    expect(params.sources.alerts).toBe("scenario-licence-location-conditions.location-evidence");
  });

  it("follows a scenario's override of a threshold", () => {
    const rules = selectRules(library, day, [conditions]).rules.map((entry) =>
      entry.rule.kind === "location-verification" && entry.rule.params.verdict
        ? {
            ...entry,
            rule: {
              ...entry.rule,
              params: { ...entry.rule.params, verdict: { speedKmPerMs: 199.86, verifiedRadiusKmMax: 300 } },
            },
          }
        : entry,
    );
    expect(custodyParameters({ rules }).location).toEqual({ speedKmPerMs: 199.86, verifiedRadiusKmMax: 300 });
    // The ingest reads the same values: its verdict and freshness follow the books in force.
    expect(ingestParamsOf({ rules })).toMatchObject({ speedKmPerMs: 199.86, verifiedRadiusKmMax: 300 });
  });

  it("gives the ingest the speed, verified radius and age limit of the books in force", () => {
    expect(ingestParamsOf(selectRules(library, day, [csa, conditions]))).toEqual({
      speedKmPerMs: 299.792458,
      verifiedRadiusKmMax: 500,
      heartbeatAgeMaxMs: 600_000,
      clockSkewMaxMs,
      rule: "scenario-licence-location-conditions.location-evidence",
    });
    expect(ingestParamsOf(selectRules(library, day, [csa]))).toEqual({
      ...defaultLocationParams,
      heartbeatAgeMaxMs: defaultHeartbeatAgeMaxMs,
      clockSkewMaxMs,
      rule: null,
    });
  });
});

const findingOf = (dossier: ReturnType<typeof approvable>, scenarios: string[], ruleId: string) => {
  const decision = evaluator.evaluate(dossier, "2026-02-01", scenarios);
  return { decision, finding: decision.findings.find((f) => f.ruleId === ruleId) };
};

describe("location verification in decisions", () => {
  const csaRule = "scenario-chip-security-act.location-verification";
  const cnRule = "scenario-cn-refuse-location-verification.refuse";

  it("the Chip Security Act passes chips that carry it and fails chips that do not", () => {
    const fitted = approvable();
    fitted.product.locationVerification = "signed-latency";
    expect(findingOf(fitted, [csa], csaRule).finding?.status).toBe("pass");
    expect(findingOf(fitted, [csa], csaRule).decision.decision).toBe("approve");
    const bare = approvable();
    bare.product.locationVerification = "none";
    const { finding } = findingOf(bare, [csa], csaRule);
    expect(finding?.status).toBe("fail");
    expect(finding?.remedy?.summary).toContain("fit the chips with location verification");
  });

  it("holds a dossier that does not say", () => {
    expect(findingOf(approvable(), [csa], csaRule).finding?.status).toBe("pending");
  });

  it("the Chinese-side book refuses chips that carry it", () => {
    const fitted = approvable();
    fitted.product.locationVerification = "signed-latency";
    const { finding, decision } = findingOf(fitted, [cn], cnRule);
    expect(finding?.status).toBe("fail");
    expect(decision.decision).toBe("deny");
  });

  it("under both books, every lot is denied and the findings show which side refused it", () => {
    for (const method of ["signed-latency", "none"] as const) {
      const dossier = approvable();
      dossier.product.locationVerification = method;
      const decision = evaluator.evaluate(dossier, "2026-02-01", [csa, cn]);
      expect(decision.decision).toBe("deny");
      const statuses = Object.fromEntries(
        decision.findings
          .filter((f) => f.ruleId === csaRule || f.ruleId === cnRule)
          .map((f) => [f.ruleId, f.status]),
      );
      expect(statuses).toEqual(
        method === "signed-latency"
          ? { [csaRule]: "pass", [cnRule]: "fail" }
          : { [csaRule]: "fail", [cnRule]: "pass" },
      );
    }
  });
});
