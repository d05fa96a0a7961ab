// Optimistic concurrency and Idempotency-Key expiry over real HTTP, on both drivers. ETags of
// orders, shipments, labs and tokens; If-Match required on PUT (428), optional on actions; a stale
// one is a 412 with the current ETag and writes nothing; two writers racing with one If-Match: one
// wins, the other gets 412. Idempotency records expire after the TTL (injected clock), a key still
// in flight is a 409 and is not executed, concurrent requests with one key execute once, and the
// sweep of expired records is bounded.

import { afterAll, beforeAll, expect, it } from "vitest";
import { integrateAll } from "../../src/adapters/db/log/integrate.ts";
import type { Store } from "../../src/adapters/db/store.ts";
import { createToken } from "../../src/adapters/db/tokens.ts";
import {
  idempotencyInFlightMaxMsDefault,
  idempotencySweepIntervalMsDefault,
  idempotencySweepRowsMax,
  idempotencyTtlMsDefault,
  requestHash,
} from "../../src/adapters/http/idempotency.ts";
import { type ServerHandle, startServer } from "../../src/adapters/http/serve.ts";
import { httpDeps } from "../../src/compose.ts";
import { forEachDriver } from "../support/drivers.ts";
import { labBody } from "./evidence-samples.ts";
import { shipmentSamples } from "./shipment-samples.ts";
import { counterFactory, fixedNow, storeFingerprint } from "./support.ts";

let currentStore: Store | undefined;
const storeNow = (): Store => {
  if (!currentStore) throw new Error("store not open");
  return currentStore;
};
const shipmentsOf = shipmentSamples(storeNow);

/** The id in a sample's path `/v1/<things>/<id>[/…]`. */
const idIn = (path: string): string => path.split("/")[3] ?? "";
const plannedShipment = async () => idIn((await shipmentsOf["get /v1/shipments/{id}"]?.())?.path ?? "");
const newOrder = async () => idIn((await shipmentsOf["get /v1/orders/{id}"]?.())?.path ?? "");

