// The shipment path's repository on one transaction (the ShipmentRepository port of
// src/app/shipments/ports.ts over ./rows.ts, ./licence-rows.ts and ./shipment-rows.ts), and the ledger view the cap rule reads for a dossier.
import type { LedgerView, ShipmentRepository } from "../../../app/shipments/ports.ts";
import { accountIdsFor, type CapPolicy } from "../../../core/ledger/cap-policy.ts";
import type { IsoDate } from "../../../core/shared.ts";
import type { Tx } from "../store.ts";
import * as licenceRows from "./licence-rows.ts";
import * as rows from "./rows.ts";
import * as shipmentRows from "./shipment-rows.ts";

export function sqlShipmentRepository(tx: Tx): ShipmentRepository {
  return {
    loadParty: (id) => rows.loadParty(tx, id),
    listParties: (after, limit) => rows.listParties(tx, after, limit),
    insertParty: (party, at) => rows.insertParty(tx, party, at),
    ensureProduct: (product, at) => rows.ensureProduct(tx, product, at),
    loadOrder: (id) => rows.loadOrder(tx, id),
    listOrders: (after, limit, scope) => rows.listOrders(tx, after, limit, scope),
    insertOrder: (order, at) => rows.insertOrder(tx, order, at),
    updateOrderStatus: (id, status, at) => rows.updateOrderStatus(tx, id, status, at),
    updateOrderEvidence: (id, evidence, at, ifVersion) =>
      rows.updateEvidence(tx, "orders", id, evidence, at, ifVersion),
    insertDecision: (record, at) => rows.insertDecision(tx, record, at),
    loadDecision: (id) => rows.loadDecision(tx, id),
    listDecisions: (orderId) => rows.listDecisions(tx, orderId),
    loadLicence: (id) => licenceRows.loadLicence(tx, id),
    loadLicenceForOrder: (orderId) => licenceRows.loadLicenceForOrder(tx, orderId),
    insertLicence: (licence, orderId, at) => licenceRows.insertLicence(tx, licence, orderId, at),
    writeDownLicence: (id, units, valueCents) => licenceRows.writeDownLicence(tx, id, units, valueCents),
    restoreLicence: (id, units, valueCents) => licenceRows.restoreLicence(tx, id, units, valueCents),
    loadShipment: (id) => shipmentRows.loadShipment(tx, id),
    listShipments: (orderId, after, limit, scope) =>
      shipmentRows.listShipments(tx, orderId, after, limit, scope),
    shipmentsWithReservations: (ids) => shipmentRows.shipmentsWithReservations(tx, ids),
    insertShipment: (shipment, licenceId, valueCents, at) =>
      shipmentRows.insertShipment(tx, shipment, licenceId, valueCents, at),
    liveShipmentUnits: (orderId) => shipmentRows.liveShipmentUnits(tx, orderId),
    findSerialOverlap: (ranges) => shipmentRows.findSerialOverlap(tx, ranges),
    moveShipment: (shipment, status, changes, at) =>
      shipmentRows.moveShipment(tx, shipment, status, changes, at),
    updateShipmentEvidence: (id, evidence, at, ifVersion) =>
      rows.updateEvidence(tx, "shipments", id, evidence, at, ifVersion),
    shipmentVersion: (id) => shipmentRows.shipmentVersion(tx, id),
    eventExists: (id) => shipmentRows.eventExists(tx, id),
    insertEvent: (event, at) => shipmentRows.insertEvent(tx, event, at),
  };
}

interface AccountFigures {
  us_posted: bigint;
  cn_pending: bigint;
  cn_posted: bigint;
}

/**
 * The ledger as the cap rule sees it for a product on a day: the account of the window the day
 * falls in (for a rolling window, the window ending that day). A missing account is empty. The
 * ledger's own reservation check remains the authority: this view explains, it does not enforce.
 */
export async function ledgerView(
  tx: Tx,
  policy: CapPolicy,
  productId: string,
  at: IsoDate,
): Promise<LedgerView> {
  const window = accountIdsFor(policy, productId, at)?.[0];
  const empty = { usPosted: 0n, cnPending: 0n, cnPosted: 0n };
  if (!window) return { window: "before the window starts", [policy.measure]: empty };
  const { rows: found } = await tx.query<AccountFigures>(
    "SELECT us_posted, cn_pending, cn_posted FROM ledger_accounts WHERE id = $1",
    [window],
  );
  const row = found[0];
  const figures = row
    ? { usPosted: row.us_posted, cnPending: row.cn_pending, cnPosted: row.cn_posted }
    : empty;
  return { window, [policy.measure]: figures };
}
