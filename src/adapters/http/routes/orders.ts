// The order routes of the shipment path over HTTP: parties, orders (and their evidence),
// applications and decisions, licences. Every write runs the use case of
// src/app/shipments/service.ts and records its Idempotency-Key response in the same transaction;
// every read checks the object against the policy. GET of an order answers its ETag; PUT
// …/evidence requires If-Match (428 without) and answers the new ETag (etag.ts).
import { z } from "@hono/zod-openapi";
import type { ShipmentService } from "../../../app/shipments/service.ts";
import { readsPartyDirectory, scopeOf } from "../../../core/authorization/policy.ts";
import { evidenceSchema, partySchema } from "../../../core/dossier/schema.ts";
import { notFound, quote } from "../../../core/errors.ts";
import { licenceInputSchema, orderInputSchema } from "../../../core/shipments/model.ts";
import { authorizeObject } from "../auth.ts";
import type { AppServices } from "../context.ts";
import { etagOf, ifMatchVersion } from "../etag.ts";
import { sendJson } from "../json.ts";
import { requireOwnParty } from "../ownership.ts";
import { decodeCursor, pageOf, pageQuerySchema, pageSchema } from "../pagination.ts";
import { body, idParams, ifMatchHeaders } from "./define.ts";
// Response schemas (issue #17: the OpenAPI document and the web app's types).
import {
  applyResultSchema,
  decisionRecordSchema,
  orderDecisionsSchema,
  orderViewSchema,
  partyViewSchema,
} from "./responses.ts";
import { orderView } from "./shipment-lists.ts";
import * as path from "./shipment-path.ts";
import type { Api } from "./types.ts";

const {
  createdSchema,
  createdStatus,
  decisionFor,
  decisionRequest,
  loadVisibleOrder,
  rawBody,
  refuseClientTime,
  route,
  shipmentsFor,
  write,
} = path;

function registerParties(app: Api, services: AppServices): void {
  const partyBody = partySchema.extend({ id: z.string().min(1).max(128) });
  app.openapi(
    route(
      "post",
      "/v1/parties",
      "parties.write",
      "add a party (screened on creation)",
      body(partyBody),
      createdSchema,
    ),
    (c) =>
      write(
        c,
        services,
        (r: Awaited<ReturnType<ShipmentService["addParty"]>>) => ({
          status: createdStatus(r.status),
          body: { id: r.party.id, status: r.status },
        }),
        async (service) => service.addParty(await rawBody(c)),
      ),
  );
  app.openapi(
    route(
      "get",
      "/v1/parties",
      "parties.read",
      "list parties (an importer sees itself)",
      { query: pageQuerySchema },
      pageSchema(partyViewSchema),
    ),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const principal = c.get("principal");
      const scope = scopeOf(principal);
      const list = await shipmentsFor(c, services).parties(decodeCursor(cursor) ?? "", limit + 1);
      const directory = scope.all || readsPartyDirectory.includes(principal.role);
      const visible = directory ? list : list.filter((party) => party.id === scope.partyId);
      return sendJson(
        c,
        pageOf(visible, limit, (party) => party.id),
      );
    },
  );
  app.openapi(
    route("get", "/v1/parties/{id}", "parties.read", "one party", { params: idParams }, partyViewSchema),
    async (c) => {
      const { id } = c.req.valid("param");
      const party = await shipmentsFor(c, services).party(id);
      if (!party) throw notFound(`party ${quote(id)}`);
      authorizeObject(
        c.get("principal"),
        "parties.read",
        { parties: { self: party.id }, directoryEntry: true },
        `party ${quote(id)}`,
      );
      return sendJson(c, party);
    },
  );
}

