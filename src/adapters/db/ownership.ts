// The OrderOwnership port (src/app/authorization/ports.ts) over the store: the parties an order
// links, by the order's id or a shipment's, read in one transaction, for the HTTP edge's
// object-level checks on writes that name their object in the body.

import { resourceOfOrder } from "../../app/authorization/order-resource.ts";
import type { OrderOwnership } from "../../app/authorization/ports.ts";
import { loadOrder, loadShipment } from "./shipments/reads.ts";
import type { Store } from "./store.ts";

export function sqlOrderOwnership(store: Store): OrderOwnership {
  return {
    ofOrder: async (orderId) => {
      const order = await store.transaction((tx) => loadOrder(tx, orderId));
      return order && resourceOfOrder(order.doc);
    },
    ofShipment: async (shipmentId) => {
      const order = await store.transaction(async (tx) => {
        const shipment = await loadShipment(tx, shipmentId);
        return shipment && loadOrder(tx, shipment.orderId);
      });
      return order && resourceOfOrder(order.doc);
    },
  };
}
