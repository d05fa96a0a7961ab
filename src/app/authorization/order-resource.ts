// An order as the authorization policy sees it: the parties it links and where it is bound. One
// definition for the HTTP routes (src/adapters/http/ownership.ts) and the ownership lookup on the
// store (src/adapters/db/ownership.ts), so both check objects alike.
import type { Resource } from "../../core/authorization/policy.ts";
import type { OrderInput } from "../../core/shipments/model.ts";

export const resourceOfOrder = (order: OrderInput): Resource => ({
  parties: { exporter: order.exporterId, consignee: order.consigneeId, endUser: order.endUserId },
  destination: order.route.destination,
});
