// Sample requests for the shipment routes in the route × role matrix. Each call builds what its
// request needs (a fresh order, licence or shipment) through the use cases, so every allowed role
// gets a request that can succeed; objects belong to the importer's party so it may see them.

import { systemAudit } from "../../src/adapters/db/audit.ts";
import { sqlEvidenceContext } from "../../src/adapters/db/evidence/repository.ts";
import type { Store } from "../../src/adapters/db/store.ts";
import { partyReview } from "../../src/app/screening/views.ts";
import { ShipmentService } from "../../src/app/shipments/service.ts";
import { screeningOn, shipmentContextOn } from "../../src/compose.ts";
import { capPolicyDefault } from "../../src/core/ledger/cap-policy.ts";
import { exampleJson, sharedEvaluator } from "../support/dossiers.ts";
import { certifyShipment, recordExampleEvidence } from "../support/lab.ts";
import { clock, importerParty } from "./support.ts";

/** The audit appender tests act through: the system, as the seeder and sweeps do. */
const appendAudit = systemAudit("test");

type Sample = () => Promise<{ path: string; body?: unknown; headers?: Record<string, string> }>;

const example = exampleJson("h200-alibaba-approvable.json") as {
  parties: Record<string, { certifications: unknown[] } & Record<string, unknown>>;
};

