// Custody and location over HTTP (issue #16): declared sites (an importer declares its own), the
// sites a licence permits and approved site changes (US regulator), landmarks, a lot's serials
// registered from its shipment, custody events over serial ranges (each kind by its authority),
// the lab's signed device keys and their revocation, heartbeat batches (an outcome per item), one
// serial's story, and alerts (list, one, acknowledge/close, sweep). Writes answer 201 created or
// 200 exists; a refusal is a 409 problem whose `code` is the use case's status and changes nothing.
// The principal comes from the token (never from the body); the time from the server's clock.

import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { v7 as uuidv7 } from "uuid";
import { AlertService, rulesInForceOf } from "../../../app/custody/alerts.ts";
import { CustodyService } from "../../../app/custody/custody.ts";
import { batchSizeHttpMax, HeartbeatIngest } from "../../../app/custody/ingest.ts";
import {
  alertUpdateSchema,
  custodyEventInputSchema,
  deviceKeyCertificateSchema,
  deviceKeyRevocationSchema,
  landmarkInputSchema,
  serialImportInputSchema,
  siteChangeInputSchema,
  siteInputSchema,
  sitePermitInputSchema,
} from "../../../app/custody/inputs.ts";
import type { Actor } from "../../../app/custody/ports.ts";
import { actorOf as auditActorOf } from "../actor.ts";
import type { AppEnv, AppServices } from "../context.ts";
import { sendJson } from "../json.ts";
import {
  alertSchema,
  alertsSchema,
  custodyEventWrittenSchema,
  deviceKeyRevokedSchema,
  deviceKeysWrittenSchema,
  heartbeatBatchResultSchema,
  landmarksSchema,
  landmarkWrittenSchema,
  serialStorySchema,
  serialsImportedSchema,
  siteChangeWrittenSchema,
  sitePermittedSchema,
  sitesSchema,
  siteWrittenSchema,
  sweepResultSchema,
} from "./custody-responses.ts";
import { actionRoutes, anyObject, body, idParams } from "./define.ts";
import type { Api, RouteModule } from "./types.ts";

const route = actionRoutes(
  "custody",
  { ok: "on file already (a replay), or the record", created: "recorded" },
  {
    404: "not found (or not yours)",
    409: "refused: the problem's code is the status (nothing was written)",
  },
);

interface Built {
  custody: CustodyService;
  ingest: HeartbeatIngest;
  alerts: AlertService;
}
const built = new WeakMap<AppServices, Built>();
function servicesOf(app: AppServices): Built {
  let found = built.get(app);
  if (!found) {
    const deps = {
      store: app.custody,
      clock: app.clock,
      newId: uuidv7,
      rules: rulesInForceOf(() => app.rulebooks),
    };
    found = {
      custody: new CustodyService(deps),
      ingest: new HeartbeatIngest(deps),
      alerts: new AlertService(deps),
    };
    built.set(app, found);
  }
  return found;
}

const actorOf = (c: Context<AppEnv>): Actor => {
  const audit = auditActorOf(c);
  return {
    id: audit.tokenId ?? "",
    role: c.get("principal").role,
    partyId: audit.partyId,
    via: audit.via,
    requestId: audit.requestId,
  };
};

/** created → 201; exists (or any other success) → 200. */
const written = (result: { status: string }) => (result.status === "created" ? 201 : 200);

