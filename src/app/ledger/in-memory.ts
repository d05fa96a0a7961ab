// An in-memory CapLedger: the same pure decisions as SqlLedger (deriveReserve, decideReserve,
// decideSettle, deriveUsPost, decideUsPost, decideUsReverse) and the same effects (amounts added to
// every account of the operation, `blocked` re-derived by `reblock`, the reservation's own account
// becoming enforced), over maps instead of rows. For the simulator and fast tests; it keeps no audit
// chain. Single-threaded: each operation runs to completion before the next, as SERIALIZABLE would.

import type { CapPolicy } from "../../core/ledger/cap-policy.ts";
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
  reblock,
  type SettleStatus,
  type UsPosting,
  type UsPostStatus,
  type UsReversal,
} from "../../core/ledger/ledger.ts";
import type {
  CapLedger,
  LedgerAlert,
  ReserveInput,
  UsPostInput,
  UsReverseInput,
  UsReverseResult,
} from "./ports.ts";

/** Reservations expired per call of `expire`, as SqlLedger's expireBatchMax. */
export const inMemoryExpireBatchMax = 500;

const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export class InMemoryLedger implements CapLedger {
  readonly #accounts = new Map<string, Account>();
  readonly #reservations = new Map<string, Reservation>();
  readonly #postings = new Map<string, UsPosting>();
  readonly #reversals = new Map<string, UsReversal>();
  readonly #alerts: LedgerAlert[] = [];

  constructor(private readonly clock: () => Date) {}

  async reserve(policy: CapPolicy, input: ReserveInput): Promise<{ status: ReserveStatus; amount?: bigint }> {
    return this.reserveNow(policy, input);
  }

  /** `reserve` without the promise, for callers that run many operations in a loop (the simulator). */
  reserveNow(policy: CapPolicy, input: ReserveInput): { status: ReserveStatus; amount?: bigint } {
    const now = this.clock();
    const request = { ...input, reservedAt: now, expiresAt: new Date(now.getTime() + input.holdMs) };
    const derived = deriveReserve(policy, request);
    if (!derived.amount || !derived.accountIds) return { status: derived.status };
    const shaped = { amount: derived.amount, accountIds: derived.accountIds };
    const existing = this.#reservations.get(input.id);
    const accounts = existing ? new Map<string, Account>() : this.#load(shaped.accountIds);
    const status = decideReserve(policy.ratioPercent, request, shaped, existing, accounts);
    if (status !== "ok") return { status };
    this.#reservations.set(input.id, {
      id: input.id,
      productId: input.productId,
      units: input.units,
      amount: shaped.amount,
      accountIds: shaped.accountIds,
      state: "pending",
      reservedAt: now,
      expiresAt: request.expiresAt,
    });
    this.#open(shaped.accountIds, policy);
    // As applyDeltas' guard account: the reservation's own window becomes enforced.
    this.#move(shaped.accountIds, 0n, shaped.amount, 0n, shaped.accountIds[0]);
    return { status, amount: shaped.amount };
  }

  async post(id: string): Promise<{ status: SettleStatus }> {
    return this.settleNow("post", id);
  }

  async void(id: string): Promise<{ status: SettleStatus }> {
    return this.settleNow("void", id);
  }

  settleNow(kind: "post" | "void", id: string): { status: SettleStatus } {
    const reservation = this.#reservations.get(id);
    const status = decideSettle(kind, reservation, this.clock());
    if (status !== "ok" || !reservation) return { status };
    this.#finish(reservation, kind === "post" ? "posted" : "voided");
    return { status };
  }

  async expire(): Promise<{ expired: string[] }> {
    const now = this.clock().getTime();
    const due = [...this.#reservations.values()]
      .filter((r) => r.state === "pending" && r.expiresAt.getTime() <= now)
      .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime() || byteOrder(a.id, b.id))
      .slice(0, inMemoryExpireBatchMax);
    for (const reservation of due) this.#finish(reservation, "expired");
    return { expired: due.map((r) => r.id) };
  }

  async usPost(policy: CapPolicy, input: UsPostInput): Promise<{ status: UsPostStatus; amount?: bigint }> {
    return this.usPostNow(policy, input);
  }

  usPostNow(policy: CapPolicy, input: UsPostInput): { status: UsPostStatus; amount?: bigint } {
    const derived = deriveUsPost(policy, input);
    if (!derived.amount || !derived.accountIds) return { status: derived.status };
    const { amount, accountIds } = derived;
    const existing = this.#postings.get(input.id);
    const accounts = existing ? new Map<string, Account>() : this.#load(accountIds);
    const status = decideUsPost(policy.ratioPercent, input, amount, existing, accounts);
    if (status !== "ok") return { status };
    this.#postings.set(input.id, {
      id: input.id,
      productId: input.productId,
      units: input.units,
      amount,
      shippedOn: input.shippedOn,
      accountIds,
      reversedUnits: 0n,
    });
    this.#open(accountIds, policy);
    this.#move(accountIds, amount, 0n, 0n, undefined);
    return { status, amount };
  }

  async usReverse(input: UsReverseInput): Promise<UsReverseResult> {
    const existing = this.#reversals.get(input.id);
    const posting = existing ? undefined : this.#postings.get(input.postingId);
    const decided = decideUsReverse(input, existing, posting);
    if (decided.status !== "ok" || !posting || decided.amount === undefined)
      return { status: decided.status, alerts: [] };
    const amount = decided.amount;
    const before = this.#load(posting.accountIds);
    this.#reversals.set(input.id, { id: input.id, postingId: posting.id, units: input.units, amount });
    posting.reversedUnits += input.units;
    this.#move(posting.accountIds, -amount, 0n, 0n, undefined);
    const alerts: LedgerAlert[] = [];
    for (const account of before.values()) {
      const after = this.#accounts.get(account.id) as Account;
      if (account.blocked || !after.blocked) continue;
      alerts.push({
        id: `${input.id}:${account.id}`,
        accountId: account.id,
        kind: "cap_breached_by_us_reversal",
        details: {
          reversalId: input.id,
          usPosted: after.usPosted.toString(),
          cnPending: after.cnPending.toString(),
          cnPosted: after.cnPosted.toString(),
          ratioPercent: after.ratioPercent,
        },
      });
    }
    this.#alerts.push(...alerts);
    return { status: decided.status, amount, alerts };
  }

  async accounts(prefix = ""): Promise<Account[]> {
    return this.accountsNow(prefix);
  }

  accountsNow(prefix = ""): Account[] {
    return [...this.#accounts.values()]
      .filter((account) => account.id.startsWith(prefix))
      .sort((a, b) => byteOrder(a.id, b.id))
      .map((account) => ({ ...account }));
  }

  /** One account by id, or undefined (a copy: callers cannot change the ledger through it). */
  account(id: string): Account | undefined {
    const account = this.#accounts.get(id);
    return account && { ...account };
  }

  alerts(): LedgerAlert[] {
    return [...this.#alerts];
  }

  #load(ids: readonly string[]): Map<string, Account> {
    const found = new Map<string, Account>();
    for (const id of ids) {
      const account = this.#accounts.get(id);
      if (account) found.set(id, { ...account });
    }
    return found;
  }

  /** Creates missing accounts, as ensureAccounts: rolling-window accounts start unenforced. */
  #open(ids: readonly string[], policy: CapPolicy): void {
    for (const id of ids) {
      if (this.#accounts.has(id)) continue;
      this.#accounts.set(id, {
        id,
        ratioPercent: policy.ratioPercent,
        usPosted: 0n,
        cnPending: 0n,
        cnPosted: 0n,
        blocked: false,
        blockedCnMax: null,
        enforced: policy.window.kind !== "rolling",
      });
    }
  }

  /** Adds the deltas to each account and re-derives `blocked` (the effect of applyDeltas). */
  #move(
    ids: readonly string[],
    dUs: bigint,
    dPending: bigint,
    dPosted: bigint,
    enforce: string | undefined,
  ): void {
    for (const id of ids) {
      const account = this.#accounts.get(id) as Account;
      const moved: Account = {
        ...account,
        usPosted: account.usPosted + dUs,
        cnPending: account.cnPending + dPending,
        cnPosted: account.cnPosted + dPosted,
        enforced: account.enforced || id === enforce,
      };
      this.#accounts.set(id, reblock(moved));
    }
  }

  #finish(reservation: Reservation, state: ReservationState): void {
    reservation.state = state;
    const dPosted = state === "posted" ? reservation.amount : 0n;
    this.#move(reservation.accountIds, 0n, -reservation.amount, dPosted, undefined);
  }
}