function registerOrders(app: Api, services: AppServices): void {
  app.openapi(
    route("post", "/v1/orders", "orders.write", "create an order", body(orderInputSchema), createdSchema),
    (c) =>
      write(
        c,
        services,
        (r: Awaited<ReturnType<ShipmentService["createOrder"]>>) => ({
          status: createdStatus(r.status),
          body: { id: r.order.id, status: r.status },
        }),
        async (service) => {
          const input = await rawBody(c);
          const exporterId = (input as { exporterId?: unknown }).exporterId;
          requireOwnParty(c.get("principal"), exporterId, "order at `exporterId`");
          return service.createOrder(input);
        },
      ),
  );
  app.openapi(
    route(
      "get",
      "/v1/orders/{id}",
      "orders.read",
      "one order with its status and evidence",
      { params: idParams },
      orderViewSchema,
    ),
    async (c) => {
      const order = await loadVisibleOrder(
        services,
        c.get("principal"),
        "orders.read",
        c.req.valid("param").id,
      );
      return sendJson(c, orderView(order), 200, { etag: etagOf(order.version) });
    },
  );
  app.openapi(
    route(
      "put",
      "/v1/orders/{id}/evidence",
      "orders.write",
      "replace the evidence on file for an order (If-Match required: the order's ETag, or `*`)",
      { params: idParams, headers: ifMatchHeaders(true), ...body(evidenceSchema) },
      createdSchema,
    ),
    async (c) => {
      const { id } = c.req.valid("param");
      await loadVisibleOrder(services, c.get("principal"), "orders.write", id);
      const ifVersion = ifMatchVersion(c, { required: true });
      const service = shipmentsFor(c, services);
      const { version } = await service.setOrderEvidence(id, await rawBody(c), ifVersion);
      return sendJson(c, { id, status: "updated" }, 200, { etag: etagOf(version) });
    },
  );
}

/** POST /v1/orders/{id}/applications: the order evaluated under the rules in force, its decision recorded. */
function registerApplications(app: Api, services: AppServices): void {
  app.openapi(
    route(
      "post",
      "/v1/orders/{id}/applications",
      "applications.write",
      "apply: evaluate the order under the rules in force and record the decision",
      { params: idParams, ...body(decisionRequest) },
      applyResultSchema,
    ),
    async (c) => {
      const { id } = c.req.valid("param");
      await loadVisibleOrder(services, c.get("principal"), "applications.write", id);
      const request = c.req.valid("json");
      refuseClientTime(request.at, "application");
      const options = {
        scenarios: request.scenarios,
        ...(request.id ? { id: request.id } : {}),
      };
      return write(
        c,
        services,
        (r: Awaited<ReturnType<ShipmentService["apply"]>>) => ({ status: 201, body: r }),
        (service) => service.apply(id, options),
      );
    },
  );
}

/** The decisions recorded for an order, and one decision, as the principal may see them. */
function registerDecisionReads(app: Api, services: AppServices): void {
  app.openapi(
    route(
      "get",
      "/v1/orders/{id}/decisions",
      "decisions.read",
      "the decisions recorded for an order, oldest first",
      { params: idParams },
      orderDecisionsSchema,
    ),
    async (c) => {
      const { id } = c.req.valid("param");
      await loadVisibleOrder(services, c.get("principal"), "decisions.read", id);
      const list = await shipmentsFor(c, services).decisions(id);
      const principal = c.get("principal");
      return sendJson(c, {
        items: list.map((d) => ({ id: d.id, ...(decisionFor(principal, d.result).decision as object) })),
      });
    },
  );
  app.openapi(
    route(
      "get",
      "/v1/decisions/{id}",
      "decisions.read",
      "one decision with its findings and the dossier it was made on",
      { params: idParams },
      decisionRecordSchema,
    ),
    async (c) => {
      const { id } = c.req.valid("param");
      const decision = await shipmentsFor(c, services).decision(id);
      if (!decision) throw notFound(`decision ${quote(id)}`);
      await loadVisibleOrder(services, c.get("principal"), "decisions.read", decision.orderId).catch(() => {
        throw notFound(`decision ${quote(id)}`);
      });
      const shown = decisionFor(c.get("principal"), decision.result, decision.dossier);
      return sendJson(c, { id: decision.id, orderId: decision.orderId, ...shown });
    },
  );
}

/** POST /v1/licences: the licence granted on an approved application. */
function registerLicences(app: Api, services: AppServices): void {
  app.openapi(
    route(
      "post",
      "/v1/licences",
      "licences.write",
      "record the licence granted on an approved application",
      body(licenceInputSchema),
      createdSchema,
    ),
    (c) =>
      write(
        c,
        services,
        (r: Awaited<ReturnType<ShipmentService["grantLicence"]>>) => ({
          status: createdStatus(r.status),
          body: { id: r.licenceId, status: r.status },
        }),
        async (service) => service.grantLicence(await rawBody(c)),
      ),
  );
}

/** Parties, orders, applications, decisions and licences. */
export function registerOrderRoutes(app: Api, services: AppServices): void {
  registerParties(app, services);
  registerOrders(app, services);
  registerApplications(app, services);
  registerDecisionReads(app, services);
  registerLicences(app, services);
}