const heartbeatBatchSchema = z.object({
  heartbeats: z.array(z.unknown()).min(1).max(batchSizeHttpMax),
});
const serialParams = z.object({ serial: z.string().min(1).max(160) });
const alertQuery = z.object({
  serial: z.string().min(1).max(160).optional(),
  status: z.enum(["open", "acknowledged", "closed"]).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

function registerRegistry(api: Api, app: AppServices): void {
  api.openapi(
    route(
      "post",
      "/v1/sites",
      "sites.write",
      "declare a site (an importer declares its own)",
      body(siteInputSchema),
      siteWrittenSchema,
    ),
    async (c) => {
      const result = await servicesOf(app).custody.declareSite(await c.req.json(), actorOf(c));
      return sendJson(c, result, written(result));
    },
  );
  api.openapi(
    route("get", "/v1/sites", "custody.read", "declared sites (an importer sees its own)", {}, sitesSchema),
    async (c) => sendJson(c, { sites: await servicesOf(app).custody.listSites(actorOf(c)) }),
  );
  api.openapi(
    route(
      "post",
      "/v1/licence-sites",
      "sites.permit",
      "permit a declared site under a licence (US regulator)",
      body(sitePermitInputSchema),
      sitePermittedSchema,
    ),
    async (c) => {
      const result = await servicesOf(app).custody.permitSite(await c.req.json(), actorOf(c));
      return sendJson(c, result, written(result));
    },
  );
  api.openapi(
    route(
      "post",
      "/v1/site-changes",
      "site-changes.write",
      "approve moving a lot's chips between two declared sites",
      body(siteChangeInputSchema),
      siteChangeWrittenSchema,
    ),
    async (c) => {
      const result = await servicesOf(app).custody.approveSiteChange(await c.req.json(), actorOf(c));
      return sendJson(c, result, written(result));
    },
  );
  api.openapi(
    route(
      "post",
      "/v1/landmarks",
      "landmarks.write",
      "register a landmark (coordinates, Ed25519 key, validity)",
      body(landmarkInputSchema),
      landmarkWrittenSchema,
    ),
    async (c) => {
      const result = await servicesOf(app).custody.registerLandmark(await c.req.json(), actorOf(c));
      return sendJson(c, result, written(result));
    },
  );
  api.openapi(
    route("get", "/v1/landmarks", "custody.read", "the landmark registry", {}, landmarksSchema),
    async (c) => sendJson(c, { landmarks: await servicesOf(app).custody.listLandmarks() }),
  );
}

function registerSerials(api: Api, app: AppServices): void {
  api.openapi(
    route(
      "post",
      "/v1/serials/import",
      "serials.write",
      "register every serial of a shipment's ranges (one row per chip)",
      body(serialImportInputSchema),
      serialsImportedSchema,
    ),
    async (c) => {
      const result = await servicesOf(app).custody.importSerials(await c.req.json(), actorOf(c));
      return sendJson(c, result, written(result));
    },
  );
  api.openapi(
    route(
      "get",
      "/v1/serials/{serial}",
      "custody.read",
      "one serial: lot, licence, custody history, site, last heartbeat, verdict, alerts",
      { params: serialParams },
      serialStorySchema,
    ),
    async (c) =>
      sendJson(c, await servicesOf(app).custody.showSerial(c.req.valid("param").serial, actorOf(c))),
  );
  api.openapi(
    route(
      "post",
      "/v1/custody-events",
      "custody.write",
      "record a custody event over serial ranges (each kind by its authority)",
      body(custodyEventInputSchema),
      custodyEventWrittenSchema,
    ),
    async (c) => {
      const result = await servicesOf(app).custody.recordEvent(await c.req.json(), actorOf(c));
      return sendJson(c, result, written(result));
    },
  );
  api.openapi(
    route(
      "post",
      "/v1/device-keys",
      "device-keys.write",
      "submit a lab's signed device-key certificate (keys bound to serials)",
      body(deviceKeyCertificateSchema),
      deviceKeysWrittenSchema,
    ),
    async (c) => {
      const result = await servicesOf(app).custody.submitDeviceKeys(await c.req.json(), actorOf(c));
      return sendJson(c, result, written(result));
    },
  );
  api.openapi(
    route(
      "post",
      "/v1/device-keys/revoke",
      "device-keys.revoke",
      "revoke a chip's device key (raises an alert)",
      body(deviceKeyRevocationSchema),
      deviceKeyRevokedSchema,
    ),
    async (c) => {
      const input = c.req.valid("json");
      const result = await servicesOf(app).custody.revokeDeviceKey(input.serial, input.reason, actorOf(c));
      return sendJson(c, result, result.status === "revoked" ? 201 : 200);
    },
  );
}

function registerHeartbeats(api: Api, app: AppServices): void {
  api.openapi(
    route(
      "post",
      "/v1/heartbeats",
      "heartbeats.write",
      "ingest a batch of signed heartbeats: an outcome per item (accepted only after commit)",
      body(heartbeatBatchSchema),
      heartbeatBatchResultSchema,
    ),
    async (c) => {
      const { heartbeats } = c.req.valid("json");
      return sendJson(c, await servicesOf(app).ingest.ingest(heartbeats, actorOf(c), "http"));
    },
  );
}

function registerAlerts(api: Api, app: AppServices): void {
  api.openapi(
    route(
      "get",
      "/v1/alerts",
      "alerts.read",
      "custody alerts, newest first (an importer sees its own)",
      { query: alertQuery },
      alertsSchema,
    ),
    async (c) => {
      const q = c.req.valid("query");
      const filter = {
        ...(q.serial ? { serial: q.serial } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.limit ? { limit: q.limit } : {}),
      };
      return sendJson(c, { alerts: await servicesOf(app).alerts.list(actorOf(c), filter) });
    },
  );
  api.openapi(
    route(
      "get",
      "/v1/alerts/{id}",
      "alerts.read",
      "one alert with its evidence and its diversion report",
      { params: idParams },
      alertSchema,
    ),
    async (c) => sendJson(c, await servicesOf(app).alerts.get(c.req.valid("param").id, actorOf(c))),
  );
  api.openapi(
    route(
      "post",
      "/v1/alerts/{id}/status",
      "alerts.write",
      "acknowledge or close an alert, with the reason",
      { params: idParams, ...body(alertUpdateSchema) },
      alertSchema,
    ),
    async (c) =>
      sendJson(
        c,
        await servicesOf(app).alerts.update(c.req.valid("param").id, await c.req.json(), actorOf(c)),
      ),
  );
  api.openapi(
    route(
      "post",
      "/v1/alerts/sweep",
      "alerts.sweep",
      "run the silence, fleet-silence-share, clone and relay sweeps now (thresholds from the books in force today)",
      body(anyObject),
      sweepResultSchema,
    ),
    async (c) => sendJson(c, await servicesOf(app).alerts.sweep(actorOf(c))),
  );
}

export const registerCustody: RouteModule = (api, app) => {
  registerRegistry(api, app);
  registerSerials(api, app);
  registerHeartbeats(api, app);
  registerAlerts(api, app);
};
