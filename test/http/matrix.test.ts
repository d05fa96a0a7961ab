// Every /v1 route × every role, over real HTTP on both drivers: a role the policy allows gets a
// 2xx, any other role a 403 problem, no token (or a revoked one) a 401 problem. The routes are
// read from the served /openapi.json, so a new route without a sample request here fails the test.

import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Store } from "../../src/adapters/db/store.ts";
import { createToken } from "../../src/adapters/db/tokens.ts";
import { type Action, allowedRoles, type Role, roles } from "../../src/core/authorization/policy.ts";
import { reportKinds } from "../../src/core/reports/model.ts";
import { forEachDriver } from "../support/drivers.ts";
import { checkpointNow } from "../support/log.ts";
import { custodySamples } from "./custody-samples.ts";
import { evidenceSamples } from "./evidence-samples.ts";
import { shipmentSamples } from "./shipment-samples.ts";
import { smallScenario } from "./simulation-samples.ts";
import { type Api, clock, exampleDossier, h200Spec, partyOf, startApi } from "./support.ts";

type Sample = (api: Api) => Promise<{ path: string; body?: unknown; headers?: Record<string, string> }>;

let currentStore: Store | undefined;
const storeNow = (): Store => {
  if (!currentStore) throw new Error("store not open");
  return currentStore;
};

const sampleLabKeys = generateKeyPairSync("ed25519");

/** A valid request per operation; setup steps use the admin token (or the use cases directly). */
const samples: Record<string, Sample> = {
  ...shipmentSamples(storeNow),
  ...evidenceSamples(storeNow, sampleLabKeys),
  // Custody (issue #16): signs device keys as the evidence samples' lab.
  ...custodySamples(storeNow, sampleLabKeys),
  "post /v1/classify": async () => ({ path: "/v1/classify", body: h200Spec }),
  "get /v1/products": async () => ({ path: "/v1/products?limit=3" }),
  "get /v1/products/{id}/classification": async () => ({
    path: "/v1/products/nvidia-h200-sxm/classification",
  }),
  "post /v1/evaluate": async () => ({ path: "/v1/evaluate", body: { dossier: exampleDossier() } }),
  "get /v1/rulebooks": async () => ({ path: "/v1/rulebooks?at=2026-02-01" }),
  "get /v1/rules/{id}": async () => ({ path: "/v1/rules/cn-customs-2026-01-14.h200-entry-block" }),
  "post /v1/screen": async () => ({
    path: "/v1/screen",
    body: { name: "Huawei Technologies", country: "CN" },
  }),
  "post /v1/match": async () => ({
    path: "/v1/match",
    body: { a: "华为技术有限公司", b: "Huawei Technologies Co Ltd" },
  }),
  "get /v1/lists": async () => ({ path: "/v1/lists" }),
  "get /v1/audit/verify": async () => ({ path: "/v1/audit/verify" }),
  "get /v1/audit/entries": async () => ({ path: "/v1/audit/entries?kind=token.&limit=3" }),
  "get /v1/audit/entries/{seq}": async () => ({ path: "/v1/audit/entries/1" }),
  // issue #15 item 6: the tables answer to the log (a read of the whole store: no object to own).
  "get /v1/audit/reconcile": async () => ({ path: "/v1/audit/reconcile" }),
  "get /v1/log/key": async () => ({ path: "/v1/log/key" }),
  "get /v1/log/checkpoint": async () => {
    await checkpointNow(storeNow());
    return { path: "/v1/log/checkpoint" };
  },
  "get /v1/log/checkpoint.json": async () => {
    await checkpointNow(storeNow());
    return { path: "/v1/log/checkpoint.json" };
  },
  "get /v1/log/entries/{index}": async () => {
    await checkpointNow(storeNow());
    return { path: "/v1/log/entries/0" };
  },
  "get /v1/log/proofs/inclusion": async () => {
    await checkpointNow(storeNow());
    return { path: "/v1/log/proofs/inclusion?index=0&size=1" };
  },
  "get /v1/log/proofs/consistency": async () => {
    await checkpointNow(storeNow());
    return { path: "/v1/log/proofs/consistency?from=1&size=1" };
  },
  "get /v1/quota": async () => ({ path: "/v1/quota" }),
  "get /v1/quota/alerts": async () => ({ path: "/v1/quota/alerts" }),
  "post /v1/tokens": async () => ({ path: "/v1/tokens", body: { role: "auditor", label: "matrix" } }),
  "get /v1/tokens": async () => ({ path: "/v1/tokens?limit=2" }),
  // Web app reads (issue #17).
  "get /v1/session": async () => ({ path: "/v1/session" }),
  "get /v1/overview": async () => ({ path: "/v1/overview" }),
  "get /v1/decisions": async () => ({ path: "/v1/decisions?outcome=hold&limit=5" }),
  "get /v1/licences": async () => ({ path: "/v1/licences?limit=5" }),
  "get /v1/labs": async () => ({ path: "/v1/labs?limit=5" }),
  "get /v1/certificates": async () => ({ path: "/v1/certificates?limit=5" }),
  "get /v1/duty-entries": async () => ({ path: "/v1/duty-entries?limit=5" }),
  "get /v1/tokens/{id}": async (api) => ({ path: `/v1/tokens/${api.tokenIds.auditor}` }),
  "patch /v1/tokens/{id}": async (api) => {
    const current = await api.request(`/v1/tokens/${api.tokenIds["us-customs"]}`);
    return {
      path: `/v1/tokens/${api.tokenIds["us-customs"]}`,
      body: { label: "relabelled" },
      headers: { "if-match": current.headers.get("etag") ?? "" },
    };
  },
  // issue #19: stateless, no object of anyone's; the role decides alone
  "post /v1/simulations": async () => ({ path: "/v1/simulations", body: { scenario: smallScenario() } }),
  // Regulator reports: one route per kind, each guarded by its own action (the jurisdiction).
  ...Object.fromEntries(
    reportKinds.map((kind) => [
      `get /v1/reports/${kind}`,
      async () => ({ path: `/v1/reports/${kind}?from=2026-01-01&to=2026-01-31&format=csv` }),
    ]),
  ),
  "get /v1/reports/key": async () => ({ path: "/v1/reports/key" }),
  "delete /v1/tokens/{id}": async (api) => {
    const created = await api.request("/v1/tokens", { method: "POST", body: { role: "auditor" } });
    const { id } = (await created.json()) as { id: string };
    return { path: `/v1/tokens/${id}` };
  },
};

