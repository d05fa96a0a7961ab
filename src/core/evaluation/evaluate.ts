// evaluate(subject, ruleSet) → Decision. Runs every rule in force (compiled once per rule set, see
// compile.ts), each giving a finding with its citation and remedy, and combines them by the truth
// table below. Pure: the date comes in with the subject, nothing is read from a clock.

import { sha256Hex } from "../digest.ts";
import { type AssertedFact, assertedFacts } from "../evidence/provenance.ts";
import type { RuleSet } from "../rulebook/load.ts";
import type { Applicability } from "../rulebook/schema.ts";
import {
  applicabilityChecks,
  type CompiledRule,
  compiled,
  fillTemplate,
  firstReason,
  splitTemplate,
} from "./compile.ts";
import type { Decision, DecisionValue, Finding, Subject } from "./types.ts";

/**
 * Combination, first matching row wins (a rule that threw is recorded as `fail`, so errors deny):
 *
 * | any fail | any pending | any pass | decision | why                                            |
 * |----------|-------------|----------|----------|------------------------------------------------|
 * | yes      | –           | –        | deny     | one failed condition is enough to refuse        |
 * | no       | yes         | –        | hold     | nothing failed, but something is still missing  |
 * | no       | no          | yes      | approve  | every applicable rule passed                    |
 * | no       | no          | no       | hold     | no rule in force covers it: deny-by-default's    |
 * |          |             |          |          | softer twin, a person must look (finding below) |
 */
export function combine(findings: readonly Finding[]): {
  decision: DecisionValue;
  decidingRuleIds: string[];
} {
  const fails = ruleIdsWith(findings, "fail");
  if (fails.length > 0) return { decision: "deny", decidingRuleIds: fails };
  const pendings = ruleIdsWith(findings, "pending");
  if (pendings.length > 0) return { decision: "hold", decidingRuleIds: pendings };
  return { decision: "approve", decidingRuleIds: [] };
}

function ruleIdsWith(findings: readonly Finding[], status: Finding["status"]): string[] {
  const ids: string[] = [];
  for (const finding of findings) if (finding.status === status) ids.push(finding.ruleId);
  return ids;
}

/** The finding added when no rule in force applies to the shipment at all. */
export const noCoverageRuleId = "sluice.no-rule-applies";

export function evaluate(subject: Subject, ruleSet: RuleSet): Decision {
  const { rules, conditions, rulebooks, scenarios } = compiled(ruleSet);
  const reasons: (string | null)[] = [];
  for (const checks of conditions) reasons.push(firstReason(checks, subject));
  const findings = ruleFindings(rules, subject, reasons);
  if (!findings.some((finding) => finding.status !== "not_applicable"))
    findings.push(noCoverageFinding(subject));
  const { decision, decidingRuleIds } = combine(findings);
  const { classification } = subject.product;
  return {
    dossierId: subject.dossier.id,
    at: subject.at,
    decision,
    decidingRuleIds,
    findings,
    product: {
      id: subject.product.id,
      name: subject.product.name,
      tpp: classification.tpp,
      eccn: classification.eccn,
      section232Band: classification.section232Band,
    },
    rulebooks,
    scenarios,
    listVersions: subject.dossier.screening?.listVersions ?? [],
    inputHash: inputHash(subject, ruleSet),
    ...assertedEvidenceOf(subject),
  };
}

/** The dossier's claims of recorded facts, when the evidence is the dossier's own word. */
function assertedEvidenceOf(subject: Subject): { assertedEvidence?: AssertedFact[] } {
  if (subject.evidenceSource === "records") return {};
  const facts = assertedFacts(subject.dossier.evidence);
  return facts.length > 0 ? { assertedEvidence: facts } : {};
}

/**
 * Every rule's finding. One guard covers the whole loop; a rule that throws (a bug or parameters
 * that break its kind) makes the decision run again rule by rule, each guarded, so that rule alone
 * fails closed and the others keep their findings: the same findings as guarding each rule, without
 * paying for a guard per rule on every decision. Rules are pure, so running them twice is safe.
 */
function ruleFindings(
  rules: readonly CompiledRule[],
  subject: Subject,
  reasons: readonly (string | null)[],
): Finding[] {
  const findings: Finding[] = [];
  try {
    for (const rule of rules) findings.push(rule.runUnguarded(subject, reasons[rule.conditionIndex] ?? null));
    return findings;
  } catch {
    return rules.map((rule) => rule.run(subject, reasons[rule.conditionIndex] ?? null));
  }
}

/** Replaces `{name}` with the values; an unknown name stays visible rather than vanishing. */
export const renderTemplate = (template: string, vars: Record<string, string>): string =>
  fillTemplate(splitTemplate(template), vars);

/** Why a rule does not apply, or null when it does (the checks of `applicabilityChecks`, in order). */
export const inapplicability = (when: Applicability | undefined, subject: Subject): string | null =>
  firstReason(applicabilityChecks(when), subject);

function noCoverageFinding({ dossier }: Subject): Finding {
  return {
    ruleId: noCoverageRuleId,
    bookId: "sluice",
    jurisdiction: "exporter-terms",
    kind: "policy",
    status: "pending",
    message: `no rule in force applies to this shipment (${dossier.route.exportFrom} → ${dossier.route.destination}); review it by hand`,
    citation: { source: "Sluice: deny by default, so an uncovered shipment is held for review", status: "P" },
    annotations: undefined,
    overriddenBy: undefined,
    measured: undefined,
    required: undefined,
    unit: undefined,
    remedy: { summary: "have a compliance officer classify the case, or add a rulebook that covers it" },
    error: undefined,
  };
}

/**
 * The decision's input hash: sha256 over four digests, one per line — the dossier's, the
 * product's (id and figures), the day, and the rule set's (books, versions, content hashes,
 * scenarios). Each digest is itself sha256 over RFC 8785 canonical JSON, so every input is covered
 * while a dossier is canonicalized once, however many days and scenarios it is evaluated under.
 */
export function inputHash(subject: Subject, ruleSet: RuleSet): string {
  return sha256Hex(`${subject.dossierDigest}\n${subject.product.digest}\n${subject.at}\n${ruleSet.digest}`);
}
