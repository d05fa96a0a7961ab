// Orders and shipments by state: lists searched and filtered by state on the server (GET
// /v1/orders, /v1/shipments with `q` and `status`); each shipment opens its gates page.
import { Link } from "wouter-preact";
import type { Api, Order, Shipment } from "../api/client.ts";
import { Badge, PagedList } from "../components/PagedList.tsx";
import { Card } from "../components/ui.tsx";
import { units } from "../lib/format.ts";

const orderStatuses = ["created", "held", "denied", "approved", "licensed"] as const;
const shipmentStatuses = ["planned", "released", "shipped", "cancelled", "expired"] as const;

export function Pipeline({ api }: { api: Api }) {
  return (
    <div class="grid">
      <Card title="Shipments" wide>
        <PagedList<Shipment>
          api={api}
          path="/v1/shipments"
          statuses={shipmentStatuses}
          label="shipments"
          searchHint="part of a shipment, order or licence id"
          header={
            <tr>
              <th scope="col">Shipment</th>
              <th scope="col">Order</th>
              <th scope="col">State</th>
              <th scope="col" class="num">
                Units
              </th>
              <th scope="col">Licence</th>
            </tr>
          }
          row={(s) => (
            <tr key={s.id}>
              <td>
                <Link href={`/shipments/${encodeURIComponent(s.id)}`}>{s.id}</Link>
              </td>
              <td>{s.orderId}</td>
              <td>
                <Badge value={s.status} />
              </td>
              <td class="num">{units(s.quantityUnits)}</td>
              <td>{s.licenceId ?? "—"}</td>
            </tr>
          )}
        />
      </Card>
      <Card title="Orders" wide>
        <PagedList<Order>
          api={api}
          path="/v1/orders"
          statuses={orderStatuses}
          label="orders"
          searchHint="part of an order, party or product id"
          header={
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Consignee</th>
              <th scope="col">Product</th>
              <th scope="col">State</th>
              <th scope="col" class="num">
                Units
              </th>
            </tr>
          }
          row={(o) => (
            <tr key={o.id}>
              <td>{o.id}</td>
              <td>{o.consigneeId}</td>
              <td>{o.productId}</td>
              <td>
                <Badge value={o.status} />
              </td>
              <td class="num">{units(o.quantityUnits)}</td>
            </tr>
          )}
        />
      </Card>
    </div>
  );
}
