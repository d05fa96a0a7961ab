// Idempotency-Key on every POST: the same principal, key and body get the first response again
// (same status and body, header `Idempotent-Replayed: true`); the same key with another body is a
// 409 `idempotency_key_reused`. Bodies are compared by the SHA-256 of their canonical JSON (RFC
// 8785), so whitespace and key order do not matter. The key is claimed before the request runs, so
// a second request with a key still in flight is a 409 `idempotency_key_in_flight`, never a second
// execution. Only 2xx responses are recorded: a refused request releases the key. Writes record the
// response inside their own transaction with `recordIdempotent(c, tx, …)`, so the write and its
// record commit together or not at all; for other routes the middleware records the response after
// the handler. Records expire after `idempotencyTtlMs` (then the key is new again), claims of a
// request that never finished after `idempotencyInFlightMaxMs`; expired rows are swept in bounded
// batches, at most once per `idempotencySweepIntervalMs`, by the requests that carry a key. The
// records are the IdempotencyStore port (src/app/idempotency/ports.ts), wired by src/compose.ts.

import { randomUUID } from "node:crypto";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type {
  ExpiryCutoffs,
  IdempotencyStore,
  OwnedKey,
  StoredResponse,
  WriteTransaction,
} from "../../app/idempotency/ports.ts";
import type { Clock } from "../../app/ports.ts";
import { canonicalJson, sha256Hex } from "../../core/digest.ts";
import { badInput, SluiceError } from "../../core/errors.ts";
import type { AppEnv } from "./context.ts";
import { jsonContentType, toJsonText } from "./json.ts";

export const idempotencyKeyHeader = "idempotency-key";
export const idempotencyKeyLengthMax = 255;
/** Printable ASCII without spaces: UUIDs, ULIDs and the like. */
const keyPattern = /^[\x21-\x7e]+$/;

/** How long a recorded response is replayed; after that the key is new again (24 h). */
export const idempotencyTtlMsDefault = 24 * 60 * 60 * 1000;
/** How long a claim of a request that has not finished blocks its key (a server died mid-request). */
export const idempotencyInFlightMaxMsDefault = 2 * 60 * 1000;
/** Least time between two sweeps of expired records, and the rows one sweep deletes at most. */
export const idempotencySweepIntervalMsDefault = 60 * 1000;
export const idempotencySweepRowsMax = 500;

export interface IdempotencyOptions {
  ttlMs?: number | undefined;
  inFlightMaxMs?: number | undefined;
  sweepIntervalMs?: number | undefined;
  /** Where a failed sweep is reported (it does not fail the request; the next sweep retries). */
  logError?: ((error: unknown) => void) | undefined;
}

