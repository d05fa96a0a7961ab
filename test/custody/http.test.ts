// Custody over HTTP by role and party: an importer sees only its own chips, sites and alerts
// (someone else's answer 404 or an empty list), and a landmark operator posts heartbeats and
// nothing else.
import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createToken } from "../../src/adapters/db/tokens.ts";
import { custodySamples } from "../http/custody-samples.ts";
import { type Api, clock, startApi } from "../http/support.ts";
import { forEachDriver } from "../support/drivers.ts";

forEachDriver(
  "custody over HTTP, by party",
  (env) => {
    let api: Api;
    let samples: ReturnType<typeof custodySamples>;
    let stranger: string;
    beforeAll(async () => {
      api = await startApi(env.store(), `ch-${env.driver}`);
      samples = custodySamples(env.store, generateKeyPairSync("ed25519"));
      await samples["post /v1/sites"]?.();
      stranger = (
        await createToken(env.store(), clock, api.factory, { role: "importer", partyId: "tencent-cloud" })
      ).secret;
    });
    afterAll(async () => {
      await api?.server.close();
    });

    it("shows an importer its own chips, sites and alerts and hides everyone else's", async () => {
      const serial = (await samples["get /v1/serials/{serial}"]?.())?.path ?? "";
      const alert = (await samples["get /v1/alerts/{id}"]?.())?.path ?? "";
      const own = await api.request(serial, { token: api.tokens.importer });
      expect(own.status).toBe(200);
      expect(await own.json()).toMatchObject({ importerId: "alibaba-cloud", state: "installed" });
      expect((await api.request(serial, { token: stranger })).status).toBe(404);
      expect((await api.request(alert, { token: api.tokens.importer })).status).toBe(200);
      expect((await api.request(alert, { token: stranger })).status).toBe(404);
      const sites = (await (await api.request("/v1/sites", { token: stranger })).json()) as {
        sites: unknown[];
      };
      expect(sites.sites).toEqual([]);
      const alerts = (await (await api.request("/v1/alerts", { token: stranger })).json()) as {
        alerts: unknown[];
      };
      expect(alerts.alerts).toEqual([]);
      const declare = await api.request("/v1/sites", {
        method: "POST",
        token: stranger,
        body: { id: "site-stranger", importerId: "alibaba-cloud", name: "x", address: "y", lat: 1, lon: 2 },
      });
      expect(declare.status).toBe(404);
    });

    it("lets a landmark operator post heartbeats and nothing else", async () => {
      const batch = await samples["post /v1/heartbeats"]?.();
      const posted = await api.request("/v1/heartbeats", {
        method: "POST",
        token: api.tokens["landmark-operator"],
        body: batch?.body,
      });
      expect(posted.status).toBe(200);
      expect(((await posted.json()) as { results: { outcome: string }[] }).results[0]?.outcome).toBe(
        "accepted",
      );
      for (const path of ["/v1/serials/x", "/v1/sites", "/v1/products", "/v1/alerts"])
        expect((await api.request(path, { token: api.tokens["landmark-operator"] })).status, path).toBe(403);
    });
  },
  ["pglite"],
);
