-- Reversal, never deletion (issue #13 point 5). Each evidence record an authority may get wrong
-- keeps who recorded it (`recorded_by`: token id, role, party; NULL on rows written before) and,
-- once its author reverses it, when, by whom and why. A reversed row stays on file; every read of
-- the records filters `reversed_at IS NULL`. A reversed duty entry no longer holds its shipment, so
-- the lot can be entered again: one live entry per shipment. PostgreSQL 15 SQL.
ALTER TABLE payments ADD COLUMN recorded_by jsonb, ADD COLUMN reversed_at timestamptz,
  ADD COLUMN reversed_by jsonb, ADD COLUMN reversal_reason text,
  ADD CONSTRAINT payments_reversal_whole
    CHECK ((reversed_at IS NULL) = (reversed_by IS NULL) AND (reversed_at IS NULL) = (reversal_reason IS NULL));
ALTER TABLE invoices ADD COLUMN recorded_by jsonb, ADD COLUMN reversed_at timestamptz,
  ADD COLUMN reversed_by jsonb, ADD COLUMN reversal_reason text,
  ADD CONSTRAINT invoices_reversal_whole
    CHECK ((reversed_at IS NULL) = (reversed_by IS NULL) AND (reversed_at IS NULL) = (reversal_reason IS NULL));
ALTER TABLE duty_entries ADD COLUMN recorded_by jsonb, ADD COLUMN reversed_at timestamptz,
  ADD COLUMN reversed_by jsonb, ADD COLUMN reversal_reason text,
  ADD CONSTRAINT duty_entries_reversal_whole
    CHECK ((reversed_at IS NULL) = (reversed_by IS NULL) AND (reversed_at IS NULL) = (reversal_reason IS NULL));
ALTER TABLE duty_payments ADD COLUMN recorded_by jsonb, ADD COLUMN reversed_at timestamptz,
  ADD COLUMN reversed_by jsonb, ADD COLUMN reversal_reason text,
  ADD CONSTRAINT duty_payments_reversal_whole
    CHECK ((reversed_at IS NULL) = (reversed_by IS NULL) AND (reversed_at IS NULL) = (reversal_reason IS NULL));
ALTER TABLE cn_import_approvals ADD COLUMN recorded_by jsonb, ADD COLUMN reversed_at timestamptz,
  ADD COLUMN reversed_by jsonb, ADD COLUMN reversal_reason text,
  ADD CONSTRAINT cn_import_approvals_reversal_whole
    CHECK ((reversed_at IS NULL) = (reversed_by IS NULL) AND (reversed_at IS NULL) = (reversal_reason IS NULL));
ALTER TABLE customs_events ADD COLUMN recorded_by jsonb, ADD COLUMN reversed_at timestamptz,
  ADD COLUMN reversed_by jsonb, ADD COLUMN reversal_reason text,
  ADD CONSTRAINT customs_events_reversal_whole
    CHECK ((reversed_at IS NULL) = (reversed_by IS NULL) AND (reversed_at IS NULL) = (reversal_reason IS NULL));

ALTER TABLE duty_entries DROP CONSTRAINT duty_entries_shipment_id_key;
CREATE UNIQUE INDEX duty_entries_live_shipment ON duty_entries (shipment_id) WHERE reversed_at IS NULL;
