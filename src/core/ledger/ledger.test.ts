import { describe, expect, it } from "vitest";
import { type CapPolicy, capPolicyDefault } from "./cap-policy.ts";
import {
  type Account,
  afterUsReverse,
  checkInvariant,
  decideReserve,
  decideSettle,
  decideUsReverse,
  deriveReserve,
  type Reservation,
  type ReserveRequest,
  reblock,
} from "./ledger.ts";

const policy: CapPolicy = capPolicyDefault;
const at = new Date("2026-02-01T10:00:00Z");
const request: ReserveRequest = {
  id: "r1",
  productId: "h200",
  units: 5n,
  reservedAt: at,
  expiresAt: new Date(at.getTime() + 3600_000),
};
const account = (over: Partial<Account> = {}): Account => ({
  id: "units/product:h200/since:2026-01-15",
  ratioPercent: 50,
  usPosted: 10n,
  cnPending: 0n,
  cnPosted: 0n,
  blocked: false,
  blockedCnMax: null,
  enforced: true,
  ...over,
});
const accounts = (a: Account) => new Map([[a.id, a]]);
const derived = { amount: 5n, accountIds: ["units/product:h200/since:2026-01-15"] };

describe("reserve decisions, in precedence order", () => {
  it.each([
    [{ id: " " }, "id_must_not_be_empty"],
    [{ productId: "h 200" }, "product_id_invalid"],
    [{ units: 0n }, "units_must_be_positive"],
    [{ units: -3n }, "units_must_be_positive"],
    [{ units: 10n ** 12n }, "units_exceeds_max"],
    [{ expiresAt: at }, "expires_at_must_be_after_reserved_at"],
    [{ reservedAt: new Date("2026-01-01T00:00:00Z") }, "outside_window"],
  ] as const)("input %o → %s", (change, status) => {
    expect(deriveReserve(policy, { ...request, ...change }).status).toBe(status);
  });

  it("asks for TPP when the measure is TPP", () => {
    expect(deriveReserve({ ...policy, measure: "tpp" }, request).status).toBe("tpp_per_unit_required");
  });

  const existing: Reservation = {
    id: "r1",
    productId: "h200",
    units: 5n,
    amount: 5n,
    accountIds: derived.accountIds,
    state: "pending",
    reservedAt: at,
    expiresAt: request.expiresAt,
  };
  it.each([
    [{ productId: "b200" }, "exists_with_different_product"],
    [{ units: 4n }, "exists_with_different_units"],
    [{}, "exists"],
  ] as const)("replay %o → %s", (change, status) => {
    expect(decideReserve(50, { ...request, ...change }, derived, existing, new Map())).toBe(status);
  });

  it("refuses by state and balance", () => {
    expect(decideReserve(50, request, derived, undefined, new Map())).toBe("account_not_found");
    expect(decideReserve(25, request, derived, undefined, accounts(account()))).toBe("policy_ratio_differs");
    expect(
      decideReserve(50, request, derived, undefined, accounts(account({ blocked: true, blockedCnMax: 0n }))),
    ).toBe("reservations_blocked");
    expect(decideReserve(50, request, derived, undefined, accounts(account({ usPosted: 9n })))).toBe(
      "exceeds_cap",
    );
    expect(decideReserve(50, request, derived, undefined, accounts(account({ usPosted: 10n })))).toBe("ok");
  });
});

describe("settle and reversal decisions", () => {
  const pending: Reservation = {
    id: "r1",
    productId: "h200",
    units: 5n,
    amount: 5n,
    accountIds: [],
    state: "pending",
    reservedAt: at,
    expiresAt: new Date(at.getTime() + 1000),
  };
  it("posts only a live pending reservation", () => {
    expect(decideSettle("post", undefined, at)).toBe("reservation_not_found");
    expect(decideSettle("post", pending, at)).toBe("ok");
    expect(decideSettle("post", pending, new Date(at.getTime() + 1000))).toBe("reservation_expired");
    expect(decideSettle("void", pending, new Date(at.getTime() + 1000))).toBe("ok");
    expect(decideSettle("void", { ...pending, state: "posted" }, at)).toBe("already_posted");
  });

  it("reverses at the posting's exact per-unit amount, never more than posted", () => {
    const posting = {
      id: "u1",
      productId: "h200",
      units: 4n,
      amount: 63328n,
      shippedOn: "2026-02-01",
      accountIds: [],
      reversedUnits: 1n,
    };
    expect(decideUsReverse({ id: "v1", postingId: "u1", units: 2n }, undefined, posting)).toEqual({
      status: "ok",
      amount: 31664n,
    });
    expect(decideUsReverse({ id: "v1", postingId: "u1", units: 4n }, undefined, posting).status).toBe(
      "exceeds_posting",
    );
    expect(decideUsReverse({ id: "v1", postingId: "u9", units: 1n }, undefined, undefined).status).toBe(
      "posting_not_found",
    );
  });
});

describe("blocking after a US reversal", () => {
  it("blocks with China frozen, keeps the invariant, and unblocks when headroom returns", () => {
    const full = account({ usPosted: 10n, cnPending: 2n, cnPosted: 3n });
    const blocked = afterUsReverse(full, 4n);
    expect(blocked).toMatchObject({ usPosted: 6n, blocked: true, blockedCnMax: 5n });
    expect(checkInvariant(blocked)).toBe(true);
    expect(checkInvariant({ ...blocked, cnPending: 3n })).toBe(false);
    const voided = reblock({ ...blocked, cnPending: 1n });
    expect(voided).toMatchObject({ blocked: true, blockedCnMax: 4n });
    expect(reblock({ ...blocked, usPosted: 10n })).toMatchObject({ blocked: false, blockedCnMax: null });
    expect(checkInvariant(account({ cnPending: 6n }))).toBe(false);
  });
});
