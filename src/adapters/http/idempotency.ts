// Idempotency-Key on every POST: the same principal, key and body get the first response again
// (same status and body, header `Idempotent-Replayed: true`); the same key with another body is a
// 409 `idempotency_key_reused`. Bodies are compared by the SHA-256 of their canonical JSON (RFC
// 8785), so whitespace and key order do not matter. Only 2xx responses are recorded: a refused
// request leaves the key unused. Writes record the response inside their own transaction with
// `recordIdempotent(c, tx, …)`, so the write and its record commit together or not at all; for
// stateless routes the middleware records the response after the handler.
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { canonicalJson, sha256Hex } from "../../core/digest.ts";
import { badInput, SluiceError } from "../../core/errors.ts";
import { findResponse, saveResponse } from "../db/idempotency.ts";
import type { Store, Tx } from "../db/store.ts";
import type { Clock } from "../db/tokens.ts";
import type { AppEnv } from "./context.ts";
import { jsonContentType, toJsonText } from "./json.ts";

export const idempotencyKeyHeader = "idempotency-key";
export const idempotencyKeyLengthMax = 255;
/** Printable ASCII without spaces: UUIDs, ULIDs and the like. */
const keyPattern = /^[\x21-\x7e]+$/;

export interface Idempotency {
  key: string;
  requestSha256: string;
  /** Set once the response is recorded (by a write in its transaction). */
  saved: boolean;
}

/** Hash of what makes two requests "the same": method, path and the body's canonical JSON. */
export function requestHash(method: string, path: string, body: string): string {
  let canonical = body;
  try {
    canonical = canonicalJson(JSON.parse(body));
  } catch {
    // Not JSON: compare the bytes as sent (the route will refuse it anyway).
  }
  return sha256Hex(`${method} ${path}\n${canonical}`);
}

function parseKey(value: string): string {
  if (value.length === 0 || value.length > idempotencyKeyLengthMax || !keyPattern.test(value)) {
    throw badInput(
      "header `Idempotency-Key`",
      `expected 1–${idempotencyKeyLengthMax} printable ASCII characters without spaces`,
      "invalid_idempotency_key",
    );
  }
  return value;
}

const reused = () =>
  new SluiceError(
    "conflict",
    "header `Idempotency-Key`",
    "already used with a different request (use a new key for a new request)",
    "idempotency_key_reused",
  );

function replay(stored: { status: number; contentType: string; body: string }): Response {
  return new Response(stored.body, {
    status: stored.status,
    headers: { "content-type": stored.contentType, "idempotent-replayed": "true" },
  });
}

export function idempotency(store: Store, clock: Clock) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header(idempotencyKeyHeader);
    if (c.req.method !== "POST" || header === undefined) {
      c.set("idempotency", undefined);
      return next();
    }
    const key = parseKey(header);
    const principal = c.get("principal").id;
    const requestSha256 = requestHash(c.req.method, c.req.path, await c.req.text());
    const stored = await findResponse(store, principal, key);
    if (stored) {
      if (stored.requestSha256 !== requestSha256) throw reused();
      return replay(stored);
    }
    const context: Idempotency = { key, requestSha256, saved: false };
    c.set("idempotency", context);
    await next();
    const status = c.res.status;
    if (context.saved || status < 200 || status > 299) return;
    const body = await c.res.clone().text();
    const contentType = c.res.headers.get("content-type") ?? jsonContentType;
    // A concurrent request with the same key may have recorded first: both computed the same
    // stateless answer, so losing the insert is harmless here.
    await saveResponse(store, principal, key, { requestSha256, status, contentType, body }, clock());
  });
}

/**
 * For writes: records the response the handler is about to send, in the write's transaction. A
 * concurrent request that recorded the same key first makes this throw a 409 (the write rolls
 * back); the client's retry then gets the recorded response. No-op without an Idempotency-Key.
 */
export async function recordIdempotent(
  c: Context<AppEnv>,
  tx: Tx,
  status: number,
  value: unknown,
  at: Date,
): Promise<void> {
  const context = c.get("idempotency");
  if (context === undefined) return;
  const response = {
    requestSha256: context.requestSha256,
    status,
    contentType: jsonContentType,
    body: toJsonText(value),
  };
  const fresh = await saveResponse(tx, c.get("principal").id, context.key, response, at);
  if (!fresh) {
    throw new SluiceError(
      "conflict",
      "header `Idempotency-Key`",
      "a concurrent request with this key is being processed (retry to get its response)",
      "idempotency_key_in_flight",
    );
  }
  context.saved = true;
}
