// The US side of the volume-cap ledger inside the caller's transaction: a US end-use posting
// (credits the cap) and a reversal of its units, recorded even when it breaks the cap (the accounts
// become blocked and an alert is raised for each). SqlLedger (sql-ledger.ts) runs them in
// SERIALIZABLE transactions; bulk postings are in us-postings.ts.
import type { AuditActor } from "../../../core/audit/actor.ts";
import type { CapPolicy } from "../../../core/ledger/cap-policy.ts";
import {
  decideUsPost,
  decideUsReverse,
  deriveUsPost,
  type UsPostStatus,
  type UsReversal,
} from "../../../core/ledger/ledger.ts";
import { appendAudit } from "../audit.ts";
import type { Tx } from "../store.ts";
import {
  applyDeltas,
  breachAlert,
  guardDisagreement,
  loadAccounts,
  loadUsPosting,
  newlyBlocked,
} from "./rows.ts";
import type { UsPostInput, UsReverseInput, UsReverseResult } from "./types.ts";
import { insertUsPostings } from "./us-postings.ts";

/** Posts one US end-use shipment at `now`: its amount credits the cap's accounts. */
export async function usPostInTx(
  tx: Tx,
  policy: CapPolicy,
  input: UsPostInput,
  now: Date,
  actor: AuditActor,
): Promise<{ status: UsPostStatus; amount?: bigint }> {
  const derived = deriveUsPost(policy, input);
  if (!derived.amount || !derived.accountIds) return { status: derived.status };
  const { amount, accountIds } = derived;
  const existing = await loadUsPosting(tx, input.id);
  const accounts = existing ? new Map() : await loadAccounts(tx, accountIds);
  const status = decideUsPost(policy.ratioPercent, input, amount, existing, accounts);
  if (status !== "ok") return { status };
  await insertUsPostings(tx, [{ ...input, amount, accountIds }], policy, now);
  const moved = await applyDeltas(tx, {
    accountIds,
    dUs: amount,
    dPending: 0n,
    dPosted: 0n,
    guardAccountId: null,
    op: "us_post",
    refId: input.id,
    at: now,
  });
  if (moved !== accountIds.length) throw guardDisagreement("us_post", input.id);
  await appendAudit(tx, "ledger.us_post", { ...input, amount, accountIds }, now, actor);
  return { status, amount };
}

/** Reverses units of a US posting at `now`; accounts it leaves over the cap become blocked. */
export async function usReverseInTx(
  tx: Tx,
  input: UsReverseInput,
  now: Date,
  actor: AuditActor,
): Promise<UsReverseResult> {
  const { rows } = await tx.query<{ id: string; posting_id: string; units: bigint; amount: bigint }>(
    "SELECT id, posting_id, units, amount FROM ledger_us_reversals WHERE id = $1",
    [input.id],
  );
  const existing: UsReversal | undefined = rows[0] && {
    id: rows[0].id,
    postingId: rows[0].posting_id,
    units: rows[0].units,
    amount: rows[0].amount,
  };
  const posting = existing ? undefined : await loadUsPosting(tx, input.postingId);
  const decided = decideUsReverse(input, existing, posting);
  if (decided.status !== "ok" || !posting || decided.amount === undefined)
    return { status: decided.status, alerts: [] };
  const amount = decided.amount;
  const before = await loadAccounts(tx, posting.accountIds);
  await tx.query(
    "INSERT INTO ledger_us_reversals (id, posting_id, units, amount, reversed_at, reason) VALUES ($1, $2, $3, $4, $5, $6)",
    [input.id, input.postingId, input.units, amount, now, input.reason ?? null],
  );
  await tx.query("UPDATE ledger_us_postings SET reversed_units = reversed_units + $2 WHERE id = $1", [
    posting.id,
    input.units,
  ]);
  const moved = await applyDeltas(tx, {
    accountIds: posting.accountIds,
    dUs: -amount,
    dPending: 0n,
    dPosted: 0n,
    guardAccountId: null,
    op: "us_reverse",
    refId: input.id,
    at: now,
  });
  if (moved !== posting.accountIds.length) throw guardDisagreement("us_reverse", input.id);
  const alerts = newlyBlocked(before, amount).map((account) => breachAlert(input.id, account));
  for (const alert of alerts) {
    await tx.query(
      "INSERT INTO ledger_alerts (id, account_id, kind, raised_at, details) VALUES ($1, $2, $3, $4, $5)",
      [alert.id, alert.accountId, alert.kind, now, JSON.stringify(alert.details)],
    );
  }
  // The posting's accounts, so a replay of the log needs no other entry to apply it.
  const accountIds = posting.accountIds;
  await appendAudit(tx, "ledger.us_reverse", { ...input, amount, accountIds, alerts }, now, actor);
  return { status: decided.status, amount, alerts };
}
