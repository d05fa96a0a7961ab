// One shipment's gates in order, each with its evidence, its author and its time, as far as this
// server records them; records the viewer may not read show as "not visible to you".
import { Link } from "wouter-preact";
import type {
  Api,
  GetAnswer,
  Order,
  OrderDecisions,
  ScreeningReview,
  Session,
  Shipment as ShipmentData,
} from "../api/client.ts";
import { Badge, Card, Show, useLoad } from "../components/ui.tsx";
import { units } from "../lib/format.ts";
import { type Gate, gatesOf } from "../lib/gates.ts";

type Certificates = GetAnswer<"/v1/certificates">;

const stateLabels: Record<Gate["state"], string> = {
  passed: "passed",
  pending: "pending",
  failed: "failed",
  waiting: "not yet",
  hidden: "not visible to you",
  untracked: "not tracked by this server yet",
};

async function loadGates(api: Api, session: Session, id: string) {
  const can = (action: string) => (session.actions as readonly string[]).includes(action);
  const shipment = await api.get<ShipmentData>(`/v1/shipments/${encodeURIComponent(id)}`);
  const order = can("orders.read")
    ? await api.get<Order>(`/v1/orders/${encodeURIComponent(shipment.orderId)}`)
    : undefined;
  const decisions = can("decisions.read")
    ? (await api.get<OrderDecisions>(`/v1/orders/${encodeURIComponent(shipment.orderId)}/decisions`)).items
    : undefined;
  const screening =
    order && can("screenings.read")
      ? await api.getOptional<ScreeningReview>(
          `/v1/parties/${encodeURIComponent(order.consigneeId)}/screening`,
        )
      : undefined;
  const certificates = can("certificates.read")
    ? (await api.get<Certificates>(`/v1/certificates?shipment=${encodeURIComponent(id)}`)).items
    : undefined;
  return { shipment, order, gates: gatesOf({ shipment, order, decisions, screening, certificates }) };
}

export function Shipment({ api, session, id }: { api: Api; session: Session; id: string }) {
  const loaded = useLoad(() => loadGates(api, session, id), [api, id]);
  return (
    <Show loaded={loaded}>
      {({ shipment, order, gates }) => (
        <div class="grid">
          <Card title={`Shipment ${shipment.id}`} wide>
            <p>
              <Badge value={shipment.status} /> {units(shipment.quantityUnits)} units of order{" "}
              {shipment.orderId}
              {order ? ` (${order.productId} to ${order.consigneeId})` : ""}
            </p>
            <ol class="gates">
              {gates.map((gate) => (
                <li key={gate.id} class={`gate gate-${gate.state}`} data-gate={gate.id}>
                  <h3>
                    {gate.label} <Badge value={gate.state} label={stateLabels[gate.state]} />
                  </h3>
                  {gate.evidence.length > 0 && (
                    <dl class="evidence">
                      {gate.evidence.map(([key, value]) => (
                        <div key={key}>
                          <dt>{key}</dt>
                          <dd>{value}</dd>
                        </div>
                      ))}
                    </dl>
                  )}
                  <p class="muted">
                    {gate.author ? `by ${gate.author}` : "author: not recorded"}
                    {gate.at ? `, ${gate.at}` : ""}
                    {gate.link && (
                      <>
                        {" · "}
                        <Link href={gate.link}>open the decision</Link>
                      </>
                    )}
                  </p>
                </li>
              ))}
            </ol>
          </Card>
        </div>
      )}
    </Show>
  );
}
