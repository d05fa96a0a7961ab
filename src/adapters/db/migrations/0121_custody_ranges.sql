-- Custody at fleet scale (issue #16, docs/custody.md "Storage"): a lot's custody state and site are
-- kept by RANGE (an interval map, split only where an event covers part of a range), so registering
-- 2,000,000 serials and recording an event over them cost O(ranges), not one UPDATE of every chip.
-- `serials` keeps what is per chip (device key, last heartbeat). Each heartbeat row carries the
-- chip's previous position (set at ingest), so the clone sweep compares consecutive heartbeats
-- instead of self-joining the window. PostgreSQL 15 SQL, PGlite too.

CREATE TABLE serial_ranges (
  shipment_id text NOT NULL REFERENCES shipments (id),
  prefix text NOT NULL,
  first bigint NOT NULL,
  last bigint NOT NULL,
  state text NOT NULL CHECK (state IN ('registered', 'exported', 'entered_china', 'delivered',
    'installed', 'in_repair', 'destroyed')),
  site_id text REFERENCES custody_sites (id),
  PRIMARY KEY (shipment_id, prefix, first),
  CHECK (first <= last)
);
CREATE INDEX serial_ranges_state ON serial_ranges (state);

-- The serials already registered, as the runs of consecutive numbers that share state and site.
INSERT INTO serial_ranges (shipment_id, prefix, first, last, state, site_id)
SELECT shipment_id, prefix, min(num), max(num), state, site_id FROM (
  SELECT shipment_id, prefix, num, state, site_id,
    num - row_number() OVER (PARTITION BY shipment_id, prefix, state, site_id ORDER BY num) AS run
  FROM serials) runs
GROUP BY shipment_id, prefix, state, site_id, run;

-- Per chip: no state or site (the ranges hold them), no foreign key checked per row (the lot's
-- ranges reference the shipment), and the last position for the clone sweep.
DROP INDEX IF EXISTS serials_silence;
ALTER TABLE serials DROP CONSTRAINT IF EXISTS serials_shipment_id_fkey;
ALTER TABLE serials DROP COLUMN state;
ALTER TABLE serials DROP COLUMN site_id;
ALTER TABLE serials ADD COLUMN last_heartbeat_id text;
ALTER TABLE serials ADD COLUMN last_landmark_id text;
ALTER TABLE serials ADD COLUMN last_radius_km double precision;

-- A chip with its custody: what readers that need state or site select from.
CREATE VIEW serials_custody AS
SELECT s.*, r.state, r.site_id FROM serials s
JOIN serial_ranges r ON r.shipment_id = s.shipment_id AND r.prefix = s.prefix
  AND s.num BETWEEN r.first AND r.last;

-- The chip's previous accepted heartbeat (id, nearest landmark and disc, receipt), null for its first.
ALTER TABLE heartbeats ADD COLUMN prev_id text;
ALTER TABLE heartbeats ADD COLUMN prev_landmark_id text;
ALTER TABLE heartbeats ADD COLUMN prev_radius_km double precision;
ALTER TABLE heartbeats ADD COLUMN prev_received_at timestamptz;
