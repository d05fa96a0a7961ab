// Benchmark: the policy simulator on the shipped scenario, 24 months × 10 rulebook sets × 100
// buyers with 2 million units of demand (scenarios/h200-china-2026-2027.yaml). Prints the run's
// wall time, its CPU time (process.cpuUsage: steadier than wall time on a shared machine), the decisions made through the evaluation engine, decisions per second, lots, peak
// memory (RSS and heap, sampled every 10 ms and after each run), and checks that two runs give
// byte-identical JSON. Goal: ≤ 10 s. Run: node --import tsx bench/simulate.ts [runs]
import { cpus, loadavg, totalmem } from "node:os";
import { loadCatalog, loadRulebooks } from "../src/adapters/files/reference-data.ts";
import { loadScenarioFile } from "../src/adapters/files/simulation-files.ts";
import { screenerOn } from "../src/app/simulation/screener.ts";
import { reportJson, simulate } from "../src/app/simulation/simulate.ts";
import { bundledScreeningIndex } from "../src/compose.ts";

const bundledScreener = screenerOn(bundledScreeningIndex);
const runs = Number(process.argv[2] ?? 3);
const file = new URL("../scenarios/h200-china-2026-2027.yaml", import.meta.url).pathname;
const { scenario, extraBooks } = loadScenarioFile(file);
const library = loadRulebooks();
const catalog = loadCatalog();
// Screening the 100 buyers builds the bundled list index once; done before timing, like a server.
bundledScreener({ name: "warm up", country: "CN", on: "2026-01-01" });

let peakRss = process.memoryUsage().rss;
let peakHeap = process.memoryUsage().heapUsed;
const sample = () => {
  const { rss, heapUsed } = process.memoryUsage();
  peakRss = Math.max(peakRss, rss);
  peakHeap = Math.max(peakHeap, heapUsed);
};
const sampler = setInterval(sample, 10);
// Lets the sampler run between months, as the HTTP route yields between months.
const pause = () => new Promise<void>((resolve) => setImmediate(resolve));

const buyers = scenario.buyers.length + (scenario.generatedBuyers?.count ?? 0);
const demand =
  scenario.buyers.reduce((sum, b) => sum + b.demand.units, 0) + (scenario.generatedBuyers?.demand.units ?? 0);
console.log(
  `machine: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
console.log(
  `scenario ${scenario.id}: ${scenario.rulebooks.length} rulebook sets, ${buyers} buyers, ${demand.toLocaleString("en-US")} units of demand, ${scenario.horizon.from} to ${scenario.horizon.to}`,
);

let firstJson: string | undefined;
const times: number[] = [];
for (let run = 1; run <= runs; run++) {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const report = await simulate({ scenario, library, extraBooks, catalog, screen: bundledScreener, pause });
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  sample();
  times.push(ms);
  const decisions = report.totals.reduce((sum, t) => sum + t.decisions, 0);
  const json = JSON.stringify(reportJson(report));
  firstJson ??= json;
  console.log(
    `run ${run}: ${(ms / 1000).toFixed(2)} s wall, ${(cpuMs / 1000).toFixed(2)} s CPU, ${decisions} decisions, ` +
      `${Math.round(decisions / (ms / 1000))} decisions/s wall, ${Math.round(decisions / (cpuMs / 1000))} decisions/s CPU, ` +
      `${report.series.length} month × set rows, JSON ${json.length} bytes, identical to run 1: ${json === firstJson}`,
  );
}
clearInterval(sampler);
const sorted = [...times].sort((a, b) => a - b);
console.log(
  `median ${((sorted[Math.floor(sorted.length / 2)] ?? 0) / 1000).toFixed(2)} s (goal ≤ 10 s); peak RSS ${Math.round(peakRss / 2 ** 20)} MiB, peak heap ${Math.round(peakHeap / 2 ** 20)} MiB`,
);
