// What the simulation use cases need from outside: the stored decisions (for the counterfactual on
// the real record; implemented on SQL in src/adapters/db/simulation/), a party screener, a
// deadline that bounds a run's wall-clock time (the caller owns the clock), and the scenario and
// rulebook files a run names (read by src/adapters/files/simulation-files.ts).
import type { Dossier, DossierInput } from "../../core/dossier/schema.ts";
import type { DecisionValue } from "../../core/evaluation/types.ts";
import type { Rulebook } from "../../core/rulebook/schema.ts";
import type { IsoDate } from "../../core/shared.ts";
import type { Scenario } from "../../core/simulation/scenario.ts";

/** One stored decision of an application (order) or a release (shipment), with its dossier. */
export interface StoredDecision {
  id: string;
  orderId: string;
  shipmentId: string | null;
  purpose: "application" | "release";
  evaluatedOn: IsoDate;
  scenarios: string[];
  decision: DecisionValue;
  decidingRuleIds: string[];
  /** The dossier as decided (JSON as stored: amounts as text), parsed again by the use case. */
  dossier: unknown;
  /** Each rule's status in the stored decision, by rule id. */
  findings: { ruleId: string; status: string; message: string }[];
}

export interface StoredDecisionReader {
  /** Decisions in the order they were made, at most `limit` after the one with id `after`. */
  decisions(page: { after: string | null; limit: number }): Promise<StoredDecision[]>;
}

/** Screens a simulated buyer (the exporter is screened with it), as the store screens parties. */
export type SimulationScreener = (party: {
  name: string;
  country: string;
  /** The day the screening is dated (the horizon's first day). */
  on: IsoDate;
}) => NonNullable<DossierInput["screening"]>;

/** True once the run has used up its time; checked between months. */
export type Deadline = () => boolean;

/** A scenario and, per rulebook set, the books of its `files`. */
export interface ScenarioInput {
  scenario: Scenario;
  extraBooks: Map<string, Rulebook[]>;
}

/** The files a simulation names, by path: the scenario (with its sets' books) and a proposed book. */
export interface SimulationFiles {
  scenario(path: string): ScenarioInput;
  rulebook(path: string): Rulebook;
}

export type { Dossier };
