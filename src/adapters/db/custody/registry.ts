// Custody registry on SQL: sites, licence permits, site changes, landmarks, and serial registration
// (one INSERT … SELECT over generate_series per range: 2,000,000 rows without sending them); the
// shipment facts and serial reads the other custody modules share. Each write appends its audit
// entry. Custody events are in events.ts, device keys in keys.ts.
import canonicalize from "canonicalize";
import type {
  Actor,
  LandmarkRecord,
  SerialRecord,
  SerialState,
  ShipmentFacts,
  SiteRecord,
  WriteOutcome,
} from "../../../app/custody/ports.ts";
import type { SerialRange } from "../../../core/shipments/model.ts";
import { appendAudit } from "../audit.ts";
import type { Store, Tx } from "../store.ts";
import { auditActorOf } from "./audit-actor.ts";

/** jsonb keeps its own key order: compare canonical texts (RFC 8785), undefined members dropped. */
const sameJson = (a: unknown, b: unknown): boolean =>
  canonicalize(JSON.parse(JSON.stringify(a))) === canonicalize(JSON.parse(JSON.stringify(b)));

export async function shipmentFacts(db: Store | Tx, id: string): Promise<ShipmentFacts | null> {
  const { rows } = await db.query<{
    id: string;
    consignee_id: string;
    exporter_id: string;
    licence_id: string | null;
    serials: SerialRange[];
    status: string;
  }>(
    `SELECT s.id, o.consignee_id, o.exporter_id, s.licence_id, s.serials, s.status
     FROM shipments s JOIN orders o ON o.id = s.order_id WHERE s.id = $1`,
    [id],
  );
  const row = rows[0];
  return row
    ? {
        id: row.id,
        importerId: row.consignee_id,
        exporterId: row.exporter_id,
        licenceId: row.licence_id,
        ranges: row.serials,
        status: row.status,
      }
    : null;
}

interface SiteRow {
  doc: SiteRecord;
}

