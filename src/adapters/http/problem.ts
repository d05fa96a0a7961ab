// Errors as RFC 9457 problem details (application/problem+json): one mapper from whatever a route
// threw — a SluiceError (kind → httpStatusByKind), a failed schema validation, a Hono HTTP
// exception (malformed JSON, unsupported media type) — to a problem with the domain status code.
// Anything else is a bug: a 500 problem that reveals nothing of the internals (logged instead). A
// version mismatch (412) carries the object's current ETag.
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { z } from "zod";
import {
  type ErrorKind,
  errorKinds,
  httpStatusByKind,
  SluiceError,
  VersionMismatch,
} from "../../core/errors.ts";
import { formatPath } from "../../core/shared.ts";
import { reportIssues } from "../../core/validation.ts";
import { etagOf } from "./etag.ts";

export const problemContentType = "application/problem+json";
/** Validation issues listed in one problem; the rest are counted in `detail`. */
export const problemErrorsMax = 20;

export const problemTitles: Record<ErrorKind, string> = {
  bad_input: "Bad input",
  not_found: "Not found",
  conflict: "Conflict",
  unauthorized: "Unauthorized",
  forbidden: "Forbidden",
  precondition_failed: "Precondition failed",
  payload_too_large: "Payload too large",
  unavailable: "Unavailable",
  locked: "Locked",
  internal: "Internal error",
};

/** Domain codes whose HTTP status differs from their kind's (RFC 6585 and RFC 9110 specifics). */
export const statusByCode: Record<string, number> = {
  precondition_required: 428,
  unsupported_media_type: 415,
  method_not_allowed: 405,
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  /** The machine-readable domain status code, e.g. `idempotency_key_reused`. */
  code: string;
  errors?: { path: string; message: string }[];
}

/** The problem type URI: an anchor in the served docs, where every kind is described. */
export const problemType = (kind: ErrorKind): string => `/docs#problem-${kind}`;

/** A request that failed its schema: thrown by the validation hook, mapped to a 400 problem. */
export class ValidationFailure extends Error {
  constructor(
    readonly target: string,
    readonly issues: readonly z.core.$ZodIssue[],
  ) {
    super(`${target} failed validation`);
    this.name = "ValidationFailure";
  }
}

/** A union with nothing given is "missing"; otherwise zod's own words. */
const describeUnion = (issue: z.core.$ZodIssue): string | null =>
  issue.input === undefined ? "missing" : "matches none of the allowed shapes";

function fromValidation(failure: ValidationFailure, instance: string): Problem {
  const report = reportIssues(failure.issues, describeUnion);
  const listed = failure.issues.slice(0, problemErrorsMax);
  const more = failure.issues.length - listed.length;
  const prefix = failure.target === "json" ? "body" : failure.target;
  return {
    type: problemType("bad_input"),
    title: problemTitles.bad_input,
    status: 400,
    detail: `${prefix} at \`${report.where}\`: ${report.why}${more > 0 ? ` (and ${more} more issues)` : ""}`,
    instance,
    code: "invalid_request",
    errors: listed.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
  };
}

const kindByStatus = new Map<number, ErrorKind>(errorKinds.map((kind) => [httpStatusByKind[kind], kind]));

function fromHttpException(error: HTTPException, instance: string): Problem {
  const status = error.status;
  const kind = kindByStatus.get(status) ?? (status >= 500 ? "internal" : "bad_input");
  const code = status === 415 ? "unsupported_media_type" : status === 400 ? "malformed_request" : kind;
  const detail =
    status === 400 ? "body: malformed json" : status === 415 ? "body: send application/json" : error.message;
  return { type: problemType(kind), title: problemTitles[kind], status, detail, instance, code };
}

export function fromSluiceError(error: SluiceError, instance: string): Problem {
  return {
    type: problemType(error.kind),
    title: problemTitles[error.kind],
    status: statusByCode[error.code] ?? httpStatusByKind[error.kind],
    detail: error.message,
    instance,
    code: error.code,
  };
}

/** The problem for anything thrown while serving `instance`; `onBug` sees unexpected errors. */
export function toProblem(error: unknown, instance: string, onBug: (error: unknown) => void): Problem {
  if (error instanceof SluiceError) return fromSluiceError(error, instance);
  if (error instanceof ValidationFailure) return fromValidation(error, instance);
  if (error instanceof HTTPException && error.status < 500) return fromHttpException(error, instance);
  onBug(error);
  return {
    type: problemType("internal"),
    title: problemTitles.internal,
    status: 500,
    detail: "internal error: the request was not completed (see the server log)",
    instance,
    code: "internal",
  };
}

export function problemResponse(problem: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { "content-type": problemContentType, ...headers },
  });
}

/** Hono's onError handler body: maps, logs bugs, answers. */
export function respondWithProblem(error: unknown, c: Context, log: (error: unknown) => void): Response {
  const problem = toProblem(error, c.req.path, log);
  const headers: Record<string, string> = {};
  if (problem.status === 401) headers["www-authenticate"] = 'Bearer realm="sluice"';
  // The unread rest of an oversized body would be taken for the next request: close instead.
  if (problem.status === 413) headers.connection = "close";
  // A stale If-Match: the ETag to retry from (RFC 9110 lets a 412 carry the current validator).
  if (error instanceof VersionMismatch) headers.etag = etagOf(error.currentVersion);
  return problemResponse(problem, headers);
}
