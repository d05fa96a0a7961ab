-- The shipment path: parties, orders, licence applications with their decisions, licences,
-- shipments with serial ranges, and the events between them. Ids are client-supplied or generated
-- by the application. Documents (party, order, evidence, dossier, decision) are kept whole as
-- jsonb next to the columns the queries and constraints need.

CREATE TABLE parties (
  id text PRIMARY KEY,
  name text NOT NULL,
  country text NOT NULL,
  doc jsonb NOT NULL,
  version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE orders (
  id text PRIMARY KEY,
  product_id text NOT NULL,
  quantity_units bigint NOT NULL CHECK (quantity_units > 0),
  value_cents bigint NOT NULL CHECK (value_cents >= 0),
  exporter_id text NOT NULL REFERENCES parties (id),
  consignee_id text NOT NULL REFERENCES parties (id),
  end_user_id text NOT NULL REFERENCES parties (id),
  status text NOT NULL CHECK (status IN ('created', 'held', 'denied', 'approved', 'licensed')),
  doc jsonb NOT NULL,
  evidence jsonb NOT NULL DEFAULT '{}'::jsonb,
  version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX orders_consignee ON orders (consignee_id);

-- One row per evaluation of an order (or of a shipment at release): the dossier that was decided,
-- its digest, and the whole decision with findings, so any decision can be replayed byte for byte.
CREATE TABLE decisions (
  id text PRIMARY KEY,
  order_id text NOT NULL REFERENCES orders (id),
  shipment_id text,
  purpose text NOT NULL CHECK (purpose IN ('application', 'release')),
  evaluated_on date NOT NULL,
  scenarios text[] NOT NULL,
  decision text NOT NULL CHECK (decision IN ('approve', 'hold', 'deny')),
  deciding_rule_ids text[] NOT NULL,
  dossier jsonb NOT NULL,
  dossier_digest text NOT NULL,
  result jsonb NOT NULL,
  input_hash text NOT NULL,
  decided_at timestamptz NOT NULL
);
CREATE INDEX decisions_order ON decisions (order_id, decided_at);

CREATE TABLE licences (
  id text PRIMARY KEY,
  decision_id text NOT NULL UNIQUE REFERENCES decisions (id),
  order_id text NOT NULL REFERENCES orders (id),
  granted_units bigint NOT NULL CHECK (granted_units > 0),
  granted_value_cents bigint NOT NULL CHECK (granted_value_cents >= 0),
  used_units bigint NOT NULL DEFAULT 0,
  used_value_cents bigint NOT NULL DEFAULT 0,
  conditions jsonb NOT NULL,
  expires_on date NOT NULL,
  granted_at timestamptz NOT NULL,
  CONSTRAINT licences_units_written_down CHECK (used_units >= 0 AND used_units <= granted_units),
  CONSTRAINT licences_value_written_down CHECK (used_value_cents >= 0 AND used_value_cents <= granted_value_cents)
);

CREATE TABLE shipments (
  id text PRIMARY KEY,
  order_id text NOT NULL REFERENCES orders (id),
  licence_id text REFERENCES licences (id),
  quantity_units bigint NOT NULL CHECK (quantity_units > 0),
  value_cents bigint NOT NULL CHECK (value_cents >= 0),
  status text NOT NULL CHECK (status IN ('planned', 'released', 'shipped', 'cancelled', 'expired')),
  reservation_id text,
  serials jsonb NOT NULL,
  evidence jsonb NOT NULL DEFAULT '{}'::jsonb,
  version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX shipments_order ON shipments (order_id);

-- Serial ranges of live shipments; overlap is checked in the writing (SERIALIZABLE) transaction.
CREATE TABLE shipment_serial_ranges (
  shipment_id text NOT NULL REFERENCES shipments (id),
  prefix text NOT NULL,
  first_serial bigint NOT NULL,
  last_serial bigint NOT NULL,
  CHECK (first_serial <= last_serial)
);
CREATE INDEX shipment_serial_ranges_lookup ON shipment_serial_ranges (prefix, first_serial);

CREATE TABLE shipment_events (
  id text PRIMARY KEY,
  shipment_id text NOT NULL REFERENCES shipments (id),
  action text NOT NULL,
  from_status text NOT NULL,
  to_status text NOT NULL,
  at timestamptz NOT NULL,
  details jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX shipment_events_shipment ON shipment_events (shipment_id, at);
