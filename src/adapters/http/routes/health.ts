// Liveness and readiness, public (no token): /healthz answers without touching the database, so it
// stays fast while the database is busy; /readyz checks the database answers and is migrated
// (through the ReadinessProbe port, src/app/health/ports.ts).
import { createRoute, z } from "@hono/zod-openapi";
import type { StoreReadiness } from "../../../app/health/ports.ts";
import { SluiceError } from "../../../core/errors.ts";
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

export const registerHealth: RouteModule = (app, { readiness }) => {
  app.openapi(healthz, (c) => sendJson(c, { ok: true }));
  app.openapi(readyz, async (c) => {
    let status: StoreReadiness;
    try {
      status = await readiness();
    } catch {
      throw unavailable("not reachable");
    }
    const pending = status.pendingMigrations;
    if (pending.length > 0) {
      throw unavailable(`${pending.length} migration(s) pending: ${pending.join(", ")}`);
    }
    return sendJson(c, { ok: true, driver: status.driver, migrations: status.appliedMigrations });
  });
};
