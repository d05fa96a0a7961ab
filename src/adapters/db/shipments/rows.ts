// SQL for the shipment path (tables of migration 0010). Documents are stored as JSON with bigints
// as decimal strings and parsed back through their schemas on load, so rows come back typed. The
// reads of a party, an order and a shipment are in ./reads.ts.

import type {
  DecisionRecord,
  DecisionRow,
  LicenceRow,
  OrderRow,
  ShipmentEvent,
  ShipmentRow,
} from "../../../app/shipments/ports.ts";
import type { OrderScope } from "../../../core/authorization/policy.ts";
import type { Product } from "../../../core/catalog/catalog.ts";
import { canonicalDigest } from "../../../core/digest.ts";
import type { Decision } from "../../../core/evaluation/types.ts";
import {
  type LicenceInput,
  type OrderInput,
  type OrderStatus,
  type PartyInput,
  partyInputSchema,
  type SerialRange,
  type ShipmentInput,
  type ShipmentStatus,
} from "../../../core/shipments/model.ts";
import { toAuditJson } from "../audit.ts";
import type { Tx } from "../store.ts";
import {
  loadOrder,
  loadParty,
  loadShipment,
  type OrderSqlRow,
  type ShipmentSqlRow,
  toOrder,
  toShipment,
} from "./reads.ts";

export { loadOrder, loadParty, loadShipment };

const json = (value: unknown): string => JSON.stringify(toAuditJson(value));

export async function listParties(tx: Tx, after: string, limit: number): Promise<PartyInput[]> {
  const { rows } = await tx.query<{ doc: unknown }>(
    'SELECT doc FROM parties WHERE id > $1 ORDER BY id COLLATE "C" LIMIT $2',
    [after, limit],
  );
  return rows.map((row) => partyInputSchema.parse(row.doc));
}

export async function insertParty(tx: Tx, party: PartyInput, at: Date): Promise<void> {
  await tx.query(
    "INSERT INTO parties (id, name, country, doc, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
    [party.id, party.name, party.country, json(party), at],
  );
}

/** Records the catalog entry an order names, once (the first order's snapshot stays). */
export async function ensureProduct(tx: Tx, product: Product, at: Date): Promise<void> {
  await tx.query(
    `INSERT INTO products (id, name, vendor, spec, entry_hash, doc, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (id) DO NOTHING`,
    [
      product.id,
      product.name,
      product.vendor,
      json(product.spec),
      canonicalDigest(product),
      json(product),
      at,
    ],
  );
}

/** Who a list is for (src/core/authorization: orderScopeOf); the default lists everything. */
const everyOrder: OrderScope = { partyId: null, asExporter: false, asBuyer: false, destination: null };

/** The WHERE fragment of an order scope over the orders alias `o`, parameters from `$first`. */
export const scopeSql = (first: number) =>
  `($${first}::text IS NULL
     OR ($${first + 1}::boolean AND o.exporter_id = $${first})
     OR ($${first + 2}::boolean AND (o.consignee_id = $${first} OR o.end_user_id = $${first})))
   AND ($${first + 3}::text IS NULL OR o.doc->'route'->>'destination' = $${first + 3})`;
export const scopeParams = (scope: OrderScope) => [
  scope.partyId,
  scope.asExporter,
  scope.asBuyer,
  scope.destination,
];

/** Orders after `after` in id order, only those the scope lets its principal see. */
export async function listOrders(
  tx: Tx,
  after: string,
  limit: number,
  scope: OrderScope = everyOrder,
): Promise<OrderRow[]> {
  const { rows } = await tx.query<OrderSqlRow>(
    `SELECT id, status, doc, evidence, version FROM orders o
      WHERE id > $1 AND ${scopeSql(3)}
      ORDER BY id COLLATE "C" LIMIT $2`,
    [after, limit, ...scopeParams(scope)],
  );
  return rows.map(toOrder);
}

export async function insertOrder(tx: Tx, order: OrderInput, at: Date): Promise<void> {
  await tx.query(
    `INSERT INTO orders (id, product_id, quantity_units, value_cents, exporter_id, consignee_id, end_user_id,
                         status, doc, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'created', $8, $9, $9)`,
    [
      order.id,
      order.productId,
      order.quantityUnits,
      order.valueCents,
      order.exporterId,
      order.consigneeId,
      order.endUserId,
      json(order),
      at,
    ],
  );
}

export async function updateOrderStatus(tx: Tx, id: string, status: OrderStatus, at: Date): Promise<void> {
  await tx.query("UPDATE orders SET status = $2, version = version + 1, updated_at = $3 WHERE id = $1", [
    id,
    status,
    at,
  ]);
}

/**
 * Replaces an order's evidence if the row is still at `ifVersion` (undefined: any version), in SQL
 * (compare-and-swap); the new version, or undefined when the order is missing or has moved on.
 */
export async function updateOrderEvidence(
  tx: Tx,
  id: string,
  evidence: unknown,
  at: Date,
  ifVersion?: number,
): Promise<number | undefined> {
  const { rows } = await tx.query<{ version: number }>(
    `UPDATE orders SET evidence = $2, version = version + 1, updated_at = $3
      WHERE id = $1 AND ($4::integer IS NULL OR version = $4) RETURNING version`,
    [id, json(evidence), at, ifVersion ?? null],
  );
  return rows[0]?.version;
}

