// decisionJson against JSON.stringify: every example on every day of the timeline and under every
// scenario, a finding changed after the fact (written whole), a rule that threw (error finding),
// the no-coverage finding, and a bigint (undefined: the caller writes it another way).
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadCatalog, loadRulebooks } from "../../src/adapters/files/reference-data.ts";
import { Evaluator } from "../../src/app/evaluation/evaluator.ts";
import { parseDossier } from "../../src/core/dossier/schema.ts";
import { compiled } from "../../src/core/evaluation/compile.ts";
import { decisionJson } from "../../src/core/evaluation/decision-json.ts";

const library = loadRulebooks();
const evaluator = new Evaluator(library, loadCatalog());
const examplesDir = new URL("../../examples/", import.meta.url);
const dossiers = readdirSync(examplesDir)
  .filter((file) => file.endsWith(".json"))
  .map((file) => parseDossier(JSON.parse(readFileSync(new URL(file, examplesDir), "utf8")), file));
const days = ["2026-01-10", "2026-01-14", "2026-01-15", "2026-01-28", "2026-02-01", "2027-06-30"];
const scenarioIds = library.filter((book) => book.scenario).map((book) => book.id);

describe("decisionJson", () => {
  it("is JSON.stringify's text for every example, day and scenario", () => {
    const statuses = new Set<string>();
    for (const dossier of dossiers)
      for (const at of days)
        for (const scenarios of [[], ...scenarioIds.map((id) => [id]), scenarioIds.slice(0, 2)]) {
          const { decision, json } = evaluator.evaluateWithJson(dossier, at, scenarios);
          expect(json, `${dossier.id} ${at} ${scenarios.join(",")}`).toBe(JSON.stringify(decision));
          for (const finding of decision.findings) statuses.add(finding.status);
        }
    expect([...statuses].sort()).toEqual(["fail", "not_applicable", "pass", "pending"]);
    // The examples are standalone dossiers with evidence: the asserted facts are written too.
    const first = dossiers[0];
    if (!first) throw new Error("no example");
    expect(evaluator.evaluateWithJson(first, "2026-02-01").json).toContain(',"assertedEvidence":[');
  });

  it("writes a finding whole when its fixed parts are not its rule's, and an extra finding too", () => {
    const dossier = dossiers[0];
    if (!dossier) throw new Error("no example");
    const ruleSet = evaluator.rulesFor("2026-02-01");
    const decision = evaluator.evaluate(dossier, "2026-02-01");
    const [first, second] = decision.findings;
    if (!first || !second) throw new Error("too few findings");
    first.citation = { ...first.citation, source: "changed after the fact" };
    second.annotations = { extra: { status: "U", note: "added" } };
    decision.findings.push({ ...second, ruleId: "appended", error: true });
    expect(decisionJson(decision, compiled(ruleSet))).toBe(JSON.stringify(decision));
    expect(decisionJson(decision, compiled(ruleSet))).toContain("changed after the fact");
  });

  it("is undefined for a value JSON cannot write", () => {
    const dossier = dossiers[0];
    if (!dossier) throw new Error("no example");
    const decision = evaluator.evaluate(dossier, "2026-02-01");
    const finding = decision.findings[0];
    if (!finding) throw new Error("no finding");
    finding.remedy = { summary: "pay", details: { cents: 5n as unknown as string } };
    expect(decisionJson(decision, compiled(evaluator.rulesFor("2026-02-01")))).toBeUndefined();
  });
});
