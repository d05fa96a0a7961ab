// The shapes the SQL ledger takes and returns (inputs, results, alerts) and its limits. Shared by
// the ledger's modules and its callers; the operations themselves are in sql-ledger.ts.

import type { AuditActor } from "../../../core/audit/actor.ts";
import type { UsReverseStatus } from "../../../core/ledger/ledger.ts";
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
