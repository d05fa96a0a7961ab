// Between the rulebooks and the ledger: the cap policy of the ratio-cap rule that applies to a
// shipment on a day. The ledger view that rule checks is read through the ShipmentLedger port.
import { inapplicability } from "../../core/evaluation/evaluate.ts";
import type { Subject } from "../../core/evaluation/types.ts";
import type { CapPolicy } from "../../core/ledger/cap-policy.ts";
import type { RuleSet } from "../../core/rulebook/load.ts";

/** The policy of the first ratio-cap rule in force that applies to this subject, or null. */
export function capPolicyInForce(ruleSet: RuleSet, subject: Subject): CapPolicy | null {
  for (const { rule } of ruleSet.rules) {
    if (rule.kind !== "ratio-cap" || inapplicability(rule.when, subject) !== null) continue;
    const { ratioPercent, measure, scope, window } = rule.params;
    return { ratioPercent, measure, scope, window };
  }
  return null;
}
