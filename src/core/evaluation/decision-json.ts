// A decision's JSON text, written from pieces. JSON.stringify(decision) spends most of its time on
// what never changes between decisions under one rule set — each rule's ids, citation, annotations
// and override note, the rule set's books and scenarios — so those are written once per compiled
// rule (and rule set) and joined with the parts that do change. The text is JSON.stringify's to the
// byte (tested on every example and on generated decisions); a finding whose fixed parts are not
// its rule's own (built elsewhere, or changed after) is written whole by JSON.stringify.
import type { CompiledRule, CompiledRuleSet } from "./compile.ts";
import type { Decision, Finding } from "./types.ts";

const text = JSON.stringify;

interface RuleParts {
  /** From `{` up to the status's value. */
  head: string;
  /** The citation, annotations and override note, each with its leading comma (absent: nothing). */
  middle: string;
}

const partsByRule = new WeakMap<CompiledRule, RuleParts>();
const textByList = new WeakMap<object, string>();

function partsOf(rule: CompiledRule): RuleParts {
  let parts = partsByRule.get(rule);
  if (parts === undefined) {
    const head = `{"ruleId":${text(rule.ruleId)},"bookId":${text(rule.bookId)},"jurisdiction":${text(rule.jurisdiction)},"kind":${text(rule.kind)},"status":`;
    let middle = `,"citation":${text(rule.citation)}`;
    if (rule.annotations !== undefined) middle += `,"annotations":${text(rule.annotations)}`;
    if (rule.overriddenBy !== undefined) middle += `,"overriddenBy":${text(rule.overriddenBy)}`;
    parts = { head, middle };
    partsByRule.set(rule, parts);
  }
  return parts;
}

/** The list's JSON, once per list object (the rule set's books and scenarios are shared). */
function listText(list: object): string {
  let written = textByList.get(list);
  if (written === undefined) {
    written = text(list);
    textByList.set(list, written);
  }
  return written;
}

/** True when the finding's fixed parts are the rule's own objects (so its pieces apply). */
const isRulesOwn = (finding: Finding, rule: CompiledRule | undefined): rule is CompiledRule =>
  rule !== undefined &&
  finding.ruleId === rule.ruleId &&
  finding.bookId === rule.bookId &&
  finding.jurisdiction === rule.jurisdiction &&
  finding.kind === rule.kind &&
  finding.citation === rule.citation &&
  finding.annotations === rule.annotations &&
  finding.overriddenBy === rule.overriddenBy &&
  typeof finding.status === "string" &&
  typeof finding.message === "string";

function findingText(finding: Finding, rule: CompiledRule | undefined): string {
  if (!isRulesOwn(finding, rule)) return text(finding);
  const parts = partsOf(rule);
  let out = `${parts.head}${text(finding.status)},"message":${text(finding.message)}${parts.middle}`;
  if (finding.measured !== undefined) out += `,"measured":${text(finding.measured)}`;
  if (finding.required !== undefined) out += `,"required":${text(finding.required)}`;
  if (finding.unit !== undefined) out += `,"unit":${text(finding.unit)}`;
  if (finding.remedy !== undefined) out += `,"remedy":${text(finding.remedy)}`;
  if (finding.error !== undefined) out += `,"error":${text(finding.error)}`;
  return `${out}}`;
}

/**
 * JSON.stringify(decision), for a decision made under `ruleSet` (its findings in the order of the
 * rule set's rules, as `evaluate` makes them). Undefined when a value JSON cannot write (a bigint
 * somewhere): the caller writes the decision its own way then.
 */
export function decisionJson(decision: Decision, ruleSet: CompiledRuleSet): string | undefined {
  try {
    const { findings } = decision;
    let out = `{"dossierId":${text(decision.dossierId)},"at":${text(decision.at)},"decision":${text(decision.decision)},"decidingRuleIds":${text(decision.decidingRuleIds)},"findings":[`;
    for (let i = 0; i < findings.length; i++) {
      const finding = findings[i] as Finding;
      out += i === 0 ? findingText(finding, ruleSet.rules[i]) : `,${findingText(finding, ruleSet.rules[i])}`;
    }
    const rulebooks =
      decision.rulebooks === ruleSet.rulebooks ? listText(ruleSet.rulebooks) : text(decision.rulebooks);
    const scenarios =
      decision.scenarios === ruleSet.scenarios ? listText(ruleSet.scenarios) : text(decision.scenarios);
    const asserted =
      decision.assertedEvidence === undefined ? "" : `,"assertedEvidence":${text(decision.assertedEvidence)}`;
    return `${out}],"product":${text(decision.product)},"rulebooks":${rulebooks},"scenarios":${scenarios},"listVersions":${text(decision.listVersions)},"inputHash":${text(decision.inputHash)}${asserted}}`;
  } catch (error) {
    if (error instanceof TypeError) return undefined;
    throw error;
  }
}
