// Idempotency records in the store: per (principal, Idempotency-Key), the hash of the request and
// the response that was sent. `saveResponse` takes a Tx so a write and its record commit together;
// it inserts only if the key is new, and reports a key taken by a concurrent request.
import type { Store, Tx } from "./store.ts";

export interface StoredResponse {
  requestSha256: string;
  status: number;
  contentType: string;
  body: string;
}

export async function findResponse(
  store: Store | Tx,
  principal: string,
  key: string,
): Promise<StoredResponse | undefined> {
  const { rows } = await store.query<{
    request_sha256: string;
    status: number;
    content_type: string;
    body: string;
  }>(
    "SELECT request_sha256, status, content_type, body FROM idempotency_keys WHERE principal = $1 AND key = $2",
    [principal, key],
  );
  const row = rows[0];
  return row
    ? { requestSha256: row.request_sha256, status: row.status, contentType: row.content_type, body: row.body }
    : undefined;
}

/** Records a response; false if the key was already recorded (by a concurrent request). */
export async function saveResponse(
  store: Store | Tx,
  principal: string,
  key: string,
  response: StoredResponse,
  at: Date,
): Promise<boolean> {
  const { rowCount } = await store.query(
    `INSERT INTO idempotency_keys (principal, key, request_sha256, status, content_type, body, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (principal, key) DO NOTHING`,
    [principal, key, response.requestSha256, response.status, response.contentType, response.body, at],
  );
  return rowCount === 1;
}