export async function writeSite(
  store: Store,
  site: SiteRecord,
  actor: Actor,
  at: Date,
): Promise<WriteOutcome | "unknown_importer"> {
  return store.transaction(async (tx): Promise<WriteOutcome | "unknown_importer"> => {
    const existing = await tx.query<SiteRow>("SELECT doc FROM custody_sites WHERE id = $1", [site.id]);
    const prior = existing.rows[0];
    if (prior) {
      const { createdBy: _b, createdAt: _a, ...stored } = prior.doc;
      const { createdBy: _c, createdAt: _d, ...given } = site;
      return sameJson(stored, given) ? "exists" : "exists_with_different_content";
    }
    const party = await tx.query("SELECT 1 FROM parties WHERE id = $1", [site.importerId]);
    if (party.rowCount === 0) return "unknown_importer";
    await tx.query(
      `INSERT INTO custody_sites (id, importer_id, name, address, lat, lon, doc, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        site.id,
        site.importerId,
        site.name,
        site.address,
        site.lat,
        site.lon,
        JSON.stringify(site),
        actor.id,
        at,
      ],
    );
    await appendAudit(tx, "custody.site", { site, by: actor.id, role: actor.role }, at, auditActorOf(actor));
    return "created";
  });
}

export async function sites(store: Store, importerId: string | null): Promise<SiteRecord[]> {
  const { rows } = await store.query<SiteRow>(
    importerId === null
      ? "SELECT doc FROM custody_sites ORDER BY id"
      : "SELECT doc FROM custody_sites WHERE importer_id = $1 ORDER BY id",
    importerId === null ? [] : [importerId],
  );
  return rows.map((r) => r.doc);
}

export async function site(db: Store | Tx, id: string): Promise<SiteRecord | null> {
  const { rows } = await db.query<SiteRow>("SELECT doc FROM custody_sites WHERE id = $1", [id]);
  return rows[0]?.doc ?? null;
}

export async function writePermit(store: Store, licenceId: string, siteId: string, actor: Actor, at: Date) {
  return store.transaction(async (tx) => {
    if ((await tx.query("SELECT 1 FROM licences WHERE id = $1", [licenceId])).rowCount === 0)
      return "unknown_licence" as const;
    if ((await tx.query("SELECT 1 FROM custody_sites WHERE id = $1", [siteId])).rowCount === 0)
      return "unknown_site" as const;
    const inserted = await tx.query(
      `INSERT INTO licence_sites (licence_id, site_id, granted_by, granted_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING`,
      [licenceId, siteId, actor.id, at],
    );
    if (inserted.rowCount === 0) return "exists" as const;
    await appendAudit(
      tx,
      "custody.site_permitted",
      { licenceId, siteId, by: actor.id, role: actor.role },
      at,
      auditActorOf(actor),
    );
    return "created" as const;
  });
}

export async function writeSiteChange(
  store: Store,
  change: { id: string; shipmentId: string; fromSiteId: string; toSiteId: string; reason: string },
  actor: Actor,
  at: Date,
) {
  return store.transaction(async (tx) => {
    const prior = await tx.query<{ doc: unknown }>("SELECT doc FROM site_changes WHERE id = $1", [change.id]);
    if (prior.rows[0])
      return sameJson(prior.rows[0].doc, change)
        ? ("exists" as const)
        : ("exists_with_different_content" as const);
    if ((await tx.query("SELECT 1 FROM shipments WHERE id = $1", [change.shipmentId])).rowCount === 0)
      return "unknown_shipment" as const;
    const known = await tx.query("SELECT 1 FROM custody_sites WHERE id = ANY($1)", [
      [change.fromSiteId, change.toSiteId],
    ]);
    if (known.rowCount !== new Set([change.fromSiteId, change.toSiteId]).size) return "unknown_site" as const;
    await tx.query(
      `INSERT INTO site_changes (id, shipment_id, from_site_id, to_site_id, doc, approved_by, approved_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        change.id,
        change.shipmentId,
        change.fromSiteId,
        change.toSiteId,
        JSON.stringify(change),
        actor.id,
        at,
      ],
    );
    await appendAudit(
      tx,
      "custody.site_change",
      { change, by: actor.id, role: actor.role },
      at,
      auditActorOf(actor),
    );
    return "created" as const;
  });
}

export async function writeLandmark(store: Store, landmark: LandmarkRecord, at: Date): Promise<WriteOutcome> {
  return store.transaction(async (tx) => {
    const prior = await tx.query<{ doc: LandmarkRecord }>("SELECT doc FROM landmarks WHERE id = $1", [
      landmark.id,
    ]);
    if (prior.rows[0]) {
      const { createdBy: _a, ...stored } = prior.rows[0].doc;
      const { createdBy: _b, ...given } = landmark;
      return sameJson(stored, given) ? "exists" : "exists_with_different_content";
    }
    const keyTaken = await tx.query("SELECT 1 FROM landmarks WHERE public_key = $1", [landmark.publicKey]);
    if (keyTaken.rowCount !== 0) return "exists_with_different_content";
    await tx.query(
      `INSERT INTO landmarks (id, name, operator, lat, lon, public_key, valid_from, valid_until, doc, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        landmark.id,
        landmark.name,
        landmark.operator,
        landmark.lat,
        landmark.lon,
        landmark.publicKey,
        landmark.validFrom,
        landmark.validUntil ?? null,
        JSON.stringify(landmark),
        landmark.createdBy,
        at,
      ],
    );
    await appendAudit(
      tx,
      "custody.landmark",
      { landmark },
      at,
      auditActorOf({ id: landmark.createdBy, role: "us-regulator", partyId: null }),
    );
    return "created";
  });
}

export async function landmarks(store: Store): Promise<LandmarkRecord[]> {
  const { rows } = await store.query<{ doc: LandmarkRecord }>("SELECT doc FROM landmarks ORDER BY id");
  return rows.map((r) => r.doc);
}

export async function importSerials(store: Store, shipment: ShipmentFacts, actor: Actor, at: Date) {
  const count = shipment.ranges.reduce((sum, r) => sum + (r.last - r.first + 1), 0);
  return store
    .transaction(
      async (tx) => {
        const prior = await tx.query<{ serial_count: bigint }>(
          "SELECT serial_count FROM serial_imports WHERE shipment_id = $1",
          [shipment.id],
        );
        if (prior.rows[0]) return { status: "exists" as const, count: Number(prior.rows[0].serial_count) };
        for (const range of shipment.ranges) {
          // ON CONFLICT DO NOTHING then a count: a serial of another lot is reported, not raised.
          const inserted = await tx.query(
            `INSERT INTO serials (serial, shipment_id, prefix, num, licence_id, importer_id, registered_at)
           SELECT $1 || g::text, $2, $1, g, $3, $4, $5 FROM generate_series($6::bigint, $7::bigint) g
           ON CONFLICT (serial) DO NOTHING`,
            [range.prefix, shipment.id, shipment.licenceId, shipment.importerId, at, range.first, range.last],
          );
          if (inserted.rowCount !== range.last - range.first + 1) {
            const clash = await tx.query<{ serial: string }>(
              `SELECT serial FROM serials WHERE shipment_id <> $1 AND serial IN
               (SELECT $2 || g::text FROM generate_series($3::bigint, $4::bigint) g) LIMIT 1`,
              [shipment.id, range.prefix, range.first, range.last],
            );
            throw new SerialsTaken(clash.rows[0]?.serial ?? `${range.prefix}${range.first}`);
          }
          // Custody state by range: the whole range is one stretch until an event splits it.
          await tx.query(
            "INSERT INTO serial_ranges (shipment_id, prefix, first, last, state) VALUES ($1, $2, $3, $4, 'registered')",
            [shipment.id, range.prefix, range.first, range.last],
          );
        }
        await tx.query(
          "INSERT INTO serial_imports (shipment_id, serial_count, imported_by, imported_at) VALUES ($1, $2, $3, $4)",
          [shipment.id, count, actor.id, at],
        );
        await appendAudit(
          tx,
          "custody.serials",
          { shipmentId: shipment.id, ranges: shipment.ranges, count, by: actor.id },
          at,
          auditActorOf(actor),
        );
        return { status: "created" as const, count };
      },
      { isolation: "read committed" },
    )
    .catch((error: unknown) => {
      // The transaction rolled back: nothing of this lot was registered.
      if (error instanceof SerialsTaken)
        return { status: "serials_taken" as const, count: 0, clash: error.serial };
      throw error;
    });
}

class SerialsTaken extends Error {
  constructor(readonly serial: string) {
    super(`serial ${serial} taken`);
  }
}

interface SerialRow {
  serial: string;
  shipment_id: string;
  licence_id: string | null;
  importer_id: string;
  state: SerialState;
  site_id: string | null;
  device_key: string | null;
  device_key_revoked_at: Date | null;
  last_heartbeat_at: Date | null;
  last_verdict: string | null;
}

export const serialColumns =
  "serial, shipment_id, licence_id, importer_id, state, site_id, device_key, device_key_revoked_at, last_heartbeat_at, last_verdict";

export const serialOf = (row: SerialRow): SerialRecord => ({
  serial: row.serial,
  shipmentId: row.shipment_id,
  licenceId: row.licence_id,
  importerId: row.importer_id,
  state: row.state,
  siteId: row.site_id,
  deviceKey: row.device_key,
  deviceKeyRevokedAt: row.device_key_revoked_at?.toISOString() ?? null,
  lastHeartbeatAt: row.last_heartbeat_at?.toISOString() ?? null,
  lastVerdict: row.last_verdict,
});

export async function serial(store: Store, id: string): Promise<SerialRecord | null> {
  const { rows } = await store.query<SerialRow>(
    `SELECT ${serialColumns} FROM serials_custody WHERE serial = $1`,
    [id],
  );
  return rows[0] ? serialOf(rows[0]) : null;
}