/**
 * What another party's token gets where its role may act (default 2xx: lists, reads and writes of
 * objects that are not party-owned). 404: the object is hidden; 403: it may not act for that party.
 */
const otherPartyAnswers: Record<string, string> = {
  // Custody (issue #16): another importer's site, another party's lot, serials and device keys.
  "post /v1/sites importer": "404",
  "get /v1/serials/{serial} exporter": "404",
  "get /v1/serials/{serial} importer": "404",
  "post /v1/custody-events exporter": "404",
  "post /v1/custody-events importer": "404",
  "post /v1/device-keys lab": "404",
  // issue #18: another lab's signed failure is hidden.
  "post /v1/lab-test-failures lab": "404",
  "post /v1/serials/import exporter": "404",
  "get /v1/alerts/{id} importer": "404",
  "get /v1/parties/{id} importer": "404",
  "get /v1/orders/{id} exporter": "404",
  "get /v1/orders/{id} importer": "404",
  "post /v1/orders exporter": "403",
  "put /v1/orders/{id}/evidence exporter": "404",
  "post /v1/orders/{id}/applications exporter": "404",
  "get /v1/orders/{id}/decisions exporter": "404",
  "get /v1/orders/{id}/decisions importer": "404",
  "get /v1/decisions/{id} exporter": "404",
  "get /v1/decisions/{id} importer": "404",
  "post /v1/shipments exporter": "404",
  "get /v1/shipments/{id} exporter": "404",
  "get /v1/shipments/{id} importer": "404",
  "put /v1/shipments/{id}/evidence exporter": "404",
  "post /v1/shipments/{id}/release exporter": "404",
  "post /v1/shipments/{id}/ship exporter": "404",
  "post /v1/shipments/{id}/cancel exporter": "404",
  "post /v1/invoices exporter": "404",
  "post /v1/payments exporter": "404",
  "post /v1/payments/{id}/reversals exporter": "404",
  "post /v1/invoices/{id}/reversals exporter": "404",
  "post /v1/orders/{id}/forfeitures exporter": "404",
  "get /v1/orders/{id}/forfeitures exporter": "404",
  "get /v1/orders/{id}/forfeitures importer": "404",
  "get /v1/orders/{id}/evidence-records exporter": "404",
  "get /v1/certificates/{id} exporter": "404",
  "get /v1/certificates/{id} lab": "404",
  "get /v1/labs/{id} lab": "404",
  "post /v1/certificates lab": "404",
  "post /v1/domestic-purchases importer": "403",
};

interface Operation {
  method: string;
  path: string;
  action: Action;
}

