// Each release outcome's HTTP status and CLI exit code, over the whole status list: a refusal of the
// cap ledger keeps its own status and is answered through its error kind, not as `exceeds_cap`.
import { describe, expect, it } from "vitest";
import { exitCodes } from "../errors.ts";
import { reserveStatuses } from "../ledger/ledger.ts";
import { type ReleaseStatus, releaseAnswer, releaseOwnStatuses, releaseRefusalKind } from "./release.ts";

const expected: Record<ReleaseStatus, [httpStatus: number, exitCode: number]> = {
  released: [200, exitCodes.ok],
  exists: [200, exitCodes.ok],
  decision_hold: [200, exitCodes.decisionHold],
  decision_deny: [200, exitCodes.decisionDeny],
  licence_exhausted: [200, exitCodes.decisionDeny],
  licence_expired: [200, exitCodes.decisionDeny],
  import_approval_refused: [200, exitCodes.decisionDeny],
  id_must_not_be_empty: [400, exitCodes.badInput],
  product_id_invalid: [400, exitCodes.badInput],
  units_must_be_positive: [400, exitCodes.badInput],
  units_exceeds_max: [400, exitCodes.badInput],
  tpp_per_unit_required: [400, exitCodes.badInput],
  expires_at_must_be_after_reserved_at: [400, exitCodes.badInput],
  outside_window: [400, exitCodes.badInput],
  exists_with_different_product: [409, exitCodes.conflict],
  exists_with_different_units: [409, exitCodes.conflict],
  exists_with_different_amount: [409, exitCodes.conflict],
  account_not_found: [403, exitCodes.denied],
  policy_ratio_differs: [409, exitCodes.conflict],
  reservations_blocked: [403, exitCodes.denied],
  exceeds_cap: [403, exitCodes.denied],
};

describe("release outcomes", () => {
  it("cover the release's own statuses and every refusal of a reservation", () => {
    const refusals = reserveStatuses.filter((status) => status !== "ok" && status !== "exists");
    expect(Object.keys(expected).sort()).toEqual([...releaseOwnStatuses, ...refusals].sort());
  });

  it.each(Object.entries(expected) as [ReleaseStatus, [number, number]][])(
    "%s answers HTTP %j",
    (status, [httpStatus, exitCode]) => {
      expect(releaseAnswer(status)).toEqual({ httpStatus, exitCode });
    },
  );

  it("names a ledger refusal's error kind, and none for the release's own outcomes", () => {
    expect(releaseRefusalKind("reservations_blocked")).toBe("forbidden");
    expect(releaseRefusalKind("outside_window")).toBe("bad_input");
    for (const status of releaseOwnStatuses) expect(releaseRefusalKind(status)).toBeUndefined();
  });
});
