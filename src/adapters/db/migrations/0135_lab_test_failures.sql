-- Failed lab tests of a lot (docs/evidence.md): the failure a qualified lab signed with its
-- registered key, kept byte for byte (its RFC 8785 canonical text, the same as jsonb, and the
-- signature), who recorded it and when (the server's clock). The labs report counts them per lab.
-- PostgreSQL 15 SQL.
CREATE TABLE lab_test_failures (
  id text PRIMARY KEY,
  shipment_id text NOT NULL REFERENCES shipments (id),
  lab_id text NOT NULL REFERENCES labs (id),
  failure_hash text NOT NULL UNIQUE,
  canonical_text text NOT NULL,
  document jsonb NOT NULL,
  signature text NOT NULL,
  tested_on date NOT NULL,
  recorded_by text NOT NULL,
  recorded_at timestamptz NOT NULL
);
CREATE INDEX lab_test_failures_lab ON lab_test_failures (lab_id, tested_on);
