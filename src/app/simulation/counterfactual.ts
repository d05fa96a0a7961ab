// The counterfactual on the real record: every stored decision (licence applications and export
// releases) decided again from its stored dossier under a proposed rulebook and/or on another day,
// listing the decisions that would flip and, finding by finding, the rules whose status changed.
// The dossier is the one decided, ledger view included: the question is "same facts, other rules".
import { type Dossier, parseDossier } from "../../core/dossier/schema.ts";
import { badInput, quote, SluiceError } from "../../core/errors.ts";
import type { DecisionValue, Finding } from "../../core/evaluation/types.ts";
import { checkLibrary } from "../../core/rulebook/load.ts";
import type { Rulebook } from "../../core/rulebook/schema.ts";
import type { IsoDate } from "../../core/shared.ts";
import type { Catalog } from "../evaluation/catalog.ts";
import { Evaluator } from "../evaluation/evaluator.ts";
import type { Deadline, StoredDecision, StoredDecisionReader } from "./ports.ts";

/** Stored decisions read per page. */
export const counterfactualPageSize = 200;
/** Stored decisions examined per run at most; a larger record is refused, not cut silently. */
export const counterfactualDecisionsMax = 100_000;

export interface FindingChange {
  ruleId: string;
  before: string | null;
  after: string | null;
  /** The proposed rulebook's message for the rule (or the stored one when the rule is gone). */
  message: string;
}

export interface Flip {
  decisionId: string;
  orderId: string;
  shipmentId: string | null;
  purpose: StoredDecision["purpose"];
  evaluatedOn: IsoDate;
  at: IsoDate;
  before: DecisionValue;
  after: DecisionValue;
  decidingRuleIdsAfter: string[];
  changes: FindingChange[];
}

export interface CounterfactualReport {
  proposed: { id: string; version: number; scenario: boolean }[];
  at: IsoDate | null;
  examined: number;
  flipped: number;
  flips: Flip[];
}

export interface CounterfactualInput {
  reader: StoredDecisionReader;
  library: readonly Rulebook[];
  catalog: Catalog;
  /** The proposed books: a scenario book is applied on top; another book replaces the one with its id. */
  proposed: readonly Rulebook[];
  /** Decide again on this day instead of each decision's own. */
  at?: IsoDate | undefined;
  pastDeadline?: Deadline;
}

/** The library with the proposed books: same id replaces (a new version of a book), others join. */
export function proposedLibrary(library: readonly Rulebook[], proposed: readonly Rulebook[]): Rulebook[] {
  const ids = new Set(proposed.map((book) => book.id));
  const merged = [...library.filter((book) => !ids.has(book.id)), ...proposed];
  checkLibrary(merged);
  return merged;
}

export async function counterfactual(input: CounterfactualInput): Promise<CounterfactualReport> {
  if (input.proposed.length === 0 && input.at === undefined)
    throw badInput("counterfactual", "name a proposed rulebook or another date (or both)");
  const evaluator = new Evaluator(proposedLibrary(input.library, input.proposed), input.catalog);
  const added = input.proposed.filter((book) => book.scenario).map((book) => book.id);
  const flips: Flip[] = [];
  let examined = 0;
  let after: string | null = null;
  for (;;) {
    const page = await input.reader.decisions({ after, limit: counterfactualPageSize });
    for (const stored of page) {
      examined += 1;
      if (examined > counterfactualDecisionsMax)
        throw badInput(
          "counterfactual",
          `more than ${counterfactualDecisionsMax} stored decisions`,
          "payload_too_large",
        );
      const flip = redecide(evaluator, stored, added, input.at);
      if (flip) flips.push(flip);
    }
    if (page.length < counterfactualPageSize) break;
    after = page.at(-1)?.id ?? null;
    if (input.pastDeadline?.())
      throw new SluiceError(
        "unavailable",
        "counterfactual",
        "ran past its time limit; try again when the server is less busy",
      );
  }
  return {
    proposed: input.proposed.map((book) => ({ id: book.id, version: book.version, scenario: book.scenario })),
    at: input.at ?? null,
    examined,
    flipped: flips.length,
    flips,
  };
}

function redecide(
  evaluator: Evaluator,
  stored: StoredDecision,
  added: readonly string[],
  at?: IsoDate,
): Flip | null {
  let dossier: Dossier;
  try {
    dossier = parseDossier(stored.dossier, `decision ${stored.id}`);
  } catch (error) {
    // A stored dossier is one that was accepted; failing to read it back is a bug, not bad input.
    throw new Error(
      `stored decision ${quote(stored.id)} has a dossier that no longer parses: ${String(error)}`,
    );
  }
  const day = at ?? stored.evaluatedOn;
  const scenarios = [...new Set([...stored.scenarios, ...added])];
  const decision = evaluator.evaluate(dossier, day, scenarios, undefined, "records");
  if (decision.decision === stored.decision) return null;
  return {
    decisionId: stored.id,
    orderId: stored.orderId,
    shipmentId: stored.shipmentId,
    purpose: stored.purpose,
    evaluatedOn: stored.evaluatedOn,
    at: day,
    before: stored.decision,
    after: decision.decision,
    decidingRuleIdsAfter: decision.decidingRuleIds,
    changes: findingChanges(stored.findings, decision.findings),
  };
}

/** Rules whose status differs between the stored findings and the new ones, in rule order. */
export function findingChanges(
  before: StoredDecision["findings"],
  after: readonly Finding[],
): FindingChange[] {
  const old = new Map(before.map((f) => [f.ruleId, f]));
  const changes: FindingChange[] = [];
  for (const finding of after) {
    const previous = old.get(finding.ruleId);
    old.delete(finding.ruleId);
    if (previous?.status === finding.status) continue;
    changes.push({
      ruleId: finding.ruleId,
      before: previous?.status ?? null,
      after: finding.status,
      message: finding.message,
    });
  }
  for (const gone of old.values())
    changes.push({ ruleId: gone.ruleId, before: gone.status, after: null, message: gone.message });
  return changes;
}
