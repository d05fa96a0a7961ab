// The shipment path over HTTP: parties, orders (and their evidence), applications and decisions,
// licences, shipments (and their evidence), release, ship, cancel. Every write runs the use case
// of src/app/shipments.ts and records its Idempotency-Key response in the same transaction; every
// read checks the object against the policy (someone else's object is a 404). GET of an order or a
// shipment answers its ETag; PUT …/evidence requires If-Match (428 without), release/ship/cancel
// take it optionally; updates answer the new ETag (etag.ts).
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { asActor, shipmentContext } from "../../../app/shipment-context.ts";
import * as rows from "../../../app/shipment-rows.ts";
import { type CreateStatus, ShipmentService } from "../../../app/shipments.ts";
import { evidenceSchema, partySchema } from "../../../core/dossier/schema.ts";
import { badInput, notFound, quote } from "../../../core/errors.ts";
import {
  type Action,
  mayAttempt,
  type Principal,
  readsPartyDirectory,
  scopeOf,
} from "../../../core/policy/policy.ts";
import { isoDateSchema } from "../../../core/shared.ts";
import { licenceInputSchema, orderInputSchema, shipmentInputSchema } from "../../../core/shipments/model.ts";
import { actorOf } from "../actor.ts";
import { authorizeObject } from "../auth.ts";
import type { AppEnv, AppServices } from "../context.ts";
import { etagOf, ifMatchVersion } from "../etag.ts";
import { recordIdempotent } from "../idempotency.ts";
import { sendJson } from "../json.ts";
import { orderResource, requireOwnParty, requireVisibleOrder } from "../ownership.ts";
import { decodeCursor, pageOf, pageQuerySchema, pageSchema } from "../pagination.ts";
import { actionRoutes, body, idParams, ifMatchHeaders } from "./define.ts";
// Response schemas (issue #17: the OpenAPI document and the web app's types).
import {
  applyResultSchema,
  decisionRecordSchema,
  moveResultSchema,
  orderDecisionsSchema,
  orderViewSchema,
  partyViewSchema,
  shipmentViewSchema,
} from "./responses.ts";
// The list routes (GET /v1/orders, /v1/shipments) and the views they share with the reads here.
import { orderView, shipmentView } from "./shipment-lists.ts";
import type { Api, RouteModule } from "./types.ts";

/** Why `at` is in the schemas at all: to answer it with a clear refusal, not "unrecognized key". */
const clientTimeNote =
  "refused (400 client_time_refused): a state change takes the server's clock; a client-supplied time is for POST /v1/evaluate only";

/**
 * A client-supplied time never changes state (issue #13): the decision, the reservation and the
 * audit entry take the server's clock. Evaluation (POST /v1/evaluate) still takes one.
 */
export function refuseClientTime(at: unknown, where: string): void {
  if (at === undefined) return;
  throw badInput(
    `${where} at \`at\``,
    `a state change takes the server's clock, not a client-supplied time (${quote(at)}); evaluate a dossier as of another day with POST /v1/evaluate`,
    "client_time_refused",
  );
}

const createdSchema = z.object({ id: z.string(), status: z.string() });
const decisionRequest = z.strictObject({
  id: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .meta({ description: "client-supplied decision id (replays answer the stored decision)" }),
  at: isoDateSchema.optional().meta({ description: clientTimeNote }),
  scenarios: z.array(z.string().min(1).max(128)).max(16).default([]),
});
const moveRequest = z.strictObject({
  eventId: z.string().min(1).max(128).optional(),
  at: isoDateSchema.optional().meta({ description: clientTimeNote }),
  scenarios: z.array(z.string().min(1).max(128)).max(16).default([]),
  reason: z.string().min(1).max(500).optional(),
});

/**
 * A decision as `principal` may read it: roles that may not read the cap ledger (quota.read) get
 * it without the ledger view its dossier carried and without the cap finding's figures, so a
 * decision is no side door to /v1/quota.
 */
function decisionFor(principal: Principal, decision: unknown, dossier?: unknown) {
  if (mayAttempt(principal.role, "quota.read")) return { decision, dossier };
  const redacted = structuredClone(decision) as { findings?: Record<string, unknown>[] };
  for (const finding of redacted.findings ?? []) {
    if (finding.kind !== "ratio-cap") continue;
    delete finding.measured;
    delete finding.required;
    finding.message = "volume cap checked (figures withheld: this role does not read the cap ledger)";
  }
  if (dossier === undefined) return { decision: redacted, dossier };
  const { ledger: _withheld, ...rest } = dossier as Record<string, unknown>;
  return { decision: redacted, dossier: rest };
}

