// JSON responses that survive bigints (money and quantities are bigint in the core): bigints are
// written as decimal strings, the same as the CLI's --json output (src/adapters/cli/io.ts).
import type { Context, TypedResponse } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export const jsonContentType = "application/json; charset=utf-8";

const bigintAsString = (_key: string, v: unknown): unknown => (typeof v === "bigint" ? v.toString() : v);

/**
 * Plain JSON.stringify first: a replacer function costs a call per key and doubles the time of a
 * decision (10 KB, no bigints). Only a value that holds a bigint (JSON.stringify throws a
 * TypeError) is written again with the replacer, so the text is the same either way.
 */
export function toJsonText(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (error instanceof TypeError) return JSON.stringify(value, bigintAsString);
    throw error;
  }
}

/**
 * A JSON response; `headers` adds e.g. an ETag. Typed as a JSON response of any shape so that
 * OpenAPIHono accepts it for a route's declared status: the body's bigints are strings on the
 * wire, which the route's (documentation) response schema describes.
 */
export function sendJson<S extends ContentfulStatusCode = 200>(
  c: Context,
  value: unknown,
  status?: S,
  headers: Record<string, string> = {},
  // biome-ignore lint/suspicious/noExplicitAny: the wire shape is checked by tests, not by types
): Response & TypedResponse<any, S, "json"> {
  const response: Response = c.body(toJsonText(value), status ?? 200, {
    "content-type": jsonContentType,
    ...headers,
  });
  // biome-ignore lint/suspicious/noExplicitAny: see above
  return response as Response & TypedResponse<any, S, "json">;
}
