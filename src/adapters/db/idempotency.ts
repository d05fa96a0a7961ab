// Idempotency records in the store: per (principal, Idempotency-Key), the hash of the request and
// the response that was sent. A request first claims its key (a row 'in_flight' with a random
// claim), so a concurrent request with the same key is refused, not executed; the response then
// completes the row ('done'), in the write's own transaction, compared on the claim; a refused
// request releases its claim. A row past its time (done: the TTL; in flight: the lease, for a
// server that died mid-request) is taken over by the next claim and swept in bounded batches.
// sqlIdempotencyStore is the port of src/app/idempotency/ports.ts over these functions.
import type {
  ClaimOutcome,
  ExpiryCutoffs,
  IdempotencyStore,
  OwnedKey,
  StoredResponse,
  WriteTransaction,
} from "../../app/idempotency/ports.ts";
import type { Store, Tx } from "./store.ts";

export type { ClaimOutcome, ExpiryCutoffs, StoredResponse };

interface KeyRow {
  state: "in_flight" | "done";
  request_sha256: string;
  status: number | null;
  content_type: string | null;
  body: string | null;
}

/** A row can vanish between the failed claim and the read (released, swept): claim again. */
const claimAttemptsMax = 3;

export async function claimKey(
  store: Store,
  key: { principal: string; key: string; requestSha256: string; claim: string },
  at: Date,
  cutoffs: ExpiryCutoffs,
): Promise<ClaimOutcome> {
  for (let attempt = 1; ; attempt++) {
    const { rowCount } = await store.query(
      `INSERT INTO idempotency_keys (principal, key, request_sha256, state, claim, created_at)
       VALUES ($1, $2, $3, 'in_flight', $4, $5)
       ON CONFLICT (principal, key) DO UPDATE
         SET request_sha256 = EXCLUDED.request_sha256, state = 'in_flight', claim = EXCLUDED.claim,
             status = NULL, content_type = NULL, body = NULL, created_at = EXCLUDED.created_at
         WHERE (idempotency_keys.state = 'done' AND idempotency_keys.created_at <= $6)
            OR (idempotency_keys.state = 'in_flight' AND idempotency_keys.created_at <= $7)
       RETURNING claim`,
      [key.principal, key.key, key.requestSha256, key.claim, at, cutoffs.doneBefore, cutoffs.inFlightBefore],
    );
    if (rowCount === 1) return { state: "claimed" };
    const { rows } = await store.query<KeyRow>(
      "SELECT state, request_sha256, status, content_type, body FROM idempotency_keys WHERE principal = $1 AND key = $2",
      [key.principal, key.key],
    );
    const row = rows[0];
    if (row?.state === "in_flight") return { state: "in_flight", requestSha256: row.request_sha256 };
    if (row && row.status !== null && row.content_type !== null && row.body !== null) {
      const response = {
        requestSha256: row.request_sha256,
        status: row.status,
        contentType: row.content_type,
        body: row.body,
      };
      return { state: "done", response };
    }
    if (attempt >= claimAttemptsMax)
      throw new Error(`idempotency key claim kept losing (${attempt} attempts)`);
  }
}

/**
 * Completes a claimed key with its response; false if the claim is no longer ours (it outlived its
 * lease and another request took the key over, or it was swept). Pass the write's Tx so the write
 * and its record commit together.
 */
export async function completeKey(
  store: Store | Tx,
  key: { principal: string; key: string; claim: string },
  response: StoredResponse,
  at: Date,
): Promise<boolean> {
  const { rowCount } = await store.query(
    `UPDATE idempotency_keys
        SET state = 'done', claim = NULL, status = $4, content_type = $5, body = $6, created_at = $7
      WHERE principal = $1 AND key = $2 AND claim = $3 AND state = 'in_flight'`,
    [key.principal, key.key, key.claim, response.status, response.contentType, response.body, at],
  );
  return rowCount === 1;
}

/** Releases a claim (the request was refused): the key is unused again. */
export async function releaseKey(
  store: Store,
  key: { principal: string; key: string; claim: string },
): Promise<void> {
  await store.query(
    "DELETE FROM idempotency_keys WHERE principal = $1 AND key = $2 AND claim = $3 AND state = 'in_flight'",
    [key.principal, key.key, key.claim],
  );
}

/** Deletes up to `rowsMax` expired or abandoned rows, oldest first; returns how many. */
export async function sweepKeys(store: Store, cutoffs: ExpiryCutoffs, rowsMax: number): Promise<number> {
  const { rowCount } = await store.query(
    `DELETE FROM idempotency_keys WHERE (principal, key) IN (
       SELECT principal, key FROM idempotency_keys
        WHERE (state = 'done' AND created_at <= $1) OR (state = 'in_flight' AND created_at <= $2)
        ORDER BY created_at LIMIT $3)
       AND ((state = 'done' AND created_at <= $1) OR (state = 'in_flight' AND created_at <= $2))`,
    [cutoffs.doneBefore, cutoffs.inFlightBefore, rowsMax],
  );
  return rowCount;
}

/** A write's transaction as the HTTP edge hands it back: only a Tx this adapter opened is one. */
function asTx(work: WriteTransaction): Tx {
  if (typeof work === "object" && work !== null && "query" in work && typeof work.query === "function")
    return work as Tx;
  throw new Error("idempotency: completeWithin needs the write's transaction from the database adapter");
}

/** The idempotency records of src/app/idempotency/ports.ts over `store`. */
export function sqlIdempotencyStore(store: Store): IdempotencyStore {
  return {
    claim: (key, at, cutoffs) => claimKey(store, key, at, cutoffs),
    complete: (key: OwnedKey, response, at) => completeKey(store, key, response, at),
    completeWithin: async (work, key, response, at) => completeKey(asTx(work), key, response, at),
    release: (key) => releaseKey(store, key),
    sweep: (cutoffs, rowsMax) => sweepKeys(store, cutoffs, rowsMax),
  };
}
