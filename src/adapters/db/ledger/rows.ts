// The ledger's rows: reading accounts, reservations and US postings into the core's types, and the
// one statement that moves balances (applyDeltas, the second guard: a conditional UPDATE that
// re-checks the cap under the accounts' CHECK constraint). Every function runs in the caller's
// transaction.

import type { CapPolicy } from "../../../core/ledger/cap-policy.ts";
import {
  type Account,
  afterUsReverse,
  type Reservation,
  type ReservationState,
  type UsPosting,
} from "../../../core/ledger/ledger.ts";
import type { Store, Tx } from "../store.ts";
import type { LedgerAlert } from "./types.ts";

export interface AccountRow {
  id: string;
  ratio_percent: number;
  us_posted: bigint;
  cn_pending: bigint;
  cn_posted: bigint;
  blocked: boolean;
  blocked_cn_max: bigint | null;
  enforced: boolean;
}

export const accountFromRow = (row: AccountRow): Account => ({
  id: row.id,
  ratioPercent: row.ratio_percent,
  usPosted: row.us_posted,
  cnPending: row.cn_pending,
  cnPosted: row.cn_posted,
  blocked: row.blocked,
  blockedCnMax: row.blocked_cn_max,
  enforced: row.enforced,
});

export async function loadAccounts(tx: Tx, ids: readonly string[]): Promise<Map<string, Account>> {
  const { rows } = await tx.query<AccountRow>("SELECT * FROM ledger_accounts WHERE id = ANY($1::text[])", [
    ids,
  ]);
  return new Map(rows.map((row) => [row.id, accountFromRow(row)]));
}

export interface ReservationRow {
  id: string;
  product_id: string;
  units: bigint;
  amount: bigint;
  account_ids: string[];
  state: ReservationState;
  reserved_at: Date;
  expires_at: Date;
}

export const reservationFromRow = (row: ReservationRow): Reservation => ({
  id: row.id,
  productId: row.product_id,
  units: row.units,
  amount: row.amount,
  accountIds: row.account_ids,
  state: row.state,
  reservedAt: row.reserved_at,
  expiresAt: row.expires_at,
});

export async function loadReservation(tx: Tx, id: string): Promise<Reservation | undefined> {
  const { rows } = await tx.query<ReservationRow>("SELECT * FROM ledger_reservations WHERE id = $1", [id]);
  return rows[0] ? reservationFromRow(rows[0]) : undefined;
}

/** True iff the cap holds for new totals; the same expression the CHECK constraint uses. */
export const withinSql = (us: string, cn: string) =>
  `100 * (${cn})::numeric <= a.ratio_percent::numeric * (${us})`;

/**
 * Adds deltas to accounts, sets `blocked` from the new balances (blocking freezes China's total,
 * headroom unblocks; only enforced accounts block) and records one movement per account. With
 * `guardAccountId`, that account becomes enforced and is only updated if it is not blocked and stays
 * within the cap: the caller compares the count and aborts otherwise.
 */
export async function applyDeltas(
  tx: Tx,
  move: {
    accountIds: readonly string[];
    dUs: bigint;
    dPending: bigint;
    dPosted: bigint;
    guardAccountId: string | null;
    op: string;
    refId: string;
    at: Date;
  },
): Promise<number> {
  const us = "a.us_posted + $2::bigint";
  const cn = "a.cn_pending + $3::bigint + a.cn_posted + $4::bigint";
  const enforced = "(a.enforced OR a.id IS NOT DISTINCT FROM $5::text)";
  const { rowCount } = await tx.query(
    `WITH upd AS (
       UPDATE ledger_accounts a SET
         us_posted = ${us}, cn_pending = a.cn_pending + $3::bigint, cn_posted = a.cn_posted + $4::bigint,
         enforced = ${enforced},
         blocked = ${enforced} AND NOT (${withinSql(us, cn)}),
         blocked_cn_max = CASE WHEN NOT ${enforced} OR ${withinSql(us, cn)} THEN NULL
                               WHEN a.blocked THEN LEAST(a.blocked_cn_max, ${cn}) ELSE ${cn} END
       WHERE a.id = ANY($1::text[]) AND (a.id IS DISTINCT FROM $5::text OR (NOT a.blocked AND ${withinSql(us, cn)}))
       RETURNING a.id)
     INSERT INTO ledger_movements (id, account_id, op, ref_id, d_us_posted, d_cn_pending, d_cn_posted, at)
     SELECT $6 || ':' || $7 || ':' || upd.id, upd.id, $6, $7, $2::bigint, $3::bigint, $4::bigint, $8 FROM upd`,
    [
      move.accountIds,
      move.dUs,
      move.dPending,
      move.dPosted,
      move.guardAccountId,
      move.op,
      move.refId,
      move.at,
    ],
  );
  return rowCount;
}

/** Creates missing accounts; rolling-window accounts start unenforced. */
export async function ensureAccounts(
  tx: Tx,
  accountIds: readonly string[],
  policy: CapPolicy,
): Promise<void> {
  await tx.query(
    `INSERT INTO ledger_accounts (id, ratio_percent, enforced) SELECT unnest($1::text[]), $2, $3
     ON CONFLICT (id) DO NOTHING`,
    [accountIds, policy.ratioPercent, policy.window.kind !== "rolling"],
  );
}

/** A guard below the pure core disagreed with it: a bug, never a user error. */
export const guardDisagreement = (op: string, id: string) =>
  new Error(`ledger guard disagreement on ${op} ${id}: the conditional update refused what the core allowed`);

export function newlyBlocked(before: Map<string, Account>, amount: bigint): Account[] {
  return [...before.values()]
    .filter((account) => !account.blocked)
    .map((account) => afterUsReverse(account, amount))
    .filter((account) => account.blocked);
}

export function breachAlert(reversalId: string, account: Account): LedgerAlert {
  return {
    id: `${reversalId}:${account.id}`,
    accountId: account.id,
    kind: "cap_breached_by_us_reversal",
    details: {
      reversalId,
      usPosted: account.usPosted.toString(),
      cnPending: account.cnPending.toString(),
      cnPosted: account.cnPosted.toString(),
      ratioPercent: account.ratioPercent,
    },
  };
}

export interface UsPostingRow {
  id: string;
  product_id: string;
  units: bigint;
  amount: bigint;
  shipped_on: string;
  account_ids: string[];
  reversed_units: bigint;
}

export async function loadUsPosting(tx: Tx, id: string): Promise<UsPosting | undefined> {
  const { rows } = await tx.query<UsPostingRow>(
    `SELECT id, product_id, units, amount, to_char(shipped_on, 'YYYY-MM-DD') AS shipped_on, account_ids,
            reversed_units FROM ledger_us_postings WHERE id = $1`,
    [id],
  );
  const row = rows[0];
  return (
    row && {
      id: row.id,
      productId: row.product_id,
      units: row.units,
      amount: row.amount,
      shippedOn: row.shipped_on,
      accountIds: row.account_ids,
      reversedUnits: row.reversed_units,
    }
  );
}

/** Row counts of the ledger's tables, for `sluice db status`. */
export async function ledgerRowCounts(
  store: Store,
): Promise<{ accounts: bigint; reservations: bigint; postings: bigint } | undefined> {
  const { rows } = await store.query<{ accounts: bigint; reservations: bigint; postings: bigint }>(
    `SELECT (SELECT count(*) FROM ledger_accounts) AS accounts, (SELECT count(*) FROM ledger_reservations) AS reservations,
            (SELECT count(*) FROM ledger_us_postings) AS postings`,
  );
  return rows[0];
}
