// CLI: `sluice simulate SCENARIO.yaml [--json | --csv DIR | --chart DIR]` runs a scenario forward
// under each of its rulebook sets; `sluice simulate --from-store --rulebook FILE [--at DATE]`
// re-decides the store's decisions and lists the flips. Bad input exits 2 (src/core/errors.ts).
import type { Command } from "commander";
import { action } from "../io.ts";
import type { CliWiring } from "../wiring.ts";
import type { SimulateOptions } from "./simulate-run.ts";

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function register(program: Command, wiring: CliWiring): void {
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
        const run = await import("./simulate-run.ts");
        if (options.fromStore) await run.runFromStore(file, options, wiring);
        else await run.runScenario(file, options, wiring);
      }),
    );
}
