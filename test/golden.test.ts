// Golden scenarios: assert the decision AND the rules that decided it, for every case in
// test/golden/cases.yaml, through the same use case the CLI uses.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadCatalog, loadRulebooks } from "../src/adapters/files/reference-data.ts";
import { Evaluator } from "../src/app/evaluation/evaluator.ts";
import { parseDossier } from "../src/core/dossier/schema.ts";

interface GoldenCase {
  name: string;
  dossier: string;
  at: string;
  scenarios?: string[];
  decision: string;
  deciding: string[];
  remedy?: Record<string, string>;
}

const cases = parse(readFileSync(new URL("golden/cases.yaml", import.meta.url), "utf8")) as GoldenCase[];
const evaluator = new Evaluator(loadRulebooks(), loadCatalog());
const loadExample = (file: string) =>
  parseDossier(JSON.parse(readFileSync(new URL(`../examples/${file}`, import.meta.url), "utf8")), file);

describe("golden scenarios", () => {
  it("has cases", () => expect(cases.length).toBeGreaterThanOrEqual(10));

  for (const golden of cases) {
    it(golden.name, () => {
      const decision = evaluator.evaluate(
        loadExample(golden.dossier),
        String(golden.at),
        golden.scenarios ?? [],
      );
      expect({ decision: decision.decision, deciding: [...decision.decidingRuleIds].sort() }).toEqual({
        decision: golden.decision,
        deciding: [...golden.deciding].sort(),
      });
      for (const [ruleId, text] of Object.entries(golden.remedy ?? {})) {
        const finding = decision.findings.find((f) => f.ruleId === ruleId);
        expect(finding?.remedy?.summary).toContain(text);
      }
      for (const finding of decision.findings) {
        expect(finding.citation.source.length).toBeGreaterThan(0);
        if (finding.status === "fail" || finding.status === "pending")
          expect(finding.remedy?.summary).toBeTruthy();
      }
    });
  }

  it("the timeline lot gets three different outcomes on 10 Jan, 14 Jan and 1 Feb 2026", () => {
    const dossier = loadExample("h200-timeline.json");
    const outcomes = ["2026-01-10", "2026-01-14", "2026-02-01"].map((at) => {
      const decision = evaluator.evaluate(dossier, at);
      return `${decision.decision}:${decision.decidingRuleIds.join(",")}`;
    });
    expect(new Set(outcomes).size).toBe(3);
  });
});

describe("stages", () => {
  it("the same application, evaluated as an export release, waits for the release-stage evidence", () => {
    const dossier = { ...loadExample("h200-licence-application.json"), stage: "release" as const };
    const decision = evaluator.evaluate(dossier, "2026-02-01");
    expect(decision.decision).toBe("hold");
    expect([...decision.decidingRuleIds].sort()).toEqual([
      "cn-import-2026-01-28.import-approval",
      "exporter-terms-2026.prepayment",
      "us-bis-2026.c9-lab-test",
      "us-cbp-2026.section-232-duty",
    ]);
  });
});
