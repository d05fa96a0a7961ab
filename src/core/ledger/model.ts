// Reference model of the volume-cap ledger: the same operations and statuses as the SQL ledger,
// written as plainly as possible over in-memory maps and independently of the decide* functions,
// so that a seeded random workload can check the real store against it operation by operation.
// Uses only the policy derivations (accountIdsFor, capAmount), which have their own tests.

import { accountIdsFor, type CapPolicy, capAmount, isValidDay } from "./cap-policy.ts";
import type { Account, Reservation, ReservationState } from "./ledger.ts";

const productOk = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
const unitsLimit = 1_000_000_000n;

interface ModelPosting {
  productId: string;
  units: bigint;
  amount: bigint;
  shippedOn: string;
  accountIds: string[];
  reversedUnits: bigint;
}

export class LedgerModel {
  readonly accounts = new Map<string, Account>();
  readonly reservations = new Map<string, Reservation>();
  readonly postings = new Map<string, ModelPosting>();
  readonly reversals = new Map<string, { postingId: string; units: bigint }>();
  readonly alerts: string[] = [];

  reserve(
    policy: CapPolicy,
    r: { id: string; productId: string; units: bigint; tppPerUnit?: number | undefined },
    now: Date,
    holdMs: number,
  ): string {
    if (!r.id.trim()) return "id_must_not_be_empty";
    if (!productOk.test(r.productId)) return "product_id_invalid";
    if (r.units <= 0n) return "units_must_be_positive";
    if (r.units > unitsLimit) return "units_exceeds_max";
    const amount = capAmount(policy.measure, "cn", r.units, r.tppPerUnit);
    if (amount === undefined) return "tpp_per_unit_required";
    if (holdMs <= 0) return "expires_at_must_be_after_reserved_at";
    const ids = accountIdsFor(policy, r.productId, now.toISOString().slice(0, 10));
    if (!ids) return "outside_window";
    const old = this.reservations.get(r.id);
    if (old) {
      if (old.productId !== r.productId) return "exists_with_different_product";
      if (old.units !== r.units) return "exists_with_different_units";
      if (old.amount !== amount) return "exists_with_different_amount";
      return "exists";
    }
    if (!this.accounts.has(ids[0] as string)) return "account_not_found";
    const touched = ids.map((id) => this.accounts.get(id));
    if (touched.some((a) => a && a.ratioPercent !== policy.ratioPercent)) return "policy_ratio_differs";
    const today = touched[0] as Account;
    if (today.blocked) return "reservations_blocked";
    if (100n * (today.cnPending + today.cnPosted + amount) > BigInt(today.ratioPercent) * today.usPosted) {
      return "exceeds_cap";
    }
    today.enforced = true;
    for (const id of ids)
      (this.accounts.get(id) ?? this.#open(id, policy.ratioPercent, false)).cnPending += amount;
    const expiresAt = new Date(now.getTime() + holdMs);
    this.reservations.set(r.id, {
      id: r.id,
      productId: r.productId,
      units: r.units,
      amount,
      accountIds: ids,
      state: "pending",
      reservedAt: now,
      expiresAt,
    });
    return "ok";
  }

  settle(kind: "post" | "void", id: string, now: Date): string {
    const r = this.reservations.get(id);
    if (!r) return "reservation_not_found";
    if (r.state !== "pending") return `already_${r.state}`;
    if (kind === "post" && now >= r.expiresAt) return "reservation_expired";
    this.#finish(r, kind === "post" ? "posted" : "voided");
    return "ok";
  }

  expire(now: Date, limit: number): string[] {
    const due = [...this.reservations.values()]
      .filter((r) => r.state === "pending" && r.expiresAt <= now)
      .sort(
        (x, y) => x.expiresAt.getTime() - y.expiresAt.getTime() || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0),
      )
      .slice(0, limit);
    for (const r of due) this.#finish(r, "expired");
    return due.map((r) => r.id);
  }

