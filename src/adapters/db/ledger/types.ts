// The shapes the SQL ledger takes and returns (inputs, results, alerts) and its limits. Shared by
// the ledger's modules and its callers; the operations themselves are in sql-ledger.ts.

import type { AuditActor } from "../../../core/audit/actor.ts";
import type { TransactionOptions } from "../store.ts";

export interface SqlLedgerOptions {
  /** Queue writers on the audit chain lock instead of letting them abort each other (default on). */
  lockAuditChain?: boolean;
  attemptsMax?: number;
  /**
   * Group commit: concurrent `reserve` calls are decided together in one transaction (default on;
   * the outcome equals running them one by one in arrival order). See reserve-batch.ts.
   */
  batchReservations?: boolean;
  /** Who the ledger's audit entries name (issue #13); default: the system itself. */
  actor?: AuditActor;
}

export const usPostBatchColumns = ["id", "productId", "units", "shippedOn", "customer", "amount"] as const;

export const usPostBatchTxOptions: TransactionOptions = {
  isolation: "read committed",
  lockAuditChain: false,
};

/** Reservations expired per call of `expire`; call again while it returns a full batch. */
export const expireBatchMax = 500;

// The inputs and results are the ledger port's (src/app/ledger/ports.ts): one declaration each.
export type {
  LedgerAlert,
  ReserveInput,
  UsPostInput,
  UsReverseInput,
  UsReverseResult,
} from "../../../app/ledger/ports.ts";
