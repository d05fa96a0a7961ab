// The shipment routes of the shipment path over HTTP: planning a shipment, reading it and its
// evidence (ETag, If-Match), and the moves release, ship and cancel; the order routes are in
// orders.ts and both are registered here as one route module.
import type { Context } from "hono";
import type { ReleaseResult, ShipmentService } from "../../../app/shipments/service.ts";
import { evidenceSchema } from "../../../core/dossier/schema.ts";
import { shipmentInputSchema } from "../../../core/shipments/model.ts";
import { releaseAnswer } from "../../../core/shipments/release.ts";
import type { AppEnv, AppServices } from "../context.ts";
import { etagOf, ifMatchVersion } from "../etag.ts";
import { recordIdempotent } from "../idempotency.ts";
import { sendJson } from "../json.ts";
import { requireVisibleOrder } from "../ownership.ts";
import { body, idParams, ifMatchHeaders } from "./define.ts";
import { registerOrderRoutes } from "./orders.ts";
// Response schemas (issue #17: the OpenAPI document and the web app's types).
import { moveResultSchema, shipmentViewSchema } from "./responses.ts";
import { shipmentView } from "./shipment-lists.ts";
import * as path from "./shipment-path.ts";
import type { Api, RouteModule } from "./types.ts";

const {
  createdSchema,
  createdStatus,
  loadVisibleShipment,
  moveRequest,
  rawBody,
  refuseClientTime,
  route,
  shipmentsFor,
  write,
} = path;

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
  const service = shipmentsFor(c, services, async (tx, repos, result) => {
    committed = { result, version: await repos.shipments.shipmentVersion(id) };
    await recordIdempotent(c, tx, 200, { shipmentId: id, ...(result as object) }, at);
  });
  const result = await run(service);
  const version = committed?.result === result ? committed.version : await service.shipmentVersion(id);
  const headers: Record<string, string> = version === undefined ? {} : { etag: etagOf(version) };
  // A release the ledger refused answers with its own status (src/core/shipments/release.ts).
  const status =
    "shipmentStatus" in result ? releaseAnswer((result as ReleaseResult).status).httpStatus : 200;
  return sendJson(c, { shipmentId: id, ...result }, status as 200, headers);
}

/** POST /v1/shipments: a shipment planned on a licensed order the principal may see. */
function registerShipmentPlanning(app: Api, services: AppServices): void {
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
            services.ownership,
            c.get("principal"),
            "shipments.write",
            orderId,
            "shipment",
          );
          return service.planShipment(input);
        },
      ),
  );
}

/** One shipment with its ETag, and the evidence on file for it (replaced under If-Match). */
function registerShipmentRecord(app: Api, services: AppServices): void {
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
      const service = shipmentsFor(c, services);
      const { version } = await service.setShipmentEvidence(id, await rawBody(c), ifVersion);
      return sendJson(c, { id, status: "updated" }, 200, { etag: etagOf(version) });
    },
  );
}

/** The moves release, ship and cancel, each answered by move() with the shipment's ETag. */
function registerShipmentMoves(app: Api, services: AppServices): void {
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
  registerOrderRoutes(app, services);
  registerShipmentPlanning(app, services);
  registerShipmentRecord(app, services);
  registerShipmentMoves(app, services);
};
