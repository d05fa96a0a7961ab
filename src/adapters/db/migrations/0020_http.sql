-- HTTP API: tokens per principal and idempotency records. PostgreSQL 15 SQL; ids from the application.

-- A token's secret is shown once when created; only its SHA-256 (hex) is kept. `version` counts
-- updates, for optimistic concurrency (ETag / If-Match).
CREATE TABLE api_tokens (
  id text PRIMARY KEY,
  secret_sha256 text NOT NULL UNIQUE CHECK (secret_sha256 ~ '^[0-9a-f]{64}$'),
  role text NOT NULL CHECK (role IN ('admin', 'exporter', 'lab', 'importer', 'us-regulator',
                                     'cn-authority', 'customs', 'auditor')),
  party_id text,
  label text NOT NULL DEFAULT '',
  version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at timestamptz NOT NULL,
  revoked_at timestamptz,
  CONSTRAINT api_tokens_party_scoped CHECK (role NOT IN ('importer', 'lab') OR party_id IS NOT NULL)
);

-- One row per (principal, Idempotency-Key): the request's hash and the response that was sent.
CREATE TABLE idempotency_keys (
  principal text NOT NULL,
  key text NOT NULL,
  request_sha256 text NOT NULL,
  status integer NOT NULL CHECK (status BETWEEN 200 AND 299),
  content_type text NOT NULL,
  body text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (principal, key)
);
