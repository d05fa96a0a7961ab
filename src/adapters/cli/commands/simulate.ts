// CLI: `sluice simulate SCENARIO.yaml [--json | --csv DIR | --chart DIR]` runs a scenario forward
// under each of its rulebook sets; `sluice simulate --from-store --rulebook FILE [--at DATE]`
// re-decides the store's decisions and lists the flips. Bad input exits 2 (src/core/errors.ts).
import type { Command } from "commander";
import { loadCatalog } from "../../../app/catalog.ts";
import { loadRulebooks } from "../../../app/rulebooks.ts";
import { counterfactual } from "../../../app/simulation/counterfactual.ts";
import { bundledScreener, loadRulebookFile, loadScenarioFile } from "../../../app/simulation/files.ts";
import { reportJson, simulate } from "../../../app/simulation/simulate.ts";
import { badInput, quote } from "../../../core/errors.ts";
import { isIsoDate } from "../../../core/shared.ts";
import { SqlStoredDecisionReader } from "../../db/simulation/stored-decisions.ts";
import { action, printJson, println } from "../io.ts";
import { withStore } from "../ledger-context.ts";
import { comparisonTable, flipLines, writeCharts, writeCsv } from "./simulate-output.ts";

interface SimulateOptions {
  json?: boolean;
  csv?: string;
  chart?: string;
  seed?: string;
  fromStore?: boolean;
  rulebook: string[];
  at?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function parseSeed(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,10}$/.test(text) || Number(text) > 2 ** 32 - 1)
    throw badInput(`--seed ${quote(text)}`, "expected a whole number from 0 to 4294967295");
  return Number(text);
}

async function runScenario(file: string | undefined, options: SimulateOptions): Promise<void> {
  if (!file) throw badInput("scenario", "missing: give a scenario file, or --from-store with --rulebook");
  if (options.rulebook.length > 0 || options.at)
    throw badInput("--rulebook and --at", "belong to --from-store; a scenario names its rulebooks itself");
  const { scenario, extraBooks } = loadScenarioFile(file);
  const seed = parseSeed(options.seed);
  const report = await simulate({
    scenario: seed === undefined ? scenario : { ...scenario, seed },
    library: loadRulebooks(),
    extraBooks,
    catalog: loadCatalog(),
    screen: bundledScreener,
  });
  if (options.json) printJson(reportJson(report));
  else println(comparisonTable(report));
  if (options.csv)
    for (const path of writeCsv(report, options.csv)) if (!options.json) println(`wrote ${path}`);
  if (options.chart)
    for (const path of writeCharts(report, options.chart)) if (!options.json) println(`wrote ${path}`);
}

async function runFromStore(file: string | undefined, options: SimulateOptions): Promise<void> {
  if (file)
    throw badInput(`scenario ${quote(file)}`, "not with --from-store, which re-decides the stored record");
  if (options.at !== undefined && !isIsoDate(options.at))
    throw badInput(`--at ${quote(options.at)}`, "expected a date written YYYY-MM-DD");
  const proposed = options.rulebook.map(loadRulebookFile);
  const report = await withStore((store) =>
    counterfactual({
      reader: new SqlStoredDecisionReader(store),
      library: loadRulebooks(),
      catalog: loadCatalog(),
      proposed,
      at: options.at,
    }),
  );
  if (options.json) printJson(report);
  else println(flipLines(report));
}

export function register(program: Command): void {
  program
    .command("simulate")
    .description(
      "run a scenario month by month under several rulebooks, or re-decide the store under a proposed one",
    )
    .argument("[scenario]", "scenario YAML file (see scenarios/)")
    .option("--json", "print the report as JSON (per month × rulebook set series and totals)")
    .option("--csv <dir>", "also write months.csv and totals.csv into <dir>")
    .option("--chart <dir>", "also write SVG charts into <dir>")
    .option("--seed <n>", "override the scenario's seed")
    .option("--from-store", "re-decide every stored application and release (counterfactual)")
    .option("--rulebook <file>", "with --from-store: a proposed rulebook file (repeatable)", collect, [])
    .option("--at <date>", "with --from-store: decide again on this day instead of each decision's own")
    .action(
      action(async (file: string | undefined, options: SimulateOptions) => {
        if (options.fromStore) await runFromStore(file, options);
        else await runScenario(file, options);
      }),
    );
}
