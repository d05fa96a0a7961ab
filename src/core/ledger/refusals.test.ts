// Every status of every ledger operation is a success or has its error kind, and the kinds are the
// ones the CLI gave before the table existed (its rule, restated here as the oracle).
import { describe, expect, it } from "vitest";
import { reserveStatuses, settleStatuses, usPostStatuses, usReverseStatuses } from "./ledger.ts";
import { errorKindByLedgerRefusal, isLedgerSuccess, type LedgerRefusal } from "./refusals.ts";

const allStatuses = [
  ...new Set([...reserveStatuses, ...settleStatuses, ...usPostStatuses, ...usReverseStatuses]),
];

/** The CLI's former rule: a few named statuses, then replays and states conflict, the rest bad input. */
function formerKind(status: string): string {
  const named: Record<string, string> = {
    reservation_not_found: "not_found",
    posting_not_found: "not_found",
    account_not_found: "forbidden",
    exceeds_cap: "forbidden",
    reservations_blocked: "forbidden",
    policy_ratio_differs: "conflict",
    exceeds_posting: "conflict",
    reservation_expired: "conflict",
  };
  if (named[status]) return named[status];
  if (status.startsWith("exists_with_different_") || status.startsWith("already_")) return "conflict";
  return "bad_input";
}

describe("ledger refusals", () => {
  it("maps every non-success status, and only those", () => {
    const refusals = allStatuses.filter((status) => !isLedgerSuccess(status));
    expect(Object.keys(errorKindByLedgerRefusal).sort()).toEqual([...refusals].sort());
  });

  it("keeps the kinds the CLI reported before", () => {
    for (const status of Object.keys(errorKindByLedgerRefusal) as LedgerRefusal[])
      expect([status, errorKindByLedgerRefusal[status]]).toEqual([status, formerKind(status)]);
  });
});
