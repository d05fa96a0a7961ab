// The volume-cap ledger over the store (SqlLedger; its rows, types and bulk US postings are in this
// folder). Each operation is one SERIALIZABLE transaction (retried on
// 40001/40P01 by the store): read the rows it needs, decide with the pure core (first guard),
// apply with a conditional UPDATE that re-checks the cap (second guard) under the accounts' CHECK
// constraint (third guard), and append the operation to the audit chain in the same transaction.
// Refusals change nothing and are not audited. The clock is a port.

import { v7 as uuidv7 } from "uuid";
import type { CapLedger } from "../../../app/ledger/ports.ts";
import type { Clock } from "../../../app/ports.ts";
import { type AuditActor, systemActor } from "../../../core/audit/actor.ts";
import type { CapPolicy } from "../../../core/ledger/cap-policy.ts";
import {
  type Account,
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
  type UsPostStatus,
  type UsReversal,
} from "../../../core/ledger/ledger.ts";
import { appendAudit, appendAuditJson } from "../audit.ts";
import type { Store, TransactionOptions, Tx } from "../store.ts";
import { type ReserveItem, type ReserveResult, reserveBatchMax, reserveBatchTx } from "./reserve-batch.ts";
import {
  type AccountRow,
  accountFromRow,
  applyDeltas,
  breachAlert,
  ensureAccounts,
  guardDisagreement,
  loadAccounts,
  loadReservation,
  loadUsPosting,
  newlyBlocked,
  type ReservationRow,
  reservationFromRow,
} from "./rows.ts";
import {
  expireBatchMax,
  type LedgerAlert,
  type ReserveInput,
  type SqlLedgerOptions,
  type UsPostInput,
  type UsReverseInput,
  type UsReverseResult,
  usPostBatchColumns,
  usPostBatchTxOptions,
} from "./types.ts";
import {
  applyStagedUsPostings,
  distinctAccountIds,
  insertUsPostings,
  stageUsPostings,
  usPostingConflicts,
} from "./us-postings.ts";

export class SqlLedger implements CapLedger {
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

  readonly #actor: AuditActor;

  constructor(store: Store, clock: Clock, options: SqlLedgerOptions = {}) {
    this.#store = store;
    this.#clock = clock;
    this.#batching = options.batchReservations ?? true;
    this.#actor = options.actor ?? systemActor("sluice ledger", uuidv7());
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
      this.#actor,
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
      this.#actor,
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
    await appendAudit(tx, "ledger.us_post", { ...input, amount, accountIds }, now, this.#actor);
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
    // The posting's accounts, so a replay of the log needs no other entry to apply it.
    const accountIds = posting.accountIds;
    await appendAudit(tx, "ledger.us_reverse", { ...input, amount, accountIds, alerts }, now, this.#actor);
    return { status: decided.status, amount, alerts };
  }

  /**
   * Posts many US shipments in one transaction (bulk import): the rows are copied into a staging
   * table (COPY; PGlite: one multi-row insert), then one statement inserts the new ones (ids already
   * stored are skipped: the caller checked beforehand that they are identical, see
   * usPostingConflicts), adds their amounts to each account once and records one movement per
   * account. The batch is one audit entry with the count, a SHA-256 digest of the posted rows and
   * the amount added to each account (for replay, `sluice audit reconcile`).
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
            // What `sluice audit reconcile` replays: the amount the batch added to each account.
            accountAmounts: applied.accountAmounts,
          },
          now,
          this.#actor,
        );
      }
      return { posted: applied.posted, existing: rows.length - applied.posted };
    }, usPostBatchTxOptions);
  }

  /** Rows of an import already posted with other values (see us-postings.ts). */
  usPostingConflicts(
    rows: readonly (UsPostInput & { amount: bigint })[],
  ): Promise<{ id: string; field: string }[]> {
    return usPostingConflicts(this.#store, rows);
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
