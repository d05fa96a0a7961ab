// What every rule kind is built from: the `Verdict` a predicate states its result through (each
// fail and pending takes the remedy as a required argument), the `Kind` signature, and the labels
// and lookups several kinds share.
import type { Dossier, Party, PartyRole } from "../../dossier/schema.ts";
import type { ParamsOf, RuleKind } from "../../rulebook/schema.ts";
import type { Finding, Remedy, Subject } from "../types.ts";

/**
 * Figures shown with a finding. `vars` present means the rule's remedy template applies to this
 * result (filled with them); without it, the predicate's own remedy is shown.
 */
export interface Figures {
  measured?: string;
  required?: string;
  unit?: string;
  vars?: Record<string, string>;
}

/** How a predicate states its result: each call returns the rule's finding, fully built. */
export interface Verdict {
  pass(message: string, figures?: Figures): Finding;
  pending(message: string, remedy: string | Remedy, figures?: Figures): Finding;
  fail(message: string, remedy: string | Remedy, figures?: Figures): Finding;
  notApplicable(message: string): Finding;
}

export type Predicate = (subject: Subject, verdict: Verdict) => Finding;
/** A kind: the rule's parameters in, its predicate out (called once per rule set, not per decision). */
export type Kind<K extends RuleKind> = (params: ParamsOf<K>) => Predicate;

/** Figures carrying only template values. Never written to, so one may serve many findings. */
export const templateVars = (vars: Record<string, string>): Figures =>
  Object.freeze({ vars: Object.freeze(vars) });

export const roleLabel: Record<PartyRole, string> = {
  exporter: "exporter",
  consignee: "consignee",
  endUser: "end user",
};
export const anotherParty = "none for this party: the transaction needs another consignee or end user";

/**
 * The party in a role, by named property: `parties[role]` with a role that varies between rules
 * sharing one predicate's code is a megamorphic keyed load; these loads each see one name.
 */
export function partyIn({ parties }: Dossier, role: PartyRole): Party {
  return role === "endUser" ? parties.endUser : role === "consignee" ? parties.consignee : parties.exporter;
}
