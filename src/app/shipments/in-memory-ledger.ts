// The cap ledger of the in-memory shipment context: InMemoryLedger (src/app/ledger/in-memory.ts)
// behind a journal, so a unit of work that throws leaves the ledger as it was. Every operation is
// recorded with the instant it ran at; a commit keeps the unit's operations, a rollback rebuilds
// the ledger by replaying the committed ones at their instants (InMemoryLedger's state is private,
// and its operations are deterministic given the clock). Replay costs the history's length: meant
// for tests and small runs, not for the simulator's millions of operations.

import { accountIdsFor, type CapPolicy } from "../../core/ledger/cap-policy.ts";
import type { Account, ReserveStatus, SettleStatus, UsPostStatus } from "../../core/ledger/ledger.ts";
import type { IsoDate } from "../../core/shared.ts";
import type { AuditLog } from "../audit/ports.ts";
import { InMemoryLedger } from "../ledger/in-memory.ts";
import type { ReserveInput, UsPostInput, UsReverseInput, UsReverseResult } from "../ledger/ports.ts";
import type { LedgerView, ShipmentLedger } from "./ports.ts";

type LedgerOperation =
  | { kind: "reserve"; policy: CapPolicy; input: ReserveInput }
  | { kind: "post" | "void"; id: string }
  | { kind: "expire" }
  | { kind: "usPost"; policy: CapPolicy; input: UsPostInput }
  | { kind: "usReverse"; input: UsReverseInput };

type Journaled = LedgerOperation & { at: Date };

export class LedgerJournal {
  #instant = new Date(0);
  #ledger = this.#fresh();
  readonly #committed: Journaled[] = [];
  #pending: Journaled[] = [];

  reserve(
    policy: CapPolicy,
    input: ReserveInput,
    at: Date,
  ): Promise<{ status: ReserveStatus; amount?: bigint }> {
    this.#record({ kind: "reserve", policy, input }, at);
    return Promise.resolve(this.#ledger.reserveNow(policy, input));
  }

  settle(kind: "post" | "void", id: string, at: Date): Promise<{ status: SettleStatus }> {
    this.#record({ kind, id }, at);
    return Promise.resolve(this.#ledger.settleNow(kind, id));
  }

  expire(at: Date): Promise<{ expired: string[] }> {
    this.#record({ kind: "expire" }, at);
    return this.#ledger.expire();
  }

  usPost(
    policy: CapPolicy,
    input: UsPostInput,
    at: Date,
  ): Promise<{ status: UsPostStatus; amount?: bigint }> {
    this.#record({ kind: "usPost", policy, input }, at);
    return Promise.resolve(this.#ledger.usPostNow(policy, input));
  }

  usReverse(input: UsReverseInput, at: Date): Promise<UsReverseResult> {
    this.#record({ kind: "usReverse", input }, at);
    return this.#ledger.usReverse(input);
  }

  /** Keeps the operations of the unit that ran since the last commit or rollback. */
  commit(): void {
    this.#committed.push(...this.#pending);
    this.#pending = [];
  }

  /** Forgets them: the ledger is rebuilt from the committed operations, each at its instant. */
  rollback(): void {
    this.#pending = [];
    this.#ledger = this.#fresh();
    for (const operation of this.#committed) this.#replay(operation);
  }

  /** Accounts whose id starts with `prefix`, in id order (copies). */
  accounts(prefix = ""): Account[] {
    return this.#ledger.accountsNow(prefix);
  }

  account(id: string): Account | undefined {
    return this.#ledger.account(id);
  }

  #fresh(): InMemoryLedger {
    return new InMemoryLedger(() => this.#instant);
  }

  /** Journals an operation (a copy: the caller may reuse its input) and sets the ledger's clock. */
  #record(operation: LedgerOperation, at: Date): void {
    this.#pending.push(structuredClone({ ...operation, at }));
    this.#instant = at;
  }

  /** Runs a committed operation again. InMemoryLedger never awaits, so its effect is immediate. */
  #replay(operation: Journaled): void {
    this.#instant = operation.at;
    const ledger = this.#ledger;
    switch (operation.kind) {
      case "reserve":
        ledger.reserveNow(operation.policy, operation.input);
        return;
      case "post":
      case "void":
        ledger.settleNow(operation.kind, operation.id);
        return;
      case "expire":
        void ledger.expire();
        return;
      case "usPost":
        ledger.usPostNow(operation.policy, operation.input);
        return;
      case "usReverse":
        void ledger.usReverse(operation.input);
        return;
    }
  }
}

/**
 * The ledger view the cap rule reads (as the SQL adapter's ledgerView): the account of the window
 * the day falls in, empty when missing.
 */
export function journalView(
  journal: LedgerJournal,
  policy: CapPolicy,
  productId: string,
  at: IsoDate,
): LedgerView {
  const window = accountIdsFor(policy, productId, at)?.[0];
  const empty = { usPosted: 0n, cnPending: 0n, cnPosted: 0n };
  if (!window) return { window: "before the window starts", [policy.measure]: empty };
  const account = journal.account(window);
  const figures = account
    ? { usPosted: account.usPosted, cnPending: account.cnPending, cnPosted: account.cnPosted }
    : empty;
  return { window, [policy.measure]: figures };
}

/**
 * The ShipmentLedger port of one unit of work, on the journal, its instants from `clock`. Each
 * change it makes is audited with SqlLedger's kinds (`ledger.reserve`, `ledger.post`, `ledger.void`,
 * `ledger.expire`), their payloads abridged to what the journal knows.
 */
export function journalLedger(journal: LedgerJournal, clock: () => Date, audit: AuditLog): ShipmentLedger {
  const settle = async (kind: "post" | "void", id: string) => {
    const now = clock();
    const settled = await journal.settle(kind, id, now);
    if (settled.status === "ok") await audit.append(`ledger.${kind}`, { id }, now);
    return settled;
  };
  return {
    reserve: async (policy, input) => {
      const now = clock();
      const reserved = await journal.reserve(policy, input, now);
      if (reserved.status === "ok") {
        const { id, productId, units } = input;
        const expiresAt = new Date(now.getTime() + input.holdMs).toISOString();
        await audit.append(
          "ledger.reserve",
          { id, productId, units, amount: reserved.amount, expiresAt },
          now,
        );
      }
      return reserved;
    },
    post: (id) => settle("post", id),
    void: (id) => settle("void", id),
    expire: async () => {
      const now = clock();
      const result = await journal.expire(now);
      for (const id of result.expired) await audit.append("ledger.expire", { id }, now);
      return result;
    },
    view: async (policy, productId, at) => journalView(journal, policy, productId, at),
  };
}