/** Runs a write with its Idempotency-Key response recorded in the write's transaction. */
async function write<R>(
  c: Context<AppEnv>,
  services: AppServices,
  respond: (result: R) => { status: 200 | 201; body: unknown },
  run: (service: ShipmentService) => Promise<R>,
) {
  const at = services.clock();
  const service = new ShipmentService(requestContext(c, services), (tx, result) => {
    const { status, body: value } = respond(result as R);
    return recordIdempotent(c, tx, status, value, at);
  });
  const { status, body: value } = respond(await run(service));
  return sendJson(c, value, status);
}

/** The shipment context of this request: audit entries, screening and ledger name its principal. */
const requestContext = (c: Context<AppEnv>, services: AppServices) => asActor(context(services), actorOf(c));

const contexts = new WeakMap<AppServices, ReturnType<typeof shipmentContext>>();
function context(services: AppServices) {
  let built = contexts.get(services);
  if (!built) {
    built = shipmentContext(services.store, {
      clock: services.clock,
      evaluator: services.evaluator,
      catalog: services.catalog,
    });
    contexts.set(services, built);
  }
  return built;
}

/**
 * The request body as sent: the route has validated it already (for the 400 and the docs); the use
 * case validates it again as its own input, and the schemas turn money into bigints only once.
 */
const rawBody = (c: Context<AppEnv>): Promise<unknown> => c.req.json();

const createdStatus = (status: CreateStatus): 200 | 201 => (status === "created" ? 201 : 200);

async function loadVisibleOrder(services: AppServices, principal: Principal, action: Action, id: string) {
  const order = await services.store.transaction((tx) => rows.loadOrder(tx, id));
  if (!order) throw notFound(`order ${quote(id)}`);
  authorizeObject(principal, action, orderResource(order), `order ${quote(id)}`);
  return order;
}

async function loadVisibleShipment(services: AppServices, principal: Principal, action: Action, id: string) {
  const found = await services.store.transaction(async (tx) => {
    const shipment = await rows.loadShipment(tx, id);
    return shipment && { shipment, order: await rows.loadOrder(tx, shipment.orderId) };
  });
  if (!found?.order) throw notFound(`shipment ${quote(id)}`);
  authorizeObject(principal, action, orderResource(found.order), `shipment ${quote(id)}`);
  return found.shipment;
}

const route = actionRoutes(
  "shipments",
  { ok: "the result", created: "created" },
  {
    404: "not found (or not yours)",
    409: "conflict: replay with different fields, illegal transition",
    412: "If-Match names a version the object is no longer at (the answer's ETag is the current one)",
    428: "If-Match missing on a route that requires it",
  },
);

/**
 * Runs a shipment move (release, ship, cancel) and answers it with the shipment's ETag, read in the
 * move's own transaction; a refusal that rolled back (exceeds_cap …) changed nothing, so the
 * current version is read afterwards.
 */
async function move(
  c: Context<AppEnv>,
  services: AppServices,
  id: string,
  run: (service: ShipmentService) => Promise<object>,
) {
  const at = services.clock();
  let committed: { result: unknown; version: number | undefined } | undefined;
  const service = new ShipmentService(requestContext(c, services), async (tx, result) => {
    committed = { result, version: await rows.shipmentVersion(tx, id) };
    await recordIdempotent(c, tx, 200, { shipmentId: id, ...(result as object) }, at);
  });
  const result = await run(service);
  const version =
    committed?.result === result
      ? committed.version
      : await services.store.transaction((tx) => rows.shipmentVersion(tx, id));
  const headers: Record<string, string> = version === undefined ? {} : { etag: etagOf(version) };
  return sendJson(c, { shipmentId: id, ...result }, 200, headers);
}

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
      const list = await services.store.transaction((tx) =>
        rows.listParties(tx, decodeCursor(cursor) ?? "", limit + 1),
      );
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
      const party = await services.store.transaction((tx) => rows.loadParty(tx, id));
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
      const service = new ShipmentService(requestContext(c, services));
      const { version } = await service.setOrderEvidence(id, await rawBody(c), ifVersion);
      return sendJson(c, { id, status: "updated" }, 200, { etag: etagOf(version) });
    },
  );
}

