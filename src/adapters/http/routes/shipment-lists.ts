// The pipeline's lists over HTTP: GET /v1/orders and GET /v1/shipments, paged by id, searched
// (`q`: part of an id) and filtered by state (`status`) on the server, through the ShipmentListing
// port (src/app/shipments/listing.ts); each principal sees only its order scope. The order and
// shipment views are shared with the single-object reads of routes/shipments.ts.
import { z } from "@hono/zod-openapi";
import { searchTextLengthMax } from "../../../app/shipments/listing.ts";
import type { OrderRow, ShipmentRow } from "../../../app/shipments/ports.ts";
import { orderScopeOf } from "../../../core/authorization/policy.ts";
import { orderStatuses, shipmentStatuses } from "../../../core/shipments/model.ts";
import { sendJson, toJsonText } from "../json.ts";
import { decodeCursor, pageOf, pageQuerySchema, pageSchema } from "../pagination.ts";
import { actionRoutes } from "./define.ts";
import { orderViewSchema, shipmentViewSchema } from "./responses.ts";
import type { RouteModule } from "./types.ts";

export const orderView = (order: OrderRow) => ({
  ...order.doc,
  status: order.status,
  evidence: order.evidence,
});

export const shipmentView = ({ input: _input, ...shipment }: ShipmentRow) =>
  JSON.parse(toJsonText(shipment)) as unknown;

const route = actionRoutes("shipments", { ok: "the page", created: "—" }, {});

const searchText = z
  .string()
  .trim()
  .min(1)
  .max(searchTextLengthMax)
  .optional()
  .meta({ description: "part of an id, any case" });

const ordersQuery = pageQuerySchema.extend({
  q: searchText.meta({
    description: "part of the order's id, product, exporter, consignee or end user (any case)",
  }),
  status: z.enum(orderStatuses).optional().meta({ description: "only orders in this state" }),
});

const shipmentsQuery = pageQuerySchema.extend({
  order: z.string().min(1).max(128).optional().meta({ description: "only this order's shipments" }),
  q: searchText.meta({ description: "part of the shipment's id, order or licence (any case)" }),
  status: z.enum(shipmentStatuses).optional().meta({ description: "only shipments in this state" }),
});

export const registerShipmentLists: RouteModule = (app, services) => {
  app.openapi(
    route(
      "get",
      "/v1/orders",
      "orders.read",
      "list orders in id order, searched and filtered by state (an importer sees its own)",
      { query: ordersQuery },
      pageSchema(orderViewSchema),
    ),
    async (c) => {
      const { limit, cursor, q, status } = c.req.valid("query");
      const list = await services.shipmentListing.orders({
        after: decodeCursor(cursor) ?? "",
        limit: limit + 1,
        scope: orderScopeOf(c.get("principal")),
        q,
        status,
      });
      const page = pageOf(list, limit, (order) => order.id);
      return sendJson(c, { ...page, items: page.items.map(orderView) });
    },
  );
  app.openapi(
    route(
      "get",
      "/v1/shipments",
      "shipments.read",
      "list shipments in id order, searched and filtered by state (an importer sees its own)",
      { query: shipmentsQuery },
      pageSchema(shipmentViewSchema),
    ),
    async (c) => {
      const { limit, cursor, order, q, status } = c.req.valid("query");
      const list = await services.shipmentListing.shipments({
        after: decodeCursor(cursor) ?? "",
        limit: limit + 1,
        scope: orderScopeOf(c.get("principal")),
        orderId: order,
        q,
        status,
      });
      const page = pageOf(list, limit, (shipment) => shipment.id);
      return sendJson(c, { ...page, items: page.items.map(shipmentView) });
    },
  );
};
