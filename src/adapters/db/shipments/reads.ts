// The reads of a party, an order and a shipment in SQL, and the mapping of their rows to the
// port's types (src/app/shipments/ports.ts): shared by ./rows.ts, ./listing.ts, the ownership
// lookups (../ownership.ts) and, through the shipment repository, the evidence repos.

import type { OrderRow, ShipmentRow } from "../../../app/shipments/ports.ts";
import {
  type OrderStatus,
  orderInputSchema,
  type PartyInput,
  partyInputSchema,
  type SerialRange,
  type ShipmentStatus,
} from "../../../core/shipments/model.ts";
import type { Tx } from "../store.ts";

export async function loadParty(tx: Tx, id: string): Promise<PartyInput | undefined> {
  const { rows } = await tx.query<{ doc: unknown }>("SELECT doc FROM parties WHERE id = $1", [id]);
  return rows[0] ? partyInputSchema.parse(rows[0].doc) : undefined;
}

export interface OrderSqlRow {
  id: string;
  status: OrderStatus;
  doc: unknown;
  evidence: Record<string, unknown>;
  version: number;
}

export const toOrder = (row: OrderSqlRow): OrderRow => ({
  id: row.id,
  status: row.status,
  doc: orderInputSchema.parse(row.doc),
  evidence: row.evidence,
  version: row.version,
});

export async function loadOrder(tx: Tx, id: string): Promise<OrderRow | undefined> {
  const { rows } = await tx.query<OrderSqlRow>(
    "SELECT id, status, doc, evidence, version FROM orders WHERE id = $1",
    [id],
  );
  return rows[0] ? toOrder(rows[0]) : undefined;
}

export interface ShipmentSqlRow {
  id: string;
  order_id: string;
  licence_id: string | null;
  quantity_units: bigint;
  value_cents: bigint;
  status: ShipmentStatus;
  reservation_id: string | null;
  serials: SerialRange[];
  evidence: Record<string, unknown>;
  version: number;
}

export const toShipment = (row: ShipmentSqlRow): ShipmentRow => ({
  id: row.id,
  orderId: row.order_id,
  licenceId: row.licence_id,
  quantityUnits: Number(row.quantity_units),
  valueCents: row.value_cents,
  status: row.status,
  reservationId: row.reservation_id,
  serials: row.serials,
  evidence: row.evidence,
  version: row.version,
  input: { orderId: row.order_id, quantityUnits: Number(row.quantity_units), serials: row.serials },
});

export async function loadShipment(tx: Tx, id: string): Promise<ShipmentRow | undefined> {
  const { rows } = await tx.query<ShipmentSqlRow>("SELECT * FROM shipments WHERE id = $1", [id]);
  return rows[0] ? toShipment(rows[0]) : undefined;
}
