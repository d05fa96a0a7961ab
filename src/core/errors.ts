// The one error taxonomy of Sluice, and its mapping to HTTP status codes and CLI exit codes.
// Domain outcomes (approve/hold/deny, ledger statuses) are values, not errors; a SluiceError is
// for input that cannot be processed, a missing object, a conflict or an infrastructure fault.

export const errorKinds = [
  "bad_input",
  "not_found",
  "conflict",
  "unauthorized",
  "forbidden",
  "precondition_failed",
  "payload_too_large",
  "unavailable",
  // An embedded data directory held by another process: not the server being unreachable, and
  // the remedy differs (stop that process, or point the CLI at its server).
  "locked",
  "internal",
] as const;
export type ErrorKind = (typeof errorKinds)[number];

/** CLI exit codes. Decisions use 0/10/11; errors use the codes below. */
export const exitCodes = {
  ok: 0,
  internal: 1,
  badInput: 2,
  conflict: 3,
  denied: 4,
  unavailable: 5,
  storeLocked: 6,
  decisionHold: 10,
  decisionDeny: 11,
} as const;

export const exitCodeByKind: Record<ErrorKind, number> = {
  bad_input: exitCodes.badInput,
  not_found: exitCodes.badInput,
  conflict: exitCodes.conflict,
  unauthorized: exitCodes.denied,
  forbidden: exitCodes.denied,
  precondition_failed: exitCodes.conflict,
  payload_too_large: exitCodes.badInput,
  unavailable: exitCodes.unavailable,
  locked: exitCodes.storeLocked,
  internal: exitCodes.internal,
};

export const httpStatusByKind: Record<ErrorKind, number> = {
  bad_input: 400,
  not_found: 404,
  conflict: 409,
  unauthorized: 401,
  forbidden: 403,
  precondition_failed: 412,
  payload_too_large: 413,
  unavailable: 503,
  locked: 423,
  internal: 500,
};

/**
 * An error a user can act on. `what` names the thing (user input in backticks), `why` says what is
 * wrong; the rendered message is `<what>: <why>`, lower case, no trailing period.
 */
export class SluiceError extends Error {
  readonly kind: ErrorKind;
  readonly what: string;
  readonly why: string;
  /** Machine-readable domain status code, e.g. `exists_with_different_quantity`. */
  readonly code: string;

  constructor(kind: ErrorKind, what: string, why: string, code: string = kind) {
    super(`${what}: ${why}`);
    this.name = "SluiceError";
    this.kind = kind;
    this.what = what;
    this.why = why;
    this.code = code;
  }
}

/**
 * An update conditioned on a version (HTTP If-Match) found the object at another one: a precondition
 * failure that carries the current version, so the answer can say which one to retry from.
 */
export class VersionMismatch extends SluiceError {
  constructor(
    what: string,
    readonly expectedVersion: number,
    readonly currentVersion: number,
  ) {
    super(
      "precondition_failed",
      what,
      `changed since version ${expectedVersion} (now version ${currentVersion})`,
      "version_mismatch",
    );
  }
}

/** Throws a VersionMismatch unless `expected` is absent (unconditional) or equals `current`. */
export function requireVersion(what: string, expected: number | undefined, current: number): void {
  if (expected !== undefined && expected !== current) throw new VersionMismatch(what, expected, current);
}

export const badInput = (what: string, why: string, code?: string): SluiceError =>
  new SluiceError("bad_input", what, why, code);
export const notFound = (what: string, why = "not found"): SluiceError =>
  new SluiceError("not_found", what, why);

/** Quote user input for messages: `like this`. */
export const quote = (value: unknown): string => `\`${String(value)}\``;
