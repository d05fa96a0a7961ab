// Liveness and readiness, public (no token): /healthz answers without touching the database, so it
// stays fast while the database is busy; /readyz checks the database answers and is migrated.
import { createRoute, z } from "@hono/zod-openapi";
import { SluiceError } from "../../../core/errors.ts";
import { migrationStatus } from "../../db/migrate.ts";
import { sendJson } from "../json.ts";
import type { RouteModule } from "./types.ts";

const healthz = createRoute({
  method: "get",
  path: "/healthz",
  tags: ["health"],
  summary: "liveness: the process serves requests (no database access)",
  responses: {
    200: {
      description: "alive",
      content: { "application/json": { schema: z.object({ ok: z.literal(true) }) } },
    },
  },
});

const readySchema = z.object({ ok: z.literal(true), driver: z.string(), migrations: z.number().int() });

const readyz = createRoute({
  method: "get",
  path: "/readyz",
  tags: ["health"],
  summary: "readiness: the database answers and every migration is applied",
  responses: {
    200: { description: "ready", content: { "application/json": { schema: readySchema } } },
    503: { description: "database unreachable or not migrated" },
  },
});

const unavailable = (why: string) => new SluiceError("unavailable", "database", why, "not_ready");

export const registerHealth: RouteModule = (app, { store }) => {
  app.openapi(healthz, (c) => sendJson(c, { ok: true }));
  app.openapi(readyz, async (c) => {
    let status: Awaited<ReturnType<typeof migrationStatus>>;
    try {
      status = await migrationStatus(store);
    } catch {
      throw unavailable("not reachable");
    }
    if (status.pending.length > 0) {
      throw unavailable(
        `${status.pending.length} migration(s) pending: ${status.pending.map((m) => m.version).join(", ")}`,
      );
    }
    return sendJson(c, { ok: true, driver: store.driver, migrations: status.applied.length });
  });
};
