// The shipment path over real HTTP on the seeded demo store, on both drivers: lists scoped by
// role, someone else's object is a 404, writes with Idempotency-Key, illegal moves as problems.
import { afterAll, beforeAll, expect, it } from "vitest";
import { seedDemo } from "../../src/app/seed/demo.ts";
import { shipmentContextOn } from "../../src/compose.ts";
import { forEachDriver } from "../support/drivers.ts";
import { type Api, clock, startApi } from "./support.ts";

forEachDriver("shipment routes", (env) => {
  let api: Api;
  beforeAll(async () => {
    await seedDemo(shipmentContextOn(env.store(), { clock }));
    api = await startApi(env.store(), `ship-${env.driver}`);
  }, 180_000);
  afterAll(async () => api?.server.close());

  const get = async (path: string, role: keyof Api["tokens"] = "admin") => {
    const response = await api.request(path, { token: api.tokens[role] });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const ids = (page: Record<string, unknown>) => (page.items as { id: string }[]).map((item) => item.id);

  it("lists every order to the exporter and only its own to an importer", async () => {
    expect(ids((await get("/v1/orders?limit=200")).body)).toHaveLength(9);
    expect(ids((await get("/v1/orders", "importer")).body)).toEqual(["ord-alibaba-1", "ord-alibaba-2"]);
    expect(ids((await get("/v1/shipments", "importer")).body)).toEqual([
      "ord-alibaba-1-s1",
      "ord-alibaba-1-s2",
      "ord-alibaba-1-s3",
    ]);
    expect((await get("/v1/orders/ord-tencent-1", "importer")).status).toBe(404);
    expect((await get("/v1/shipments/ord-tencent-1-s1", "importer")).status).toBe(404);
    expect((await get("/v1/orders", "lab")).status).toBe(403);
    expect((await get("/v1/orders")).body).toMatchObject({ nextCursor: null });
  });

  it("shows a decision with its findings and the dossier it was made on", async () => {
    const { status, body } = await get("/v1/decisions/ord-bytedance-1:application", "us-regulator");
    expect(status).toBe(200);
    expect(body).toMatchObject({
      orderId: "ord-bytedance-1",
      decision: { decision: "hold", decidingRuleIds: ["us-bis-2026.c6-volume-cap"] },
    });
    expect((body.dossier as { stage: string }).stage).toBe("application");
  });

  it("applies with an Idempotency-Key: the same request replays, another body is a 409", async () => {
    const headers = { "idempotency-key": "apply-ord-alibaba-2" };
    const request = {
      method: "POST",
      token: api.tokens.exporter,
      headers,
      body: { id: "app-alibaba-2" },
    };
    const first = await api.request("/v1/orders/ord-alibaba-2/applications", request);
    expect(first.status).toBe(201);
    const decided = (await first.json()) as { orderStatus: string; decision: { decision: string } };
    expect(decided.decision.decision).toBe("approve");
    const again = await api.request("/v1/orders/ord-alibaba-2/applications", request);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual(decided);
    const other = await api.request("/v1/orders/ord-alibaba-2/applications", {
      ...request,
      body: { id: "app-x", scenarios: ["scenario-cap-25"] },
    });
    expect(other.status).toBe(409);
    const forbidden = await api.request("/v1/orders/ord-alibaba-2/applications", {
      ...request,
      token: api.tokens.importer,
      headers: {},
    });
    expect(forbidden.status).toBe(403);
  });

  it("ships a released shipment, and refuses an illegal move as a problem", async () => {
    const ship = await api.request("/v1/shipments/ord-alibaba-1-s2/ship", {
      method: "POST",
      token: api.tokens.exporter,
      body: {},
    });
    expect(ship.status).toBe(200);
    expect(await ship.json()).toEqual({ shipmentId: "ord-alibaba-1-s2", status: "shipped" });
    const cancel = await api.request("/v1/shipments/ord-alibaba-1-s2/cancel", {
      method: "POST",
      token: api.tokens.exporter,
      body: {},
    });
    expect(cancel.status).toBe(409);
    expect(cancel.headers.get("content-type")).toContain("application/problem+json");
    expect(await cancel.json()).toMatchObject({
      status: 409,
      code: "illegal_transition",
      detail: "shipment `ord-alibaba-1-s2`: cannot cancel from status `shipped`",
    });
  });

  it("shows a held party's screening hit, records a disposition, and the application then passes screening", async () => {
    const screening = await get("/v1/parties/huawei-device/screening", "exporter");
    expect(screening.status).toBe(200);
    const hit = (
      screening.body.review as {
        hits: { hit: { listId: string; entryId: string; explanation: { summary: string } } }[];
      }
    ).hits[0]?.hit;
    expect(hit?.explanation.summary).toMatch(/huawei/i);
    const disposition = {
      id: "disp-1",
      partyId: "huawei-device",
      listId: hit?.listId,
      entryId: hit?.entryId,
      decision: "true_match",
      reason: "listed affiliate",
    };
    // The decider is the token's principal: a body naming one is refused, and the exporter (the
    // role that applies) may not disposition at all.
    const named = await api.request("/v1/dispositions", {
      method: "POST",
      token: api.tokens["compliance-reviewer"],
      body: { ...disposition, decidedBy: "BIS Officer J. Smith (us-regulator)" },
    });
    expect(named.status).toBe(400);
    expect(await named.json()).toMatchObject({ code: "decider_from_credential" });
    const byExporter = await api.request("/v1/dispositions", {
      method: "POST",
      token: api.tokens.exporter,
      body: disposition,
    });
    expect(byExporter.status).toBe(403);
    const recorded = await api.request("/v1/dispositions", {
      method: "POST",
      token: api.tokens["compliance-reviewer"],
      body: disposition,
    });
    expect(recorded.status).toBe(201);
    expect(await recorded.json()).toMatchObject({
      disposition: { decidedBy: api.tokenIds["compliance-reviewer"], decidedByRole: "compliance-reviewer" },
    });
    const importer = await api.request("/v1/dispositions", {
      method: "POST",
      token: api.tokens.importer,
      body: disposition,
    });
    expect(importer.status).toBe(403);
    const applied = await api.request("/v1/orders/ord-huawei-1/applications", {
      method: "POST",
      token: api.tokens.exporter,
      body: {},
    });
    // A true match denies: the restricted-parties rule fails.
    expect(await applied.json()).toMatchObject({
      orderStatus: "denied",
      decision: { decidingRuleIds: ["us-bis-2026.restricted-parties"] },
    });
  });

  it("imports a list version over HTTP, re-screens the parties, and answers `exists` for the same bytes", async () => {
    const content =
      "id,name,aliases,country,address,source\nx-1,Tencent Cloud Computing (Beijing) Co. Ltd.,,CN,,test list\n";
    const request = {
      method: "POST",
      token: api.tokens.exporter,
      body: { format: "custom", listId: "http-test-list", content },
    };
    const first = await api.request("/v1/lists", request);
    expect(first.status).toBe(201);
    const imported = (await first.json()) as {
      status: string;
      version: { source: string };
      rescreen: { newAlerts: number };
    };
    expect(imported.status).toBe("created");
    // The record names the upload, not the server's temporary file.
    expect(imported.version.source).toBe("upload to POST /v1/lists (custom)");
    expect(imported.rescreen.newAlerts).toBeGreaterThanOrEqual(1);
    const screening = await get("/v1/parties/tencent-cloud/screening", "us-regulator");
    expect(JSON.stringify(screening.body)).toContain("http-test-list");
    expect((await api.request("/v1/lists", request)).status).toBe(200);
    expect((await api.request("/v1/lists", { ...request, token: api.tokens["cn-customs"] })).status).toBe(
      403,
    );
  });

  it("rejects a bad order with a 400 problem naming the field, and writes nothing", async () => {
    const before = ids((await get("/v1/orders?limit=200")).body).length;
    const bad = await api.request("/v1/orders", {
      method: "POST",
      token: api.tokens.exporter,
      body: { id: "o-bad", quantityUnits: -1 },
    });
    expect(bad.status).toBe(400);
    expect(ids((await get("/v1/orders?limit=200")).body)).toHaveLength(before);
  });
});
