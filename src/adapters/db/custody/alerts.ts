// Custody alerts on SQL: raised in bulk (one open alert per dedupe key: a sweep run twice raises it
// once; one audit entry per raise with the count and a digest of the ids), listed, moved to
// acknowledged or closed with who, when and why; and the two fleet sweeps' queries (silent chips,
// one serial heard from two places whose discs cannot both hold).
import { createHash } from "node:crypto";
import { v7 as uuidv7 } from "uuid";
import type { Actor, AlertDraft, AlertRecord } from "../../../app/custody/ports.ts";
import { appendAudit } from "../audit.ts";
import type { Store } from "../store.ts";
import { auditActorOf } from "./audit-actor.ts";

const chunkRowsMax = 50_000;

export async function raiseAlerts(
  store: Store,
  drafts: readonly AlertDraft[],
  actor: Actor,
  at: Date,
): Promise<number> {
  let raised = 0;
  for (let from = 0; from < drafts.length; from += chunkRowsMax) {
    const chunk = drafts.slice(from, from + chunkRowsMax);
    raised += await store.transaction(
      async (tx) => {
        const ids = chunk.map(() => uuidv7());
        const inserted = await tx.query<{ id: string; kind: string }>(
          `INSERT INTO custody_alerts (id, kind, serial, importer_id, dedupe_key, status, evidence, rulebook, opened_by, opened_at)
           SELECT id, kind, serial, importer, key, 'open', evidence::jsonb, book, $8, $9
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
             AS t (id, kind, serial, importer, key, evidence, book)
           ON CONFLICT (dedupe_key) WHERE status <> 'closed' DO NOTHING RETURNING id, kind`,
          [
            ids,
            chunk.map((d) => d.kind),
            chunk.map((d) => d.serial),
            chunk.map((d) => d.importerId),
            chunk.map((d) => d.dedupeKey),
            chunk.map((d) => JSON.stringify(d.evidence)),
            chunk.map((d) => d.rulebook),
            actor.id,
            at,
          ],
        );
        if (inserted.rowCount === 0) return 0;
        const kinds: Record<string, number> = {};
        for (const row of inserted.rows) kinds[row.kind] = (kinds[row.kind] ?? 0) + 1;
        const digest = createHash("sha256")
          .update(
            inserted.rows
              .map((r) => r.id)
              .sort()
              .join("\n"),
          )
          .digest("hex");
        await appendAudit(
          tx,
          "custody.alerts",
          { count: inserted.rowCount, kinds, idsSha256: digest, by: actor.id },
          at,
          auditActorOf(actor),
        );
        return inserted.rowCount;
      },
      { isolation: "read committed" },
    );
  }
  return raised;
}

interface AlertRow {
  id: string;
  kind: string;
  serial: string | null;
  importer_id: string | null;
  dedupe_key: string;
  status: AlertRecord["status"];
  evidence: unknown;
  rulebook: string;
  opened_by: string;
  opened_at: Date;
  updated_by: string | null;
  updated_at: Date | null;
  reason: string | null;
  version: number;
}

const alertOf = (r: AlertRow): AlertRecord => ({
  id: r.id,
  kind: r.kind,
  serial: r.serial,
  importerId: r.importer_id,
  dedupeKey: r.dedupe_key,
  status: r.status,
  evidence: r.evidence,
  rulebook: r.rulebook,
  openedBy: r.opened_by,
  openedAt: r.opened_at.toISOString(),
  updatedBy: r.updated_by,
  updatedAt: r.updated_at?.toISOString() ?? null,
  reason: r.reason,
  version: r.version,
});

export async function alerts(
  store: Store,
  filter: { importerId: string | null; serial?: string; status?: string; limit: number },
): Promise<AlertRecord[]> {
  const { rows } = await store.query<AlertRow>(
    `SELECT * FROM custody_alerts WHERE ($1::text IS NULL OR importer_id = $1) AND ($2::text IS NULL OR serial = $2)
     AND ($3::text IS NULL OR status = $3) ORDER BY opened_at DESC, id LIMIT $4`,
    [filter.importerId, filter.serial ?? null, filter.status ?? null, filter.limit],
  );
  return rows.map(alertOf);
}

export async function alert(store: Store, id: string): Promise<AlertRecord | null> {
  const { rows } = await store.query<AlertRow>("SELECT * FROM custody_alerts WHERE id = $1", [id]);
  return rows[0] ? alertOf(rows[0]) : null;
}

export async function updateAlert(
  store: Store,
  id: string,
  status: "acknowledged" | "closed",
  reason: string,
  actor: Actor,
  at: Date,
) {
  return store.transaction(async (tx) => {
    const { rows } = await tx.query<{ status: string }>("SELECT status FROM custody_alerts WHERE id = $1", [
      id,
    ]);
    const row = rows[0];
    if (!row) return "unknown_alert" as const;
    if (row.status === "closed") return "already_closed" as const;
    await tx.query(
      "UPDATE custody_alerts SET status = $2, reason = $3, updated_by = $4, updated_at = $5, version = version + 1 WHERE id = $1",
      [id, status, reason, actor.id, at],
    );
    await appendAudit(
      tx,
      "custody.alert_status",
      { id, status, reason, by: actor.id, role: actor.role },
      at,
      auditActorOf(actor),
    );
    return "updated" as const;
  });
}

