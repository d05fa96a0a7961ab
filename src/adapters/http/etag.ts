// Optimistic concurrency for updates: updatable objects (orders, shipments, labs, tokens) carry an
// integer `version` that the store bumps in the transaction of every change. GET answers it as a
// strong ETag `"v<version>"`; an update compares the If-Match it was sent inside its own
// transaction (a conditional UPDATE, where the race is decided) and answers the new ETag. A stale
// If-Match is 412 `version_mismatch` with the current ETag (problem.ts); `If-Match: *` asks for no
// comparison. Routes that replace a document (PUT, PATCH) require the header (428
// `precondition_required` without it); action routes (POST …/release, …/revoke) take it optionally.
import type { Context } from "hono";
import { badInput, SluiceError } from "../../core/errors.ts";

export const etagOf = (version: number): string => `"v${version}"`;

const etagPattern = /^"v([1-9]\d{0,9})"$/;

/** The version If-Match names; undefined for `*` or, when not `required`, for no header at all. */
export function ifMatchVersion(c: Context, { required }: { required: boolean }): number | undefined {
  const header = c.req.header("if-match")?.trim();
  if (header === undefined) {
    if (!required) return undefined;
    throw new SluiceError(
      "precondition_failed",
      "header `If-Match`",
      "required for this update (send the ETag from GET, or `*` to replace whatever is there)",
      "precondition_required",
    );
  }
  if (header === "*") return undefined;
  const match = etagPattern.exec(header);
  if (!match?.[1])
    throw badInput("header `If-Match`", 'expected an ETag like `"v3"`, or `*`', "invalid_if_match");
  return Number(match[1]);
}

/** The version named by a required If-Match (undefined for `*`). */
export const expectedVersion = (c: Context): number | undefined => ifMatchVersion(c, { required: true });
