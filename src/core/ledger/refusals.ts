// What kind of error each ledger refusal is, for every status the ledger's operations return: the
// one table through which a refusal reaches an HTTP status and a CLI exit code (via
// src/core/errors.ts's mapping of kinds). Typed over the closed status lists, so a new status does
// not compile until it is given its kind. `ok` and `exists` (an idempotent replay) are successes.
import type { ErrorKind } from "../errors.ts";
import type { ReserveStatus, SettleStatus, UsPostStatus, UsReverseStatus } from "./ledger.ts";

export type LedgerStatus = ReserveStatus | SettleStatus | UsPostStatus | UsReverseStatus;
export type LedgerRefusal = Exclude<LedgerStatus, "ok" | "exists">;

/** Input errors are bad input, replays with other values and wrong states conflicts, the cap forbidden. */
export const errorKindByLedgerRefusal: Record<LedgerRefusal, ErrorKind> = {
  id_must_not_be_empty: "bad_input",
  product_id_invalid: "bad_input",
  units_must_be_positive: "bad_input",
  units_exceeds_max: "bad_input",
  tpp_per_unit_required: "bad_input",
  expires_at_must_be_after_reserved_at: "bad_input",
  shipped_on_invalid: "bad_input",
  outside_window: "bad_input",
  exists_with_different_product: "conflict",
  exists_with_different_units: "conflict",
  exists_with_different_amount: "conflict",
  exists_with_different_shipped_on: "conflict",
  exists_with_different_posting: "conflict",
  account_not_found: "forbidden",
  policy_ratio_differs: "conflict",
  reservations_blocked: "forbidden",
  exceeds_cap: "forbidden",
  reservation_not_found: "not_found",
  posting_not_found: "not_found",
  already_posted: "conflict",
  already_voided: "conflict",
  already_expired: "conflict",
  reservation_expired: "conflict",
  exceeds_posting: "conflict",
};

export const isLedgerSuccess = (status: LedgerStatus): status is "ok" | "exists" =>
  status === "ok" || status === "exists";
