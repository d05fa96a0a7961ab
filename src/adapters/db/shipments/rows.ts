// SQL for the order half of the shipment path (tables of migration 0010): parties, products,
// orders (and the order scope of a principal's lists) and decisions; licences are in
// licence-rows.ts, shipments and their events in shipment-rows.ts. Documents are stored as JSON
// with bigints as decimal strings and parsed back through their schemas on load, so rows come back
// typed. The reads of a party, an order and a shipment are in ./reads.ts (shared with the evidence
// repository).

import type { DecisionRecord, DecisionRow, OrderRow } from "../../../app/shipments/ports.ts";
import type { OrderScope } from "../../../core/authorization/policy.ts";
import type { Product } from "../../../core/catalog/catalog.ts";
import { canonicalDigest } from "../../../core/digest.ts";
import type { Decision } from "../../../core/evaluation/types.ts";
import {
  type OrderInput,
  type OrderStatus,
  type PartyInput,
  partyInputSchema,
} from "../../../core/shipments/model.ts";
import { toAuditJson } from "../audit.ts";
import type { Tx } from "../store.ts";
import { loadOrder, loadParty, type OrderSqlRow, toOrder } from "./reads.ts";

export { loadOrder, loadParty };

/** A document as stored: JSON with bigints as decimal strings. */
export const json = (value: unknown): string => JSON.stringify(toAuditJson(value));

export async function listParties(tx: Tx, after: string, limit: number): Promise<PartyInput[]> {
  const { rows } = await tx.query<{ doc: unknown }>(
    'SELECT doc FROM parties WHERE id > $1 COLLATE "C" ORDER BY id COLLATE "C" LIMIT $2',
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
export const everyOrder: OrderScope = { partyId: null, asExporter: false, asBuyer: false, destination: null };

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
      WHERE id > $1 COLLATE "C" AND ${scopeSql(3)}
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
 * Replaces an order's or a shipment's evidence if the row is still at `ifVersion` (undefined: any
 * version), in SQL (compare-and-swap); the new version, or undefined when the row is missing or has
 * moved on.
 */
export async function updateEvidence(
  tx: Tx,
  table: "orders" | "shipments",
  id: string,
  evidence: unknown,
  at: Date,
  ifVersion?: number,
): Promise<number | undefined> {
  const { rows } = await tx.query<{ version: number }>(
    `UPDATE ${table} SET evidence = $2, version = version + 1, updated_at = $3
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
