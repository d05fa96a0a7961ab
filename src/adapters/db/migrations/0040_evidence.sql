-- Evidence records (docs/evidence.md): the lab registry and signed lab certificates, Section 232
-- entries and duty payments, invoices/payments/forfeitures per order, Chinese import approvals with
-- their write-downs per shipment, the importers' domestic-chip purchases and customs events.
-- Money is integer cents (bigint). Ids are client-supplied; replays are answered by the application.

CREATE TABLE labs (
  id text PRIMARY KEY,
  name text NOT NULL,
  headquarters_country text NOT NULL,
  control_country text,
  public_key text NOT NULL,
  -- sha256 of the key's SPKI DER: one key belongs to one lab.
  key_id text NOT NULL UNIQUE,
  qualified_from date NOT NULL,
  qualified_to date,
  revoked_on date,
  revocation_reason text,
  created_at timestamptz NOT NULL,
  CHECK (qualified_to IS NULL OR qualified_from <= qualified_to),
  CHECK ((revoked_on IS NULL) = (revocation_reason IS NULL))
);

-- Only certificates that passed every check are stored. A certificate binds one shipment, and its
-- hash (sha256 of the canonical body) is unique, so the same certificate cannot be filed for a
-- second shipment. A shipment has at most one live ('ok') certificate; when its lab is revoked the
-- certificate turns 'lab_revoked' and the lot can be tested again by another lab.
CREATE TABLE lab_certificates (
  id text PRIMARY KEY,
  shipment_id text NOT NULL REFERENCES shipments (id),
  lab_id text NOT NULL REFERENCES labs (id),
  certificate_hash text NOT NULL UNIQUE,
  -- The canonical (RFC 8785) text that was signed, kept byte for byte, and the same as jsonb.
  canonical_text text NOT NULL,
  document jsonb NOT NULL,
  signature text NOT NULL,
  tested_on date NOT NULL,
  status text NOT NULL CHECK (status IN ('ok', 'lab_revoked')),
  submitted_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX lab_certificates_live ON lab_certificates (shipment_id) WHERE status = 'ok';
CREATE INDEX lab_certificates_lab ON lab_certificates (lab_id);

CREATE TABLE duty_entries (
  id text PRIMARY KEY,
  shipment_id text NOT NULL UNIQUE REFERENCES shipments (id),
  entered_on date NOT NULL,
  hts_code text NOT NULL,
  band smallint CHECK (band IN (1, 2)),
  entered_value_cents bigint NOT NULL CHECK (entered_value_cents >= 0),
  rate_percent integer NOT NULL CHECK (rate_percent BETWEEN 0 AND 100),
  exemption_kind text,
  exemption_certificate_ref text,
  duty_owed_cents bigint NOT NULL CHECK (duty_owed_cents >= 0),
  duty_paid_cents bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  CHECK ((exemption_kind IS NULL) = (exemption_certificate_ref IS NULL)),
  CONSTRAINT duty_entries_paid_within_owed CHECK (duty_paid_cents >= 0 AND duty_paid_cents <= duty_owed_cents)
);
CREATE INDEX duty_entries_entered_on ON duty_entries (entered_on);

CREATE TABLE duty_payments (
  id text PRIMARY KEY,
  entry_id text NOT NULL REFERENCES duty_entries (id),
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  paid_on date NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX duty_payments_entry ON duty_payments (entry_id);

CREATE TABLE invoices (
  id text PRIMARY KEY,
  order_id text NOT NULL REFERENCES orders (id),
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  issued_on date NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX invoices_order ON invoices (order_id);

CREATE TABLE payments (
  id text PRIMARY KEY,
  order_id text NOT NULL REFERENCES orders (id),
  kind text NOT NULL CHECK (kind IN ('payment', 'collateral', 'insurance')),
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  paid_on date NOT NULL,
  reference text,
  created_at timestamptz NOT NULL
);
CREATE INDEX payments_order ON payments (order_id);

-- No refunds: a denial or revocation after payment forfeits the paid cash, as an entry here.
CREATE TABLE forfeitures (
  id text PRIMARY KEY,
  order_id text NOT NULL REFERENCES orders (id),
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  reason text NOT NULL,
  forfeited_on date NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX forfeitures_order ON forfeitures (order_id);

CREATE TABLE cn_import_approvals (
  id text PRIMARY KEY,
  importer_id text NOT NULL REFERENCES parties (id),
  valid_from date NOT NULL,
  valid_to date NOT NULL,
  approved_units bigint NOT NULL CHECK (approved_units > 0),
  used_units bigint NOT NULL DEFAULT 0,
  doc jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  CHECK (valid_from <= valid_to),
  CONSTRAINT cn_import_approvals_written_down CHECK (used_units >= 0 AND used_units <= approved_units)
);
CREATE INDEX cn_import_approvals_importer ON cn_import_approvals (importer_id, valid_to);

-- One live write-down per shipment; restoring it (cancellation, reverted release) keeps the row.
CREATE TABLE cn_approval_write_downs (
  id text PRIMARY KEY,
  approval_id text NOT NULL REFERENCES cn_import_approvals (id),
  order_id text NOT NULL REFERENCES orders (id),
  shipment_id text NOT NULL REFERENCES shipments (id),
  units bigint NOT NULL CHECK (units > 0),
  written_at timestamptz NOT NULL,
  restored_at timestamptz
);
CREATE UNIQUE INDEX cn_approval_write_downs_live ON cn_approval_write_downs (shipment_id) WHERE restored_at IS NULL;
CREATE INDEX cn_approval_write_downs_approval ON cn_approval_write_downs (approval_id);

CREATE TABLE domestic_purchases (
  id text PRIMARY KEY,
  importer_id text NOT NULL REFERENCES parties (id),
  vendor text NOT NULL CHECK (vendor IN ('huawei-ascend', 'cambricon', 'hygon', 'other')),
  product text NOT NULL,
  units bigint NOT NULL CHECK (units > 0),
  tpp_per_unit bigint CHECK (tpp_per_unit >= 0),
  purchased_on date NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX domestic_purchases_importer ON domestic_purchases (importer_id);

CREATE TABLE customs_events (
  id text PRIMARY KEY,
  shipment_id text NOT NULL REFERENCES shipments (id),
  kind text NOT NULL CHECK (kind IN ('cleared', 'rejected')),
  on_date date NOT NULL,
  authority text NOT NULL,
  reason text,
  created_at timestamptz NOT NULL,
  CHECK (kind <> 'rejected' OR reason IS NOT NULL)
);
CREATE INDEX customs_events_shipment ON customs_events (shipment_id);
