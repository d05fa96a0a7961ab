// Fuzz of every write route this adapter owns: ≥ 10,000 random and mutated bodies each, in process
// (app.request, same app as the server). Never a 5xx; every refusal is a problem+json whose status
// matches; and the store changes only by what the accepted requests did (row counts and audit
// chain compared before and after: rejected requests wrote nothing, not even partially).
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAudit } from "../../src/adapters/db/audit.ts";
import { openStore } from "../../src/adapters/db/open.ts";
import type { Store } from "../../src/adapters/db/store.ts";
import { createToken } from "../../src/adapters/db/tokens.ts";
import { createApp, defaultDeps } from "../../src/adapters/http/app.ts";
import { shipmentContext } from "../../src/app/shipment-context.ts";
import { ShipmentService } from "../../src/app/shipments.ts";
import { createScratch } from "../support/drivers.ts";
import { clock, counterFactory, exampleDossier, h200Spec, storeFingerprint } from "./support.ts";

/** Bodies per route; the brief asks for at least 10,000. */
const runsPerRoute = 10_000;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One mutation of a JSON value at a random depth: delete, replace, add a key, wrap, stringify. */
function mutate(value: Json, choices: number[], replacement: Json): Json {
  const [choice = 0, ...rest] = choices;
  if (value !== null && typeof value === "object" && rest.length > 0 && choice % 3 !== 0) {
    const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
    if (keys.length > 0) {
      const key = keys[choice % keys.length] as string & number;
      const copy: Json = Array.isArray(value) ? [...value] : { ...value };
      (copy as Record<string | number, Json>)[key] = mutate(
        (value as Record<string | number, Json>)[key] as Json,
        rest,
        replacement,
      );
      return copy;
    }
  }
  switch (choice % 6) {
    case 0:
      return replacement;
    case 1:
      return Array.isArray(value)
        ? value.slice(1)
        : value && typeof value === "object"
          ? Object.fromEntries(Object.entries(value).slice(1))
          : null;
    case 2:
      return value && typeof value === "object" && !Array.isArray(value)
        ? { ...value, ["unexpected" + choice]: replacement }
        : [value];
    case 3:
      return typeof value === "number"
        ? -value * 1e300
        : typeof value === "string"
          ? value.repeat(50).slice(0, 5000)
          : String(value);
    case 4:
      return typeof value === "string" ? "" : typeof value === "number" ? value + 0.5 : { nested: value };
    default:
      return JSON.stringify(value ?? null);
  }
}

/** Bodies: random JSON, mutations of a valid body (mostly), and text that is not JSON at all. */
function bodies(valid: Json): fc.Arbitrary<string> {
  const mutated = fc
    .tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }))
    .map(([choices, replacement]) => JSON.stringify(mutate(valid, choices, replacement as Json)));
  const random = fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value));
  const text = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.nat({ max: 400 }).map((n) => JSON.stringify(valid).slice(0, n)),
  );
  return fc.oneof(
    { arbitrary: mutated, weight: 6 },
    { arbitrary: random, weight: 3 },
    { arbitrary: text, weight: 1 },
  );
}

const validBodies: Record<string, Json> = {
  "/v1/evaluate": { dossier: exampleDossier() as Json, at: "2026-02-01", scenarios: ["scenario-cap-25"] },
  "/v1/classify": h200Spec,
  "/v1/screen": { name: "Huawei Technologies Co., Ltd.", country: "CN", all: true, person: false },
  "/v1/match": { a: "华为技术有限公司", b: "Huawei Technologies" },
  "/v1/tokens": { role: "importer", partyId: "alibaba-cloud", label: "fuzz" },
  "/v1/parties": { id: "fuzz-party", name: "Fuzz Trading Co., Ltd.", country: "SG", sector: "reseller" },
  "/v1/orders": {
    id: "fuzz-order",
    productId: "nvidia-h200-sxm",
    quantityUnits: 10,
    valueCents: "27000000",
    exporterId: "fuzz-maker",
    consigneeId: "fuzz-buyer",
    endUserId: "fuzz-buyer",
    route: { origin: "TW", exportFrom: "US", destination: "CN" },
    endUse: { purpose: "commercial-cloud" },
  },
};

