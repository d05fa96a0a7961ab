// Group commit for reservations: concurrent `reserve` calls in one process are queued and decided
// together in ONE serializable transaction (TigerBeetle-style batching). Each request is decided
// in arrival order by the pure core against the balances as the earlier requests of the batch left
// them, so the outcome equals running them one by one; the effects are then applied with a few
// multi-row statements (conditional account update, movements, the log's pending entries in order).
// Why: batching amortizes the round trips and the commit over many requests (the log itself no
// longer serializes writers: entries are integrated later, src/adapters/db/log/integrate.ts).

import { systemActor } from "../../../core/audit/actor.ts";
import type { CapPolicy } from "../../../core/ledger/cap-policy.ts";
import {
  type Account,
  decideReserve,
  deriveReserve,
  type Reservation,
  type ReserveStatus,
} from "../../../core/ledger/ledger.ts";
import { type PendingEntry, pendingEntries, toAuditJson } from "../audit.ts";
import type { Tx } from "../store.ts";
import type { ReserveInput } from "./types.ts";

/** Requests decided in one transaction at most. */
export const reserveBatchMax = 512;

export interface ReserveItem {
  policy: CapPolicy;
  input: ReserveInput;
}

export type ReserveResult = { status: ReserveStatus; amount?: bigint };

interface Accepted {
  item: ReserveItem;
  reservation: Reservation;
}

interface Loaded {
  existing: Map<string, { product_id: string; units: bigint; amount: bigint }>;
  accounts: Map<string, Account>;
}

/** Reservations and accounts in ONE round trip (JSON aggregates, bigints as text). */
async function load(tx: Tx, ids: string[], accountIds: string[]): Promise<Loaded> {
  const { rows } = await tx.query<{
    reservations: { id: string; product_id: string; units: string; amount: string }[];
    accounts: {
      id: string;
      ratio_percent: number;
      us_posted: string;
      cn_pending: string;
      cn_posted: string;
      blocked: boolean;
      blocked_cn_max: string | null;
      enforced: boolean;
    }[];
  }>(
    `SELECT
       (SELECT coalesce(json_agg(json_build_object('id', id, 'product_id', product_id, 'units', units::text,
          'amount', amount::text)), '[]') FROM ledger_reservations WHERE id = ANY($1::text[])) AS reservations,
       (SELECT coalesce(json_agg(json_build_object('id', id, 'ratio_percent', ratio_percent,
          'us_posted', us_posted::text, 'cn_pending', cn_pending::text, 'cn_posted', cn_posted::text,
          'blocked', blocked, 'blocked_cn_max', blocked_cn_max::text, 'enforced', enforced)), '[]')
          FROM ledger_accounts WHERE id = ANY($2::text[])) AS accounts`,
    [ids, accountIds],
  );
  const row = rows[0];
  if (!row) throw new Error("reservation batch: the load query returned no row");
  return {
    existing: new Map(
      row.reservations.map((r) => [
        r.id,
        { product_id: r.product_id, units: BigInt(r.units), amount: BigInt(r.amount) },
      ]),
    ),
    accounts: new Map(
      row.accounts.map((a) => [
        a.id,
        {
          id: a.id,
          ratioPercent: a.ratio_percent,
          usPosted: BigInt(a.us_posted),
          cnPending: BigInt(a.cn_pending),
          cnPosted: BigInt(a.cn_posted),
          blocked: a.blocked,
          blockedCnMax: a.blocked_cn_max === null ? null : BigInt(a.blocked_cn_max),
          enforced: a.enforced,
        },
      ]),
    ),
  };
}

