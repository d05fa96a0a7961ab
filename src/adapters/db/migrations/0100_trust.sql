-- Trust (issue #13): who did each act. Every audit entry names its actor (token id, role, party,
-- route or command, request id; NULL only on entries written before this migration), and each
-- disposition records the role of the principal that decided it, so a strong hit's dismissal can
-- ask for a second reviewer or the regulator (four eyes). PostgreSQL 15 SQL.
ALTER TABLE audit_log ADD COLUMN actor jsonb;
ALTER TABLE dispositions ADD COLUMN decided_by_role text;