export function shipmentSamples(store: () => Store): Record<string, Sample> {
  let counter = 0;
  let ready: Promise<ShipmentService> | undefined;
  let readyFor: Store | undefined;
  const next = (prefix: string) => `${prefix}-${++counter}`;
  const service = () => {
    if (readyFor !== store()) ready = undefined;
    readyFor = store();
    ready ??= (async () => {
      const context = shipmentContextOn(store(), { clock });
      const built = new ShipmentService(context);
      const { exporter, consignee, endUser } = example.parties;
      await built.addParty({ ...exporter, id: "nvidia" });
      const certifications = [...(consignee?.certifications ?? []), ...(endUser?.certifications ?? [])];
      await built.addParty({ ...consignee, id: importerParty, certifications });
      await built.addParty({ id: "m-huawei", name: "Huawei Device Co., Ltd.", country: "CN" });
      await context.ledger.usPost(capPolicyDefault, {
        id: "matrix-us",
        productId: "nvidia-h200-sxm",
        units: 1_000_000n,
        shippedOn: "2026-01-20",
      });
      return built;
    })();
    return ready;
  };
  const order = (id: string) => ({
    id,
    productId: "nvidia-h200-sxm",
    quantityUnits: 10,
    valueCents: "27000000",
    exporterId: "nvidia",
    consigneeId: importerParty,
    endUserId: importerParty,
    route: { origin: "TW", exportFrom: "US", destination: "CN" },
    endUse: { purpose: "commercial-cloud" },
    usShippedUnits: 1000,
  });
  const newOrder = async () => {
    const id = next("m-ord");
    await (await service()).createOrder(order(id));
    return id;
  };
  const approved = async () => {
    const id = await newOrder();
    await (await service()).apply(id, { id: `${id}:app` });
    return id;
  };
  const licensed = async () => {
    const id = await approved();
    await (await service()).grantLicence({
      id: `${id}:lic`,
      applicationId: `${id}:app`,
      expiresOn: "2027-01-31",
    });
    return id;
  };
  const planned = async () => {
    const orderId = await licensed();
    const id = next("m-shp");
    await (await service()).planShipment({
      id,
      orderId,
      quantityUnits: 10,
      serials: [{ prefix: `${id}-`, first: 1, last: 10 }],
    });
    return { orderId, id };
  };
  const released = async () => {
    const shipment = await planned();
    const s = await service();
    const evidenceContext = sqlEvidenceContext(store(), { evaluator: sharedEvaluator, clock, appendAudit });
    await recordExampleEvidence(evidenceContext, shipment.orderId, [shipment.id]);
    await certifyShipment(evidenceContext, shipment.id);
    const result = await s.release(shipment.id, {});
    if (result.status !== "released") throw new Error(`sample release: ${result.status}`);
    return shipment.id;
  };

  const huaweiHit = async () => {
    await service();
    const review = await partyReview(screeningOn(store(), clock)(), "m-huawei");
    const hit = review?.review.hits[0]?.hit;
    if (!hit) throw new Error("sample party m-huawei has no screening hit");
    return hit;
  };

  return {
    "get /v1/parties/{id}/screening": async () => {
      await service();
      return { path: `/v1/parties/${importerParty}/screening` };
    },
    "post /v1/dispositions": async () => {
      const hit = await huaweiHit();
      const body = {
        partyId: "m-huawei",
        listId: hit.listId,
        entryId: hit.entryId,
        decision: "false_positive",
        reason: "matrix sample",
      };
      return { path: "/v1/dispositions", body: { ...body, id: next("m-disp") } };
    },
    "post /v1/lists": async () => {
      await service();
      const id = next("m-list");
      const content = `id,name,aliases,country,address,source\n${id},Matrix Listed Trading ${id},,CN,,matrix sample\n`;
      return { path: "/v1/lists", body: { format: "custom", listId: "matrix-list", content } };
    },
    "get /v1/dispositions": async () => ({ path: "/v1/dispositions?party=m-huawei" }),
    "post /v1/parties": async () => ({
      path: "/v1/parties",
      body: { id: next("m-party"), name: "Matrix Party", country: "US" },
    }),
    "get /v1/parties": async () => ({ path: "/v1/parties?limit=5" }),
    "get /v1/parties/{id}": async () => {
      await service();
      return { path: `/v1/parties/${importerParty}` };
    },
    "post /v1/orders": async () => {
      await service();
      return { path: "/v1/orders", body: order(next("m-new")) };
    },
    "get /v1/orders": async () => ({ path: "/v1/orders?limit=5" }),
    "get /v1/orders/{id}": async () => ({ path: `/v1/orders/${await newOrder()}` }),
    "put /v1/orders/{id}/evidence": async () => ({
      path: `/v1/orders/${await newOrder()}/evidence`,
      body: {},
      headers: { "if-match": "*" },
    }),
    "post /v1/orders/{id}/applications": async () => ({
      path: `/v1/orders/${await newOrder()}/applications`,
      body: {},
    }),
    "get /v1/orders/{id}/decisions": async () => ({ path: `/v1/orders/${await approved()}/decisions` }),
    "get /v1/decisions/{id}": async () => ({ path: `/v1/decisions/${await approved()}:app` }),
    "post /v1/licences": async () => {
      const id = await approved();
      return {
        path: "/v1/licences",
        body: { id: `${id}:lic`, applicationId: `${id}:app`, expiresOn: "2027-01-31" },
      };
    },
    "post /v1/shipments": async () => {
      const orderId = await licensed();
      const id = next("m-new-shp");
      return {
        path: "/v1/shipments",
        body: { id, orderId, quantityUnits: 10, serials: [{ prefix: `${id}-`, first: 1, last: 10 }] },
      };
    },
    "get /v1/shipments": async () => ({ path: "/v1/shipments?limit=5" }),
    "get /v1/shipments/{id}": async () => ({ path: `/v1/shipments/${(await planned()).id}` }),
    "put /v1/shipments/{id}/evidence": async () => ({
      path: `/v1/shipments/${(await planned()).id}/evidence`,
      body: {},
      headers: { "if-match": "*" },
    }),
    "post /v1/shipments/{id}/release": async () => ({
      path: `/v1/shipments/${(await planned()).id}/release`,
      body: {},
    }),
    "post /v1/shipments/{id}/ship": async () => ({
      path: `/v1/shipments/${await released()}/ship`,
      body: {},
    }),
    "post /v1/shipments/{id}/cancel": async () => ({
      path: `/v1/shipments/${(await planned()).id}/cancel`,
      body: {},
    }),
  };
}
