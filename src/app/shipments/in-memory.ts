// The shipment path's rows in memory: the tables of the SQL adapter (migration 0010) as maps, and a
// ShipmentRepository over them with the SQL one's semantics (src/adapters/db/shipments/rows.ts):
// lists in byte order of id after a key, order scopes, versions bumped by every change with
// `ifVersion` compare-and-swap, serial overlap against shipments not cancelled, licence write-downs
// refused when short, and the integrity the database enforces (a duplicate id or a missing
// referenced row is a bug: it throws). Documents go through JSON as they do through jsonb, so a
// read gives what SQL would give back. The unit of work around it is ./in-memory-context.ts.

import type { OrderScope } from "../../core/authorization/policy.ts";
import type { Product } from "../../core/catalog/catalog.ts";
import {
  type OrderInput,
  orderInputSchema,
  type PartyInput,
  partyInputSchema,
  type SerialRange,
} from "../../core/shipments/model.ts";
import type {
  DecisionRecord,
  DecisionRow,
  LicenceRow,
  OrderRow,
  ShipmentEvent,
  ShipmentRepository,
  ShipmentRow,
} from "./ports.ts";

interface StoredDecision {
  record: { id: string; orderId: string; result: unknown; dossier: unknown };
  decidedAt: Date;
}
type StoredLicence = LicenceRow & { grantedAt: Date };
type StoredEvent = ShipmentEvent & { at: Date };
type Stamped<Row> = Row & { updatedAt: Date };

/** Every row of the shipment path; cloned whole by a unit of work (copy-on-write). */
export interface ShipmentTables {
  parties: Map<string, PartyInput>;
  products: Map<string, Product>;
  orders: Map<string, Stamped<OrderRow>>;
  decisions: Map<string, StoredDecision>;
  licences: Map<string, StoredLicence>;
  shipments: Map<string, Stamped<ShipmentRow>>;
  events: Map<string, StoredEvent>;
}

export const emptyShipmentTables = (): ShipmentTables => ({
  parties: new Map(),
  products: new Map(),
  orders: new Map(),
  decisions: new Map(),
  licences: new Map(),
  shipments: new Map(),
  events: new Map(),
});

/** A value as jsonb gives it back: bigints as decimal strings, dates as ISO text, undefined dropped. */
export const asJson = <T = unknown>(value: unknown): T =>
  JSON.parse(
    JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) ?? "null",
  ) as T;

/** COLLATE "C": ids compare by their bytes (ids are ASCII, so by code unit). */
export const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const everyOrder: OrderScope = { partyId: null, asExporter: false, asBuyer: false, destination: null };

/** Whether the scope lets its principal see the order (the SQL adapter's scopeSql). */
export function inScope(order: OrderInput, scope: OrderScope): boolean {
  const party = scope.partyId;
  const asParty =
    party === null ||
    (scope.asExporter && order.exporterId === party) ||
    (scope.asBuyer && (order.consigneeId === party || order.endUserId === party));
  return asParty && (scope.destination === null || order.route.destination === scope.destination);
}

/** Rows after `after` in id order, at most `limit`. */
function page<Row extends { id: string }>(rows: Iterable<Row>, after: string, limit: number): Row[] {
  return [...rows]
    .filter((row) => byteOrder(row.id, after) > 0)
    .sort((a, b) => byteOrder(a.id, b.id))
    .slice(0, Math.max(0, limit));
}

/** Rows are handed out as copies, as a query returns new objects: callers cannot edit the tables. */
const copy = <T>(value: T): T => structuredClone(value);

function must<Row>(rows: Map<string, Row>, id: string, what: string): Row {
  const row = rows.get(id);
  if (!row) throw new Error(`${what} ${id} does not exist (a foreign key the database would enforce)`);
  return row;
}

function insert<Row>(rows: Map<string, Row>, id: string, row: Row, what: string): void {
  if (rows.has(id))
    throw new Error(`${what} ${id} already exists (a primary key the database would enforce)`);
  rows.set(id, row);
}

const orderRow = ({ updatedAt: _at, ...row }: Stamped<OrderRow>): OrderRow => copy(row);
const shipmentRow = ({ updatedAt: _at, ...row }: Stamped<ShipmentRow>): ShipmentRow => copy(row);
const licenceRow = ({ grantedAt: _at, ...row }: StoredLicence): LicenceRow => copy(row);

function decisionRow(tables: ShipmentTables, stored: StoredDecision): DecisionRow {
  const { id, orderId, result, dossier } = stored.record;
  const orderStatus = must(tables.orders, orderId, "order").status;
  return copy({ id, orderId, orderStatus, result: result as DecisionRow["result"], dossier });
}

