// `npm run demo`: the January 2026 story on the command line, no database. Evaluates every example
// shipment of examples/ on the days the regime changed, and prints each decision with its reasons.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { formatDecision } from "./adapters/cli/commands/evaluate.ts";
import { referenceData } from "./compose.ts";
import { parseDossier } from "./core/dossier/schema.ts";

const exampleDir = fileURLToPath(new URL("../examples/", import.meta.url));
const timeline = [
  { at: "2026-01-10", what: "before the BIS rule: presumption of denial" },
  { at: "2026-01-14", what: "Chinese customs block H200; BIS rule published but not yet in force" },
  { at: "2026-01-20", what: "BIS case-by-case review and the §232 duty in force; China still blocks" },
  { at: "2026-02-01", what: "named Chinese importers approved (28 Jan)" },
];

const { evaluator } = referenceData();
const dossiers = readdirSync(exampleDir)
  .filter((file) => file.endsWith(".json"))
  .map((file) => parseDossier(JSON.parse(readFileSync(`${exampleDir}${file}`, "utf8")), file));

console.log("Sluice demo: the January 2026 regime for H200-class chips to China, rule by rule.\n");
const timelineLot = dossiers.find((d) => d.id === "h200-tsinghua-timeline");
if (timelineLot) {
  console.log("=== One lot (64 H200 for Tsinghua University) across the timeline ===\n");
  for (const step of timeline) {
    console.log(`--- ${step.at}: ${step.what}`);
    console.log(`${formatDecision(evaluator.evaluate(timelineLot, step.at))}\n`);
  }
}
console.log("=== Example shipments on 2026-02-01 ===\n");
for (const dossier of dossiers.filter((d) => d !== timelineLot)) {
  console.log(`${formatDecision(evaluator.evaluate(dossier, "2026-02-01"))}\n`);
}
console.log("=== The same approvable lot under proposed rulebooks (scenarios) ===\n");
const approvable = dossiers.find((d) => d.id === "h200-alibaba-cloud-lot-001");
for (const scenario of ["scenario-cap-25", "scenario-safe-chips-act", "scenario-domestic-ratio-1-to-1"]) {
  if (!approvable) break;
  const decision = evaluator.evaluate(approvable, "2026-02-01", [scenario]);
  const reasons = decision.findings
    .filter((f) => decision.decidingRuleIds.includes(f.ruleId))
    .map((f) => f.message);
  console.log(
    `${scenario}: ${decision.decision.toUpperCase()} — ${reasons.join("; ") || "every rule passes"}`,
  );
}
console.log("\nNext: `npx sluice evaluate examples/h200-cap-shortfall.json --json`, or `npx sluice --help`.");
