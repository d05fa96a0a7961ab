// The volume-cap ledger's pure decisions. Each operation is decided from the rows it reads (its
// own record if it was seen before, the accounts it touches) and returns a status from a closed list
// ordered by precedence (TigerBeetle style: input errors, then idempotency, then state, then
// balance), plus, when ok, the exact effect to apply. Stores apply the effect; they never decide.
// Amounts are bigint in the policy's measure; instants come in as parameters.
import { accountIdsFor, type CapPolicy, capAmount, isValidDay, withinCap } from "./cap-policy.ts";

export const reserveStatuses = [
  "ok",
  "id_must_not_be_empty",
  "product_id_invalid",
  "units_must_be_positive",
  "units_exceeds_max",
  "tpp_per_unit_required",
  "expires_at_must_be_after_reserved_at",
  "outside_window",
  "exists_with_different_product",
  "exists_with_different_units",
  "exists_with_different_amount",
  "exists",
  "account_not_found",
  "policy_ratio_differs",
  "reservations_blocked",
  "exceeds_cap",
] as const;
export type ReserveStatus = (typeof reserveStatuses)[number];

export const settleStatuses = [
  "ok",
  "reservation_not_found",
  "already_posted",
  "already_voided",
  "already_expired",
  "reservation_expired",
] as const;
export type SettleStatus = (typeof settleStatuses)[number];

export const usPostStatuses = [
  "ok",
  "id_must_not_be_empty",
  "product_id_invalid",
  "units_must_be_positive",
  "units_exceeds_max",
  "tpp_per_unit_required",
  "shipped_on_invalid",
  "outside_window",
  "exists_with_different_product",
  "exists_with_different_units",
  "exists_with_different_shipped_on",
  "exists_with_different_amount",
  "exists",
  "policy_ratio_differs",
] as const;
export type UsPostStatus = (typeof usPostStatuses)[number];

export const usReverseStatuses = [
  "ok",
  "id_must_not_be_empty",
  "units_must_be_positive",
  "posting_not_found",
  "exists_with_different_posting",
  "exists_with_different_units",
  "exists",
  "exceeds_posting",
] as const;
export type UsReverseStatus = (typeof usReverseStatuses)[number];

/** Product ids become part of account ids: letters, digits and `._:-` only. */
export const productIdPattern = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

/** Units per operation; keeps every product of amounts far from int8 overflow. */
export const unitsMax = 1_000_000_000n;

export interface Account {
  id: string;
  ratioPercent: number;
  usPosted: bigint;
  cnPending: bigint;
  cnPosted: bigint;
  blocked: boolean;
  /** While blocked, China's total may not grow beyond this. */
  blockedCnMax: bigint | null;
  /**
   * Whether the cap applies to this account now. Always true except for a rolling window that ends
   * in the future and has had no reservation on its end day yet (see docs/ledger.md).
   */
  enforced: boolean;
}

export const reservationStates = ["pending", "posted", "voided", "expired"] as const;
export type ReservationState = (typeof reservationStates)[number];

export interface Reservation {
  id: string;
  productId: string;
  units: bigint;
  amount: bigint;
  accountIds: string[];
  state: ReservationState;
  reservedAt: Date;
  expiresAt: Date;
}

export interface UsPosting {
  id: string;
  productId: string;
  units: bigint;
  amount: bigint;
  shippedOn: string;
  accountIds: string[];
  reversedUnits: bigint;
}

export interface UsReversal {
  id: string;
  postingId: string;
  units: bigint;
  amount: bigint;
}

export interface ReserveRequest {
  id: string;
  productId: string;
  units: bigint;
  tppPerUnit?: number | undefined;
  reservedAt: Date;
  expiresAt: Date;
}

export interface UsPostRequest {
  id: string;
  productId: string;
  units: bigint;
  tppPerUnit?: number | undefined;
  shippedOn: string;
}

export interface UsReverseRequest {
  id: string;
  postingId: string;
  units: bigint;
}

const minBigint = (a: bigint, b: bigint): bigint => (a < b ? a : b);

export const cnTotal = (account: Account): bigint => account.cnPending + account.cnPosted;

/** The invariant of one account: within the cap, or blocked and China not grown since blocking. */
export function checkInvariant(account: Account): boolean {
  if (account.usPosted < 0n || account.cnPending < 0n || account.cnPosted < 0n) return false;
  if (!account.enforced) return !account.blocked;
  if (withinCap(account.ratioPercent, account.usPosted, cnTotal(account))) return true;
  return account.blocked && account.blockedCnMax !== null && cnTotal(account) <= account.blockedCnMax;
}

function validateUnits(units: bigint): "units_must_be_positive" | "units_exceeds_max" | undefined {
  if (units <= 0n) return "units_must_be_positive";
  if (units > unitsMax) return "units_exceeds_max";
  return undefined;
}

export type Derived<S> = { status: S } | { status: "ok"; amount: bigint; accountIds: string[] };

/** Amount and accounts of a reservation request, or the input error that prevents them. */
export function deriveReserve(
  policy: CapPolicy,
  request: ReserveRequest,
): { status: ReserveStatus; amount?: bigint; accountIds?: string[] } {
  if (request.id.trim() === "") return { status: "id_must_not_be_empty" };
  if (!productIdPattern.test(request.productId)) return { status: "product_id_invalid" };
  const unitsError = validateUnits(request.units);
  if (unitsError) return { status: unitsError };
  const amount = capAmount(policy.measure, "cn", request.units, request.tppPerUnit);
  if (amount === undefined) return { status: "tpp_per_unit_required" };
  if (request.expiresAt.getTime() <= request.reservedAt.getTime()) {
    return { status: "expires_at_must_be_after_reserved_at" };
  }
  const day = request.reservedAt.toISOString().slice(0, 10);
  const accountIds = accountIdsFor(policy, request.productId, day);
  if (!accountIds) return { status: "outside_window" };
  return { status: "ok", amount, accountIds };
}