/** Write routes of the shipment path: each 201 made exactly one row in this table. */
const createdRowsIn: Record<string, string> = { "/v1/parties": "parties", "/v1/orders": "orders" };

describe("fuzz of write routes (in process, embedded database)", () => {
  let store: Store;
  let dispose: () => Promise<void>;
  let app: ReturnType<typeof createApp>;
  let secret: string;
  beforeAll(async () => {
    const scratch = await createScratch("pglite");
    dispose = scratch.dispose;
    store = await openStore(scratch.config);
    const factory = counterFactory("fz");
    secret = (await createToken(store, clock, factory, { role: "admin" })).secret;
    app = createApp({ ...defaultDeps(store), clock, tokenFactory: factory, logError: () => {} });
    const shipments = new ShipmentService(shipmentContext(store, { clock }));
    await shipments.addParty({ id: "fuzz-maker", name: "NVIDIA Corporation", country: "US" });
    await shipments.addParty({ id: "fuzz-buyer", name: "Alibaba Cloud Computing Co., Ltd.", country: "CN" });
  });
  afterAll(async () => {
    await store?.close();
    await dispose?.();
  });

  for (const [path, valid] of Object.entries(validBodies)) {
    // 10,000 requests: seconds on an idle machine, much longer on a busy one.
    it(`${path}: ${runsPerRoute} bodies, no 5xx, problems well formed, nothing written by refusals`, {
      timeout: 600_000,
    }, async () => {
      const before = await storeFingerprint(store);
      const count = async (table: string) =>
        Number((await store.query<{ n: bigint }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n ?? -1n);
      const tokensBefore = await count("api_tokens");
      const auditBefore = await count("audit_log");
      const createdBefore = createdRowsIn[path] ? await count(createdRowsIn[path]) : 0;
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(bodies(valid), fc.boolean(), async (body, jsonType) => {
          const response = await app.request(path, {
            method: "POST",
            body,
            headers: {
              authorization: `Bearer ${secret}`,
              "content-type": jsonType ? "application/json" : "text/plain",
            },
          });
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          expect(response.status, body.slice(0, 300)).toBeLessThan(500);
          const text = await response.text();
          if (response.status >= 400) {
            expect(response.headers.get("content-type")).toBe("application/problem+json");
            const problem = JSON.parse(text) as { status: number; code: string; detail: string };
            expect(problem.status).toBe(response.status);
            expect(problem.detail.length).toBeGreaterThan(0);
          } else {
            JSON.parse(text);
          }
        }),
        { numRuns: runsPerRoute, seed: 20260115, endOnFailure: true },
      );
      const accepted = [...statuses].filter(([status]) => status < 300).reduce((sum, [, n]) => sum + n, 0);
      const refused = runsPerRoute - accepted;
      expect(refused).toBeGreaterThan(runsPerRoute / 2);
      const table = createdRowsIn[path];
      if (table) {
        // Every 201 made one row (and its audit entries); a refusal or a replay made none.
        expect((await count(table)) - createdBefore).toBe(statuses.get(201) ?? 0);
        expect(await verifyAudit(store)).toMatchObject({ ok: true });
      } else if (path === "/v1/tokens") {
        // Every accepted body made exactly one token and one audit entry; refusals made none.
        expect(accepted).toBeGreaterThan(0);
        expect((await count("api_tokens")) - tokensBefore).toBe(accepted);
        expect((await count("audit_log")) - auditBefore).toBe(accepted);
        const verdict = await verifyAudit(store);
        expect(verdict).toMatchObject({ ok: true });
      } else {
        expect(await storeFingerprint(store)).toBe(before);
      }
    });
  }
});