export async function insertDecision(tx: Tx, record: DecisionRecord, at: Date): Promise<void> {
  const { decision } = record;
  await tx.query(
    `INSERT INTO decisions (id, order_id, shipment_id, purpose, evaluated_on, scenarios, decision, deciding_rule_ids,
                            dossier, dossier_digest, result, input_hash, decided_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      record.id,
      record.orderId,
      record.shipmentId,
      record.purpose,
      decision.at,
      decision.scenarios,
      decision.decision,
      decision.decidingRuleIds,
      json(record.dossier),
      record.digest,
      json(decision),
      decision.inputHash,
      at,
    ],
  );
}

export async function loadDecision(tx: Tx, id: string): Promise<DecisionRow | undefined> {
  const { rows } = await tx.query<{
    id: string;
    order_id: string;
    status: OrderStatus;
    result: Decision;
    dossier: unknown;
  }>(
    "SELECT d.id, d.order_id, o.status, d.result, d.dossier FROM decisions d JOIN orders o ON o.id = d.order_id WHERE d.id = $1",
    [id],
  );
  const row = rows[0];
  return row
    ? { id: row.id, orderId: row.order_id, orderStatus: row.status, result: row.result, dossier: row.dossier }
    : undefined;
}

export async function listDecisions(tx: Tx, orderId: string): Promise<DecisionRow[]> {
  const { rows } = await tx.query<{
    id: string;
    order_id: string;
    status: OrderStatus;
    result: Decision;
    dossier: unknown;
  }>(
    `SELECT d.id, d.order_id, o.status, d.result, d.dossier FROM decisions d JOIN orders o ON o.id = d.order_id
      WHERE d.order_id = $1 ORDER BY d.decided_at, d.id`,
    [orderId],
  );
  return rows.map((row) => ({
    id: row.id,
    orderId: row.order_id,
    orderStatus: row.status,
    result: row.result,
    dossier: row.dossier,
  }));
}

const licenceColumns = `id, decision_id, order_id, granted_units, used_units, granted_value_cents, used_value_cents,
  to_char(expires_on, 'YYYY-MM-DD') AS expires_on`;
interface LicenceSqlRow {
  id: string;
  decision_id: string;
  order_id: string;
  granted_units: bigint;
  used_units: bigint;
  granted_value_cents: bigint;
  used_value_cents: bigint;
  expires_on: string;
}
const toLicence = (row: LicenceSqlRow): LicenceRow => ({
  id: row.id,
  input: { applicationId: row.decision_id, expiresOn: row.expires_on },
  orderId: row.order_id,
  grantedUnits: row.granted_units,
  usedUnits: row.used_units,
  grantedValueCents: row.granted_value_cents,
  usedValueCents: row.used_value_cents,
  expiresOn: row.expires_on,
});

export async function loadLicence(tx: Tx, id: string): Promise<LicenceRow | undefined> {
  const { rows } = await tx.query<LicenceSqlRow>(`SELECT ${licenceColumns} FROM licences WHERE id = $1`, [
    id,
  ]);
  return rows[0] ? toLicence(rows[0]) : undefined;
}

export async function loadLicenceForOrder(tx: Tx, orderId: string): Promise<LicenceRow | undefined> {
  const { rows } = await tx.query<LicenceSqlRow>(
    `SELECT ${licenceColumns} FROM licences WHERE order_id = $1 ORDER BY granted_at DESC, id LIMIT 1`,
    [orderId],
  );
  return rows[0] ? toLicence(rows[0]) : undefined;
}

export async function insertLicence(
  tx: Tx,
  licence: LicenceInput & { grantedUnits: number; grantedValueCents: bigint },
  orderId: string,
  at: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO licences (id, decision_id, order_id, granted_units, granted_value_cents, conditions, expires_on, granted_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      licence.id,
      licence.applicationId,
      orderId,
      licence.grantedUnits,
      licence.grantedValueCents,
      json(licence.conditions),
      licence.expiresOn,
      at,
    ],
  );
}

/** Writes a shipment down on its licence; false when the licence has too little left. */
export async function writeDownLicence(
  tx: Tx,
  id: string,
  units: bigint,
  valueCents: bigint,
): Promise<boolean> {
  const { rowCount } = await tx.query(
    `UPDATE licences SET used_units = used_units + $2, used_value_cents = used_value_cents + $3
      WHERE id = $1 AND used_units + $2 <= granted_units AND used_value_cents + $3 <= granted_value_cents`,
    [id, units, valueCents],
  );
  return rowCount === 1;
}

export async function restoreLicence(tx: Tx, id: string, units: bigint, valueCents: bigint): Promise<void> {
  await tx.query(
    "UPDATE licences SET used_units = used_units - $2, used_value_cents = used_value_cents - $3 WHERE id = $1",
    [id, units, valueCents],
  );
}

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
      WHERE ($1::text IS NULL OR s.order_id = $1) AND s.id > $2 AND ${scopeSql(4)}
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
    "SELECT * FROM shipments WHERE reservation_id = ANY($1) ORDER BY id",
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

/** Replaces a shipment's evidence if still at `ifVersion` (compare-and-swap); as updateOrderEvidence. */
export async function updateShipmentEvidence(
  tx: Tx,
  id: string,
  evidence: unknown,
  at: Date,
  ifVersion?: number,
): Promise<number | undefined> {
  const { rows } = await tx.query<{ version: number }>(
    `UPDATE shipments SET evidence = $2, version = version + 1, updated_at = $3
      WHERE id = $1 AND ($4::integer IS NULL OR version = $4) RETURNING version`,
    [id, json(evidence), at, ifVersion ?? null],
  );
  return rows[0]?.version;
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
