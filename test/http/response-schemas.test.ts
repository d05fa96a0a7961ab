// Real answers match the response schemas the OpenAPI document declares (the ones the web app is
// typed against): over the demo story with its custody demo, each read the map, the audit page,
// the pipeline and the simulator make is parsed with the route's own documented 200 schema, taken
// from the app's route registry. A route still documented as an empty object fails here.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { z } from "zod";
import { sqlCustodyStore } from "../../src/adapters/db/custody/store.ts";
import { shipmentContext } from "../../src/adapters/db/shipments/context.ts";
import { createApp } from "../../src/adapters/http/app.ts";
import { seedCustodyDemo } from "../../src/app/custody/seed-custody.ts";
import { seedDemo } from "../../src/app/seed.ts";
import { httpDeps } from "../../src/compose.ts";
import { forEachDriver } from "../support/drivers.ts";
import { checkpointNow } from "../support/log.ts";
import { smallScenario } from "./simulation-samples.ts";
import { type Api, clock, startApi } from "./support.ts";

type Registry = ReturnType<typeof createApp>["openAPIRegistry"];

/** The zod schema a route documents for its 200 JSON answer. */
function documentedSchema(registry: Registry, method: string, path: string): z.ZodType {
  for (const definition of registry.definitions) {
    if (definition.type !== "route") continue;
    const { route } = definition;
    if (route.method !== method || route.path !== path) continue;
    const ok = route.responses[200] as { content?: Record<string, { schema?: unknown }> } | undefined;
    const schema = ok?.content?.["application/json"]?.schema;
    if (schema) return schema as z.ZodType;
  }
  throw new Error(`${method.toUpperCase()} ${path}: no documented 200 JSON schema`);
}

/** Whether the schema says anything: an empty open object documents nothing. */
const documentsFields = (schema: z.ZodType): boolean => {
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  return shape === undefined || Object.keys(shape).length > 0;
};

forEachDriver(
  "documented response schemas",
  (env) => {
    let api: Api;
    let registry: Registry;
    beforeAll(async () => {
      await seedDemo(shipmentContext(env.store(), { clock }));
      await seedCustodyDemo(sqlCustodyStore(env.store()), clock);
      await checkpointNow(env.store());
      api = await startApi(env.store(), `schemas-${env.driver}`);
      registry = createApp(httpDeps(env.store(), { clock, logError: () => {} })).openAPIRegistry;
    }, 180_000);
    afterAll(async () => {
      await api?.server.close();
    });

    async function matches(method: "get" | "post", path: string, route: string, body?: unknown) {
      const response = await api.request(path, { method: method.toUpperCase(), body });
      expect(response.status, path).toBe(200);
      const answer: unknown = await response.json();
      const schema = documentedSchema(registry, method, route);
      expect(documentsFields(schema), `${route} documents its fields`).toBe(true);
      const parsed = schema.safeParse(answer);
      expect(parsed.success ? [] : parsed.error.issues, `${method} ${path}`).toEqual([]);
      return answer;
    }

    it("custody reads: sites, landmarks, alerts, one alert, one serial's story", async () => {
      await matches("get", "/v1/sites", "/v1/sites");
      await matches("get", "/v1/landmarks", "/v1/landmarks");
      const { alerts } = (await matches("get", "/v1/alerts?limit=200", "/v1/alerts")) as {
        alerts: { id: string; serial: string | null }[];
      };
      expect(alerts.length).toBeGreaterThan(0);
      await matches("get", `/v1/alerts/${alerts[0]?.id}`, "/v1/alerts/{id}");
      const serial = alerts.find((a) => a.serial !== null)?.serial;
      expect(serial).toBeTruthy();
      await matches("get", `/v1/serials/${encodeURIComponent(serial ?? "")}`, "/v1/serials/{serial}");
    });

    it("simulations: a scenario's report and a counterfactual's flips", async () => {
      await matches("post", "/v1/simulations", "/v1/simulations", { scenario: smallScenario() });
      const flips = (await matches("post", "/v1/simulations", "/v1/simulations", {
        counterfactual: { at: "2026-01-10" },
      })) as { flipped: number };
      expect(flips.flipped).toBeGreaterThan(0);
    });

    it("pipeline, audit and log reads", async () => {
      await matches("get", "/v1/orders?q=alibaba", "/v1/orders");
      await matches("get", "/v1/shipments?status=shipped", "/v1/shipments");
      await matches("get", "/v1/audit/entries?limit=50", "/v1/audit/entries");
      await matches("get", "/v1/audit/entries/1", "/v1/audit/entries/{seq}");
      await matches("get", "/v1/log/checkpoint.json", "/v1/log/checkpoint.json");
    });
  },
  ["pglite"],
);
