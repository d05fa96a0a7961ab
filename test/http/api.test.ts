// The API's contract over real HTTP on both drivers: health, the OpenAPI document and offline docs,
// problem details, body size limit, Idempotency-Key (replay, reuse, writes recorded with the
// write), ETag/If-Match, pagination, the evaluate answer equal to the CLI's, quota and audit.
import { afterAll, beforeAll, expect, it } from "vitest";
import { SqlLedger } from "../../src/adapters/db/ledger/sql-ledger.ts";
import { bodySizeMaxBytes } from "../../src/adapters/http/app.ts";
import { capPolicyDefault } from "../../src/core/ledger/cap-policy.ts";
import { runCli } from "../support/cli.ts";
import { forEachDriver } from "../support/drivers.ts";
import { type Api, clock, exampleDossier, h200Spec, startApi, storeFingerprint } from "./support.ts";

type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  errors?: { path: string; message: string }[];
};

forEachDriver("http api", (env) => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi(env.store(), `a${env.driver}`);
  });
  afterAll(async () => {
    await api?.server.close();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}, token?: string) =>
    api.request(path, { method: "POST", body, headers, ...(token === undefined ? {} : { token }) });

  it("serves /healthz and /readyz without a token", async () => {
    const health = await api.request("/healthz", { token: null });
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    const ready = await api.request("/readyz", { token: null });
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ok: true, driver: env.driver });
  });

  it("publishes an OpenAPI 3.1 document listing every route, with optional spec fields optional", async () => {
    const response = await api.request("/openapi.json", { token: null });
    expect(response.status).toBe(200);
    type Schema = { required?: string[]; properties: Record<string, Schema> };
    type Op = {
      "x-sluice-action"?: string;
      parameters: { name: string }[];
      responses: Record<string, unknown>;
      requestBody: { content: Record<string, { schema: Schema }> };
    };
    const doc = (await response.json()) as { openapi: string; paths: Record<string, Record<string, Op>> };
    expect(doc.openapi).toBe("3.1.0");
    for (const path of [
      "/healthz",
      "/readyz",
      "/v1/evaluate",
      "/v1/classify",
      "/v1/products/{id}/classification",
      "/v1/tokens/{id}",
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    const spec = doc.paths["/v1/classify"]?.post?.requestBody.content["application/json"]?.schema;
    expect(spec?.required).toEqual(["name", "datacenter", "denseTops", "dramBandwidthGBs"]);
    expect(spec?.properties.denseTops?.required).toBeUndefined();
    const evaluate = doc.paths["/v1/evaluate"]?.post;
    expect(evaluate?.["x-sluice-action"]).toBe("evaluate");
    expect(evaluate?.parameters.map((p) => p.name)).toContain("Idempotency-Key");
    expect(Object.keys(evaluate?.responses ?? {})).toEqual(
      expect.arrayContaining(["200", "400", "401", "403", "413"]),
    );
  });

  it("serves readable docs with no external URL, script or stylesheet link", async () => {
    const response = await api.request("/docs", { token: null });
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script|<link /);
    expect(html).toContain("/v1/evaluate");
    expect(html).toContain('id="problem-bad_input"');
    expect(response.headers.get("content-security-policy")).toBe(
      "default-src 'none'; style-src 'unsafe-inline'",
    );
  });

  it("answers bad input with RFC 9457 problems naming the path, never a 5xx", async () => {
    const invalid = await post("/v1/evaluate", { dossier: { id: "x" } });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get("content-type")).toBe("application/problem+json");
    const problem = (await invalid.json()) as Problem;
    expect(problem).toMatchObject({
      type: "/docs#problem-bad_input",
      title: "Bad input",
      status: 400,
      instance: "/v1/evaluate",
      code: "invalid_request",
    });
    expect(problem.detail).toBe("body at `dossier.product`: missing");
    expect(problem.errors?.map((e) => e.path)).toContain("dossier.quantityUnits");

    const unknownField = (await (await post("/v1/classify", { ...h200Spec, tdp: 700 })).json()) as Problem;
    expect(unknownField.detail).toBe("body at `(root)`: unknown field `tdp`");

    const malformed = await api.request("/v1/classify", { method: "POST", body: "{not json" });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as Problem).code).toBe("malformed_request");

    const wrongType = await api.request("/v1/classify", {
      method: "POST",
      body: "name=x",
      headers: { "content-type": "text/plain" },
    });
    expect(wrongType.status).toBe(415);
    expect(((await wrongType.json()) as Problem).code).toBe("unsupported_media_type");

    const unknownProduct = await api.request("/v1/products/nvidia-h999/classification");
    expect(unknownProduct.status).toBe(404);
    expect(((await unknownProduct.json()) as Problem).detail).toMatch(
      /^product `nvidia-h999`: unknown product/,
    );

    const unknownScenario = await post("/v1/evaluate", {
      dossier: exampleDossier(),
      scenarios: ["no-such-book"],
    });
    expect(unknownScenario.status).toBe(400);
    expect(((await unknownScenario.json()) as Problem).detail).toMatch(
      /^scenario `no-such-book`: unknown scenario/,
    );

    const wrongMethod = await api.request("/v1/evaluate");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("POST");
    expect(((await wrongMethod.json()) as Problem).code).toBe("method_not_allowed");
    const wrongMethodOnObject = await api.request("/v1/products/nvidia-h200-sxm/classification", {
      method: "DELETE",
    });
    expect(wrongMethodOnObject.headers.get("allow")).toBe("GET");

    const noRoute = await api.request("/v2/anything", { token: null });
    expect(noRoute.status).toBe(404);
    expect(((await noRoute.json()) as Problem).code).toBe("no_such_route");

    const badLimit = await api.request("/v1/tokens?limit=0");
    expect(badLimit.status).toBe(400);
  });

  it("refuses a body over the size limit with 413 and writes nothing", async () => {
    const before = await storeFingerprint(env.store());
    const big = { role: "auditor", label: "x".repeat(bodySizeMaxBytes) };
    const response = await post("/v1/tokens", big, { "idempotency-key": "big-1" });
    expect(response.status).toBe(413);
    expect((await response.json()) as Problem).toMatchObject({ status: 413, code: "payload_too_large" });
    expect(await storeFingerprint(env.store())).toBe(before);
  });

  it("replays a POST with the same Idempotency-Key and body, and refuses the key with another body", async () => {
    const body = { dossier: exampleDossier(), at: "2026-01-20" };
    const first = await post("/v1/evaluate", body, { "idempotency-key": "eval-1" });
    expect(first.status).toBe(200);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const firstText = await first.text();
    // Same body with other whitespace and key order: the same request.
    const reordered = JSON.stringify({ at: "2026-01-20", dossier: exampleDossier() }, null, 4);
    const again = await api.request("/v1/evaluate", {
      method: "POST",
      body: reordered,
      headers: { "idempotency-key": "eval-1" },
    });
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.text()).toBe(firstText);

    const other = await post("/v1/evaluate", { ...body, at: "2026-02-01" }, { "idempotency-key": "eval-1" });
    expect(other.status).toBe(409);
    expect(((await other.json()) as Problem).code).toBe("idempotency_key_reused");

    // Keys are per principal: the exporter's eval-1 is its own.
    const exporter = await post(
      "/v1/evaluate",
      { ...body, at: "2026-02-01" },
      { "idempotency-key": "eval-1" },
      api.tokens.exporter,
    );
    expect(exporter.status).toBe(200);

    const badKey = await post("/v1/evaluate", body, { "idempotency-key": "has space" });
    expect(badKey.status).toBe(400);
    expect(((await badKey.json()) as Problem).code).toBe("invalid_idempotency_key");
  });

  it("leaves a key unused when the request failed, so a corrected retry works", async () => {
    const failed = await post("/v1/classify", { name: "x" }, { "idempotency-key": "cls-1" });
    expect(failed.status).toBe(400);
    const fixed = await post("/v1/classify", h200Spec, { "idempotency-key": "cls-1" });
    expect(fixed.status).toBe(200);
    expect(((await fixed.json()) as { tpp: number }).tpp).toBeCloseTo(15832, 0);
  });

  it("creates a token once per Idempotency-Key; the replay never holds the secret", async () => {
    const before = await storeFingerprint(env.store());
    const first = await post(
      "/v1/tokens",
      { role: "us-customs", label: "cbp" },
      { "idempotency-key": "tok-1" },
    );
    expect(first.status).toBe(201);
    const created = (await first.json()) as { id: string; token: string | null };
    expect(created.token).toMatch(/^sluice_test_/);
    const mid = await storeFingerprint(env.store());
    const replay = await post(
      "/v1/tokens",
      { role: "us-customs", label: "cbp" },
      { "idempotency-key": "tok-1" },
    );
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await replay.json()).toMatchObject({ id: created.id, role: "us-customs", token: null });
    expect(await storeFingerprint(env.store())).toBe(mid);
    expect(mid).not.toBe(before);
    const stored = await env
      .store()
      .query<{ body: string }>("SELECT body FROM idempotency_keys WHERE key = 'tok-1'");
    expect(stored.rows[0]?.body).not.toContain(created.token ?? "missing");
  });

  it("makes one token when requests with one Idempotency-Key race; the others replay it or get 409", async () => {
    const body = { role: "auditor", label: "race" };
    const responses = await Promise.all(
      Array.from({ length: 6 }, () => post("/v1/tokens", body, { "idempotency-key": "race-1" })),
    );
    const outcomes = await Promise.all(
      responses.map(async (r) =>
        r.status === 201
          ? `201:${((await r.json()) as { id: string }).id}`
          : `${r.status}:${((await r.json()) as Problem).code}`,
      ),
    );
    const created = await env.store().query<{ id: string }>("SELECT id FROM api_tokens WHERE label = 'race'");
    expect(created.rows).toHaveLength(1);
    const id = created.rows[0]?.id ?? "";
    for (const outcome of outcomes) expect([`201:${id}`, "409:idempotency_key_in_flight"]).toContain(outcome);
    expect(outcomes).toContain(`201:${id}`);
    const retry = await post("/v1/tokens", body, { "idempotency-key": "race-1" });
    expect(await retry.json()).toMatchObject({ id, token: null });
  });

  it("updates with If-Match only: 428 without, 412 when stale, 200 with the current ETag", async () => {
    const id = api.tokenIds.lab;
    const current = await api.request(`/v1/tokens/${id}`);
    const etag = current.headers.get("etag") ?? "";
    expect(etag).toMatch(/^"v\d+"$/);
    const missing = await api.request(`/v1/tokens/${id}`, { method: "PATCH", body: { label: "a" } });
    expect(missing.status).toBe(428);
    expect(((await missing.json()) as Problem).code).toBe("precondition_required");
    const stale = await api.request(`/v1/tokens/${id}`, {
      method: "PATCH",
      body: { label: "a" },
      headers: { "if-match": '"v999"' },
    });
    expect(stale.status).toBe(412);
    expect(((await stale.json()) as Problem).code).toBe("version_mismatch");
    const ok = await api.request(`/v1/tokens/${id}`, {
      method: "PATCH",
      body: { label: "lab A" },
      headers: { "if-match": etag },
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ label: "lab A" });
    expect(ok.headers.get("etag")).not.toBe(etag);
    const reused = await api.request(`/v1/tokens/${id}`, {
      method: "PATCH",
      body: { label: "b" },
      headers: { "if-match": etag },
    });
    expect(reused.status).toBe(412);
    const garbage = await api.request(`/v1/tokens/${id}`, {
      method: "PATCH",
      body: { label: "b" },
      headers: { "if-match": 'W/"v1"' },
    });
    expect(garbage.status).toBe(400);
  });

  it("pages through a list with limit and cursor, every item once, in order", async () => {
    const all = await env.store().query<{ id: string }>("SELECT id FROM api_tokens ORDER BY id");
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const path: string = `/v1/tokens?limit=3${cursor ? `&cursor=${cursor}` : ""}`;
      const page = (await (await api.request(path)).json()) as {
        items: { id: string }[];
        nextCursor: string | null;
      };
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(all.rows.map((row) => row.id));
    const bad = await api.request("/v1/tokens?cursor=bm9wZQ");
    expect(((await bad.json()) as Problem).code).toBe("invalid_cursor");
    const tooMany = await api.request("/v1/tokens?limit=201");
    expect(tooMany.status).toBe(400);
  });

  it("answers POST /v1/evaluate with exactly the CLI's decision", async () => {
    const response = await post("/v1/evaluate", { dossier: exampleDossier() });
    const cli = runCli(["evaluate", "examples/h200-alibaba-approvable.json", "--json"]);
    expect(cli.code).toBe(0);
    expect(await response.json()).toEqual(JSON.parse(cli.stdout));
  });

  it("shows quota accounts with headroom after a US posting", async () => {
    const ledger = new SqlLedger(env.store(), clock);
    const posted = await ledger.usPost(capPolicyDefault, {
      id: "us-1",
      productId: "nvidia-h200-sxm",
      units: 1000n,
      shippedOn: "2026-01-20",
    });
    expect(posted.status).toBe("ok");
    const page = (await (await api.request("/v1/quota", { token: api.tokens["us-regulator"] })).json()) as {
      items: { usPosted: string; headroom: string; ratioPercent: number }[];
    };
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({
      usPosted: "1000",
      cnPending: "0",
      headroom: "500",
      ratioPercent: 50,
    });
  });

  it("verifies the audit chain, which holds every token change", async () => {
    const verdict = (await (await api.request("/v1/audit/verify", { token: api.tokens.auditor })).json()) as {
      ok: boolean;
      count: number;
    };
    expect(verdict.ok).toBe(true);
    const entries = await env.store().query<{ n: bigint }>("SELECT count(*) AS n FROM audit_log");
    expect(verdict.count).toBe(Number(entries.rows[0]?.n));
    const kinds = await env
      .store()
      .query<{ kind: string }>("SELECT DISTINCT kind FROM audit_log ORDER BY kind");
    expect(kinds.rows.map((row) => row.kind)).toEqual(
      expect.arrayContaining(["token.create", "token.update"]),
    );
  });
});
