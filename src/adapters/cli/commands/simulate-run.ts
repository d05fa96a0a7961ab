// What `sluice simulate` runs (see simulate.ts): loaded only when the command runs, so the other
// commands do not pay for the simulator, CSV and chart libraries at start-up.
import { counterfactual } from "../../../app/simulation/counterfactual.ts";
import { screenerOn } from "../../../app/simulation/screener.ts";
import { reportJson, simulate } from "../../../app/simulation/simulate.ts";
import { badInput, quote } from "../../../core/errors.ts";
import { isIsoDate } from "../../../core/shared.ts";
import { printJson, println } from "../io.ts";
import { cliCatalog, cliRulebooks } from "../reference.ts";
import type { CliWiring } from "../wiring.ts";
import { comparisonTable, flipLines, writeCharts, writeCsv } from "./simulate-output.ts";

export interface SimulateOptions {
  json?: boolean;
  csv?: string;
  chart?: string;
  seed?: string;
  fromStore?: boolean;
  rulebook: string[];
  at?: string;
}

function parseSeed(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,10}$/.test(text) || Number(text) > 2 ** 32 - 1)
    throw badInput(`--seed ${quote(text)}`, "expected a whole number from 0 to 4294967295");
  return Number(text);
}

export async function runScenario(
  file: string | undefined,
  options: SimulateOptions,
  wiring: CliWiring,
): Promise<void> {
  if (!file) throw badInput("scenario", "missing: give a scenario file, or --from-store with --rulebook");
  if (options.rulebook.length > 0 || options.at)
    throw badInput("--rulebook and --at", "belong to --from-store; a scenario names its rulebooks itself");
  const { scenario, extraBooks } = wiring.simulationFiles.scenario(file);
  const seed = parseSeed(options.seed);
  const report = await simulate({
    scenario: seed === undefined ? scenario : { ...scenario, seed },
    library: cliRulebooks(),
    extraBooks,
    catalog: cliCatalog(),
    screen: screenerOn(wiring.screeningIndex),
  });
  if (options.json) printJson(reportJson(report));
  else println(comparisonTable(report));
  if (options.csv)
    for (const path of await writeCsv(report, options.csv)) if (!options.json) println(`wrote ${path}`);
  if (options.chart)
    for (const path of await writeCharts(report, options.chart)) if (!options.json) println(`wrote ${path}`);
}

export async function runFromStore(
  file: string | undefined,
  options: SimulateOptions,
  wiring: CliWiring,
): Promise<void> {
  if (file)
    throw badInput(`scenario ${quote(file)}`, "not with --from-store, which re-decides the stored record");
  if (options.at !== undefined && !isIsoDate(options.at))
    throw badInput(`--at ${quote(options.at)}`, "expected a date written YYYY-MM-DD");
  const proposed = options.rulebook.map((path) => wiring.simulationFiles.rulebook(path));
  const report = await wiring.withStoredDecisions((reader) =>
    counterfactual({
      reader,
      library: cliRulebooks(),
      catalog: cliCatalog(),
      proposed,
      at: options.at,
    }),
  );
  if (options.json) printJson(report);
  else println(flipLines(report));
}
