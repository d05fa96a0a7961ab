// The SQL of the custody and diversion report, inside the report's snapshot transaction: chips per
// importer and site (serials), the window's verdicts (heartbeat_daily, by day of receipt), the chips
// silent at the window's end, and the alerts opened or closed in the window with the context a
// diversion report names (licence, declared site). A scope cuts every list to one importer's chips,
// or to the chips bound for one country; lists are in byte order of ids.
import type { ReportScope } from "../../../app/reports/ports.ts";
import type { CustodyFigures } from "../../../core/reports/custody.ts";
import type { Tx } from "../store.ts";

const dayMs = 86_400_000;

/**
 * The importer's name as its import approvals write it, a name in Chinese script first (the one the
 * Chinese authority issued; approvals filed with an order may carry the English name), the latest
 * first; without an approval, the party's name.
 */
const importerName = `coalesce((SELECT a.doc->>'importer' FROM cn_import_approvals a WHERE a.importer_id = s.importer_id
    ORDER BY (a.doc->>'importer') ~ '[^[:ascii:]]' DESC, a.valid_from DESC, a.id COLLATE "C" DESC LIMIT 1),
  (SELECT p.name FROM parties p WHERE p.id = s.importer_id))`;

/** The SQL condition that keeps serial `s` in the scope ($1 importer, $2 destination; null: any). */
const serialInScope = `($1::text IS NULL OR s.importer_id = $1)
  AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM shipments sh JOIN orders o ON o.id = sh.order_id
       WHERE sh.id = s.shipment_id AND o.doc->'route'->>'destination' = $2))`;

export async function custodyFigures(
  tx: Tx,
  window: { start: string; end: string; asOf: string },
  scope: ReportScope,
  silentDaysMax: number,
): Promise<CustodyFigures> {
  const scoped = [scope.importerId, scope.destination];
  const silentBefore = new Date(Date.parse(window.asOf) - silentDaysMax * dayMs).toISOString();
  // Last heard before the window's end: from the daily summaries, so a past window is judged as it was.
  const lastHeard = `(SELECT max(d.last_at) FROM heartbeat_daily d WHERE d.serial = s.serial AND d.last_at < $3)`;
  const chips = await tx.query<Record<string, unknown>>(
    `SELECT s.importer_id, ${importerName} AS importer_name, s.site_id, count(*) AS chips,
            count(*) FILTER (WHERE s.state = 'installed') AS installed,
            count(*) FILTER (WHERE s.state = 'in_repair') AS in_repair,
            count(*) FILTER (WHERE s.state = 'destroyed') AS destroyed,
            count(*) FILTER (WHERE s.state = 'installed' AND coalesce(${lastHeard}, s.registered_at) < $4) AS silent
       FROM serials_custody s
      WHERE s.registered_at < $3 AND ${serialInScope}
      GROUP BY s.importer_id, s.site_id
      ORDER BY s.importer_id COLLATE "C", s.site_id COLLATE "C" NULLS FIRST`,
    [...scoped, window.asOf, silentBefore],
  );
  const silent = await tx.query<Record<string, unknown>>(
    `SELECT s.serial, s.importer_id, s.site_id, ${lastHeard} AS last_heard
       FROM serials_custody s
      WHERE s.registered_at < $3 AND s.state = 'installed' AND ${serialInScope}
        AND coalesce(${lastHeard}, s.registered_at) < $4
      ORDER BY s.serial COLLATE "C"`,
    [...scoped, window.asOf, silentBefore],
  );
  const verdicts = await tx.query<Record<string, unknown>>(
    `SELECT s.importer_id, s.site_id, count(DISTINCT d.serial) AS chips, sum(d.heartbeats) AS heartbeats,
            sum(d.verified) AS verified, sum(d.inconsistent) AS inconsistent, sum(d.unprovable) AS unprovable,
            sum(d.impossible) AS impossible
       FROM heartbeat_daily d JOIN serials_custody s ON s.serial = d.serial
      WHERE d.day BETWEEN $3::date AND $4::date AND ${serialInScope}
      GROUP BY s.importer_id, s.site_id
      ORDER BY s.importer_id COLLATE "C", s.site_id COLLATE "C" NULLS FIRST`,
    [
      ...scoped,
      window.start.slice(0, 10),
      new Date(Date.parse(window.end) - dayMs).toISOString().slice(0, 10),
    ],
  );
  const alerts = await tx.query<Record<string, unknown>>(
    `SELECT a.id, a.kind, a.serial, a.importer_id, s.site_id, cs.name AS site_name, cs.address AS site_address,
            s.licence_id, a.status, a.opened_at, a.opened_by,
            CASE WHEN a.status = 'closed' THEN a.updated_at END AS closed_at, a.evidence::text AS evidence, a.rulebook
       FROM custody_alerts a LEFT JOIN serials_custody s ON s.serial = a.serial
       LEFT JOIN custody_sites cs ON cs.id = s.site_id
      WHERE ((a.opened_at >= $3 AND a.opened_at < $4)
             OR (a.status = 'closed' AND a.updated_at >= $3 AND a.updated_at < $4))
        AND ($1::text IS NULL OR a.importer_id = $1)
        AND ($2::text IS NULL OR (s.serial IS NOT NULL AND ${serialInScope})
             OR (a.serial IS NULL AND EXISTS (SELECT 1 FROM serials_custody s WHERE s.importer_id = a.importer_id AND ${serialInScope})))
      ORDER BY a.opened_at, a.id COLLATE "C"`,
    [...scoped, window.start, window.end],
  );
  const iso = (value: unknown): string | null =>
    value === null || value === undefined ? null : new Date(value as string).toISOString();
  const text = (value: unknown): string | null =>
    value === null || value === undefined ? null : String(value);
  return {
    silentDaysMax,
    start: window.start,
    end: window.end,
    chips: chips.rows.map((r) => ({
      importerId: String(r.importer_id),
      importerName: text(r.importer_name),
      siteId: text(r.site_id),
      chips: Number(r.chips),
      installed: Number(r.installed),
      inRepair: Number(r.in_repair),
      destroyed: Number(r.destroyed),
      silent: Number(r.silent),
    })),
    verdicts: verdicts.rows.map((r) => ({
      importerId: String(r.importer_id),
      siteId: text(r.site_id),
      chipsHeard: Number(r.chips),
      heartbeats: Number(r.heartbeats),
      verified: Number(r.verified),
      inconsistent: Number(r.inconsistent),
      unprovable: Number(r.unprovable),
      impossible: Number(r.impossible),
    })),
    silent: silent.rows.map((r) => ({
      serial: String(r.serial),
      importerId: String(r.importer_id),
      siteId: text(r.site_id),
      lastHeardAt: iso(r.last_heard),
    })),
    alerts: alerts.rows.map((r) => ({
      id: String(r.id),
      kind: String(r.kind),
      serial: text(r.serial),
      importerId: text(r.importer_id),
      siteId: text(r.site_id),
      siteName: text(r.site_name),
      siteAddress: text(r.site_address),
      licenceId: text(r.licence_id),
      status: String(r.status),
      openedAt: iso(r.opened_at) ?? "",
      openedBy: String(r.opened_by),
      closedAt: iso(r.closed_at),
      evidence: canonicalJson(r.evidence),
      rulebook: String(r.rulebook),
    })),
  };
}

/** jsonb's text has its own key order and spacing; the report writes the evidence as compact JSON. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(typeof value === "string" ? JSON.parse(value) : value);
}
