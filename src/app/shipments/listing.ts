// The pipeline's lists (GET /v1/orders, GET /v1/shipments, the web app's pipeline page): orders
// and shipments in id order after a cursor, narrowed on the server by a search text and a state,
// and only those the principal's order scope may see. The port; the SQL implements it in
// src/adapters/db/shipments/listing.ts.
import type { OrderScope } from "../../core/authorization/policy.ts";
import type { OrderStatus, ShipmentStatus } from "../../core/shipments/model.ts";
import type { OrderRow, ShipmentRow } from "./ports.ts";

/** Longest search text: ids are at most 128 characters; a search names part of one. */
export const searchTextLengthMax = 128;

export interface ListFilter<Status> {
  /** Rows with an id after this one (byte order); "" for the first page. */
  after: string;
  limit: number;
  scope: OrderScope;
  /**
   * Case-insensitive substring of the row's ids: an order's id, product, exporter, consignee or
   * end user; a shipment's id, order or licence.
   */
  q?: string | undefined;
  status?: Status | undefined;
}

export interface ShipmentListing {
  orders(filter: ListFilter<OrderStatus>): Promise<OrderRow[]>;
  shipments(filter: ListFilter<ShipmentStatus> & { orderId?: string | undefined }): Promise<ShipmentRow[]>;
}
