// SQL for the shipments of the shipment path (migration 0010): lists (by order, by a principal's
// order scope, by reservation), planning with serial ranges and their overlap check, status moves
// and evidence under the row's version (compare-and-swap), and the shipment events that make moves
// idempotent. The read of one shipment is in ./reads.ts (shared with the evidence repository).
import type { ShipmentEvent, ShipmentRow } from "../../../app/shipments/ports.ts";
import type { OrderScope } from "../../../core/authorization/policy.ts";
import type { SerialRange, ShipmentInput, ShipmentStatus } from "../../../core/shipments/model.ts";
import type { Tx } from "../store.ts";
import { loadShipment, type ShipmentSqlRow, toShipment } from "./reads.ts";
import { everyOrder, json, scopeParams, scopeSql } from "./rows.ts";

export { loadShipment };

/** Shipments after `after` in id order, optionally of one order or of orders a party receives. */
export async function listShipments(
  tx: Tx,
  orderId: string | null,
  after: string,
  limit: number,
  scope: OrderScope = everyOrder,
): Promise<ShipmentRow[]> {
  const { rows } = await tx.query<ShipmentSqlRow>(
    `SELECT s.* FROM shipments s JOIN orders o ON o.id = s.order_id
      WHERE ($1::text IS NULL OR s.order_id = $1) AND s.id > $2 COLLATE "C" AND ${scopeSql(4)}
      ORDER BY s.id COLLATE "C" LIMIT $3`,
    [orderId, after, limit, ...scopeParams(scope)],
  );
  return rows.map(toShipment);
}

export async function shipmentsWithReservations(
  tx: Tx,
  reservationIds: readonly string[],
): Promise<ShipmentRow[]> {
  if (reservationIds.length === 0) return [];
  const { rows } = await tx.query<ShipmentSqlRow>(
    'SELECT * FROM shipments WHERE reservation_id = ANY($1) ORDER BY id COLLATE "C"',
    [reservationIds],
  );
  return rows.map(toShipment);
}

export async function insertShipment(
  tx: Tx,
  shipment: ShipmentInput,
  licenceId: string,
  valueCents: bigint,
  at: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO shipments (id, order_id, licence_id, quantity_units, value_cents, status, serials, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, 'planned', $6, $7, $7)`,
    [
      shipment.id,
      shipment.orderId,
      licenceId,
      shipment.quantityUnits,
      valueCents,
      json(shipment.serials),
      at,
    ],
  );
  for (const range of shipment.serials) {
    await tx.query(
      "INSERT INTO shipment_serial_ranges (shipment_id, prefix, first_serial, last_serial) VALUES ($1, $2, $3, $4)",
      [shipment.id, range.prefix, range.first, range.last],
    );
  }
}

/** Units of the order's live shipments (not cancelled or expired), for the order-quantity check. */
export async function liveShipmentUnits(tx: Tx, orderId: string): Promise<number> {
  const { rows } = await tx.query<{ units: bigint | string | null }>(
    `SELECT COALESCE(SUM(quantity_units), 0) AS units FROM shipments
      WHERE order_id = $1 AND status NOT IN ('cancelled', 'expired')`,
    [orderId],
  );
  return Number(rows[0]?.units ?? 0);
}

/** The first serial of `ranges` already in a live (not cancelled) shipment, or null. */
export async function findSerialOverlap(
  tx: Tx,
  ranges: readonly SerialRange[],
): Promise<{ serial: string; shipmentId: string } | null> {
  for (const range of ranges) {
    const { rows } = await tx.query<{ shipment_id: string; first_serial: bigint }>(
      `SELECT r.shipment_id, greatest(r.first_serial, $2) AS first_serial
         FROM shipment_serial_ranges r JOIN shipments s ON s.id = r.shipment_id
        WHERE r.prefix = $1 AND r.first_serial <= $3 AND r.last_serial >= $2 AND s.status <> 'cancelled'
        LIMIT 1`,
      [range.prefix, range.first, range.last],
    );
    const row = rows[0];
    if (row) return { serial: `${range.prefix}${row.first_serial}`, shipmentId: row.shipment_id };
  }
  return null;
}

export async function moveShipment(
  tx: Tx,
  shipment: ShipmentRow,
  status: ShipmentStatus,
  changes: { reservationId?: string | null },
  at: Date,
): Promise<void> {
  const { rowCount } = await tx.query(
    `UPDATE shipments SET status = $3, reservation_id = COALESCE($4, reservation_id), version = version + 1, updated_at = $5
      WHERE id = $1 AND version = $2`,
    [shipment.id, shipment.version, status, changes.reservationId ?? null, at],
  );
  if (rowCount !== 1) throw new Error(`shipment ${shipment.id} changed under a serializable transaction`);
}

/** The version of a shipment's row as this transaction sees it (undefined: no such shipment). */
export async function shipmentVersion(tx: Tx, id: string): Promise<number | undefined> {
  const { rows } = await tx.query<{ version: number }>("SELECT version FROM shipments WHERE id = $1", [id]);
  return rows[0]?.version;
}

export async function eventExists(tx: Tx, id: string): Promise<boolean> {
  const { rowCount } = await tx.query("SELECT 1 FROM shipment_events WHERE id = $1", [id]);
  return rowCount > 0;
}

export async function insertEvent(tx: Tx, event: ShipmentEvent, at: Date): Promise<void> {
  await tx.query(
    "INSERT INTO shipment_events (id, shipment_id, action, from_status, to_status, at, details) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    [event.id, event.shipmentId, event.action, event.from, event.to, at, json(event.details)],
  );
}
