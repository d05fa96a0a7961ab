-- The transparency log (docs/log.md). Business transactions no longer touch a shared row: each
-- writes its entries' bytes into log_pending in its own commit (acknowledged = logged); one
-- integrator at a time (the holder of log_lease) moves them into audit_log with an index, adds the
-- Merkle tree's new complete subtrees to log_nodes, extends the hash chain in audit_head, and signs
-- a checkpoint, all in one transaction. No advisory locks: the lease is a row with an expiry.

CREATE TABLE log_pending (
  id text PRIMARY KEY,          -- UUIDv7 from the writer: integration order follows it loosely
  entry text NOT NULL           -- RFC 8785 canonical JSON of {kind, at, actor, payload}
);

-- The entry's bytes exactly as hashed into its leaf (index = seq - 1). Rows written before this
-- migration get theirs from the integrator on its first run (actor: the system, via the migration).
ALTER TABLE audit_log ADD COLUMN entry text;

-- Complete (perfect, aligned) subtrees: leaves [idx * 2^level, (idx + 1) * 2^level). They never
-- change once written; proofs and roots are made from them.
CREATE TABLE log_nodes (
  level smallint NOT NULL CHECK (level >= 0 AND level < 64),
  idx bigint NOT NULL CHECK (idx >= 0),
  hash bytea NOT NULL CHECK (length(hash) = 32),
  PRIMARY KEY (level, idx)
);

-- Every signed checkpoint; the last one is what the log never contradicts.
CREATE TABLE log_checkpoints (
  size bigint PRIMARY KEY CHECK (size >= 0),
  root bytea NOT NULL CHECK (length(root) = 32),
  note text NOT NULL,           -- the signed note as the log signed it
  cosigned text,                -- the note with the witnesses' cosignatures, once any came back
  cosigners text[] NOT NULL DEFAULT '{}',
  signed_at timestamptz NOT NULL
);

-- Who integrates: one row; taken when free or expired, renewed by its holder.
CREATE TABLE log_lease (
  id smallint PRIMARY KEY CHECK (id = 1),
  holder text,
  epoch bigint NOT NULL DEFAULT 0,
  expires_at timestamptz NOT NULL DEFAULT '1970-01-01T00:00:00Z'
);
INSERT INTO log_lease (id) VALUES (1);

-- The integrator's state: audit_head keeps the chain's head and now the Merkle tree's size (the
-- leaves in log_nodes); only the integrator updates it.
ALTER TABLE audit_head ADD COLUMN tree_size bigint NOT NULL DEFAULT 0 CHECK (tree_size >= 0);
