// What the routes of the shipment path share (./orders.ts and ./shipments.ts): the request
// schemas, the refusal of a client-supplied time, running a write with its Idempotency-Key response
// recorded in the write's transaction, the use cases bound to the request's principal, and loading
// an order or a shipment the principal may see (someone else's object is a 404).
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { type CreateStatus, ShipmentService } from "../../../app/shipments/service.ts";
import { systemActor } from "../../../core/audit/actor.ts";
import { type Action, mayAttempt, type Principal } from "../../../core/authorization/policy.ts";
import { badInput, notFound, quote } from "../../../core/errors.ts";
import { isoDateSchema } from "../../../core/shared.ts";
import { actorOf } from "../actor.ts";
import { authorizeObject } from "../auth.ts";
import type { AppEnv, AppServices, ShipmentCommitHook } from "../context.ts";
import { recordIdempotent } from "../idempotency.ts";
import { sendJson } from "../json.ts";
import { orderResource } from "../ownership.ts";
import { actionRoutes } from "./define.ts";

/** Why `at` is in the schemas at all: to answer it with a clear refusal, not "unrecognized key". */
export const clientTimeNote =
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

export const createdSchema = z.object({ id: z.string(), status: z.string() });
export const decisionRequest = z.strictObject({
  id: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .meta({ description: "client-supplied decision id (replays answer the stored decision)" }),
  at: isoDateSchema.optional().meta({ description: clientTimeNote }),
  scenarios: z.array(z.string().min(1).max(128)).max(16).default([]),
});
export const moveRequest = z.strictObject({
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
export function decisionFor(principal: Principal, decision: unknown, dossier?: unknown) {
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
export async function write<R>(
  c: Context<AppEnv>,
  services: AppServices,
  respond: (result: R) => { status: 200 | 201; body: unknown },
  run: (service: ShipmentService) => Promise<R>,
) {
  const at = services.clock();
  const service = shipmentsFor(c, services, (tx, _repos, result) => {
    const { status, body: value } = respond(result as R);
    return recordIdempotent(c, tx, status, value, at);
  });
  const { status, body: value } = respond(await run(service));
  return sendJson(c, value, status);
}

/** The use cases for this request: audit entries, screening and ledger name its principal. */
export const shipmentsFor = (c: Context<AppEnv>, services: AppServices, hook?: ShipmentCommitHook) =>
  new ShipmentService(services.shipments(actorOf(c), hook));

/**
 * The request body as sent: the route has validated it already (for the 400 and the docs); the use
 * case validates it again as its own input, and the schemas turn money into bigints only once.
 */
export const rawBody = (c: Context<AppEnv>): Promise<unknown> => c.req.json();

export const createdStatus = (status: CreateStatus): 200 | 201 => (status === "created" ? 201 : 200);

/** Reads check visibility before any act: they write nothing, so they act as the system. */
const systemReader = systemActor("http reads");

export async function loadVisibleOrder(
  services: AppServices,
  principal: Principal,
  action: Action,
  id: string,
) {
  const order = await new ShipmentService(services.shipments(systemReader)).order(id);
  if (!order) throw notFound(`order ${quote(id)}`);
  authorizeObject(principal, action, orderResource(order), `order ${quote(id)}`);
  return order;
}

export async function loadVisibleShipment(
  services: AppServices,
  principal: Principal,
  action: Action,
  id: string,
) {
  const found = await new ShipmentService(services.shipments(systemReader)).shipmentWithOrder(id);
  if (!found?.order) throw notFound(`shipment ${quote(id)}`);
  authorizeObject(principal, action, orderResource(found.order), `shipment ${quote(id)}`);
  return found.shipment;
}

export const route = actionRoutes(
  "shipments",
  { ok: "the result", created: "created" },
  {
    404: "not found (or not yours)",
    409: "conflict: replay with different fields, illegal transition",
    412: "If-Match names a version the object is no longer at (the answer's ETag is the current one)",
    428: "If-Match missing on a route that requires it",
  },
);