forEachDriver("optimistic concurrency and idempotency expiry over HTTP", (env) => {
  let server: ServerHandle;
  let now = fixedNow;
  let secret: string;
  let principal: string;
  beforeAll(async () => {
    currentStore = env.store();
    const factory = counterFactory(`cc-${env.driver}`);
    const created = await createToken(env.store(), () => now, factory, { role: "admin" });
    secret = created.secret;
    principal = created.token.id;
    server = await startServer({
      port: 0,
      deps: httpDeps(env.store(), { clock: () => now, tokenFactory: factory, logError: () => {} }),
    });
  });
  afterAll(async () => server?.close());

  const send = (
    path: string,
    init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) =>
    fetch(`${server.url}${path}`, {
      method: init.method ?? "GET",
      headers: {
        authorization: `Bearer ${secret}`,
        ...(init.body === undefined ? {} : { "content-type": "application/json" }),
        ...init.headers,
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  const problemOf = async (response: Response) => (await response.json()) as { code: string; status: number };
  const etagOf = async (path: string) => {
    const response = await send(path);
    expect(response.status).toBe(200);
    return response.headers.get("etag");
  };

  it("PUT evidence requires If-Match: 428 without, 400 malformed, 412 stale with the current ETag, all writing nothing", async () => {
    const order = await newOrder();
    const path = `/v1/orders/${order}`;
    expect(await etagOf(path)).toBe('"v1"');
    const before = await storeFingerprint(env.store());
    const evidence = { usBuyerNotice: { noticeOn: "2026-01-20", reference: "notice-1" } };
    const missing = await send(`${path}/evidence`, { method: "PUT", body: evidence });
    expect(missing.status).toBe(428);
    expect(await problemOf(missing)).toMatchObject({ status: 428, code: "precondition_required" });
    const malformed = await send(`${path}/evidence`, {
      method: "PUT",
      body: evidence,
      headers: { "if-match": "v1" },
    });
    expect(await problemOf(malformed)).toMatchObject({ status: 400, code: "invalid_if_match" });
    const stale = await send(`${path}/evidence`, {
      method: "PUT",
      body: evidence,
      headers: { "if-match": '"v7"' },
    });
    expect(stale.status).toBe(412);
    expect(stale.headers.get("etag")).toBe('"v1"');
    expect(await problemOf(stale)).toMatchObject({ status: 412, code: "version_mismatch" });
    expect(await storeFingerprint(env.store())).toBe(before);

    const updated = await send(`${path}/evidence`, {
      method: "PUT",
      body: evidence,
      headers: { "if-match": '"v1"' },
    });
    expect(updated.status).toBe(200);
    expect(updated.headers.get("etag")).toBe('"v2"');
    const read = await send(path);
    expect(read.headers.get("etag")).toBe('"v2"');
    expect(((await read.json()) as { evidence: unknown }).evidence).toEqual(evidence);
    // `*` replaces whatever is there.
    const any = await send(`${path}/evidence`, { method: "PUT", body: {}, headers: { "if-match": "*" } });
    expect(any.headers.get("etag")).toBe('"v3"');
  });

  it("lets one of two writers racing with the same If-Match win; the other gets 412 and the winner's ETag", async () => {
    for (let round = 0; round < 4; round++) {
      const shipment = await plannedShipment();
      const path = `/v1/shipments/${shipment}`;
      const etag = (await etagOf(path)) ?? "";
      const bodies = ["a", "b"].map((by) => ({ usBuyerNotice: { noticeOn: "2026-01-20", reference: by } }));
      const answers = await Promise.all(
        bodies.map((body) =>
          send(`${path}/evidence`, { method: "PUT", body, headers: { "if-match": etag } }),
        ),
      );
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 412]);
      const winner = answers.findIndex((answer) => answer.status === 200);
      const loser = answers[1 - winner];
      expect(loser?.headers.get("etag")).toBe(answers[winner]?.headers.get("etag"));
      const stored = (await (await send(path)).json()) as { evidence: unknown; version: number };
      expect(stored.evidence).toEqual(bodies[winner]);
      expect(stored.version).toBe(2);
    }
  });

  it("takes If-Match optionally on moves: two cancels racing with one ETag cancel once; a stale one changes nothing", async () => {
    const shipment = await plannedShipment();
    const path = `/v1/shipments/${shipment}`;
    const etag = (await etagOf(path)) ?? "";
    const answers = await Promise.all(
      ["c-1", "c-2"].map((eventId) =>
        send(`${path}/cancel`, { method: "POST", body: { eventId }, headers: { "if-match": etag } }),
      ),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 412]);
    const winner = answers.find((answer) => answer.status === 200);
    expect(winner?.headers.get("etag")).toBe(await etagOf(path));
    const events = await env
      .store()
      .query("SELECT id FROM shipment_events WHERE shipment_id = $1 AND action = 'cancel'", [shipment]);
    expect(events.rowCount).toBe(1);

    const other = await plannedShipment();
    const before = await storeFingerprint(env.store());
    const stale = await send(`/v1/shipments/${other}/cancel`, {
      method: "POST",
      body: {},
      headers: { "if-match": '"v5"' },
    });
    expect(stale.status).toBe(412);
    expect(stale.headers.get("etag")).toBe('"v1"');
    expect(await storeFingerprint(env.store())).toBe(before);
    const unconditional = await send(`/v1/shipments/${other}/cancel`, { method: "POST", body: {} });
    expect(unconditional.status).toBe(200);
    expect(unconditional.headers.get("etag")).toBe('"v2"');
  });

  it("answers a lab's ETag and revokes only at that version", async () => {
    const lab = "cc-lab";
    expect((await send("/v1/labs", { method: "POST", body: labBody(lab) })).status).toBe(201);
    expect(await etagOf(`/v1/labs/${lab}`)).toBe('"v1"');
    const revocation = { reason: "qualification withdrawn", revokedOn: "2026-02-01" };
    const before = await storeFingerprint(env.store());
    const stale = await send(`/v1/labs/${lab}/revoke`, {
      method: "POST",
      body: revocation,
      headers: { "if-match": '"v2"' },
    });
    expect(stale.status).toBe(412);
    expect(stale.headers.get("etag")).toBe('"v1"');
    expect(await storeFingerprint(env.store())).toBe(before);
    const revoked = await send(`/v1/labs/${lab}/revoke`, {
      method: "POST",
      body: revocation,
      headers: { "if-match": '"v1"' },
    });
    expect(revoked.status).toBe(201);
    expect(revoked.headers.get("etag")).toBe('"v2"');
    const read = await send(`/v1/labs/${lab}`);
    expect(read.headers.get("etag")).toBe('"v2"');
    expect(await read.json()).toMatchObject({ id: lab, revokedOn: "2026-02-01", version: 2 });
  });

  it("answers a stale token relabel with 412 and the token's current ETag", async () => {
    const response = await send(`/v1/tokens/${principal}`, {
      method: "PATCH",
      body: { label: "x" },
      headers: { "if-match": '"v9"' },
    });
    expect(response.status).toBe(412);
    expect(response.headers.get("etag")).toBe('"v1"');
  });

  const partyBody = (id: string) => ({ id, name: `Expiry Test ${id} Trading Co., Ltd.`, country: "SG" });
  const countParties = async (prefix: string) =>
    Number(
      (
        await env
          .store()
          .query<{ n: bigint }>("SELECT count(*) AS n FROM parties WHERE id LIKE $1", [`${prefix}%`])
      ).rows[0]?.n,
    );

  it("replays a key until its TTL, then treats it as new (injected clock)", async () => {
    const key = { "idempotency-key": "ttl-key" };
    const first = await send("/v1/parties", { method: "POST", body: partyBody("ttl-a"), headers: key });
    expect(first.status).toBe(201);
    now = new Date(fixedNow.getTime() + idempotencyTtlMsDefault - 1);
    const replay = await send("/v1/parties", { method: "POST", body: partyBody("ttl-a"), headers: key });
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    const reused = await send("/v1/parties", { method: "POST", body: partyBody("ttl-b"), headers: key });
    expect(await problemOf(reused)).toMatchObject({ status: 409, code: "idempotency_key_reused" });
    expect(await countParties("ttl-")).toBe(1);
    now = new Date(fixedNow.getTime() + idempotencyTtlMsDefault);
    const fresh = await send("/v1/parties", { method: "POST", body: partyBody("ttl-b"), headers: key });
    expect(fresh.status).toBe(201);
    expect(fresh.headers.get("idempotent-replayed")).toBeNull();
    expect(await countParties("ttl-")).toBe(2);
    now = fixedNow;
  });

  it("refuses a key still in flight with 409 without executing, until its claim lapses", async () => {
    const at = new Date(fixedNow.getTime() + 1000);
    now = at;
    // A request with this key is running (or its server died mid-request): the row is claimed.
    await env.store().query(
      `INSERT INTO idempotency_keys (principal, key, request_sha256, state, claim, created_at)
       VALUES ($1, 'flight-key', 'x', 'in_flight', 'someone-else', $2)`,
      [principal, at],
    );
    const key = { "idempotency-key": "flight-key" };
    const blocked = await send("/v1/parties", { method: "POST", body: partyBody("flight-a"), headers: key });
    expect(blocked.status).toBe(409);
    // Another body under the same key would be "reused"; this stored hash matches nothing on purpose.
    expect((await problemOf(blocked)).code).toBe("idempotency_key_reused");
    expect(await countParties("flight-")).toBe(0);
    await env
      .store()
      .query("UPDATE idempotency_keys SET request_sha256 = $3 WHERE principal = $1 AND key = $2", [
        principal,
        "flight-key",
        requestHash("POST", "/v1/parties", JSON.stringify(partyBody("flight-a"))),
      ]);
    const same = await send("/v1/parties", { method: "POST", body: partyBody("flight-a"), headers: key });
    expect(await problemOf(same)).toMatchObject({ status: 409, code: "idempotency_key_in_flight" });
    expect(await countParties("flight-")).toBe(0);
    now = new Date(at.getTime() + idempotencyInFlightMaxMsDefault);
    const taken = await send("/v1/parties", { method: "POST", body: partyBody("flight-a"), headers: key });
    expect(taken.status).toBe(201);
    expect(await countParties("flight-")).toBe(1);
    now = fixedNow;
  });

  it("executes concurrent requests with one key once: the others replay it or get 409 in flight", async () => {
    const key = { "idempotency-key": "race-key" };
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        send("/v1/parties", { method: "POST", body: partyBody("race-a"), headers: key }),
      ),
    );
    const executed = answers.filter(
      (answer) => answer.status < 300 && answer.headers.get("idempotent-replayed") === null,
    );
    expect(executed).toHaveLength(1);
    expect(executed[0]?.status).toBe(201);
    for (const answer of answers.filter((a) => !executed.includes(a))) {
      if (answer.status === 409) expect((await problemOf(answer)).code).toBe("idempotency_key_in_flight");
      else expect(answer.headers.get("idempotent-replayed")).toBe("true");
    }
    expect(await countParties("race-")).toBe(1);
    await integrateAll(env.store()); // the entries' bytes are pending until integrated
    const audit = await env
      .store()
      .query("SELECT 1 FROM audit_log WHERE kind = 'party.created' AND payload->>'id' = 'race-a'");
    expect(audit.rowCount).toBe(1);
  });

  it("sweeps expired records lazily, at most a bounded batch per interval", async () => {
    const old = new Date(fixedNow.getTime() - 1);
    const expired = idempotencySweepRowsMax + 100;
    await env.store().query(
      `INSERT INTO idempotency_keys (principal, key, request_sha256, status, content_type, body, created_at)
       SELECT 'sweep-principal', 'k' || n, 'x', 200, 'application/json', '{}', $1 FROM generate_series(1, $2) AS n`,
      [old, expired],
    );
    const left = async () =>
      Number(
        (
          await env
            .store()
            .query<{ n: bigint }>(
              "SELECT count(*) AS n FROM idempotency_keys WHERE principal = 'sweep-principal'",
            )
        ).rows[0]?.n,
      );
    const withKey = (key: string) =>
      send("/v1/match", {
        method: "POST",
        body: { a: "Huawei", b: "Huawei" },
        headers: { "idempotency-key": key },
      });
    // Far enough on for every earlier record to be past the TTL and for the sweep interval to have passed.
    let at = fixedNow.getTime() + idempotencyTtlMsDefault + 10 * idempotencySweepIntervalMsDefault;
    now = new Date(at);
    expect((await withKey("sweep-1")).status).toBe(200);
    expect(await left()).toBe(expired - idempotencySweepRowsMax);
    expect((await withKey("sweep-2")).status).toBe(200);
    expect(await left()).toBe(expired - idempotencySweepRowsMax);
    at += idempotencySweepIntervalMsDefault;
    now = new Date(at);
    expect((await withKey("sweep-3")).status).toBe(200);
    expect(await left()).toBe(0);
    now = fixedNow;
  });
});
