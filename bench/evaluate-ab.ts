// A/B benchmark: two source trees' evaluation in one process, on the same inputs as
// bench/evaluate.ts, in alternating half-second slices, counting each side's CPU time. Separate
// runs of bench/evaluate.ts on the shared 2-core machine differ by ±15 % between processes of the
// same code; in one process the ratio holds steady. Checks first that both give the same JSON.
// Run: git archive <commit> | tar -x -C /tmp/before && ln -s $PWD/node_modules /tmp/before/
//      taskset -c 1 node --import tsx bench/evaluate-ab.ts /tmp/before . [slices]
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";

interface Side {
  root: string;
  evaluate: (index: number) => unknown;
}

const dates = ["2026-01-10", "2026-01-14", "2026-01-20", "2026-02-01", "2026-03-15"];
const scenarioSets = [
  [],
  [],
  [],
  ["scenario-cap-25"],
  ["scenario-safe-chips-act"],
  ["scenario-domestic-ratio-1-to-1"],
];

/**
 * A tree's reference-data loaders and Evaluator wherever that tree keeps them: src/adapters/files
 * and src/app/evaluation since issue #14 phase 2, src/app/{catalog,rulebooks,evaluate}.ts before
 * (so a tree from before the move can still be the A side).
 */
async function evaluationModules(root: string) {
  if (existsSync(`${root}/src/app/evaluation/evaluator.ts`)) {
    const files = await import(`${root}/src/adapters/files/reference-data.ts`);
    const { Evaluator } = await import(`${root}/src/app/evaluation/evaluator.ts`);
    return { loadCatalog: files.loadCatalog, loadRulebooks: files.loadRulebooks, Evaluator };
  }
  const { loadCatalog } = await import(`${root}/src/app/catalog.ts`);
  const { loadRulebooks } = await import(`${root}/src/app/rulebooks.ts`);
  const { Evaluator } = await import(`${root}/src/app/evaluate.ts`);
  return { loadCatalog, loadRulebooks, Evaluator };
}

/** A tree's Evaluator with the 2,000 cases of bench/evaluate.ts, parsed by that tree's parser. */
async function side(root: string): Promise<Side> {
  const { loadCatalog, loadRulebooks, Evaluator } = await evaluationModules(root);
  const { dossierDigest, parseDossier } = await import(`${root}/src/core/dossier/schema.ts`);
  const evaluator = new Evaluator(loadRulebooks(), loadCatalog());
  const dir = `${root}/examples/`;
  const examples = readdirSync(dir)
    .filter((file) => file.endsWith(".json"))
    .map((file) => ({ file, json: JSON.parse(readFileSync(dir + file, "utf8")) }));
  const cases = Array.from({ length: 2000 }, (_, i) => {
    const example = examples[i % examples.length] as (typeof examples)[number];
    const input = structuredClone(example.json);
    input.quantityUnits = 1 + ((i * 7919) % 50_000);
    if (input.ledger?.units) input.ledger.units.usPosted = String(100_000 + ((i * 104_729) % 400_000));
    const dossier = parseDossier(input, example.file);
    const scenarios = scenarioSets[i % scenarioSets.length];
    return { dossier, digest: dossierDigest(dossier), at: dates[i % dates.length], scenarios };
  });
  return {
    root,
    evaluate: (index) => {
      const item = cases[index % cases.length] as (typeof cases)[number];
      return evaluator.evaluate(item.dossier, item.at, item.scenarios, item.digest);
    },
  };
}

/** Decisions in a slice of `ms` milliseconds and the CPU microseconds they took. */
function slice({ evaluate }: Side, ms: number): { decisions: number; cpuUs: number } {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  let decisions = 0;
  while (performance.now() - start < ms) {
    for (let i = 0; i < 500; i += 1) evaluate(decisions + i);
    decisions += 500;
  }
  const cpu = process.cpuUsage(cpuStart);
  return { decisions, cpuUs: cpu.user + cpu.system };
}

const roots = [process.argv[2], process.argv[3]].map((root) => resolve(root ?? "."));
const slices = Number(process.argv[4] ?? 10);
const sides = [await side(roots[0] as string), await side(roots[1] as string)];
const json = (value: unknown) =>
  JSON.stringify(value, (_key, inner: unknown) => (typeof inner === "bigint" ? inner.toString() : inner));
const same = Array.from({ length: 2000 }, (_, i) => i).every(
  (i) => json(sides[0]?.evaluate(i)) === json(sides[1]?.evaluate(i)),
);
console.log(`same decision JSON on all 2000 inputs: ${same}`);
const totals = sides.map(() => ({ decisions: 0, cpuUs: 0 }));
for (const item of sides) slice(item, 1000); // warm-up
for (let round = 0; round < slices; round += 1) {
  for (const index of round % 2 === 0 ? [0, 1] : [1, 0]) {
    const result = slice(sides[index] as Side, 500);
    const total = totals[index] as (typeof totals)[number];
    total.decisions += result.decisions;
    total.cpuUs += result.cpuUs;
  }
}
const rates = totals.map(({ decisions, cpuUs }) => decisions / (cpuUs / 1e6));
for (const [index, root] of roots.entries())
  console.log(`${root}: ${Math.round(rates[index] ?? 0)} decisions per CPU-second`);
console.log(`ratio second/first: ${((rates[1] ?? 0) / (rates[0] ?? 1)).toFixed(3)}`);
