-- Restricted-party screening: list versions and their entries (as parsed at import, so a later
-- parser change never alters what a decision was screened against), screenings of parties, and
-- reviewers' dispositions of hits. PostgreSQL 15 SQL; ids come from the application.

-- One row per imported version of a list. id = `<list id>@<sha256 of the raw bytes>`. A newer
-- import of the same list supersedes the active one: exactly one active version per list.
CREATE TABLE list_versions (
  id text PRIMARY KEY,
  list_id text NOT NULL,
  format text NOT NULL,
  content_hash text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
  entry_count integer NOT NULL CHECK (entry_count >= 0),
  name_count integer NOT NULL CHECK (name_count >= entry_count),
  skipped_rows integer NOT NULL DEFAULT 0 CHECK (skipped_rows >= 0),
  source text NOT NULL,
  imported_at timestamptz NOT NULL,
  active boolean NOT NULL,
  superseded_by text REFERENCES list_versions (id),
  superseded_at timestamptz,
  CONSTRAINT list_versions_id CHECK (id = list_id || '@' || content_hash),
  CONSTRAINT list_versions_superseded CHECK (NOT active OR superseded_by IS NULL)
);
CREATE UNIQUE INDEX list_versions_one_active ON list_versions (list_id) WHERE active;
CREATE INDEX list_versions_list ON list_versions (list_id, imported_at);

-- The entries of a version in file order, each with its fingerprint (sha256 of type, names,
-- countries, addresses): a disposition is bound to the fingerprint and reopens when it changes.
CREATE TABLE list_entries (
  version_id text NOT NULL REFERENCES list_versions (id),
  ord integer NOT NULL CHECK (ord >= 0),
  entry_id text NOT NULL,
  fingerprint text NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
  entry jsonb NOT NULL,
  PRIMARY KEY (version_id, entry_id),
  UNIQUE (version_id, ord)
);

-- Every screening of a party (on creation or change, after a new list version, on request): what
-- was screened, against which versions, and the alerting hits with their explanations. The
-- latest row per party (highest id) is the party's current screening.
CREATE TABLE party_screenings (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  party_id text NOT NULL REFERENCES parties (id),
  screened_at timestamptz NOT NULL,
  reason text NOT NULL CHECK (reason IN ('party_created', 'party_changed', 'list_version', 'requested')),
  name text NOT NULL,
  country text,
  index_key text NOT NULL,
  list_versions jsonb NOT NULL,
  threshold double precision NOT NULL,
  alert_count integer NOT NULL CHECK (alert_count >= 0),
  hits jsonb NOT NULL
);
CREATE INDEX party_screenings_latest ON party_screenings (party_id, id DESC);

-- Reviewers' decisions on a hit; the latest per (party, list, entry) counts. Bound to the entry's
-- fingerprint and the list version the hit came from; expires_at is optional.
CREATE TABLE dispositions (
  id text PRIMARY KEY,
  party_id text NOT NULL REFERENCES parties (id),
  list_id text NOT NULL,
  entry_id text NOT NULL,
  entry_fingerprint text NOT NULL,
  decision text NOT NULL CHECK (decision IN ('false_positive', 'true_match')),
  reason text NOT NULL CHECK (length(btrim(reason)) > 0),
  decided_by text NOT NULL CHECK (length(btrim(decided_by)) > 0),
  decided_at timestamptz NOT NULL,
  expires_at timestamptz,
  list_version text NOT NULL,
  screening_id bigint NOT NULL REFERENCES party_screenings (id),
  CONSTRAINT dispositions_expiry CHECK (expires_at IS NULL OR expires_at > decided_at)
);
CREATE INDEX dispositions_party ON dispositions (party_id, list_id, entry_id, decided_at);
