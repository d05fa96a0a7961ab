// Issue #13, the tour a new user took, over real HTTP on the seeded demo store and both drivers:
// each piece of evidence only from its authority, decisions by the principal and never a body
// field, the server's clock for every state change, scopes by party and jurisdiction, every act
// attributed in the audit log and readable there, and bad input refused with a clear error that
// changes nothing.
import { afterAll, beforeAll, expect, it } from "vitest";
import { seedDemo } from "../../src/app/seed/demo.ts";
import { shipmentContextOn } from "../../src/compose.ts";
import { forEachDriver } from "../support/drivers.ts";
import { exampleDocumentEvidence } from "../support/lab.ts";
import { type Api, clock, startApi, storeFingerprint } from "./support.ts";

type Body = Record<string, unknown>;

forEachDriver("trust (issue #13)", (env) => {
  let api: Api;
  beforeAll(async () => {
    await seedDemo(shipmentContextOn(env.store(), { clock }));
    api = await startApi(env.store(), `trust-${env.driver}`);
  }, 180_000);
  afterAll(async () => api?.server.close());

  const call = async (
    method: string,
    path: string,
    role: keyof Api["tokens"],
    body?: unknown,
    headers = {},
  ) => {
    const response = await api.request(path, { method, token: api.tokens[role], body, headers });
    const text = await response.text();
    return {
      status: response.status,
      body: (text ? JSON.parse(text) : {}) as Body,
      headers: response.headers,
    };
  };
  /** Asserts a refusal and that the store did not change. */
  const refused = async (
    run: () => Promise<{ status: number; body: Body }>,
    status: number,
    code: string,
  ) => {
    const before = await storeFingerprint(env.store());
    const answer = await run();
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    expect(answer.body.code, JSON.stringify(answer.body)).toBe(code);
    expect(await storeFingerprint(env.store())).toBe(before);
    return answer.body;
  };

  it("refuses another authority's evidence in the exporter's PUT, naming the field and its authority", async () => {
    const claims = exampleDocumentEvidence() as { cnImportApproval: Body; dutyEntry: Body };
    const approval = { cnImportApproval: { ...claims.cnImportApproval, id: "MOFCOM-FAKE-1" } };
    const onOrder = await refused(
      () => call("PUT", "/v1/orders/ord-alibaba-2/evidence", "exporter", approval, { "if-match": "*" }),
      400,
      "evidence_not_yours",
    );
    expect(onOrder.detail).toMatch(
      /at `cnImportApproval`: asserted only by the Chinese import authority .*POST \/v1\/import-approvals/,
    );
    const duty = { dutyEntry: { ...claims.dutyEntry, id: "ENTRY-FAKE" } };
    const onShipment = await refused(
      () => call("PUT", "/v1/shipments/ord-alibaba-1-s3/evidence", "exporter", duty, { "if-match": "*" }),
      400,
      "evidence_not_yours",
    );
    expect(onShipment.detail).toMatch(/at `dutyEntry`: asserted only by US customs \(CBP\)/);
    // The exporter's own statements are still its to file.
    const own = await call(
      "PUT",
      "/v1/orders/ord-alibaba-2/evidence",
      "exporter",
      { usBuyerNotice: { noticeOn: "2026-01-20" } },
      { "if-match": "*" },
    );
    expect(own.status).toBe(200);
    // Each authority writes through its own route: the exporter may not.
    expect((await call("POST", "/v1/import-approvals", "exporter", {})).status).toBe(403);
    expect((await call("POST", "/v1/duty-entries", "exporter", {})).status).toBe(403);
    expect((await call("POST", "/v1/customs-events", "us-customs", {})).status).toBe(403);
    expect((await call("POST", "/v1/duty-entries", "cn-customs", {})).status).toBe(403);
  });

  it("takes the server's clock for every state change and refuses a client time", async () => {
    const release = await refused(
      () => call("POST", "/v1/shipments/ord-alibaba-1-s3/release", "exporter", { at: "2026-02-15" }),
      400,
      "client_time_refused",
    );
    expect(release.detail).toMatch(/release at `at`: a state change takes the server's clock/);
    await refused(
      () => call("POST", "/v1/orders/ord-alibaba-2/applications", "exporter", { at: "2025-12-01" }),
      400,
      "client_time_refused",
    );
    // A licence whose expiry has passed (the server's day is 2026-02-01) is refused.
    const expired = await refused(
      () =>
        call("POST", "/v1/licences", "us-regulator", {
          id: "lic-late",
          applicationId: "ord-tencent-2:application",
          expiresOn: "2026-01-31",
        }),
      400,
      "licence_expired",
    );
    expect(expired.detail).toMatch(/`2026-01-31` has passed \(today is 2026-02-01\)/);
  });

  it("lets only a compliance reviewer disposition a hit, as the token's principal", async () => {
    const screening = await call("GET", "/v1/parties/huawei-device/screening", "compliance-reviewer");
    const hit = (screening.body.review as { hits: { hit: { listId: string; entryId: string } }[] }).hits[0]
      ?.hit;
    const body = {
      partyId: "huawei-device",
      listId: hit?.listId,
      entryId: hit?.entryId,
      decision: "false_positive",
      reason: "r",
    };
    expect((await call("POST", "/v1/dispositions", "exporter", body)).status).toBe(403);
    const named = await refused(
      () =>
        call("POST", "/v1/dispositions", "compliance-reviewer", {
          ...body,
          decidedBy: "BIS Officer J. Smith (us-regulator)",
        }),
      400,
      "decider_from_credential",
    );
    expect(named.detail).toMatch(/the decider is the authenticated principal/);
  });

  it("scopes an exporter to its party and the Chinese authorities to China-bound objects", async () => {
    expect(
      (
        await call("POST", "/v1/parties", "admin", {
          id: "amd",
          name: "Advanced Micro Devices, Inc.",
          country: "US",
        })
      ).status,
    ).toBe(201);
    const amdOrder = {
      id: "ord-amd-1",
      productId: "nvidia-h200-sxm",
      quantityUnits: 10,
      valueCents: "27000000",
      exporterId: "amd",
      consigneeId: "alibaba-cloud",
      endUserId: "alibaba-cloud",
      route: { origin: "TW", exportFrom: "US", destination: "CN" },
      endUse: { purpose: "commercial-cloud" },
    };
    const forAmd = await refused(
      () => call("POST", "/v1/orders", "exporter", amdOrder),
      403,
      "not_your_party",
    );
    expect(forAmd.detail).toMatch(/may not act for party `amd`/);
    expect((await call("POST", "/v1/orders", "admin", amdOrder)).status).toBe(201);
    expect((await call("GET", "/v1/orders/ord-amd-1", "exporter")).status).toBe(404);
    expect((await call("POST", "/v1/orders/ord-amd-1/applications", "exporter", {})).status).toBe(404);
    const listed = await call("GET", "/v1/orders?limit=200", "exporter");
    expect((listed.body.items as { id: string }[]).map((o) => o.id)).not.toContain("ord-amd-1");
    // A token naming a party on a role that reads across parties is refused, not ignored.
    expect((await call("POST", "/v1/tokens", "admin", { role: "auditor", partyId: "nvidia" })).status).toBe(
      400,
    );

    expect((await call("GET", "/v1/orders/ord-lion-city-1", "cn-authority")).status).toBe(404);
    expect((await call("GET", "/v1/decisions/ord-lion-city-1:application", "cn-authority")).status).toBe(404);
    expect((await call("GET", "/v1/orders/ord-alibaba-1", "cn-authority")).status).toBe(200);
    const cnList = await call("GET", "/v1/orders?limit=200", "cn-customs");
    expect(
      (cnList.body.items as { route: { destination: string } }[]).every((o) => o.route.destination === "CN"),
    ).toBe(true);
    expect((await call("GET", "/v1/quota", "cn-authority")).status).toBe(403);
    // Roles that may not read the cap ledger read decisions without its view.
    const forImporter = await call("GET", "/v1/decisions/ord-alibaba-1:application", "importer");
    expect(forImporter.status).toBe(200);
    expect((forImporter.body.dossier as Body).ledger).toBeUndefined();
    const forRegulator = await call("GET", "/v1/decisions/ord-alibaba-1:application", "us-regulator");
    expect((forRegulator.body.dossier as Body).ledger).toBeDefined();
    expect(JSON.stringify(forImporter.body)).not.toMatch(/usPosted|cnPending/);
  });

  it("names who did each act in the audit log, and lets the auditor and the regulator read it", async () => {
    const shipped = await call("POST", "/v1/shipments/ord-alibaba-1-s2/ship", "exporter", {});
    expect(shipped.status).toBe(200);
    const requestId = shipped.headers.get("x-request-id");
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const entries = await call("GET", "/v1/audit/entries?kind=shipment.&object=ord-alibaba-1-s2", "auditor");
    expect(entries.status).toBe(200);
    const entry = (entries.body.items as Body[]).find((e) => e.kind === "shipment.shipped");
    expect(entry?.actor).toEqual({
      tokenId: api.tokenIds.exporter,
      role: "exporter",
      partyId: "nvidia",
      via: "POST /v1/shipments/{id}/ship",
      requestId,
    });
    const one = await call("GET", `/v1/audit/entries/${entry?.seq}`, "us-regulator");
    expect(one.body).toEqual(entry);
    const byToken = await call(
      "GET",
      `/v1/audit/entries?token=${api.tokenIds.exporter}&limit=200`,
      "auditor",
    );
    expect(
      (byToken.body.items as Body[]).every((e) => (e.actor as Body).tokenId === api.tokenIds.exporter),
    ).toBe(true);
    // The seeder wrote the story as the system, on its own clock.
    const seeded = await call("GET", "/v1/audit/entries?kind=application.decided&limit=1", "auditor");
    const first = (seeded.body.items as Body[])[0];
    expect(first?.actor).toMatchObject({ tokenId: null, role: "system" });
    expect(String(first?.at)).toMatch(/^2026-02-02T/);
    expect((await call("GET", "/v1/audit/entries", "exporter")).status).toBe(403);
    expect((await call("GET", "/v1/audit/entries/999999", "auditor")).status).toBe(404);
    expect((await call("GET", "/v1/audit/verify", "auditor")).body).toMatchObject({ ok: true });
  });

  it("refuses bad input with a clear error, naming the field, and changes nothing", async () => {
    const surrogate = await refused(
      () => call("POST", "/v1/parties", "exporter", { id: "p-bad", name: "\ud800abc", country: "CN" }),
      400,
      "ill_formed_text",
    );
    expect(surrogate.detail).toMatch(/party at `name`: text is not well-formed Unicode/);
    const order = {
      id: "ord-bad",
      productId: "nvidia-h200-sxm",
      quantityUnits: 10,
      valueCents: "27000000",
      exporterId: "nvidia",
      consigneeId: "alibaba-cloud",
      endUserId: "alibaba-cloud",
      route: { origin: "TW", exportFrom: "US", destination: "CN" },
      endUse: { purpose: "commercial-cloud" },
    };
    const typed = await refused(
      () => call("POST", "/v1/orders", "exporter", { ...order, quantityUnits: "ten" }),
      400,
      "invalid_request",
    );
    expect(typed.detail).toMatch(/`quantityUnits`: expected number, received string/);
    const huge = await refused(
      () => call("POST", "/v1/orders", "exporter", { ...order, quantityUnits: 9_007_199_254_740_991 }),
      400,
      "invalid_request",
    );
    expect(huge.detail).toMatch(/`quantityUnits`: expected at most 10000000 units/);
    const big = await refused(
      () =>
        call("POST", "/v1/shipments", "exporter", {
          id: "S-BIG",
          orderId: "ord-alibaba-1",
          quantityUnits: 50_000,
          serials: [{ prefix: "B-", first: 1, last: 50_000 }],
        }),
      409,
      "exceeds_order_quantity",
    );
    expect(big.detail).toMatch(/exceed order `ord-alibaba-1` of 20000 units/);
    const payment = {
      id: "PAY-MAX-1",
      orderId: "ord-alibaba-2",
      amountCents: "9223372036854775807",
      paidOn: "2026-02-01",
    };
    await refused(() => call("POST", "/v1/payments", "exporter", payment), 409, "exceeds_order_value");
  });
});
