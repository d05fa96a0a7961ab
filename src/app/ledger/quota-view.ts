// What reading the cap needs from the ledger: its accounts and the alerts US reversals raised. The
// HTTP quota routes take this port (wired in src/compose.ts) instead of building a ledger on the
// store themselves; the SQL ledger satisfies it, and so can any in-memory ledger.
import type { Account } from "../../core/ledger/ledger.ts";

export interface QuotaAlert {
  readonly id: string;
  readonly accountId: string;
  readonly kind: string;
  readonly details: Record<string, string | number>;
  readonly raisedAt: Date;
}

export interface QuotaView {
  /** Accounts whose id starts with `prefix` ("" for all). */
  accounts(prefix?: string): Promise<Account[]>;
  /** Every alert raised, oldest first. */
  alerts(): Promise<QuotaAlert[]>;
}
