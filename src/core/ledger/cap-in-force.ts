// The one source of the cap's parameters: the ratio-cap rule of the rulebooks in force on a day
// (REGIME C6 lives in rulebooks/us-bis-2026-01-15-case-by-case.yaml). The ledger commands and any
// caller without a shipment take the cap from here; a shipment's evaluation takes the rule that
// applies to its subject (the same rule, filtered by its `when`). Pure: the rulebooks are given.
import { type RuleSet, selectRules } from "../rulebook/load.ts";
import type { Rulebook } from "../rulebook/schema.ts";
import type { IsoDate } from "../shared.ts";
import type { CapPolicy } from "./cap-policy.ts";

/** The cap policy of the first ratio-cap rule in a rule set, or undefined when it has none. */
export function capPolicyOfRuleSet(ruleSet: RuleSet): CapPolicy | undefined {
  for (const { rule } of ruleSet.rules) {
    if (rule.kind !== "ratio-cap") continue;
    const { ratioPercent, measure, scope, window } = rule.params;
    return { ratioPercent, measure, scope, window };
  }
  return undefined;
}

/** The cap policy in force on `day` (scenarios apply their overrides), or undefined. */
export function capPolicyInForceOn(
  rulebooks: readonly Rulebook[],
  day: IsoDate,
  scenarioIds: readonly string[] = [],
): CapPolicy | undefined {
  return capPolicyOfRuleSet(selectRules(rulebooks, day, scenarioIds));
}
