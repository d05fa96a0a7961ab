// Idempotency records as the HTTP edge uses them (Idempotency-Key on POST, src/adapters/http/
// idempotency.ts): per (principal, key), the hash of the request and the response that was sent.
// A request claims its key first, completes it with its response (inside the write's own unit of
// work, so the write and its record commit together), or releases it when refused; expired rows are
// swept in bounded batches. The SQL is in src/adapters/db/idempotency.ts.

export interface StoredResponse {
  requestSha256: string;
  status: number;
  contentType: string;
  body: string;
}

/** What a claim found: the key is ours now, or it holds a response, or another request holds it. */
export type ClaimOutcome =
  | { state: "claimed" }
  | { state: "done"; response: StoredResponse }
  | { state: "in_flight"; requestSha256: string };

/** Rows created at or before these instants are expired (done) or abandoned (in flight). */
export interface ExpiryCutoffs {
  doneBefore: Date;
  inFlightBefore: Date;
}

/** A key as one request holds it: completing or releasing compares the claim. */
export interface OwnedKey {
  principal: string;
  key: string;
  claim: string;
}

/**
 * The unit of work a write runs in, as the adapter that opened it knows it (a SQL transaction in
 * the database adapter). Opaque to the HTTP edge: it only hands it back to the store that opened
 * it, so an idempotent response is recorded in the write's own transaction.
 */
export type WriteTransaction = unknown;

export interface IdempotencyStore {
  claim(key: OwnedKey & { requestSha256: string }, at: Date, cutoffs: ExpiryCutoffs): Promise<ClaimOutcome>;
  /** Completes a claimed key; false if the claim is no longer ours (taken over or swept). */
  complete(key: OwnedKey, response: StoredResponse, at: Date): Promise<boolean>;
  /** As complete, inside the write's open unit of work. */
  completeWithin(work: WriteTransaction, key: OwnedKey, response: StoredResponse, at: Date): Promise<boolean>;
  /** Releases a claim (the request was refused): the key is unused again. */
  release(key: OwnedKey): Promise<void>;
  /** Deletes up to `rowsMax` expired or abandoned rows, oldest first; returns how many. */
  sweep(cutoffs: ExpiryCutoffs, rowsMax: number): Promise<number>;
}