forEachDriver("http route × role matrix", (env) => {
  let api: Api;
  let operations: Operation[] = [];
  beforeAll(async () => {
    currentStore = env.store();
    api = await startApi(env.store(), env.driver);
    const doc = (await (await fetch(`${api.server.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { "x-sluice-action"?: Action }>>;
    };
    operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).flatMap(([method, op]) =>
        op["x-sluice-action"] ? [{ method, path, action: op["x-sluice-action"] }] : [],
      ),
    );
  });
  afterAll(async () => {
    await api?.server.close();
  });

  it("has a sample request for every /v1 operation, and every /v1 operation names an action", async () => {
    const doc = (await (await fetch(`${api.server.url}/openapi.json`)).json()) as {
      paths: Record<string, object>;
    };
    const v1 = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith("/v1/"))
      .flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`));
    expect(v1.sort()).toEqual(operations.map((op) => `${op.method} ${op.path}`).sort());
    expect(v1.sort()).toEqual(Object.keys(samples).sort());
  });

  // One request per route × role (~470), each after its sample's own set-up: minutes under load.
  it("answers each role as the policy table says", { timeout: 300_000 }, async () => {
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const op of operations) {
      const sample = samples[`${op.method} ${op.path}`];
      if (!sample) throw new Error(`no sample for ${op.method} ${op.path}`);
      for (const role of roles) {
        const request = await sample(api);
        const response = await api.request(request.path, {
          method: op.method.toUpperCase(),
          token: api.tokens[role],
          body: request.body,
          headers: request.headers ?? {},
        });
        const allowed = allowedRoles[op.action].includes(role);
        const text = await response.text();
        const kind = response.status >= 200 && response.status < 300 ? "2xx" : String(response.status);
        outcomes.push(
          `${op.method} ${op.path} ${role}: ${kind}${kind === "2xx" ? "" : ` ${text.slice(0, 120)}`}`,
        );
        expected.push(`${op.method} ${op.path} ${role}: ${allowed ? "2xx" : "403"}`);
        if (!allowed) {
          expect(response.headers.get("content-type")).toBe("application/problem+json");
          expect(JSON.parse(text)).toMatchObject({
            status: 403,
            code: "forbidden",
            instance: request.path.split("?")[0],
          });
        }
      }
    }
    // Compare without the problem text of unexpected failures first, then show them if any.
    expect(outcomes.map((line) => line.replace(/ (\d{3}) .*$/, " $1"))).toEqual(expected);
  });

  // The third dimension (issue #13): a token of ANOTHER party (an exporter that is not the sample
  // objects' exporter, an importer that is not their consignee, a lab that is not theirs). Where
  // its role may act, it sees another party's object as absent (404), may not create for another
  // party (403 not_your_party), and reads lists without that party's objects; where its role may
  // not act, 403 as above. Every row is written out below: a new route fails until it has one.
  it("answers each party-scoped role × route for another party's objects", { timeout: 300_000 }, async () => {
    const others: Partial<Record<Role, string>> = {};
    for (const [role, partyId] of [
      ["exporter", "amd"],
      ["importer", "tencent-cloud"],
      ["lab", "other-lab"],
    ] as const) {
      const { secret } = await createToken(env.store(), clock, api.factory, {
        role,
        partyId,
        label: "other",
      });
      others[role] = secret;
    }
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const op of operations) {
      const sample = samples[`${op.method} ${op.path}`];
      if (!sample) throw new Error(`no sample for ${op.method} ${op.path}`);
      for (const [role, token] of Object.entries(others) as [Role, string][]) {
        const request = await sample(api);
        const response = await api.request(request.path, {
          method: op.method.toUpperCase(),
          token,
          body: request.body,
          headers: request.headers ?? {},
        });
        const text = await response.text();
        const kind = response.status >= 200 && response.status < 300 ? "2xx" : String(response.status);
        const line = `${op.method} ${op.path} ${role}`;
        outcomes.push(`${line}: ${kind}`);
        const allowed = allowedRoles[op.action].includes(role);
        expected.push(`${line}: ${allowed ? (otherPartyAnswers[line] ?? "2xx") : "403"}`);
        // A list read by another party must not carry the sample party's objects (the party
        // directory aside: an exporter reads it whole).
        const listsParties = op.path.startsWith("/v1/parties");
        if (kind === "2xx" && op.method === "get" && !listsParties && text.includes(`"${partyOf[role]}"`))
          throw new Error(`${line} answered the sample party's data: ${text.slice(0, 300)}`);
      }
    }
    expect(outcomes).toEqual(expected);
  });

  it("answers 401 problems without a token, with an unknown token and with a malformed header", async () => {
    for (const op of operations) {
      const sample = samples[`${op.method} ${op.path}`];
      if (!sample) continue;
      const request = await sample(api);
      for (const token of [null, "sluice_not_a_token"]) {
        const response = await api.request(request.path, {
          method: op.method.toUpperCase(),
          token,
          body: request.body,
        });
        expect(response.status, `${op.method} ${op.path}`).toBe(401);
        expect(response.headers.get("www-authenticate")).toBe('Bearer realm="sluice"');
        expect(await response.json()).toMatchObject({ status: 401, code: "unauthorized" });
      }
    }
    const malformed = await api.request("/v1/lists", {
      token: null,
      headers: { authorization: "Basic abc" },
    });
    expect(malformed.status).toBe(401);
    expect(((await malformed.json()) as { detail: string }).detail).toBe(
      "authorization: malformed bearer token",
    );
  });

  it("refuses a revoked token at once (revoked through this server)", async () => {
    const created = await api.request("/v1/tokens", {
      method: "POST",
      body: { role: "exporter", partyId: "nvidia" },
    });
    const { id, token } = (await created.json()) as { id: string; token: string };
    expect((await api.request("/v1/lists", { token })).status).toBe(200);
    expect((await api.request(`/v1/tokens/${id}`, { method: "DELETE" })).status).toBe(200);
    expect((await api.request("/v1/lists", { token })).status).toBe(401);
  });
});
