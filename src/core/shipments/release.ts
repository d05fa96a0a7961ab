// The outcomes of releasing a shipment, and the one table that maps each to an HTTP status and a
// CLI exit code. A decision other than approve answers like an application (200, exit 10 hold /
// 11 deny); the licence and import-approval refusals keep their answer of a deny; a refusal of the
// cap ledger keeps its own status (`reservations_blocked`, `outside_window`, …: issue #14) and
// reaches HTTP and the CLI through its error kind (src/core/ledger/refusals.ts → src/core/errors.ts).
import { type ErrorKind, exitCodeByKind, exitCodes, httpStatusByKind } from "../errors.ts";
import type { ReserveStatus } from "../ledger/ledger.ts";
import { errorKindByLedgerRefusal } from "../ledger/refusals.ts";

/** A reservation the ledger refused (`exists` is a replay of the same reservation: not a refusal). */
export type ReserveRefusal = Exclude<ReserveStatus, "ok" | "exists">;

export const releaseOwnStatuses = [
  "released",
  "exists",
  "decision_hold",
  "decision_deny",
  "licence_exhausted",
  "licence_expired",
  "import_approval_refused",
] as const;

export type ReleaseStatus = (typeof releaseOwnStatuses)[number] | ReserveRefusal;

export interface ReleaseAnswer {
  httpStatus: number;
  exitCode: number;
}

const answerOfOwn: Record<(typeof releaseOwnStatuses)[number], ReleaseAnswer> = {
  released: { httpStatus: 200, exitCode: exitCodes.ok },
  exists: { httpStatus: 200, exitCode: exitCodes.ok },
  decision_hold: { httpStatus: 200, exitCode: exitCodes.decisionHold },
  decision_deny: { httpStatus: 200, exitCode: exitCodes.decisionDeny },
  licence_exhausted: { httpStatus: 200, exitCode: exitCodes.decisionDeny },
  licence_expired: { httpStatus: 200, exitCode: exitCodes.decisionDeny },
  import_approval_refused: { httpStatus: 200, exitCode: exitCodes.decisionDeny },
};

const isOwnStatus = (status: ReleaseStatus): status is (typeof releaseOwnStatuses)[number] =>
  (releaseOwnStatuses as readonly string[]).includes(status);

/** The error kind of a ledger refusal; undefined for the release's own outcomes. */
export const releaseRefusalKind = (status: ReleaseStatus): ErrorKind | undefined =>
  isOwnStatus(status) ? undefined : errorKindByLedgerRefusal[status];

/** The HTTP status and CLI exit code a release outcome is answered with. */
export function releaseAnswer(status: ReleaseStatus): ReleaseAnswer {
  if (isOwnStatus(status)) return answerOfOwn[status];
  const kind = errorKindByLedgerRefusal[status];
  return { httpStatus: httpStatusByKind[kind], exitCode: exitCodeByKind[kind] };
}
