// The volume-cap ledger over the store. Each operation is one SERIALIZABLE transaction (retried on
// 40001/40P01 by the store): read the rows it needs, decide with the pure core (first guard),
// apply with a conditional UPDATE that re-checks the cap (second guard) under the accounts' CHECK
// constraint (third guard), and append the operation to the audit chain in the same transaction.
// Refusals change nothing and are not audited. The clock is a port.
import { systemActor } from "../../core/audit/actor.ts";
import {
  type Account,
  afterUsReverse,
  decideReserve,
  decideSettle,
  decideUsPost,
  decideUsReverse,
  deriveReserve,
  deriveUsPost,
  type Reservation,
  type ReservationState,
  type ReserveStatus,
  type SettleStatus,
  type UsPosting,
  type UsPostStatus,
  type UsReversal,
  type UsReverseStatus,
} from "../../core/ledger/ledger.ts";
import type { CapPolicy } from "../../core/ledger/policy.ts";
import { appendAudit, appendAuditJson } from "./audit.ts";
import { type ReserveItem, type ReserveResult, reserveBatchMax, reserveBatchTx } from "./reserve-batch.ts";
import type { Store, TransactionOptions, Tx } from "./store.ts";

export type Clock = () => Date;

export interface SqlLedgerOptions {
  /** Queue writers on the audit chain lock instead of letting them abort each other (default on). */
  lockAuditChain?: boolean;
  attemptsMax?: number;
  /**
   * Group commit: concurrent `reserve` calls are decided together in one transaction (default on;
   * the outcome equals running them one by one in arrival order). See reserve-batch.ts.
   */
  batchReservations?: boolean;
}

export const usPostBatchColumns = ["id", "productId", "units", "shippedOn", "customer", "amount"] as const;

const usPostBatchTxOptions: TransactionOptions = { isolation: "read committed", lockAuditChain: false };

/** Reservations expired per call of `expire`; call again while it returns a full batch. */
export const expireBatchMax = 500;

interface AccountRow {
  id: string;
  ratio_percent: number;
  us_posted: bigint;
  cn_pending: bigint;
  cn_posted: bigint;
  blocked: boolean;
  blocked_cn_max: bigint | null;
  enforced: boolean;
}

const accountFromRow = (row: AccountRow): Account => ({
  id: row.id,
  ratioPercent: row.ratio_percent,
  usPosted: row.us_posted,
  cnPending: row.cn_pending,
  cnPosted: row.cn_posted,
  blocked: row.blocked,
  blockedCnMax: row.blocked_cn_max,
  enforced: row.enforced,
});

async function loadAccounts(tx: Tx, ids: readonly string[]): Promise<Map<string, Account>> {
  const { rows } = await tx.query<AccountRow>("SELECT * FROM ledger_accounts WHERE id = ANY($1::text[])", [
    ids,
  ]);
  return new Map(rows.map((row) => [row.id, accountFromRow(row)]));
}

interface ReservationRow {
  id: string;
  product_id: string;
  units: bigint;
  amount: bigint;
  account_ids: string[];
  state: ReservationState;
  reserved_at: Date;
  expires_at: Date;
}

const reservationFromRow = (row: ReservationRow): Reservation => ({
  id: row.id,
  productId: row.product_id,
  units: row.units,
  amount: row.amount,
  accountIds: row.account_ids,
  state: row.state,
  reservedAt: row.reserved_at,
  expiresAt: row.expires_at,
});

async function loadReservation(tx: Tx, id: string): Promise<Reservation | undefined> {
  const { rows } = await tx.query<ReservationRow>("SELECT * FROM ledger_reservations WHERE id = $1", [id]);
  return rows[0] ? reservationFromRow(rows[0]) : undefined;
}

/** True iff the cap holds for new totals; the same expression the CHECK constraint uses. */
const withinSql = (us: string, cn: string) => `100 * (${cn})::numeric <= a.ratio_percent::numeric * (${us})`;

/**
 * Adds deltas to accounts, sets `blocked` from the new balances (blocking freezes China's total,
 * headroom unblocks; only enforced accounts block) and records one movement per account. With
 * `guardAccountId`, that account becomes enforced and is only updated if it is not blocked and stays
 * within the cap: the caller compares the count and aborts otherwise.
 */
