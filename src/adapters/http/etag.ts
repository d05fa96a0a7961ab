// Optimistic concurrency for updates: objects carry an integer `version`; GET answers it as a
// strong ETag `"v<version>"`, and an update must send it back in If-Match. Missing If-Match is 428
// (precondition_required); a stale one is 412 (version_mismatch, raised by the store's conditional
// update, which is where the race is decided).
import type { Context } from "hono";
import { badInput, SluiceError } from "../../core/errors.ts";

export const etagOf = (version: number): string => `"v${version}"`;

/** The version named by the request's If-Match header. */
export function expectedVersion(c: Context): number {
  const header = c.req.header("if-match");
  if (header === undefined) {
    throw new SluiceError(
      "precondition_failed",
      "header `If-Match`",
      "required for updates (send the ETag from GET)",
      "precondition_required",
    );
  }
  const match = /^"v([1-9]\d{0,9})"$/.exec(header.trim());
  if (!match?.[1]) throw badInput("header `If-Match`", 'expected an ETag like `"v3"`', "invalid_if_match");
  return Number(match[1]);
}
