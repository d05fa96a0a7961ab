// Real answers match the response schemas the OpenAPI document declares (the ones the web app is
// typed against): over the demo story with its custody demo, each read the map, the audit page,
// the pipeline, the reports page and the simulator make, and (on a store of their own, with the
// route matrix's custody samples) every custody write, is parsed with the route's own documented
// schema for the status it answered, taken from the app's route registry. Every route that answers
// JSON must document its fields: one still documented as an empty object or `any` fails here.
import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { sqlCustodyStore } from "../../src/adapters/db/custody/store.ts";
import { createApp } from "../../src/adapters/http/app.ts";
import { seedCustodyDemo } from "../../src/app/custody/seed-custody.ts";
import { seedDemo } from "../../src/app/seed/demo.ts";
import { custodyRules, httpDeps, shipmentContextOn } from "../../src/compose.ts";
import { forEachDriver } from "../support/drivers.ts";
import { checkpointNow } from "../support/log.ts";
import { custodySamples } from "./custody-samples.ts";
import { smallScenario } from "./simulation-samples.ts";
import { type Api, clock, startApi } from "./support.ts";

type Registry = ReturnType<typeof createApp>["openAPIRegistry"];

type JsonAnswer = { content?: Record<string, { schema?: unknown }> } | undefined;

/** The zod schema a route documents for its JSON answer with this status. */
function documentedSchema(registry: Registry, method: string, path: string, status = 200): z.ZodType {
  for (const definition of registry.definitions) {
    if (definition.type !== "route") continue;
    const { route } = definition;
    if (route.method !== method || route.path !== path) continue;
    const answer = route.responses[status] as JsonAnswer;
    const schema = answer?.content?.["application/json"]?.schema;
    if (schema) return schema as z.ZodType;
  }
  throw new Error(`${method.toUpperCase()} ${path}: no documented ${status} JSON schema`);
}

/** Whether the schema says anything: `any`, `unknown` or an empty open object documents nothing. */
const documentsFields = (schema: z.ZodType): boolean => {
  const kind = (schema as unknown as { def?: { type?: string } }).def?.type;
  if (kind === "any" || kind === "unknown") return false;
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  return shape === undefined || Object.keys(shape).length > 0;
};

/** Every route's 2xx JSON answers, as `METHOD path status` → schema. */
function jsonAnswers(registry: Registry): Map<string, z.ZodType> {
  const found = new Map<string, z.ZodType>();
  for (const definition of registry.definitions) {
    if (definition.type !== "route") continue;
    const { route } = definition;
    for (const [status, answer] of Object.entries(route.responses)) {
      const schema = (answer as JsonAnswer)?.content?.["application/json"]?.schema;
      if (status.startsWith("2") && schema)
        found.set(`${route.method.toUpperCase()} ${route.path} ${status}`, schema as z.ZodType);
    }
  }
  return found;
}

describe("documented answers", () => {
  it("every route's success answer in JSON documents its fields", () => {
    const registry = createApp(
      httpDeps({} as Parameters<typeof httpDeps>[0], { clock, logError: () => {} }),
    ).openAPIRegistry;
    const answers = jsonAnswers(registry);
    expect(answers.size).toBeGreaterThan(90);
    const undocumented = [...answers].filter(([, schema]) => !documentsFields(schema)).map(([key]) => key);
    expect(undocumented).toEqual([]);
  });
});

forEachDriver(
  "documented response schemas",
  (env) => {
    let api: Api;
    let registry: Registry;
    beforeAll(async () => {
      await seedDemo(shipmentContextOn(env.store(), { clock }));
      await seedCustodyDemo(sqlCustodyStore(env.store()), clock, custodyRules);
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
      const story = (await matches(
        "get",
        `/v1/serials/${encodeURIComponent(serial ?? "")}`,
        "/v1/serials/{serial}",
      )) as { history: unknown[]; daily: unknown[] };
      expect(story.history.length).toBeGreaterThan(0);
      expect(story.daily.length).toBeGreaterThan(0);
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

    it("reports in JSON: the cap report and the custody report", async () => {
      const cap = (await matches(
        "get",
        "/v1/reports/cap?from=2026-01-01&to=2026-01-31",
        "/v1/reports/cap",
      )) as {
        tables: unknown[];
      };
      expect(cap.tables.length).toBeGreaterThan(0);
      await matches("get", "/v1/reports/custody?from=2026-01-01&to=2026-12-31", "/v1/reports/custody");
    });
  },
  ["pglite"],
);

forEachDriver(
  "documented answers of the custody writes",
  (env) => {
    let api: Api;
    let registry: Registry;
    let samples: ReturnType<typeof custodySamples>;
    beforeAll(async () => {
      api = await startApi(env.store(), `schemas-w-${env.driver}`);
      registry = createApp(httpDeps(env.store(), { clock, logError: () => {} })).openAPIRegistry;
      samples = custodySamples(env.store, generateKeyPairSync("ed25519"));
    }, 180_000);
    afterAll(async () => {
      await api?.server.close();
    });

    /** Posts the route matrix's sample as admin; the answer must match the schema for its status. */
    async function posted(route: string): Promise<Record<string, unknown>> {
      const sample = await samples[`post ${route}`]?.();
      if (!sample) throw new Error(`no sample for POST ${route}`);
      const response = await api.request(sample.path, { method: "POST", body: sample.body });
      const answer = (await response.json()) as Record<string, unknown>;
      expect([200, 201], `${route}: ${JSON.stringify(answer)}`).toContain(response.status);
      const parsed = documentedSchema(registry, "post", route, response.status).safeParse(answer);
      expect(parsed.success ? [] : parsed.error.issues, `POST ${route}`).toEqual([]);
      return answer;
    }

    it("each write acknowledges what it wrote, as documented", async () => {
      expect(await posted("/v1/sites")).toMatchObject({ status: "created" });
      for (const route of [
        "/v1/licence-sites",
        "/v1/site-changes",
        "/v1/landmarks",
        "/v1/serials/import",
        "/v1/custody-events",
        "/v1/device-keys",
      ])
        expect((await posted(route)).status, route).toMatch(/^(created|exists)$/);
      expect(await posted("/v1/device-keys/revoke")).toMatchObject({ status: "exists" });
    });

    it("heartbeats answer an outcome per item; alerts change status; a sweep counts", async () => {
      const batch = await posted("/v1/heartbeats");
      expect(batch.results).toEqual([expect.objectContaining({ index: 0, outcome: "accepted" })]);
      expect(await posted("/v1/alerts/{id}/status")).toMatchObject({ status: "acknowledged" });
      expect(await posted("/v1/alerts/sweep")).toMatchObject({ raised: expect.any(Number) });
    });
  },
  ["pglite"],
);