/** Decides every request in order; returns results and the accepted reservations. */
function decideAll(
  items: readonly ReserveItem[],
  now: Date,
  existing: Map<string, { product_id: string; units: bigint; amount: bigint }>,
  accounts: Map<string, Account>,
): { results: ReserveResult[]; accepted: Accepted[] } {
  const results: ReserveResult[] = [];
  const accepted: Accepted[] = [];
  const created = new Map<string, Reservation>();
  for (const item of items) {
    const request = {
      ...item.input,
      reservedAt: now,
      expiresAt: new Date(now.getTime() + item.input.holdMs),
    };
    const derived = deriveReserve(item.policy, request);
    if (!derived.amount || !derived.accountIds) {
      results.push({ status: derived.status });
      continue;
    }
    const shaped = { amount: derived.amount, accountIds: derived.accountIds };
    const stored = existing.get(item.input.id);
    const prior: Reservation | undefined =
      created.get(item.input.id) ??
      (stored && {
        id: item.input.id,
        productId: stored.product_id,
        units: stored.units,
        amount: stored.amount,
        accountIds: [],
        state: "pending",
        reservedAt: now,
        expiresAt: now,
      });
    const status = decideReserve(item.policy.ratioPercent, request, shaped, prior, accounts);
    results.push(status === "ok" ? { status, amount: shaped.amount } : { status });
    if (status !== "ok") continue;
    for (const [index, id] of shaped.accountIds.entries()) {
      const account = accounts.get(id) ?? openAccount(id, item.policy);
      account.cnPending += shaped.amount;
      if (index === 0) account.enforced = true;
      accounts.set(id, account);
    }
    const reservation: Reservation = {
      id: item.input.id,
      productId: item.input.productId,
      units: item.input.units,
      amount: shaped.amount,
      accountIds: shaped.accountIds,
      state: "pending",
      reservedAt: now,
      expiresAt: request.expiresAt,
    };
    created.set(reservation.id, reservation);
    accepted.push({ item, reservation });
  }
  return { results, accepted };
}

const openAccount = (id: string, policy: CapPolicy): Account => ({
  id,
  ratioPercent: policy.ratioPercent,
  usPosted: 0n,
  cnPending: 0n,
  cnPosted: 0n,
  blocked: false,
  blockedCnMax: null,
  enforced: policy.window.kind !== "rolling",
});

/** Decides and applies a batch of reservations inside `tx`; results are in request order. */
export async function reserveBatchTx(
  tx: Tx,
  items: readonly ReserveItem[],
  now: Date,
): Promise<ReserveResult[]> {
  const accountIds = new Set<string>();
  for (const item of items) {
    const derived = deriveReserve(item.policy, {
      ...item.input,
      reservedAt: now,
      expiresAt: new Date(now.getTime() + 1),
    });
    for (const id of derived.accountIds ?? []) accountIds.add(id);
  }
  const { existing, accounts } = await load(
    tx,
    [...new Set(items.map((item) => item.input.id))],
    [...accountIds],
  );
  const known = new Set(accounts.keys());
  const { results, accepted } = decideAll(items, now, existing, accounts);
  if (accepted.length > 0) await apply(tx, accepted, known, now);
  return results;
}

function perAccount(accepted: readonly Accepted[]) {
  const byAccount = new Map<string, { pending: bigint; guard: boolean; ratio: number; enforced: boolean }>();
  for (const { item, reservation } of accepted) {
    for (const [index, id] of reservation.accountIds.entries()) {
      const entry = byAccount.get(id) ?? {
        pending: 0n,
        guard: false,
        ratio: item.policy.ratioPercent,
        enforced: item.policy.window.kind !== "rolling",
      };
      entry.pending += reservation.amount;
      entry.guard ||= index === 0;
      byAccount.set(id, entry);
    }
  }
  return byAccount;
}

function movements(accepted: readonly Accepted[]) {
  const refs: string[] = [];
  const accounts: string[] = [];
  const amounts: bigint[] = [];
  for (const { reservation } of accepted) {
    for (const id of reservation.accountIds) {
      refs.push(reservation.id);
      accounts.push(id);
      amounts.push(reservation.amount);
    }
  }
  return { refs, accounts, amounts };
}

