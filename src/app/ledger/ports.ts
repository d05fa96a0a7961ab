// The cap ledger as the use cases need it: the operations of the volume-cap ledger (reserve, post,
// void, expire; US post and reversal) and a read of its accounts, with the statuses of
// src/core/ledger/ledger.ts. Implemented on SQL by SqlLedger (src/adapters/db/ledger/sql-ledger.ts) and in
// memory by InMemoryLedger (./in-memory.ts); one contract suite (test/ledger/contract.test.ts)
// runs against both. Instants come from the implementation's clock port, never from the caller.

import type { CapPolicy } from "../../core/ledger/cap-policy.ts";
import type {
  Account,
  ReserveStatus,
  SettleStatus,
  UsPostStatus,
  UsReverseStatus,
} from "../../core/ledger/ledger.ts";

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

export interface LedgerAlert {
  id: string;
  accountId: string;
  kind: "cap_breached_by_us_reversal";
  details: Record<string, string | number>;
}

export type UsReverseResult = { status: UsReverseStatus; amount?: bigint; alerts: LedgerAlert[] };

export interface CapLedger {
  reserve(policy: CapPolicy, input: ReserveInput): Promise<{ status: ReserveStatus; amount?: bigint }>;
  /** Ships against a pending reservation: its amount moves from pending to posted. */
  post(id: string): Promise<{ status: SettleStatus }>;
  /** Releases a pending reservation (order cancelled). */
  void(id: string): Promise<{ status: SettleStatus }>;
  /** Expires pending reservations whose hold has passed, oldest first, a bounded batch per call. */
  expire(): Promise<{ expired: string[] }>;
  usPost(policy: CapPolicy, input: UsPostInput): Promise<{ status: UsPostStatus; amount?: bigint }>;
  usReverse(input: UsReverseInput): Promise<UsReverseResult>;
  /** Accounts whose id starts with `prefix`, ordered by id (byte order). */
  accounts(prefix?: string): Promise<Account[]>;
}

/** One row of a bulk US-shipment import: the posting with its amount and the accounts it credits. */
export type UsPostingRow = UsPostInput & { amount: bigint; accountIds: string[] };

/** Bulk US postings (`sluice import us-shipments`): conflicts first, then batches, one unit each. */
export interface UsPostingBatches {
  /** Rows whose id is already posted with other values: the field that differs. */
  usPostingConflicts(
    rows: readonly (UsPostInput & { amount: bigint })[],
  ): Promise<{ id: string; field: string }[]>;
  /** Posts one batch in one unit of work; rows already posted are counted as existing. */
  usPostBatch(
    policy: CapPolicy,
    rows: readonly UsPostingRow[],
    batchId: string,
  ): Promise<{ posted: number; existing: number }>;
}
