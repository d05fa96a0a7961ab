// Screening recall on branches, offices, bracketed places, traditional characters and
// transliterations, with a held-out part (issue #13 point 6). Builds the evaluation set of
// test/screening/variants.ts from the bundled lists (seeded), tunes the threshold on the tune part
// only, then prints recall and false alerts on both parts at the tuned threshold and at the
// production alert threshold, recall per variant kind, and the held-out misses and false alerts.
// Run: node --import tsx bench/screening-recall.ts [seed]
import { bundledScreeningIndex } from "../src/compose.ts";
import { alertThreshold } from "../src/core/screening/match.ts";
import {
  buildEvaluationSet,
  evaluateAt,
  type PartReport,
  screenAll,
  tuneThreshold,
} from "../test/screening/variants.ts";

const seed = Number(process.argv[2] ?? "13");
const index = bundledScreeningIndex();
const set = buildEvaluationSet(index, seed);
const tune = screenAll(index, set.tune);
const heldOut = screenAll(index, set.heldOut);
const tuned = tuneThreshold(tune);

const line = (part: string, r: PartReport): string =>
  `${part.padEnd(9)} threshold ${r.threshold.toFixed(2)}: ${r.queries} queries (${r.positives} positives, ` +
  `${r.negatives} negatives); recall ${r.recall.toFixed(3)} (${r.found}/${r.positives}); false alerts ` +
  `${r.falseAlerts} queries (${r.falseAlertsOnNegatives}/${r.negatives} negatives alert)`;

console.log(`evaluation set: seed ${seed}, tune ${set.tune.length} queries, held-out ${set.heldOut.length}`);
console.log(
  `threshold tuned on the tune part only: ${tuned.toFixed(2)} (production alertThreshold ${alertThreshold})`,
);
for (const threshold of [...new Set([tuned, alertThreshold])]) {
  console.log(line("tune", evaluateAt(tune, threshold)));
  console.log(line("held-out", evaluateAt(heldOut, threshold)));
}
const held = evaluateAt(heldOut, alertThreshold);
console.log(`held-out recall by kind at ${alertThreshold}:`);
for (const [kind, r] of Object.entries(held.recallByKind))
  console.log(`  ${kind.padEnd(24)} ${r.found}/${r.of}`);
for (const m of held.misses)
  console.log(`  miss: ${m.query.query} → ${m.query.expect} ${m.expectedScore.toFixed(3)}`);
for (const f of held.falseAlerting)
  console.log(`  false alert: ${f.query.query} (${f.query.kind}) → ${f.otherHit} ${f.otherScore.toFixed(3)}`);