function auditEntries(accepted: readonly Accepted[], now: Date): PendingEntry[] {
  return pendingEntries(
    accepted.map(({ reservation: r }) => ({
      kind: "ledger.reserve",
      payload: toAuditJson({
        id: r.id,
        productId: r.productId,
        units: r.units,
        amount: r.amount,
        accountIds: r.accountIds,
        expiresAt: r.expiresAt.toISOString(),
      }),
    })),
    now,
    systemActor("ledger"),
  );
}

/**
 * Applies the batch in ONE statement: reservations, the guarded account update, movements, audit
 * entries (pending, for the integrator). All or nothing; the guard count is checked before commit.
 */
const applySql = `
  WITH ins AS (
    INSERT INTO ledger_reservations (id, product_id, units, amount, account_ids, state, reserved_at, expires_at, reference)
    SELECT r.id, r.product_id, r.units, r.amount, string_to_array(r.account_ids, '|'), 'pending', $7, r.expires_at, r.reference::jsonb
    FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::timestamptz[], $8::text[])
      AS r (id, product_id, units, amount, account_ids, expires_at, reference)),
  d AS (SELECT * FROM unnest($9::text[], $10::bigint[], $11::boolean[]) AS d (id, pending, guard)),
  upd AS (
    UPDATE ledger_accounts a SET cn_pending = a.cn_pending + d.pending, enforced = a.enforced OR d.guard
    FROM d WHERE a.id = d.id AND (NOT d.guard OR (NOT a.blocked AND
      100 * (a.cn_pending + d.pending + a.cn_posted)::numeric <= a.ratio_percent::numeric * a.us_posted))
    RETURNING a.id),
  mv AS (
    INSERT INTO ledger_movements (id, account_id, op, ref_id, d_us_posted, d_cn_pending, d_cn_posted, at)
    SELECT 'reserve:' || m.ref || ':' || m.account, m.account, 'reserve', m.ref, 0, m.amount, 0, $7
    FROM unnest($12::text[], $13::text[], $14::bigint[]) AS m (ref, account, amount)),
  log AS (INSERT INTO log_pending (id, entry) SELECT * FROM unnest($15::text[], $16::text[]))
  SELECT count(*) AS n FROM upd`;

async function apply(tx: Tx, accepted: readonly Accepted[], known: Set<string>, now: Date): Promise<void> {
  const byAccount = perAccount(accepted);
  const missing = [...byAccount.entries()].filter(([id]) => !known.has(id));
  if (missing.length > 0) {
    // A separate statement: sibling CTEs would not see the rows it creates.
    await tx.query(
      `INSERT INTO ledger_accounts (id, ratio_percent, enforced)
       SELECT * FROM unnest($1::text[], $2::int[], $3::boolean[]) ON CONFLICT (id) DO NOTHING`,
      [missing.map(([id]) => id), missing.map(([, e]) => e.ratio), missing.map(([, e]) => e.enforced)],
    );
  }
  const m = movements(accepted);
  const entries = auditEntries(accepted, now);
  const { rows } = await tx.query<{ n: bigint }>(applySql, [
    accepted.map((a) => a.reservation.id),
    accepted.map((a) => a.reservation.productId),
    accepted.map((a) => a.reservation.units),
    accepted.map((a) => a.reservation.amount),
    accepted.map((a) => a.reservation.accountIds.join("|")),
    accepted.map((a) => a.reservation.expiresAt),
    now,
    accepted.map((a) =>
      a.item.input.reference === undefined ? null : JSON.stringify(a.item.input.reference),
    ),
    [...byAccount.keys()],
    [...byAccount.values()].map((e) => e.pending),
    [...byAccount.values()].map((e) => e.guard),
    m.refs,
    m.accounts,
    m.amounts,
    entries.map((e) => e.id),
    entries.map((e) => e.entry),
  ]);
  if (Number(rows[0]?.n ?? 0) !== byAccount.size) {
    throw new Error(
      "ledger guard disagreement on a reservation batch: the conditional update refused what the core allowed",
    );
  }
}