async function applyDeltas(
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
async function ensureAccounts(tx: Tx, accountIds: readonly string[], policy: CapPolicy): Promise<void> {
  await tx.query(
    `INSERT INTO ledger_accounts (id, ratio_percent, enforced) SELECT unnest($1::text[]), $2, $3
     ON CONFLICT (id) DO NOTHING`,
    [accountIds, policy.ratioPercent, policy.window.kind !== "rolling"],
  );
}

/** A guard below the pure core disagreed with it: a bug, never a user error. */
const guardDisagreement = (op: string, id: string) =>
  new Error(`ledger guard disagreement on ${op} ${id}: the conditional update refused what the core allowed`);

export interface ReserveInput {
  id: string;
  productId: string;
  units: bigint;
  tppPerUnit?: number | undefined;
  /** How long the reservation holds before it expires. */
  holdMs: number;
  reference?: unknown;
}

export interface UsPostInput {
  id: string;
  productId: string;
  units: bigint;
  tppPerUnit?: number | undefined;
  shippedOn: string;
  customer?: string | undefined;
}

export interface UsReverseInput {
  id: string;
  postingId: string;
  units: bigint;
  reason?: string | undefined;
}

export type UsReverseResult = { status: UsReverseStatus; amount?: bigint; alerts: LedgerAlert[] };

export interface LedgerAlert {
  id: string;
  accountId: string;
  kind: "cap_breached_by_us_reversal";
  details: Record<string, string | number>;
}

export class SqlLedger {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #txOptions: TransactionOptions;
  readonly #batching: boolean;
  #queue: {
    item: ReserveItem;
    resolve: (result: ReserveResult) => void;
    reject: (error: unknown) => void;
  }[] = [];
  #draining = false;
  /** Reservation batches committed, and requests in them (for benchmarks). */
  readonly batchStats = { batches: 0, requests: 0 };

  constructor(store: Store, clock: Clock, options: SqlLedgerOptions = {}) {
    this.#store = store;
    this.#clock = clock;
    this.#batching = options.batchReservations ?? true;
    this.#txOptions = {
      isolation: "serializable",
      lockAuditChain: options.lockAuditChain ?? true,
      ...(options.attemptsMax === undefined ? {} : { attemptsMax: options.attemptsMax }),
    };
  }

  get store(): Store {
    return this.#store;
  }

  reserve(policy: CapPolicy, input: ReserveInput): Promise<{ status: ReserveStatus; amount?: bigint }> {
    if (!this.#batching)
      return this.#store.transaction((tx) => this.reserveTx(tx, policy, input), this.#txOptions);
    return new Promise((resolve, reject) => {
      this.#queue.push({ item: { policy, input }, resolve, reject });
      void this.#drain();
    });
  }

  /** Runs queued reservations batch after batch; one batch transaction in flight per ledger. */
  async #drain(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, reserveBatchMax);
        try {
          const results = await this.#store.transaction(
            (tx) =>
              reserveBatchTx(
                tx,
                batch.map((queued) => queued.item),
                this.#clock(),
              ),
            this.#txOptions,
          );
          this.batchStats.batches++;
          this.batchStats.requests += batch.length;
          for (const [index, queued] of batch.entries()) queued.resolve(results[index] as ReserveResult);
        } catch (error) {
          for (const queued of batch) queued.reject(error);
        }
      }
    } finally {
      this.#draining = false;
    }
  }

  /** The same inside the caller's transaction (SERIALIZABLE, ideally with lockAuditChain). */
  async reserveTx(
    tx: Tx,
    policy: CapPolicy,
    input: ReserveInput,
  ): Promise<{ status: ReserveStatus; amount?: bigint }> {
    const now = this.#clock();
    const request = { ...input, reservedAt: now, expiresAt: new Date(now.getTime() + input.holdMs) };
    const derived = deriveReserve(policy, request);
    if (!derived.amount || !derived.accountIds) return { status: derived.status };
    const shaped = { amount: derived.amount, accountIds: derived.accountIds };
    const existing = await loadReservation(tx, input.id);
    const accounts = existing ? new Map() : await loadAccounts(tx, shaped.accountIds);
    const status = decideReserve(policy.ratioPercent, request, shaped, existing, accounts);
    if (status !== "ok") return { status };
    await tx.query(
      `INSERT INTO ledger_reservations
         (id, product_id, units, amount, account_ids, state, reserved_at, expires_at, reference)
       VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8)`,
      [
        input.id,
        input.productId,
        input.units,
        shaped.amount,
        shaped.accountIds,
        now,
        request.expiresAt,
        input.reference === undefined ? null : JSON.stringify(input.reference),
      ],
    );
    if (shaped.accountIds.length > accounts.size) await ensureAccounts(tx, shaped.accountIds, policy);
    const moved = await applyDeltas(tx, {
      ...shaped,
      dUs: 0n,
      dPending: shaped.amount,
      dPosted: 0n,
      guardAccountId: shaped.accountIds[0] ?? null,
      op: "reserve",
      refId: input.id,
      at: now,
    });
    if (moved !== shaped.accountIds.length) throw guardDisagreement("reserve", input.id);
    await appendAudit(
      tx,
      "ledger.reserve",
      {
        id: input.id,
        productId: input.productId,
        units: input.units,
        amount: shaped.amount,
        accountIds: shaped.accountIds,
        expiresAt: request.expiresAt.toISOString(),
      },
      now,
      systemActor("ledger"),
    );
    return { status, amount: shaped.amount };
  }

  /** Ships against a pending reservation: its amount moves from pending to posted. */
  post(id: string): Promise<{ status: SettleStatus }> {
    return this.#settle("post", id);
  }

  postTx(tx: Tx, id: string): Promise<{ status: SettleStatus }> {
    return this.settleTx(tx, "post", id);
  }

  voidTx(tx: Tx, id: string): Promise<{ status: SettleStatus }> {
    return this.settleTx(tx, "void", id);
  }

  /** Releases a pending reservation (order cancelled). */
  void(id: string): Promise<{ status: SettleStatus }> {
    return this.#settle("void", id);
  }

  #settle(kind: "post" | "void", id: string): Promise<{ status: SettleStatus }> {
    return this.#store.transaction((tx) => this.settleTx(tx, kind, id), this.#txOptions);
  }

  /** The same inside the caller's transaction (SERIALIZABLE, ideally with lockAuditChain). */
  async settleTx(tx: Tx, kind: "post" | "void", id: string): Promise<{ status: SettleStatus }> {
    const now = this.#clock();
    const reservation = await loadReservation(tx, id);
    const status = decideSettle(kind, reservation, now);
    if (status !== "ok" || !reservation) return { status };
    await this.#finish(tx, reservation, kind === "post" ? "posted" : "voided", now);
    return { status };
  }

  async #finish(tx: Tx, reservation: Reservation, state: ReservationState, now: Date): Promise<void> {
    await tx.query("UPDATE ledger_reservations SET state = $2, settled_at = $3 WHERE id = $1", [
      reservation.id,
      state,
      now,
    ]);
    const op = state === "posted" ? "post" : state === "voided" ? "void" : "expire";
    const dPosted = state === "posted" ? reservation.amount : 0n;
    const moved = await applyDeltas(tx, {
      accountIds: reservation.accountIds,
      dUs: 0n,
      dPending: -reservation.amount,
      dPosted,
      guardAccountId: null,
      op,
      refId: reservation.id,
      at: now,
    });
    if (moved !== reservation.accountIds.length) throw guardDisagreement(op, reservation.id);
    await appendAudit(
      tx,
      `ledger.${op}`,
      { id: reservation.id, amount: reservation.amount },
      now,
      systemActor("ledger"),
    );
  }

  /** Expires pending reservations whose hold has passed, oldest first, at most expireBatchMax. */
  expire(): Promise<{ expired: string[] }> {
    return this.#store.transaction((tx) => this.expireTx(tx), this.#txOptions);
  }

  /** The same inside the caller's transaction (SERIALIZABLE, ideally with lockAuditChain). */
  async expireTx(tx: Tx): Promise<{ expired: string[] }> {
    const now = this.#clock();
    const { rows } = await tx.query<ReservationRow>(
      `SELECT * FROM ledger_reservations WHERE state = 'pending' AND expires_at <= $1
       ORDER BY expires_at, id COLLATE "C" LIMIT $2`,
      [now, expireBatchMax],
    );
    for (const row of rows) await this.#finish(tx, reservationFromRow(row), "expired", now);
    return { expired: rows.map((row) => row.id) };
  }

  usPost(policy: CapPolicy, input: UsPostInput): Promise<{ status: UsPostStatus; amount?: bigint }> {
    return this.#store.transaction((tx) => this.usPostTx(tx, policy, input), this.#txOptions);
  }

  /** The same inside the caller's transaction (SERIALIZABLE, ideally with lockAuditChain). */
  async usPostTx(
    tx: Tx,
    policy: CapPolicy,
    input: UsPostInput,
  ): Promise<{ status: UsPostStatus; amount?: bigint }> {
    const now = this.#clock();
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
    await appendAudit(tx, "ledger.us_post", { ...input, amount, accountIds }, now, systemActor("ledger"));
    return { status, amount };
  }

  /**
   * Reverses units of a US posting. Recorded even when it breaks the cap: the affected accounts
   * become blocked (China frozen, new reservations refused) and an alert is raised for each.
   */
  usReverse(input: UsReverseInput): Promise<UsReverseResult> {
    return this.#store.transaction((tx) => this.usReverseTx(tx, input), this.#txOptions);
  }

  /** The same inside the caller's transaction (SERIALIZABLE, ideally with lockAuditChain). */
  async usReverseTx(tx: Tx, input: UsReverseInput): Promise<UsReverseResult> {
    const now = this.#clock();
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
    await appendAudit(tx, "ledger.us_reverse", { ...input, amount, alerts }, now, systemActor("ledger"));
    return { status: decided.status, amount, alerts };
  }

  /**
   * Posts many US shipments in one transaction (bulk import): the rows are copied into a staging
   * table (COPY; PGlite: one multi-row insert), then one statement inserts the new ones (ids already
   * stored are skipped: the caller checked beforehand that they are identical, see
   * usPostingConflicts), adds their amounts to each account once and records one movement per
   * account. The batch is one audit entry with the count and a SHA-256 digest of the posted rows.
   *
   * It runs READ COMMITTED, so that batches on several connections overlap their inserts and only
   * queue on the audit chain head at the end. That is safe here, and only here: a US posting only
   * adds credit (`us_posted + amount`, re-evaluated on the latest row), and the invariant
   * `cn ≤ ratio × us` is monotone in us, so no interleaving with any other operation can break it;
   * a concurrent SERIALIZABLE reservation that read the old row aborts with 40001 and retries.
   */
  usPostBatch(
    policy: CapPolicy,
    rows: readonly (UsPostInput & { amount: bigint; accountIds: string[] })[],
    batchId: string,
  ): Promise<{ posted: number; existing: number }> {
    return this.#store.transaction(async (tx) => {
      const now = this.#clock();
      await ensureAccounts(tx, distinctAccountIds(rows), policy);
      const staged = await stageUsPostings(tx, rows, this.#store.driver);
      const applied = await applyStagedUsPostings(tx, staged, batchId, now);
      if (applied.moved !== applied.accounts) throw guardDisagreement("us_post_batch", batchId);
      if (applied.posted > 0) {
        await appendAuditJson(
          tx,
          "ledger.us_post_batch",
          {
            batchId,
            columns: [...usPostBatchColumns],
            posted: applied.posted,
            rowsSha256: applied.rowsSha256,
          },
          now,
          systemActor("ledger"),
        );
      }
      return { posted: applied.posted, existing: rows.length - applied.posted };
    }, usPostBatchTxOptions);
  }

  async accounts(prefix = ""): Promise<Account[]> {
    const { rows } = await this.#store.query<AccountRow>(
      'SELECT * FROM ledger_accounts WHERE starts_with(id, $1) ORDER BY id COLLATE "C"',
      [prefix],
    );
    return rows.map(accountFromRow);
  }

  async alerts(): Promise<(LedgerAlert & { raisedAt: Date })[]> {
    const { rows } = await this.#store.query<{
      id: string;
      account_id: string;
      kind: LedgerAlert["kind"];
      raised_at: Date;
      details: LedgerAlert["details"];
    }>(`SELECT * FROM ledger_alerts ORDER BY raised_at, id COLLATE "C"`);
    return rows.map((row) => ({
      id: row.id,
      accountId: row.account_id,
      kind: row.kind,
      raisedAt: row.raised_at,
      details: row.details,
    }));
  }
}