export interface Idempotency {
  key: string;
  requestSha256: string;
  /** This request's claim on the key: completing or releasing the row compares it. */
  claim: string;
  /** Set once the response is recorded (by a write in its transaction). */
  saved: boolean;
  /** Where the key is recorded (recordIdempotent completes it there, in the write's transaction). */
  records: IdempotencyStore;
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

const inFlight = () =>
  new SluiceError(
    "conflict",
    "header `Idempotency-Key`",
    "a request with this key is still being processed (retry to get its response)",
    "idempotency_key_in_flight",
  );

function replay(stored: { status: number; contentType: string; body: string }): Response {
  return new Response(stored.body, {
    status: stored.status,
    headers: { "content-type": stored.contentType, "idempotent-replayed": "true" },
  });
}

/** Expiry of records as of `now`: computed per request, so the TTL applies to records made before. */
function cutoffsAt(now: Date, ttlMs: number, inFlightMaxMs: number): ExpiryCutoffs {
  return {
    doneBefore: new Date(now.getTime() - ttlMs),
    inFlightBefore: new Date(now.getTime() - inFlightMaxMs),
  };
}

/** Runs at most one bounded sweep per interval (by the clock), never failing the request. */
function sweeper(records: IdempotencyStore, intervalMs: number, logError: (error: unknown) => void) {
  let lastSweepMs = Number.NEGATIVE_INFINITY;
  return async (now: Date, cutoffs: ExpiryCutoffs) => {
    if (now.getTime() - lastSweepMs < intervalMs) return;
    lastSweepMs = now.getTime();
    try {
      await records.sweep(cutoffs, idempotencySweepRowsMax);
    } catch (error) {
      logError(error);
    }
  };
}

export function idempotency(records: IdempotencyStore, clock: Clock, options: IdempotencyOptions = {}) {
  const ttlMs = options.ttlMs ?? idempotencyTtlMsDefault;
  const inFlightMaxMs = options.inFlightMaxMs ?? idempotencyInFlightMaxMsDefault;
  const sweep = sweeper(
    records,
    options.sweepIntervalMs ?? idempotencySweepIntervalMsDefault,
    options.logError ?? (() => {}),
  );
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header(idempotencyKeyHeader);
    if (c.req.method !== "POST" || header === undefined) {
      c.set("idempotency", undefined);
      return next();
    }
    const key = parseKey(header);
    const principal = c.get("principal").id;
    const requestSha256 = requestHash(c.req.method, c.req.path, await c.req.text());
    const now = clock();
    const cutoffs = cutoffsAt(now, ttlMs, inFlightMaxMs);
    await sweep(now, cutoffs);
    const claim = randomUUID();
    const found = await records.claim({ principal, key, requestSha256, claim }, now, cutoffs);
    if (found.state !== "claimed") {
      const sha256 = found.state === "done" ? found.response.requestSha256 : found.requestSha256;
      if (sha256 !== requestSha256) throw reused();
      if (found.state === "in_flight") throw inFlight();
      return replay(found.response);
    }
    const context: Idempotency = { key, requestSha256, claim, saved: false, records };
    c.set("idempotency", context);
    await next();
    await settle(c, clock, context);
  });
}

/** After the handler: records a 2xx not recorded by a write, or releases the key of a refusal. */
async function settle(c: Context<AppEnv>, clock: Clock, context: Idempotency) {
  const principal = c.get("principal").id;
  const owned = { principal, key: context.key, claim: context.claim };
  const status = c.res.status;
  // A refusal releases the key even if a write recorded it first: that transaction rolled back
  // (the release only deletes a row still in flight under this claim).
  if (status < 200 || status > 299) {
    await context.records.release(owned);
    return;
  }
  if (context.saved) return;
  const body = await c.res.clone().text();
  const contentType = c.res.headers.get("content-type") ?? jsonContentType;
  // Losing the claim here (it outlived its lease) is harmless: this answer is sent all the same,
  // and the request that took the key over answers the same request again.
  await context.records.complete(
    owned,
    { requestSha256: context.requestSha256, status, contentType, body },
    clock(),
  );
}

/**
 * For writes: records the response the handler is about to send, in the write's transaction. If
 * this request's claim on the key was taken over (it outlived `idempotencyInFlightMaxMs`), this
 * throws a 409 and the write rolls back. No-op without an Idempotency-Key.
 */
export function recordIdempotent(
  c: Context<AppEnv>,
  tx: WriteTransaction,
  status: number,
  value: unknown,
  at: Date,
): Promise<void> {
  return recordWith(c, status, value, (records, owned, response) =>
    records.completeWithin(tx, owned, response, at),
  );
}

/**
 * As recordIdempotent, for a write whose own units of work are over (a list import and the
 * re-screening after it): the response is recorded on its own, still a 409 if the claim was lost.
 */
export function recordIdempotentAfter(
  c: Context<AppEnv>,
  status: number,
  value: unknown,
  at: Date,
): Promise<void> {
  return recordWith(c, status, value, (records, owned, response) => records.complete(owned, response, at));
}

async function recordWith(
  c: Context<AppEnv>,
  status: number,
  value: unknown,
  complete: (records: IdempotencyStore, owned: OwnedKey, response: StoredResponse) => Promise<boolean>,
): Promise<void> {
  const context = c.get("idempotency");
  if (context === undefined) return;
  const response = {
    requestSha256: context.requestSha256,
    status,
    contentType: jsonContentType,
    body: toJsonText(value),
  };
  const owned = { principal: c.get("principal").id, key: context.key, claim: context.claim };
  // Not ours any more: this request outlived its claim and another one took the key over.
  if (!(await complete(context.records, owned, response))) throw inFlight();
  context.saved = true;
}