/** The first serial of `range` that `other` also holds, or null. */
function sharedSerial(range: SerialRange, other: SerialRange): number | null {
  if (range.prefix !== other.prefix || other.first > range.last || other.last < range.first) return null;
  return Math.max(range.first, other.first);
}

/** The ShipmentRepository port over `tables` (the unit of work's draft). */
export function inMemoryShipmentRepository(tables: ShipmentTables): ShipmentRepository {
  return {
    ...partiesAndOrders(tables),
    ...decisions(tables),
    ...licences(tables),
    ...shipmentReads(tables),
    ...shipmentWrites(tables),
  };
}

function partiesAndOrders(tables: ShipmentTables) {
  const { parties, products, orders } = tables;
  const setEvidence = (
    row: Stamped<OrderRow> | undefined,
    evidence: unknown,
    at: Date,
    ifVersion?: number,
  ) => {
    if (!row || (ifVersion !== undefined && row.version !== ifVersion)) return undefined;
    Object.assign(row, { evidence: asJson(evidence), version: row.version + 1, updatedAt: at });
    return row.version;
  };
  return {
    loadParty: async (id: string) => copy(parties.get(id)),
    listParties: async (after: string, limit: number) => page(parties.values(), after, limit).map(copy),
    insertParty: async (party: PartyInput, _at: Date) =>
      insert(parties, party.id, partyInputSchema.parse(asJson(party)), "party"),
    ensureProduct: async (product: Product, _at: Date) => {
      if (!products.has(product.id)) products.set(product.id, copy(product));
    },
    loadOrder: async (id: string) => {
      const row = orders.get(id);
      return row && orderRow(row);
    },
    listOrders: async (after: string, limit: number, scope: OrderScope = everyOrder) =>
      page(
        [...orders.values()].filter((row) => inScope(row.doc, scope)),
        after,
        limit,
      ).map(orderRow),
    insertOrder: async (order: OrderInput, at: Date) => {
      for (const party of [order.exporterId, order.consigneeId, order.endUserId])
        must(parties, party, "party");
      must(products, order.productId, "product");
      const doc = orderInputSchema.parse(asJson(order));
      const row = { id: order.id, status: "created" as const, doc, evidence: {}, version: 1, updatedAt: at };
      insert(orders, order.id, row, "order");
    },
    updateOrderStatus: async (id: string, status: OrderRow["status"], at: Date) => {
      const row = orders.get(id);
      if (row) Object.assign(row, { status, version: row.version + 1, updatedAt: at });
    },
    updateOrderEvidence: async (id: string, evidence: unknown, at: Date, ifVersion?: number) =>
      setEvidence(orders.get(id), evidence, at, ifVersion),
  };
}

function decisions(tables: ShipmentTables) {
  const { decisions, orders } = tables;
  return {
    insertDecision: async (record: DecisionRecord, at: Date) => {
      must(orders, record.orderId, "order");
      const stored = {
        id: record.id,
        orderId: record.orderId,
        result: asJson(record.decision),
        dossier: asJson(record.dossier),
      };
      insert(decisions, record.id, { record: stored, decidedAt: at }, "decision");
    },
    loadDecision: async (id: string) => {
      const stored = decisions.get(id);
      return stored && decisionRow(tables, stored);
    },
    listDecisions: async (orderId: string) =>
      [...decisions.values()]
        .filter((stored) => stored.record.orderId === orderId)
        .sort((a, b) => a.decidedAt.getTime() - b.decidedAt.getTime() || byteOrder(a.record.id, b.record.id))
        .map((stored) => decisionRow(tables, stored)),
  };
}

function licences(tables: ShipmentTables) {
  const { decisions, licences, orders } = tables;
  const latestLicence = (orderId: string) =>
    [...licences.values()]
      .filter((licence) => licence.orderId === orderId)
      .sort((a, b) => b.grantedAt.getTime() - a.grantedAt.getTime() || byteOrder(a.id, b.id))[0];
  return {
    loadLicence: async (id: string) => {
      const row = licences.get(id);
      return row && licenceRow(row);
    },
    loadLicenceForOrder: async (orderId: string) => {
      const row = latestLicence(orderId);
      return row && licenceRow(row);
    },
    insertLicence: async (
      licence: Parameters<ShipmentRepository["insertLicence"]>[0],
      orderId: string,
      at: Date,
    ) => {
      must(decisions, licence.applicationId, "decision");
      must(orders, orderId, "order");
      for (const other of licences.values())
        if (other.input.applicationId === licence.applicationId)
          throw new Error(`decision ${licence.applicationId} already has a licence (a unique key)`);
      const row: StoredLicence = {
        id: licence.id,
        input: { applicationId: licence.applicationId, expiresOn: licence.expiresOn },
        orderId,
        grantedUnits: BigInt(licence.grantedUnits),
        usedUnits: 0n,
        grantedValueCents: licence.grantedValueCents,
        usedValueCents: 0n,
        expiresOn: licence.expiresOn,
        grantedAt: at,
      };
      insert(licences, licence.id, row, "licence");
    },
    writeDownLicence: async (id: string, units: bigint, valueCents: bigint) => {
      const row = licences.get(id);
      if (!row) return false;
      const usedUnits = row.usedUnits + units;
      const usedValueCents = row.usedValueCents + valueCents;
      if (usedUnits > row.grantedUnits || usedValueCents > row.grantedValueCents) return false;
      Object.assign(row, { usedUnits, usedValueCents });
      return true;
    },
    restoreLicence: async (id: string, units: bigint, valueCents: bigint) => {
      const row = licences.get(id);
      if (!row) return;
      const usedUnits = row.usedUnits - units;
      const usedValueCents = row.usedValueCents - valueCents;
      // The CHECK constraints of the licences table: restoring more than was used is a bug.
      if (usedUnits < 0n || usedValueCents < 0n) throw new Error(`licence ${id} restored below zero`);
      Object.assign(row, { usedUnits, usedValueCents });
    },
  };
}