  #finish(r: Reservation, state: ReservationState): void {
    r.state = state;
    for (const id of r.accountIds) {
      const a = this.accounts.get(id) as Account;
      a.cnPending -= r.amount;
      if (state === "posted") a.cnPosted += r.amount;
      this.#reblock(a);
    }
  }

  usPost(
    policy: CapPolicy,
    p: { id: string; productId: string; units: bigint; tppPerUnit?: number | undefined; shippedOn: string },
  ): string {
    if (!p.id.trim()) return "id_must_not_be_empty";
    if (!productOk.test(p.productId)) return "product_id_invalid";
    if (p.units <= 0n) return "units_must_be_positive";
    if (p.units > unitsLimit) return "units_exceeds_max";
    const amount = capAmount(policy.measure, "us", p.units, p.tppPerUnit);
    if (amount === undefined) return "tpp_per_unit_required";
    if (!isValidDay(p.shippedOn)) return "shipped_on_invalid";
    const ids = accountIdsFor(policy, p.productId, p.shippedOn);
    if (!ids) return "outside_window";
    const old = this.postings.get(p.id);
    if (old) {
      if (old.productId !== p.productId) return "exists_with_different_product";
      if (old.units !== p.units) return "exists_with_different_units";
      if (old.shippedOn !== p.shippedOn) return "exists_with_different_shipped_on";
      if (old.amount !== amount) return "exists_with_different_amount";
      return "exists";
    }
    if (
      ids.some((id) => (this.accounts.get(id)?.ratioPercent ?? policy.ratioPercent) !== policy.ratioPercent)
    ) {
      return "policy_ratio_differs";
    }
    for (const id of ids) {
      const a =
        this.accounts.get(id) ?? this.#open(id, policy.ratioPercent, policy.window.kind !== "rolling");
      a.usPosted += amount;
      this.#reblock(a);
    }
    this.postings.set(p.id, { ...p, amount, accountIds: ids, reversedUnits: 0n });
    return "ok";
  }

  usReverse(r: { id: string; postingId: string; units: bigint }): string {
    if (!r.id.trim()) return "id_must_not_be_empty";
    if (r.units <= 0n) return "units_must_be_positive";
    const old = this.reversals.get(r.id);
    if (old) {
      if (old.postingId !== r.postingId) return "exists_with_different_posting";
      if (old.units !== r.units) return "exists_with_different_units";
      return "exists";
    }
    const p = this.postings.get(r.postingId);
    if (!p) return "posting_not_found";
    if (p.reversedUnits + r.units > p.units) return "exceeds_posting";
    const amount = (p.amount / p.units) * r.units;
    p.reversedUnits += r.units;
    for (const id of p.accountIds) {
      const a = this.accounts.get(id) as Account;
      const wasBlocked = a.blocked;
      a.usPosted -= amount;
      this.#reblock(a);
      if (a.blocked && !wasBlocked) this.alerts.push(`${r.id}:${id}`);
    }
    this.reversals.set(r.id, { postingId: r.postingId, units: r.units });
    return "ok";
  }

  #open(id: string, ratioPercent: number, enforced: boolean): Account {
    const account: Account = {
      id,
      ratioPercent,
      usPosted: 0n,
      cnPending: 0n,
      cnPosted: 0n,
      blocked: false,
      blockedCnMax: null,
      enforced,
    };
    this.accounts.set(id, account);
    return account;
  }

  /** Blocked iff enforced and over the cap; while blocked, the frozen China total only goes down. */
  #reblock(a: Account): void {
    const cn = a.cnPending + a.cnPosted;
    if (!a.enforced || 100n * cn <= BigInt(a.ratioPercent) * a.usPosted) {
      a.blocked = false;
      a.blockedCnMax = null;
    } else {
      a.blockedCnMax = a.blocked && a.blockedCnMax !== null && a.blockedCnMax < cn ? a.blockedCnMax : cn;
      a.blocked = true;
    }
  }
}
