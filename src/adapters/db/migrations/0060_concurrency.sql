-- Optimistic concurrency and expiring idempotency records (docs/api.md). PostgreSQL 15 SQL.

-- Labs get a version like orders, shipments and tokens: bumped by every change of the row (its
-- revocation), answered as the ETag of GET /v1/labs/{id} and compared by If-Match.
ALTER TABLE labs ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version >= 1);

-- An Idempotency-Key is claimed ('in_flight', with a random claim) before its request runs, so a
-- second request with the key is refused instead of executed; the response completes the row
-- ('done') in the write's own transaction, compared on the claim. A refused request deletes its
-- claim. Rows older than the TTL (done) or the in-flight lease (a crashed server) are taken over by
-- the next request with the key and swept in bounded batches, oldest first (`created_at` index).
ALTER TABLE idempotency_keys
  ADD COLUMN state text NOT NULL DEFAULT 'done' CHECK (state IN ('in_flight', 'done')),
  ADD COLUMN claim text,
  ALTER COLUMN status DROP NOT NULL,
  ALTER COLUMN content_type DROP NOT NULL,
  ALTER COLUMN body DROP NOT NULL,
  ADD CONSTRAINT idempotency_keys_done_has_response
    CHECK (state = 'in_flight' OR (status IS NOT NULL AND content_type IS NOT NULL AND body IS NOT NULL)),
  ADD CONSTRAINT idempotency_keys_in_flight_has_claim CHECK (state = 'done' OR claim IS NOT NULL);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