function shipmentReads(tables: ShipmentTables) {
  const { shipments, orders, events } = tables;
  return {
    loadShipment: async (id: string) => {
      const row = shipments.get(id);
      return row && shipmentRow(row);
    },
    listShipments: async (orderId: string | null, after: string, limit: number, scope = everyOrder) =>
      page(
        [...shipments.values()].filter(
          (row) =>
            (orderId === null || row.orderId === orderId) &&
            inScope(must(orders, row.orderId, "order").doc, scope),
        ),
        after,
        limit,
      ).map(shipmentRow),
    shipmentsWithReservations: async (reservationIds: readonly string[]) =>
      [...shipments.values()]
        .filter((row) => row.reservationId !== null && reservationIds.includes(row.reservationId))
        .sort((a, b) => byteOrder(a.id, b.id))
        .map(shipmentRow),
    liveShipmentUnits: async (orderId: string) =>
      [...shipments.values()]
        .filter((row) => row.orderId === orderId && row.status !== "cancelled" && row.status !== "expired")
        .reduce((sum, row) => sum + row.quantityUnits, 0),
    findSerialOverlap: async (ranges: readonly SerialRange[]) => {
      // As SQL: an expired shipment keeps its serials (it can be released again); a cancelled one frees them.
      const live = [...shipments.values()].filter((row) => row.status !== "cancelled");
      for (const range of ranges)
        for (const row of live)
          for (const held of row.serials) {
            const serial = sharedSerial(range, held);
            if (serial !== null) return { serial: `${range.prefix}${serial}`, shipmentId: row.id };
          }
      return null;
    },
    shipmentVersion: async (id: string) => shipments.get(id)?.version,
    eventExists: async (id: string) => events.has(id),
  };
}

function shipmentWrites(tables: ShipmentTables) {
  const { shipments, orders, licences, events } = tables;
  return {
    insertShipment: async (
      shipment: Parameters<ShipmentRepository["insertShipment"]>[0],
      licenceId: string,
      valueCents: bigint,
      at: Date,
    ) => {
      must(orders, shipment.orderId, "order");
      must(licences, licenceId, "licence");
      const serials = asJson<SerialRange[]>(shipment.serials);
      const { id, orderId, quantityUnits } = shipment;
      const row: Stamped<ShipmentRow> = {
        id,
        orderId,
        licenceId,
        quantityUnits,
        valueCents,
        status: "planned",
        reservationId: null,
        serials,
        evidence: {},
        version: 1,
        input: { orderId, quantityUnits, serials },
        updatedAt: at,
      };
      insert(shipments, id, row, "shipment");
    },
    moveShipment: async (
      shipment: ShipmentRow,
      status: ShipmentRow["status"],
      changes: { reservationId?: string | null },
      at: Date,
    ) => {
      const row = shipments.get(shipment.id);
      if (!row || row.version !== shipment.version)
        throw new Error(`shipment ${shipment.id} changed under a serializable transaction`);
      const reservationId = changes.reservationId ?? row.reservationId;
      Object.assign(row, { status, reservationId, version: row.version + 1, updatedAt: at });
    },
    updateShipmentEvidence: async (id: string, evidence: unknown, at: Date, ifVersion?: number) => {
      const row = shipments.get(id);
      if (!row || (ifVersion !== undefined && row.version !== ifVersion)) return undefined;
      Object.assign(row, { evidence: asJson(evidence), version: row.version + 1, updatedAt: at });
      return row.version;
    },
    insertEvent: async (event: ShipmentEvent, at: Date) => {
      must(shipments, event.shipmentId, "shipment");
      insert(events, event.id, { ...copy(event), details: asJson(event.details), at }, "shipment event");
    },
  };
}
