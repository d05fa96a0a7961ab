// Reading a simulation's inputs from disk (CLI and bench): the scenario file, the rulebook files its
// sets name (relative to the scenario file), and a proposed rulebook for the counterfactual. And the
// default screener: the bundled lists, as the store's screener uses when no lists were imported.
import { readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { badInput, quote } from "../../core/errors.ts";
import { parseRulebook } from "../../core/rulebook/load.ts";
import type { Rulebook } from "../../core/rulebook/schema.ts";
import type { ScreeningIndex } from "../../core/screening/name-index.ts";
import { parseScenarioText, type Scenario } from "../../core/simulation/scenario.ts";
import { bundledIndex, screen } from "../screening.ts";
import type { SimulationScreener } from "./ports.ts";

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    throw badInput(`${what} ${quote(path)}`, "cannot be read");
  }
}

export function loadRulebookFile(path: string): Rulebook {
  return parseRulebook(readText(path, "rulebook"), relative(process.cwd(), path) || path);
}

/** The scenario and, per rulebook set, the books of its `files` (paths relative to the scenario). */
export function loadScenarioFile(path: string): { scenario: Scenario; extraBooks: Map<string, Rulebook[]> } {
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

/** Screens a party against an index's lists; open hits stay open (no reviewer in a simulation). */
export const screenerOn =
  (index: () => ScreeningIndex): SimulationScreener =>
  (party) => {
    const result = screen(party.name, { country: party.country }, index());
    return {
      screenedOn: party.on,
      listVersions: result.listVersions.map((v) => ({
        listId: v.listId,
        version: v.contentHash.slice(0, 16),
      })),
      hits: result.hits.map((hit) => ({
        party: "consignee" as const,
        listId: hit.listId,
        entryId: hit.entryId,
        name: hit.name,
        score: hit.score,
        explanation: hit.explanation.summary,
      })),
    };
  };

/** The bundled lists, as the store's screener uses when no lists were imported. */
export const bundledScreener: SimulationScreener = screenerOn(() => bundledIndex());
