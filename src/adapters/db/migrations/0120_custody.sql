-- Custody and location (issue #16, docs/custody.md): serials per lot, declared sites and the sites a
-- licence permits, approved site changes, custody events, landmarks, device keys bound by a lab's
-- signed device-key certificate, heartbeats (raw, partitioned by day of receipt; a per-chip daily
-- summary), used nonces and heartbeat ids (kept for the retention period), alerts. PostgreSQL 15 SQL
-- (declarative partitioning works in PGlite too); ids from the application; times from the server.

-- The landmark operator role (posts observations only). The trust branch's roles are listed too, so
-- the two migrations agree whichever runs last.
ALTER TABLE api_tokens DROP CONSTRAINT IF EXISTS api_tokens_role_check;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_role_check CHECK (role IN ('admin', 'exporter', 'lab',
  'importer', 'us-regulator', 'cn-authority', 'customs', 'us-customs', 'cn-customs', 'auditor',
  'compliance-reviewer', 'landmark-operator'));

CREATE TABLE custody_sites (
  id text PRIMARY KEY,
  importer_id text NOT NULL REFERENCES parties (id),
  name text NOT NULL,
  address text NOT NULL,
  lat double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
  lon double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
  doc jsonb NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX custody_sites_importer ON custody_sites (importer_id);

-- The sites a licence permits (written by the US regulator).
CREATE TABLE licence_sites (
  licence_id text NOT NULL REFERENCES licences (id),
  site_id text NOT NULL REFERENCES custody_sites (id),
  granted_by text NOT NULL,
  granted_at timestamptz NOT NULL,
  PRIMARY KEY (licence_id, site_id)
);

-- A move between two declared sites, approved by the US regulator for one shipment's chips.
CREATE TABLE site_changes (
  id text PRIMARY KEY,
  shipment_id text NOT NULL REFERENCES shipments (id),
  from_site_id text NOT NULL REFERENCES custody_sites (id),
  to_site_id text NOT NULL REFERENCES custody_sites (id),
  doc jsonb NOT NULL,
  approved_by text NOT NULL,
  approved_at timestamptz NOT NULL
);

-- One row per chip. `prefix` + `num` is the serial (as the shipment's ranges write it), kept apart
-- so that an event for a range updates an index range, not a list of strings.
CREATE TABLE serials (
  serial text PRIMARY KEY,
  shipment_id text NOT NULL REFERENCES shipments (id),
  prefix text NOT NULL,
  num bigint NOT NULL,
  licence_id text,
  importer_id text NOT NULL,
  state text NOT NULL CHECK (state IN ('registered', 'exported', 'entered_china', 'delivered',
    'installed', 'in_repair', 'destroyed')),
  site_id text REFERENCES custody_sites (id),
  device_key text,
  device_key_certificate_id text,
  device_key_revoked_at timestamptz,
  last_heartbeat_at timestamptz,
  last_verdict text,
  registered_at timestamptz NOT NULL
);
CREATE INDEX serials_range ON serials (shipment_id, prefix, num);
-- The silence sweep: a chip never heard from counts from its registration.
CREATE INDEX serials_silence ON serials ((coalesce(last_heartbeat_at, registered_at))) WHERE state = 'installed';

CREATE TABLE serial_imports (
  shipment_id text PRIMARY KEY REFERENCES shipments (id),
  serial_count bigint NOT NULL CHECK (serial_count > 0),
  imported_by text NOT NULL,
  imported_at timestamptz NOT NULL
);

-- A custody event over ranges of one shipment's serials (a history entry of each serial in them).
CREATE TABLE custody_events (
  id text PRIMARY KEY,
  shipment_id text NOT NULL REFERENCES shipments (id),
  kind text NOT NULL,
  ranges jsonb NOT NULL,
  serial_count bigint NOT NULL CHECK (serial_count > 0),
  from_state text NOT NULL,
  to_state text NOT NULL,
  site_id text,
  doc jsonb NOT NULL,
  content_sha256 text NOT NULL,
  recorded_by text NOT NULL,
  role text NOT NULL,
  recorded_at timestamptz NOT NULL
);
CREATE INDEX custody_events_shipment ON custody_events (shipment_id, recorded_at);

-- The lab's signed device-key certificates, kept byte for byte.
CREATE TABLE device_key_certificates (
  id text PRIMARY KEY,
  shipment_id text NOT NULL REFERENCES shipments (id),
  lab_id text NOT NULL REFERENCES labs (id),
  content_sha256 text NOT NULL UNIQUE,
  canonical_text text NOT NULL,
  signature text NOT NULL,
  key_count integer NOT NULL CHECK (key_count > 0),
  submitted_by text NOT NULL,
  submitted_at timestamptz NOT NULL
);

CREATE TABLE landmarks (
  id text PRIMARY KEY,
  name text NOT NULL,
  operator text NOT NULL,
  lat double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
  lon double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
  public_key text NOT NULL UNIQUE,
  valid_from timestamptz NOT NULL,
  valid_until timestamptz,
  doc jsonb NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  CHECK (valid_until IS NULL OR valid_from < valid_until)
);

-- Every accepted heartbeat id, with the sha256 of its canonical signed content: a replay with the
-- same content is a duplicate, with other content a refusal. Trimmed after the retention period
-- (an older replay is refused as stale anyway).
CREATE TABLE heartbeat_ids (
  id text PRIMARY KEY,
  content_sha256 text NOT NULL,
  received_on date NOT NULL
);
CREATE INDEX heartbeat_ids_day ON heartbeat_ids (received_on);

-- Nonces used, per landmark: a nonce is accepted once.
CREATE TABLE heartbeat_nonces (
  landmark_id text NOT NULL,
  nonce text NOT NULL,
  heartbeat_id text NOT NULL,
  received_on date NOT NULL,
  PRIMARY KEY (landmark_id, nonce)
);
CREATE INDEX heartbeat_nonces_day ON heartbeat_nonces (received_on);

-- Raw heartbeats, one partition per day of receipt (created on first use, dropped after the
-- retention period). The whole signed heartbeat is kept, so it can be re-verified and proven
-- against its batch's Merkle root (audit entry `heartbeats.batch`, `batch_seq` below).
CREATE TABLE heartbeats (
  received_on date NOT NULL,
  id text NOT NULL,
  serial text NOT NULL,
  received_at timestamptz NOT NULL,
  batch_id text NOT NULL,
  leaf_index integer NOT NULL,
  verdict text NOT NULL,
  nearest_landmark_id text NOT NULL,
  nearest_radius_km double precision NOT NULL,
  nearest_rtt_ms double precision NOT NULL,
  body jsonb NOT NULL,
  PRIMARY KEY (received_on, id)
) PARTITION BY RANGE (received_on);

-- One row per ingest batch: its Merkle root (RFC 6962) over the accepted heartbeats' canonical text.
CREATE TABLE heartbeat_batches (
  id text PRIMARY KEY,
  source text NOT NULL,
  accepted integer NOT NULL,
  refused integer NOT NULL,
  merkle_root text NOT NULL,
  audit_entry_id text NOT NULL, -- the batch's audit entry (log_pending id until integrated; audit_log.entry holds its bytes)
  received_by text NOT NULL,
  received_at timestamptz NOT NULL
);

-- Per chip and day: kept for the life of the licence.
CREATE TABLE heartbeat_daily (
  serial text NOT NULL,
  day date NOT NULL,
  heartbeats integer NOT NULL CHECK (heartbeats > 0),
  verified integer NOT NULL,
  inconsistent integer NOT NULL,
  unprovable integer NOT NULL,
  impossible integer NOT NULL,
  min_radius_km double precision NOT NULL,
  first_at timestamptz NOT NULL,
  last_at timestamptz NOT NULL,
  PRIMARY KEY (serial, day)
);

CREATE TABLE custody_alerts (
  id text PRIMARY KEY,
  kind text NOT NULL,
  serial text,
  importer_id text,
  -- One open alert per (kind, subject): a sweep run twice raises it once.
  dedupe_key text NOT NULL,
  status text NOT NULL CHECK (status IN ('open', 'acknowledged', 'closed')),
  evidence jsonb NOT NULL,
  rulebook text NOT NULL,
  opened_by text NOT NULL,
  opened_at timestamptz NOT NULL,
  updated_by text,
  updated_at timestamptz,
  reason text,
  version integer NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX custody_alerts_open ON custody_alerts (dedupe_key) WHERE status <> 'closed';
CREATE INDEX custody_alerts_serial ON custody_alerts (serial);
CREATE INDEX custody_alerts_importer ON custody_alerts (importer_id, status);
