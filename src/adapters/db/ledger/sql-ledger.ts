// The volume-cap ledger over the store (SqlLedger; in this folder: the reservation side in
// reservations.ts, the US side in us-moves.ts, bulk US postings in us-postings.ts, grouped
// reservations in reserve-batch.ts, rows and types). Each operation is one SERIALIZABLE
// transaction (retried on 40001/40P01 by the store): read the rows it needs, decide with the pure
// core (first guard), apply with a conditional UPDATE that re-checks the cap (second guard) under
// the accounts' CHECK constraint (third guard), and append the operation to the audit chain in the
// same transaction. Refusals change nothing and are not audited. The clock is a port.

import { v7 as uuidv7 } from "uuid";
import type { CapLedger } from "../../../app/ledger/ports.ts";
import type { Clock } from "../../../app/ports.ts";
import { type AuditActor, systemActor } from "../../../core/audit/actor.ts";
import type { CapPolicy } from "../../../core/ledger/cap-policy.ts";
import type { Account, ReserveStatus, SettleStatus, UsPostStatus } from "../../../core/ledger/ledger.ts";
import { appendAuditJson } from "../audit.ts";
import type { Store, TransactionOptions, Tx } from "../store.ts";
import { expireInTx, reserveInTx, settleInTx } from "./reservations.ts";
import { type ReserveItem, type ReserveResult, reserveBatchMax, reserveBatchTx } from "./reserve-batch.ts";
import { type AccountRow, accountFromRow, ensureAccounts, guardDisagreement } from "./rows.ts";
import {
  type LedgerAlert,
  type ReserveInput,
  type SqlLedgerOptions,
  type UsPostInput,
  type UsReverseInput,
  type UsReverseResult,
  usPostBatchColumns,
  usPostBatchTxOptions,
} from "./types.ts";
import { usPostInTx, usReverseInTx } from "./us-moves.ts";
import {
  applyStagedUsPostings,
  distinctAccountIds,
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
    return reserveInTx(tx, policy, input, this.#clock(), this.#actor);
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
    return settleInTx(tx, kind, id, this.#clock(), this.#actor);
  }

  /** Expires pending reservations whose hold has passed, oldest first, at most expireBatchMax. */
  expire(): Promise<{ expired: string[] }> {
    return this.#store.transaction((tx) => this.expireTx(tx), this.#txOptions);
  }

  /** The same inside the caller's transaction (SERIALIZABLE, ideally with lockAuditChain). */
  async expireTx(tx: Tx): Promise<{ expired: string[] }> {
    return expireInTx(tx, this.#clock(), this.#actor);
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
    return usPostInTx(tx, policy, input, this.#clock(), this.#actor);
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
    return usReverseInTx(tx, input, this.#clock(), this.#actor);
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