export async function silentSerials(store: Store, before: Date, limit: number) {
  const { rows } = await store.query<{ serial: string; importer_id: string; last_heartbeat_at: Date | null }>(
    `SELECT serial, importer_id, last_heartbeat_at FROM serials_custody
     WHERE state = 'installed' AND coalesce(last_heartbeat_at, registered_at) < $1 LIMIT $2`,
    [before, limit],
  );
  return rows.map((r) => ({
    serial: r.serial,
    importerId: r.importer_id,
    lastHeartbeatAt: r.last_heartbeat_at?.toISOString() ?? null,
  }));
}

/**
 * Consecutive heartbeats of one serial, both received since `since`, whose nearest-landmark discs do
 * not meet. Each heartbeat row carries the chip's previous position (set at ingest), so this is one
 * pass over the window's rows: no self-join, no grouping.
 */
export async function cloneCandidates(store: Store, since: Date) {
  const { rows } = await store.query<{
    serial: string;
    importer_id: string;
    a: string;
    b: string;
    distance_km: number;
    radii_km: number;
  }>(
    `SELECT h.serial, s.importer_id, h.prev_id AS a, h.id AS b, d.km AS distance_km,
       h.prev_radius_km + h.nearest_radius_km AS radii_km
     FROM heartbeats h
     JOIN landmarks p ON p.id = h.prev_landmark_id
     JOIN landmarks l ON l.id = h.nearest_landmark_id
     JOIN serials s ON s.serial = h.serial
     CROSS JOIN LATERAL (SELECT 2 * 6371.0088 * asin(least(1, sqrt(
       power(sin(radians(l.lat - p.lat) / 2), 2) +
       cos(radians(p.lat)) * cos(radians(l.lat)) * power(sin(radians(l.lon - p.lon) / 2), 2)))) AS km) d
     WHERE h.received_on >= $1::date AND h.received_at >= $2 AND h.prev_received_at >= $2
       AND d.km > h.prev_radius_km + h.nearest_radius_km`,
    [since.toISOString().slice(0, 10), since],
  );
  return rows.map((r) => ({
    serial: r.serial,
    importerId: r.importer_id,
    a: r.a,
    b: r.b,
    distanceKm: r.distance_km,
    radiiKm: r.radii_km,
  }));
}

/**
 * Per importer: its installed chips and how many of them have not been heard since `before` (the
 * fleet-silence share's inputs; a chip never heard counts from its registration, as `silentSerials`).
 */
export async function fleetSilenceCounts(store: Store, before: Date) {
  const { rows } = await store.query<{
    importer_id: string;
    installed: string | number;
    silent: string | number;
  }>(
    `SELECT importer_id, count(*) AS installed,
       count(*) FILTER (WHERE coalesce(last_heartbeat_at, registered_at) < $1) AS silent
     FROM serials_custody WHERE state = 'installed' AND importer_id IS NOT NULL GROUP BY importer_id ORDER BY importer_id`,
    [before],
  );
  return rows.map((r) => ({
    importerId: r.importer_id,
    installed: Number(r.installed),
    silent: Number(r.silent),
  }));
}

/**
 * Installed chips' last `window` round trips to each nearest landmark heard since `since` (oldest
 * first), only for series that fill the window: the relay sweep's input. One row per (serial,
 * landmark); the caller keeps each chip's nearest.
 */
export async function nearestRttSeries(store: Store, since: Date, window: number) {
  const { rows } = await store.query<{
    serial: string;
    importer_id: string;
    landmark: string;
    rtts: number[];
  }>(
    `WITH recent AS (
       SELECT serial, nearest_landmark_id AS landmark, nearest_rtt_ms AS rtt,
         row_number() OVER (PARTITION BY serial, nearest_landmark_id ORDER BY received_at DESC, id DESC) AS rn
       FROM heartbeats WHERE received_on >= $1::date AND received_at >= $2)
     SELECT r.serial, s.importer_id, r.landmark, array_agg(r.rtt ORDER BY r.rn DESC) AS rtts
     FROM recent r JOIN serials_custody s ON s.serial = r.serial AND s.state = 'installed'
     WHERE r.rn <= $3 GROUP BY r.serial, s.importer_id, r.landmark HAVING count(*) = $3
     ORDER BY r.serial, r.landmark`,
    [since.toISOString().slice(0, 10), since, window],
  );
  return rows.map((r) => ({
    serial: r.serial,
    importerId: r.importer_id,
    landmarkId: r.landmark,
    rttsMs: r.rtts.map(Number),
  }));
}
