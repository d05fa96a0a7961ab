-- Trust (issue #13): who did each act. Every audit entry names its actor (token id, role, party,
-- route or command, request id; NULL only on entries written before this migration), and each
-- disposition records the role of the principal that decided it, so a strong hit's dismissal can
-- ask for a second reviewer or the regulator (four eyes). PostgreSQL 15 SQL.
ALTER TABLE audit_log ADD COLUMN actor jsonb;
ALTER TABLE dispositions ADD COLUMN decided_by_role text;

-- Government roles split by jurisdiction, a compliance reviewer, and exporters scoped to their
-- party (issue #13). A token of the old `customs` role becomes `us-customs` (Chinese customs
-- events were its other half: an operator issues a `cn-customs` token for those); an exporter
-- token without a party can no longer act for one, so it is revoked.
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_role_check;
UPDATE api_tokens SET role = 'us-customs' WHERE role = 'customs';
UPDATE api_tokens SET revoked_at = now() WHERE role = 'exporter' AND party_id IS NULL AND revoked_at IS NULL;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_role_check CHECK (role IN ('admin', 'exporter', 'lab',
  'importer', 'us-regulator', 'us-customs', 'cn-authority', 'cn-customs', 'compliance-reviewer', 'auditor'));
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_party_scoped;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_party_scoped
  CHECK (role NOT IN ('exporter', 'importer', 'lab') OR party_id IS NOT NULL OR revoked_at IS NOT NULL);
