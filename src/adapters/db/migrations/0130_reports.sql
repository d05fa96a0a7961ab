-- Regulator reports (docs/reports.md): the report of a closed window is pinned on first issue, so
-- asking again answers the same bytes (its figures and checkpoint never move). The report is kept
-- as its exact JSON text (not jsonb, which would reorder keys). PostgreSQL 15 SQL.
CREATE TABLE report_issues (
  key text PRIMARY KEY,
  kind text NOT NULL,
  window_from date NOT NULL,
  window_to date NOT NULL,
  report text NOT NULL,
  issued_by text NOT NULL,
  issued_at timestamptz NOT NULL,
  CHECK (window_from <= window_to)
);
