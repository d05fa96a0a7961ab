// The pipeline's lists in SQL (the port is src/app/shipments/listing.ts): keyset pages in id
// order (COLLATE "C", as every list), the search text as an escaped ILIKE substring over the ids,
// the state as an equality, and the principal's order scope (the fragment of db/shipments/rows.ts
// that the other reads use too). PostgreSQL 15 and PGlite alike.

import type { ListFilter, ShipmentListing } from "../../../app/shipments/listing.ts";
import type { OrderStatus, ShipmentStatus } from "../../../core/shipments/model.ts";
import type { Store } from "../store.ts";
import { type OrderSqlRow, type ShipmentSqlRow, toOrder, toShipment } from "./reads.ts";
import { scopeParams, scopeSql } from "./rows.ts";

/** `%text%` with LIKE's own characters (`%`, `_`, `\`) taken literally; null for no search. */
export function containsPattern(text: string | undefined): string | null {
  if (text === undefined || text === "") return null;
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

export function sqlShipmentListing(store: Store): ShipmentListing {
  return {
    async orders(filter: ListFilter<OrderStatus>) {
      const { rows } = await store.query<OrderSqlRow>(
        `SELECT id, status, doc, evidence, version FROM orders o
          WHERE o.id COLLATE "C" > $1
            AND ($3::text IS NULL OR o.status = $3)
            AND ($4::text IS NULL OR o.id ILIKE $4 OR o.product_id ILIKE $4 OR o.exporter_id ILIKE $4
                 OR o.consignee_id ILIKE $4 OR o.end_user_id ILIKE $4)
            AND ${scopeSql(5)}
          ORDER BY o.id COLLATE "C" LIMIT $2`,
        [
          filter.after,
          filter.limit,
          filter.status ?? null,
          containsPattern(filter.q),
          ...scopeParams(filter.scope),
        ],
      );
      return rows.map(toOrder);
    },
    async shipments(filter: ListFilter<ShipmentStatus> & { orderId?: string | undefined }) {
      const { rows } = await store.query<ShipmentSqlRow>(
        `SELECT s.* FROM shipments s JOIN orders o ON o.id = s.order_id
          WHERE s.id COLLATE "C" > $1
            AND ($3::text IS NULL OR s.status = $3)
            AND ($4::text IS NULL OR s.id ILIKE $4 OR s.order_id ILIKE $4 OR s.licence_id ILIKE $4)
            AND ($5::text IS NULL OR s.order_id = $5)
            AND ${scopeSql(6)}
          ORDER BY s.id COLLATE "C" LIMIT $2`,
        [
          filter.after,
          filter.limit,
          filter.status ?? null,
          containsPattern(filter.q),
          filter.orderId ?? null,
          ...scopeParams(filter.scope),
        ],
      );
      return rows.map(toShipment);
    },
  };
}
