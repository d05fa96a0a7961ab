// evaluate(subject, ruleSet) → Decision. Runs every rule in force, turns each outcome into a
// finding with its citation and remedy, and combines them by the truth table below. Pure: the
// date comes in with the subject, nothing is read from a clock.
import { sha256Hex } from "../digest.ts";
import type { RuleInForce, RuleSet } from "../rulebook/load.ts";
import type { Applicability } from "../rulebook/schema.ts";
import { predicates } from "./kinds.ts";
import type { Decision, DecisionValue, Finding, Outcome, RulebookRef, Subject } from "./types.ts";

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
  const findings = ruleSet.rules.map((entry) => runRule(entry, subject));
  if (!findings.some((finding) => finding.status !== "not_applicable"))
    findings.push(noCoverageFinding(subject));
  const { decision, decidingRuleIds } = combine(findings);
  const { rulebooks, scenarios } = ruleSetRefs(ruleSet);
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
  };
}

const refsByRuleSet = new WeakMap<RuleSet, { rulebooks: RulebookRef[]; scenarios: string[] }>();

/** The books and scenarios a decision names, computed once per rule set. */
function ruleSetRefs(ruleSet: RuleSet): { rulebooks: RulebookRef[]; scenarios: string[] } {
  let refs = refsByRuleSet.get(ruleSet);
  if (!refs) {
    const rulebooks = ruleSet.books.map((book) => ({
      id: book.id,
      version: book.version,
      jurisdiction: book.jurisdiction,
      scenario: book.scenario,
      contentHash: book.contentHash,
    }));
    refs = { rulebooks, scenarios: ruleSet.books.filter((book) => book.scenario).map((book) => book.id) };
    refsByRuleSet.set(ruleSet, refs);
  }
  return refs;
}

type FindingBase = Omit<Finding, "status" | "message">;

/** The part of a finding that depends only on the rule, built once per rule in force. */
const findingBases = new WeakMap<RuleInForce, FindingBase>();

function findingBase(entry: RuleInForce): FindingBase {
  let base = findingBases.get(entry);
  if (!base) {
    const { rule, book, overriddenBy } = entry;
    base = {
      ruleId: rule.id,
      bookId: book.id,
      jurisdiction: book.jurisdiction,
      kind: rule.kind,
      citation: rule.citation,
    };
    if (rule.annotations) base.annotations = rule.annotations;
    if (overriddenBy) base.overriddenBy = overriddenBy;
    findingBases.set(entry, base);
  }
  return base;
}

/** Builds a finding property by property: one object shape for all, cheaper than spreading. */
function newFinding(base: FindingBase, status: Finding["status"], message: string): Finding {
  const finding: Finding = {
    ruleId: base.ruleId,
    bookId: base.bookId,
    jurisdiction: base.jurisdiction,
    kind: base.kind,
    status,
    message,
    citation: base.citation,
  };
  if (base.annotations) finding.annotations = base.annotations;
  if (base.overriddenBy) finding.overriddenBy = base.overriddenBy;
  return finding;
}

function runRule(entry: RuleInForce, subject: Subject): Finding {
  const { rule } = entry;
  const base = findingBase(entry);
  const reason = inapplicability(rule.when, subject);
  if (reason !== null) return newFinding(base, "not_applicable", reason);
  let outcome: Outcome;
  try {
    // The union of kinds is correlated with its params by the schema; TypeScript cannot see it.
    outcome = (predicates[rule.kind] as (params: unknown, subject: Subject) => Outcome)(rule.params, subject);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const finding = newFinding(base, "fail", `rule could not be evaluated (${detail}); failing closed`);
    finding.error = true;
    return finding;
  }
  return toFinding(base, outcome, rule.remedy);
}