function newlyBlocked(before: Map<string, Account>, amount: bigint): Account[] {
  return [...before.values()]
    .filter((account) => !account.blocked)
    .map((account) => afterUsReverse(account, amount))
    .filter((account) => account.blocked);
}

function breachAlert(reversalId: string, account: Account): LedgerAlert {
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

interface UsPostingRow {
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

/** Inserts postings (many rows in one statement) and creates their accounts if missing. */
export async function insertUsPostings(
  tx: Tx,
  postings: readonly (UsPostInput & { amount: bigint; accountIds: string[] })[],
  policy: CapPolicy,
  now: Date,
): Promise<Set<string>> {
  await ensureAccounts(tx, [...new Set(postings.flatMap((posting) => posting.accountIds))], policy);
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO ledger_us_postings (id, product_id, units, amount, shipped_on, account_ids, customer, posted_at)
     SELECT p.id, p.product_id, p.units, p.amount, p.shipped_on, string_to_array(p.account_ids, '|'), p.customer, $8
     FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::date[], $6::text[], $7::text[])
       AS p (id, product_id, units, amount, shipped_on, account_ids, customer)
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [
      postings.map((p) => p.id),
      postings.map((p) => p.productId),
      postings.map((p) => p.units),
      postings.map((p) => p.amount),
      postings.map((p) => p.shippedOn),
      postings.map((p) => p.accountIds.join("|")),
      postings.map((p) => p.customer ?? null),
      now,
    ],
  );
  return new Set(rows.map((row) => row.id));
}

