// Object-level checks for writes that name their object in the body (issue #13): an order created
// for another exporter, a payment on another exporter's order, a shipment planned on it, a
// domestic purchase for another importer, a customs event on a shipment not bound for China.
// Party-scoped roles (policy.ts: exporter, importer, lab) act only for their own party; an object
// a principal may not see is answered 404, as on the routes that name it in the path. The orders'
// parties come through the OrderOwnership port (src/app/authorization/ports.ts).

import { resourceOfOrder } from "../../app/authorization/order-resource.ts";
import type { OrderOwnership } from "../../app/authorization/ports.ts";
import { type Action, ownedThrough, type Principal, type Resource } from "../../core/authorization/policy.ts";
import { notFound, quote, SluiceError } from "../../core/errors.ts";
import type { OrderInput } from "../../core/shipments/model.ts";
import { authorizeObject } from "./auth.ts";

/** The parties an order links and where it is bound, as the policy sees them. */
export const orderResource = (order: { doc: OrderInput }): Resource => resourceOfOrder(order.doc);

/** Loads an order named in a body and checks the principal may act on it (404 if not visible). */
export async function requireVisibleOrder(
  ownership: OrderOwnership,
  principal: Principal,
  action: Action,
  orderId: unknown,
  where: string,
): Promise<void> {
  if (typeof orderId !== "string") return; // the use case's validation answers the 400
  const order = await ownership.ofOrder(orderId);
  if (!order) return; // the use case answers the 404 in its own words
  authorizeObject(principal, action, order, `${where}: order ${quote(orderId)}`);
}

/** As requireVisibleOrder, for a shipment named in a body (through its order). */
export async function requireVisibleShipment(
  ownership: OrderOwnership,
  principal: Principal,
  action: Action,
  shipmentId: unknown,
  where: string,
): Promise<void> {
  if (typeof shipmentId !== "string") return;
  const order = await ownership.ofShipment(shipmentId);
  if (!order) return;
  const what = `${where}: shipment ${quote(shipmentId)}`;
  try {
    authorizeObject(principal, action, order, what);
  } catch (error) {
    if (error instanceof SluiceError && error.kind === "not_found") throw notFound(what);
    throw error;
  }
}

/**
 * A party-scoped principal writes only for its own party: an exporter's token creates orders of its
 * exporter, an importer's records its own purchases. Other roles are not scoped by party.
 */
export function requireOwnParty(principal: Principal, partyId: unknown, where: string): void {
  if (ownedThrough[principal.role] === undefined || typeof partyId !== "string") return;
  if (partyId === principal.partyId) return;
  throw new SluiceError(
    "forbidden",
    where,
    `a ${principal.role} token of party ${quote(principal.partyId)} may not act for party ${quote(partyId)}`,
    "not_your_party",
  );
}