/**
 * Decides a reservation. `accounts` holds the rows for `accountIds` that exist. The cap is checked
 * on the first account: the window the reservation's day belongs to (for a rolling window, the one
 * ending that day; the later windows it also counts in are checked on their own days). A
 * reservation never changes `blocked`: it can only be refused by it.
 */
export function decideReserve(
  ratioPercent: number,
  request: ReserveRequest,
  derived: { amount: bigint; accountIds: string[] },
  existing: Reservation | undefined,
  accounts: ReadonlyMap<string, Account>,
): ReserveStatus {
  if (existing) {
    if (existing.productId !== request.productId) return "exists_with_different_product";
    if (existing.units !== request.units) return "exists_with_different_units";
    if (existing.amount !== derived.amount) return "exists_with_different_amount";
    return "exists";
  }
  const first = derived.accountIds[0];
  if (first === undefined || !accounts.has(first)) return "account_not_found";
  for (const account of accounts.values()) {
    if (account.ratioPercent !== ratioPercent) return "policy_ratio_differs";
  }
  const current = accounts.get(first) as Account;
  if (current.blocked) return "reservations_blocked";
  if (!withinCap(ratioPercent, current.usPosted, cnTotal(current) + derived.amount)) return "exceeds_cap";
  return "ok";
}

/** Decides post or void of a reservation at `now`. */
export function decideSettle(
  kind: "post" | "void",
  reservation: Reservation | undefined,
  now: Date,
): SettleStatus {
  if (!reservation) return "reservation_not_found";
  if (reservation.state === "posted") return "already_posted";
  if (reservation.state === "voided") return "already_voided";
  if (reservation.state === "expired") return "already_expired";
  // A pending reservation past its expiry may not be shipped against; voiding it is still fine.
  if (kind === "post" && now.getTime() >= reservation.expiresAt.getTime()) return "reservation_expired";
  return "ok";
}

export function deriveUsPost(
  policy: CapPolicy,
  request: UsPostRequest,
): { status: UsPostStatus; amount?: bigint; accountIds?: string[] } {
  if (request.id.trim() === "") return { status: "id_must_not_be_empty" };
  if (!productIdPattern.test(request.productId)) return { status: "product_id_invalid" };
  const unitsError = validateUnits(request.units);
  if (unitsError) return { status: unitsError };
  const amount = capAmount(policy.measure, "us", request.units, request.tppPerUnit);
  if (amount === undefined) return { status: "tpp_per_unit_required" };
  if (!isValidDay(request.shippedOn)) return { status: "shipped_on_invalid" };
  const accountIds = accountIdsFor(policy, request.productId, request.shippedOn);
  if (!accountIds) return { status: "outside_window" };
  return { status: "ok", amount, accountIds };
}

export function decideUsPost(
  ratioPercent: number,
  request: UsPostRequest,
  amount: bigint,
  existing: UsPosting | undefined,
  accounts: ReadonlyMap<string, Account>,
): UsPostStatus {
  if (!existing) {
    for (const account of accounts.values()) {
      if (account.ratioPercent !== ratioPercent) return "policy_ratio_differs";
    }
    return "ok";
  }
  if (existing.productId !== request.productId) return "exists_with_different_product";
  if (existing.units !== request.units) return "exists_with_different_units";
  if (existing.shippedOn !== request.shippedOn) return "exists_with_different_shipped_on";
  if (existing.amount !== amount) return "exists_with_different_amount";
  return "exists";
}

/** Decides a US reversal; its amount is the posting's per-unit amount × units, exactly. */
export function decideUsReverse(
  request: UsReverseRequest,
  existing: UsReversal | undefined,
  posting: UsPosting | undefined,
): { status: UsReverseStatus; amount?: bigint } {
  if (request.id.trim() === "") return { status: "id_must_not_be_empty" };
  if (request.units <= 0n) return { status: "units_must_be_positive" };
  if (existing) {
    if (existing.postingId !== request.postingId) return { status: "exists_with_different_posting" };
    if (existing.units !== request.units) return { status: "exists_with_different_units" };
    return { status: "exists" };
  }
  if (!posting) return { status: "posting_not_found" };
  if (posting.reversedUnits + request.units > posting.units) return { status: "exceeds_posting" };
  return { status: "ok", amount: (posting.amount / posting.units) * request.units };
}

/**
 * An account after a US reversal of `amount`: if the cap no longer holds, it becomes blocked with
 * China frozen at its current total (the past is not rewritten; new reservations are refused).
 */
export function afterUsReverse(account: Account, amount: bigint): Account {
  const next = { ...account, usPosted: account.usPosted - amount };
  return reblock(next);
}

/** Sets `blocked` from the balances: blocking freezes China's total; headroom unblocks. */
export function reblock(account: Account): Account {
  if (!account.enforced) return { ...account, blocked: false, blockedCnMax: null };
  const within = withinCap(account.ratioPercent, account.usPosted, cnTotal(account));
  if (within) return { ...account, blocked: false, blockedCnMax: null };
  const total = cnTotal(account);
  const frozen = account.blocked && account.blockedCnMax !== null ? account.blockedCnMax : total;
  return { ...account, blocked: true, blockedCnMax: minBigint(frozen, total) };
}