type StagedPosting = UsPostInput & { amount: bigint; accountIds: string[] };

/** Account ids of a batch, each once (rows of a batch share few accounts). */
function distinctAccountIds(rows: readonly StagedPosting[]): string[] {
  const seen = new Set<string>();
  let last: string[] | undefined;
  for (const row of rows) {
    if (row.accountIds === last) continue;
    last = row.accountIds;
    for (const id of row.accountIds) seen.add(id);
  }
  return [...seen];
}

/** COPY text format: backslash, tab and line breaks escaped, null as \N. */
const copyText = (value: string) =>
  /[\\\t\n\r]/.test(value)
    ? value.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r")
    : value;

const stageColumns = "id, product_id, units, amount, shipped_on, account_ids, customer";

/**
 * Where the apply statement reads the batch from. PostgreSQL: the session's staging table (created
 * on first use, emptied at commit), filled by COPY. PGlite's socket server does not speak the COPY
 * sub-protocol, so there the batch travels as arrays in the statement itself. The account ids travel
 * joined by `|`, which no account id contains (see accountIdsFor).
 */
async function stageUsPostings(
  tx: Tx,
  rows: readonly StagedPosting[],
  driver: string,
): Promise<{ source: string; params: unknown[] }> {
  if (driver !== "postgres") {
    return {
      source: `unnest($3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::date[], $8::text[], $9::text[])
               AS s (${stageColumns})`,
      params: [
        rows.map((p) => p.id),
        rows.map((p) => p.productId),
        rows.map((p) => p.units),
        rows.map((p) => p.amount),
        rows.map((p) => p.shippedOn),
        rows.map((p) => p.accountIds.join("|")),
        rows.map((p) => p.customer ?? null),
      ],
    };
  }
  await tx.query(
    `CREATE TEMP TABLE IF NOT EXISTS us_postings_stage (id text NOT NULL, product_id text NOT NULL,
       units bigint NOT NULL, amount bigint NOT NULL, shipped_on date NOT NULL, account_ids text NOT NULL,
       customer text) ON COMMIT DELETE ROWS`,
  );
  let data = "";
  for (const p of rows) {
    const customer = p.customer === undefined ? "\\N" : copyText(p.customer);
    data += `${copyText(p.id)}\t${copyText(p.productId)}\t${p.units}\t${p.amount}\t${p.shippedOn}\t${copyText(p.accountIds.join("|"))}\t${customer}\n`;
  }
  await tx.copyFrom(`COPY us_postings_stage (${stageColumns}) FROM STDIN`, data);
  return { source: "us_postings_stage s", params: [] };
}