function registerDecisions(app: Api, services: AppServices): void {
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
      const list = await services.store.transaction((tx) => rows.listDecisions(tx, id));
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
      const decision = await services.store.transaction((tx) => rows.loadDecision(tx, id));
      if (!decision) throw notFound(`decision ${quote(id)}`);
      await loadVisibleOrder(services, c.get("principal"), "decisions.read", decision.orderId).catch(() => {
        throw notFound(`decision ${quote(id)}`);
      });
      const shown = decisionFor(c.get("principal"), decision.result, decision.dossier);
      return sendJson(c, { id: decision.id, orderId: decision.orderId, ...shown });
    },
  );
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

function registerShipmentRoutes(app: Api, services: AppServices): void {
  app.openapi(
    route(
      "post",
      "/v1/shipments",
      "shipments.write",
      "plan a shipment of a licensed order, with its serial ranges",
      body(shipmentInputSchema),
      createdSchema,
    ),
    (c) =>
      write(
        c,
        services,
        (r: Awaited<ReturnType<ShipmentService["planShipment"]>>) => ({
          status: createdStatus(r.status),
          body: { id: r.shipmentId, status: r.status },
        }),
        async (service) => {
          const input = await rawBody(c);
          const orderId = (input as { orderId?: unknown }).orderId;
          await requireVisibleOrder(
            services.store,
            c.get("principal"),
            "shipments.write",
            orderId,
            "shipment",
          );
          return service.planShipment(input);
        },
      ),
  );
  app.openapi(
    route(
      "get",
      "/v1/shipments/{id}",
      "shipments.read",
      "one shipment",
      { params: idParams },
      shipmentViewSchema,
    ),
    async (c) => {
      const shipment = await loadVisibleShipment(
        services,
        c.get("principal"),
        "shipments.read",
        c.req.valid("param").id,
      );
      return sendJson(c, shipmentView(shipment), 200, { etag: etagOf(shipment.version) });
    },
  );
  app.openapi(
    route(
      "put",
      "/v1/shipments/{id}/evidence",
      "shipments.write",
      "replace the evidence on file for a shipment (If-Match required: the shipment's ETag, or `*`)",
      { params: idParams, headers: ifMatchHeaders(true), ...body(evidenceSchema) },
      createdSchema,
    ),
    async (c) => {
      const { id } = c.req.valid("param");
      await loadVisibleShipment(services, c.get("principal"), "shipments.write", id);
      const ifVersion = ifMatchVersion(c, { required: true });
      const service = new ShipmentService(requestContext(c, services));
      const { version } = await service.setShipmentEvidence(id, await rawBody(c), ifVersion);
      return sendJson(c, { id, status: "updated" }, 200, { etag: etagOf(version) });
    },
  );
  const moves = [
    [
      "release",
      "shipments.release",
      "re-evaluate the shipment, write it down on its licence and reserve China quota",
    ],
    ["ship", "shipments.ship", "record that the shipment left: post its reservation"],
    ["cancel", "shipments.cancel", "cancel: void the reservation, restore the licence"],
  ] as const;
  for (const [step, action, summary] of moves) {
    app.openapi(
      route(
        "post",
        `/v1/shipments/{id}/${step}`,
        action,
        `${summary} (If-Match optional)`,
        { params: idParams, headers: ifMatchHeaders(false), ...body(moveRequest) },
        moveResultSchema,
      ),
      async (c) => {
        const { id } = c.req.valid("param");
        await loadVisibleShipment(services, c.get("principal"), action, id);
        const request = c.req.valid("json");
        refuseClientTime(request.at, step);
        const ifVersion = ifMatchVersion(c, { required: false });
        const options = {
          ...(request.eventId ? { eventId: request.eventId } : {}),
          ...(ifVersion === undefined ? {} : { ifVersion }),
        };
        return move(c, services, id, (service) =>
          step === "release"
            ? service.release(id, {
                scenarios: request.scenarios,
                ...options,
              })
            : step === "ship"
              ? service.ship(id, options)
              : service.cancel(id, { ...options, ...(request.reason ? { reason: request.reason } : {}) }),
        );
      },
    );
  }
}

export const registerShipments: RouteModule = (app, services) => {
  registerParties(app, services);
  registerOrders(app, services);
  registerDecisions(app, services);
  registerShipmentRoutes(app, services);
};
