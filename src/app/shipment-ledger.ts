// Between the rulebooks and the ledger: the cap policy of the ratio-cap rule that applies to a
// shipment on a day, and the ledger view (US posted, China pending and posted) that rule checks.
import type { Tx } from "../adapters/db/store.ts";
import type { LedgerFigures } from "../core/dossier/schema.ts";
import { inapplicability } from "../core/evaluation/evaluate.ts";
import type { Subject } from "../core/evaluation/types.ts";
import { accountIdsFor, type CapPolicy } from "../core/ledger/cap-policy.ts";
import type { RuleSet } from "../core/rulebook/load.ts";
import type { IsoDate } from "../core/shared.ts";

/** The policy of the first ratio-cap rule in force that applies to this subject, or null. */
export function capPolicyInForce(ruleSet: RuleSet, subject: Subject): CapPolicy | null {
  for (const { rule } of ruleSet.rules) {
    if (rule.kind !== "ratio-cap" || inapplicability(rule.when, subject) !== null) continue;
    const { ratioPercent, measure, scope, window } = rule.params;
    return { ratioPercent, measure, scope, window };
  }
  return null;
}

interface AccountFigures {
  us_posted: bigint;
  cn_pending: bigint;
  cn_posted: bigint;
}

/**
 * The ledger as the cap rule sees it for a product on a day: the account of the window the day
 * falls in (for a rolling window, the window ending that day). A missing account is empty. The
 * ledger's own reservation check remains the authority: this view explains, it does not enforce.
 */
export async function ledgerView(
  tx: Tx,
  policy: CapPolicy,
  productId: string,
  at: IsoDate,
): Promise<{ window: string; units?: LedgerFigures; tpp?: LedgerFigures }> {
  const window = accountIdsFor(policy, productId, at)?.[0];
  const empty = { usPosted: 0n, cnPending: 0n, cnPosted: 0n };
  if (!window) return { window: "before the window starts", [policy.measure]: empty };
  const { rows } = await tx.query<AccountFigures>(
    "SELECT us_posted, cn_pending, cn_posted FROM ledger_accounts WHERE id = $1",
    [window],
  );
  const row = rows[0];
  const figures = row
    ? { usPosted: row.us_posted, cnPending: row.cn_pending, cnPosted: row.cn_posted }
    : empty;
  return { window, [policy.measure]: figures };
}