/**
 * One statement over the staged batch: inserts the postings not stored yet, adds their amounts per
 * account (unblocking where headroom returns), records one movement per account, and returns the
 * count and digest of the rows it inserted (see docs/ledger.md for the digest's exact input).
 */
async function applyStagedUsPostings(
  tx: Tx,
  staged: { source: string; params: unknown[] },
  batchId: string,
  at: Date,
): Promise<{ posted: number; accounts: number; moved: number; rowsSha256: string }> {
  const us = "a.us_posted + d.amount";
  const cn = "a.cn_pending + a.cn_posted";
  const { rows } = await tx.query<{ posted: bigint; accounts: bigint; moved: bigint; digest: string }>(
    `WITH ins AS (
       INSERT INTO ledger_us_postings (id, product_id, units, amount, shipped_on, account_ids, customer, posted_at)
       SELECT s.id, s.product_id, s.units, s.amount, s.shipped_on, string_to_array(s.account_ids, '|'), s.customer, $2
       FROM ${staged.source}
       ON CONFLICT (id) DO NOTHING
       RETURNING id, product_id, units, shipped_on, customer, amount, account_ids),
     d AS (SELECT acc AS id, sum(ins.amount)::bigint AS amount FROM ins, unnest(ins.account_ids) AS acc GROUP BY acc),
     upd AS (
       UPDATE ledger_accounts a SET
         us_posted = ${us},
         blocked = a.enforced AND NOT (${withinSql(us, cn)}),
         blocked_cn_max = CASE WHEN NOT a.enforced OR ${withinSql(us, cn)} THEN NULL ELSE LEAST(a.blocked_cn_max, ${cn}) END
       FROM d WHERE a.id = d.id
       RETURNING a.id, d.amount),
     mov AS (
       INSERT INTO ledger_movements (id, account_id, op, ref_id, d_us_posted, d_cn_pending, d_cn_posted, at)
       SELECT 'us_post_batch:' || $1 || ':' || upd.id, upd.id, 'us_post_batch', $1, upd.amount, 0, 0, $2 FROM upd
       RETURNING 1)
     SELECT (SELECT count(*) FROM ins) AS posted, (SELECT count(*) FROM d) AS accounts,
            (SELECT count(*) FROM mov) AS moved,
            (SELECT encode(sha256(convert_to(coalesce(string_agg(
               concat_ws(E'\t', id, product_id, units::text, to_char(shipped_on, 'YYYY-MM-DD'), coalesce(customer, ''), amount::text) || E'\n',
               '' ORDER BY id COLLATE "C"), ''), 'UTF8')), 'hex') FROM ins) AS digest`,
    [batchId, at, ...staged.params],
  );
  const row = rows[0];
  if (!row) throw new Error("us_post_batch: the apply statement returned no row");
  return {
    posted: Number(row.posted),
    accounts: Number(row.accounts),
    moved: Number(row.moved),
    rowsSha256: row.digest,
  };
}