function toFinding(base: FindingBase, outcome: Outcome, template: string | undefined): Finding {
  const finding = newFinding(base, outcome.status, outcome.message);
  if (outcome.measured !== undefined) finding.measured = outcome.measured;
  if (outcome.required !== undefined) finding.required = outcome.required;
  if (outcome.unit !== undefined) finding.unit = outcome.unit;
  if (outcome.status === "fail" || outcome.status === "pending") {
    // The rule's remedy template speaks for outcomes that feed it values (`vars`): the failure
    // mode the author wrote it for. Other outcomes carry their own, more specific remedy.
    const useTemplate = template !== undefined && outcome.vars !== undefined;
    const summary = useTemplate ? renderTemplate(template, outcome.vars ?? {}) : outcome.remedy?.summary;
    const details = outcome.remedy?.details;
    if (summary) finding.remedy = details ? { summary, details } : { summary };
  }
  return finding;
}

/** Replaces `{name}` with the outcome's values; an unknown name stays visible rather than vanishing. */
export function renderTemplate(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole);
}

/** An ECCN that could not be established (die area unknown) is read as 3A090: fail closed. */
function eccnCovered(list: readonly string[], eccn: string, indeterminate: boolean): boolean {
  return list.includes(eccn) || (indeterminate && list.some((value) => value !== "none"));
}

/** Why a rule does not apply, or null when it does. */
export function inapplicability(
  when: Applicability | undefined,
  { dossier, product }: Subject,
): string | null {
  if (!when) return null;
  const { route } = dossier;
  const { classification } = product;
  const eccn = classification.eccn ?? "none";
  if (when.destinations && !when.destinations.includes(route.destination))
    return `destination ${route.destination} not covered`;
  if (when.notDestinations?.includes(route.destination)) return `destination ${route.destination} excluded`;
  if (when.exportFrom && !when.exportFrom.includes(route.exportFrom))
    return `export from ${route.exportFrom} not covered`;
  if (when.eccn && !eccnCovered(when.eccn, eccn, classification.eccnIndeterminate))
    return `ECCN ${eccn} not covered`;
  const band = classification.section232Band;
  if (when.section232Band && (band === null || !when.section232Band.includes(band)))
    return "no Section 232 band";
  const usImport = route.origin !== "US" && route.exportFrom === "US";
  if (when.usImport !== undefined && when.usImport !== usImport)
    return usImport ? "lot enters the US" : "lot does not enter the US";
  if (
    when.safeChipsActAdvanced !== undefined &&
    when.safeChipsActAdvanced !== classification.safeChipsActAdvanced
  ) {
    return "SAFE Chips Act test not met";
  }
  if (when.productIds && !(product.id && when.productIds.includes(product.id)))
    return `product ${product.id ?? product.name} not covered`;
  if (when.productFamilies && !(product.family && when.productFamilies.includes(product.family))) {
    return `product family ${product.family ?? "unknown"} not covered`;
  }
  if (when.stages && !when.stages.includes(dossier.stage))
    return `checked at ${when.stages.join(", ")}, not at ${dossier.stage}`;
  const sector = dossier.parties.endUser.sector;
  if (when.endUserSectors && !(sector && when.endUserSectors.includes(sector)))
    return `end user sector ${sector ?? "unstated"} not covered`;
  return null;
}

function noCoverageFinding({ dossier }: Subject): Finding {
  return {
    ruleId: noCoverageRuleId,
    bookId: "sluice",
    jurisdiction: "exporter-terms",
    kind: "policy",
    status: "pending",
    message: `no rule in force applies to this shipment (${dossier.route.exportFrom} → ${dossier.route.destination}); review it by hand`,
    citation: { source: "Sluice: deny by default, so an uncovered shipment is held for review", status: "P" },
    remedy: { summary: "have a compliance officer classify the case, or add a rulebook that covers it" },
  };
}

/**
 * The decision's input hash: sha256 over four digests, one per line — the dossier's, the
 * product's (id and figures), the day, and the rule set's (books, versions, content hashes,
 * scenarios). Each digest is itself sha256 over RFC 8785 canonical JSON, so every input is covered
 * while a dossier is canonicalized once, however many days and scenarios it is evaluated under.
 */
export function inputHash(subject: Subject, ruleSet: RuleSet): string {
  return sha256Hex([subject.dossierDigest, subject.product.digest, subject.at, ruleSet.digest].join("\n"));
}
