// A simulation's inputs as files (CLI and bench): the scenario file, the rulebook files its sets
// name (relative to the scenario file), and a proposed rulebook for the counterfactual.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { ScenarioInput, SimulationFiles } from "../../app/simulation/ports.ts";
import { badInput, quote } from "../../core/errors.ts";
import { parseRulebook } from "../../core/rulebook/load.ts";
import type { Rulebook } from "../../core/rulebook/schema.ts";
import { parseScenarioText } from "../../core/simulation/scenario.ts";
import { rulebookFileName } from "./reference-data.ts";

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    throw badInput(`${what} ${quote(path)}`, "cannot be read");
  }
}

export function loadRulebookFile(path: string): Rulebook {
  return parseRulebook(readText(path, "rulebook"), rulebookFileName(path));
}

/** The scenario and, per rulebook set, the books of its `files` (paths relative to the scenario). */
export function loadScenarioFile(path: string): ScenarioInput {
  const scenario = parseScenarioText(readText(path, "scenario"), path);
  const extraBooks = new Map<string, Rulebook[]>();
  for (const set of scenario.rulebooks) {
    if (set.files.length === 0) continue;
    extraBooks.set(
      set.id,
      set.files.map((file) => loadRulebookFile(resolve(dirname(path), file))),
    );
  }
  return { scenario, extraBooks };
}

/** The simulation's files as the CLI's wiring hands them to `sluice simulate`. */
export const simulationFiles: SimulationFiles = { scenario: loadScenarioFile, rulebook: loadRulebookFile };