/**
 * Ids of stored postings that differ from the given rows, with the first differing field. The rows
 * are looked up in chunks, the chunks concurrently (on the pool's connections).
 */
export async function usPostingConflicts(
  store: Store,
  rows: readonly (UsPostInput & { amount: bigint })[],
): Promise<{ id: string; field: string }[]> {
  const chunkRowsMax = 10_000;
  const chunks: (typeof rows)[] = [];
  for (let start = 0; start < rows.length; start += chunkRowsMax)
    chunks.push(rows.slice(start, start + chunkRowsMax));
  const found = await Promise.all(chunks.map((chunk) => chunkConflicts(store, chunk)));
  return found.flat();
}

async function chunkConflicts(
  store: Store,
  chunk: readonly (UsPostInput & { amount: bigint })[],
): Promise<{ id: string; field: string }[]> {
  const { rows: stored } = await store.query<UsPostingRow>(
    `SELECT id, product_id, units, amount, to_char(shipped_on, 'YYYY-MM-DD') AS shipped_on
     FROM ledger_us_postings WHERE id = ANY($1::text[])`,
    [chunk.map((row) => row.id)],
  );
  if (stored.length === 0) return [];
  const byId = new Map(chunk.map((row) => [row.id, row]));
  const conflicts: { id: string; field: string }[] = [];
  for (const old of stored) {
    const row = byId.get(old.id);
    if (!row) continue;
    const field =
      old.product_id !== row.productId
        ? "product"
        : old.units !== row.units
          ? "units"
          : old.shipped_on !== row.shippedOn
            ? "shipped_on"
            : old.amount !== row.amount
              ? "amount"
              : undefined;
    if (field) conflicts.push({ id: old.id, field });
  }
  return conflicts;
}
