// The policy simulator: a scenario run forward month by month under each rulebook set it names.
// Every lot is decided by the real evaluation engine (Evaluator over the library plus the set's
// books) on a dossier built as the store builds one, and the cap is enforced by a CapLedger
// (InMemoryLedger, the same pure ledger decisions as SqlLedger); run-set.ts runs one set. The
// exporter follows the engine's remedies it can act on: it cuts a lot held by the cap by the
// shortfall the finding states, and a buyer under a domestic ratio buys the domestic chips the rule
// requires, within domestic supply. Deterministic: randomness comes only from the plan (seeded);
// time is the month's day.
import { badInput, quote } from "../../core/errors.ts";
import { checkLibrary } from "../../core/rulebook/load.ts";
import type { Rulebook } from "../../core/rulebook/schema.ts";
import { planScenario } from "../../core/simulation/plan.ts";
import {
  type MonthFigures,
  monthJson,
  type SetTotals,
  totalsJson,
  totalsOf,
} from "../../core/simulation/results.ts";
import type { RulebookSet, Scenario } from "../../core/simulation/scenario.ts";
import type { Catalog } from "../evaluation/catalog.ts";
import { Evaluator } from "../evaluation/evaluator.ts";
import type { Deadline, SimulationScreener } from "./ports.ts";
import { runSet } from "./run-set.ts";

export interface SimulationInput {
  scenario: Scenario;
  library: readonly Rulebook[];
  /** Books loaded from each set's `files`, by set id (the caller reads the files). */
  extraBooks?: ReadonlyMap<string, Rulebook[]>;
  catalog: Catalog;
  screen: SimulationScreener;
  pastDeadline?: Deadline;
  /** Awaited between months, so a server stays responsive during a long run. */
  pause?: () => Promise<void>;
}

export interface SimulationReport {
  scenario: { id: string; title: string; seed: number };
  months: string[];
  rulebookSets: { id: string; title: string; scenarios: string[]; books: string[] }[];
  /** Per rulebook set, per month, in the order of `rulebookSets` then `months`. */
  series: MonthFigures[];
  totals: SetTotals[];
}

export async function simulate(input: SimulationInput): Promise<SimulationReport> {
  const plan = planScenario(input.scenario);
  const screenings = plan.buyers.map((buyer) =>
    input.screen({ name: buyer.name, country: "CN", on: `${plan.months[0]}-01` }),
  );
  const series: MonthFigures[] = [];
  const totals: SetTotals[] = [];
  const rulebookSets: SimulationReport["rulebookSets"] = [];
  for (const [index, set] of input.scenario.rulebooks.entries()) {
    const { library, scenarios } = setLibrary(input, set, index);
    const evaluator = new Evaluator(library, input.catalog);
    const months = await runSet({ input, plan, screenings, set, evaluator, scenarios });
    series.push(...months);
    totals.push(totalsOf(set.id, set.title, months));
    const books = [
      ...new Set(
        plan.days.flatMap((day) =>
          evaluator.rulesFor(day, scenarios).books.map((b) => `${b.id}@${b.version}`),
        ),
      ),
    ];
    rulebookSets.push({ id: set.id, title: set.title, scenarios, books: books.sort() });
  }
  const { id, title, seed } = input.scenario;
  return { scenario: { id, title, seed }, months: plan.months, rulebookSets, series, totals };
}

/** The report as JSON-ready data (cents as text); the same report always gives the same bytes. */
export const reportJson = (report: SimulationReport) => ({
  ...report,
  series: report.series.map(monthJson),
  totals: report.totals.map(totalsJson),
});

function setLibrary(input: SimulationInput, set: RulebookSet, index: number) {
  const extra = input.extraBooks?.get(set.id) ?? [];
  const library = extra.length > 0 ? [...input.library, ...extra] : [...input.library];
  if (extra.length > 0) checkLibrary(library);
  set.scenarios.forEach((id, k) => {
    if (!library.some((book) => book.id === id && book.scenario)) {
      const known = library.filter((book) => book.scenario).map((book) => book.id);
      throw badInput(
        `scenario at \`rulebooks[${index}].scenarios[${k}]\``,
        `unknown scenario ${quote(id)}; known: ${known.join(", ")}`,
      );
    }
  });
  // A file's scenario books apply; its other books join the library and apply when in force.
  const scenarios = [...set.scenarios, ...extra.filter((book) => book.scenario).map((book) => book.id)];
  return { library, scenarios };
}
