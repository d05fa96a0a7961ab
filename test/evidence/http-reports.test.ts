// The report routes over real HTTP on both drivers: duty totals per month in exact cents (bigints as
// decimal strings), a bad query as a 400 problem; forfeitures listed a page at a time, an importer
// seeing only its own orders' entries and a 404 for another party's order.

import { afterAll, beforeAll, expect, it } from "vitest";
import { systemAudit } from "../../src/adapters/db/audit.ts";
import { sqlEvidenceContext } from "../../src/adapters/db/evidence/repository.ts";
import { EvidenceService } from "../../src/app/evidence/service.ts";
import { ShipmentService } from "../../src/app/shipments/service.ts";
import { shipmentContextOn } from "../../src/compose.ts";
import { capPolicyDefault } from "../../src/core/ledger/cap-policy.ts";
import { sampleOrder } from "../http/evidence-samples.ts";
import { type Api, clock, importerParty, startApi } from "../http/support.ts";
import { exampleJson, sharedEvaluator } from "../support/dossiers.ts";
import { forEachDriver } from "../support/drivers.ts";

/** The audit appender tests act through: the system, as the seeder and sweeps do. */
const appendAudit = systemAudit("test");

const example = exampleJson("h200-alibaba-approvable.json") as {
  parties: Record<string, { certifications: unknown[] } & Record<string, unknown>>;
};

forEachDriver("evidence report routes", (env) => {
  let api: Api;
  let evidence: EvidenceService;

  beforeAll(async () => {
    const context = shipmentContextOn(env.store(), { clock });
    const shipments = new ShipmentService(context);
    evidence = new EvidenceService(
      sqlEvidenceContext(env.store(), { evaluator: sharedEvaluator, clock, appendAudit }),
    );
    const { exporter, consignee } = example.parties;
    await shipments.addParty({ ...exporter, id: "nvidia" });
    await shipments.addParty({ ...consignee, id: importerParty });
    await shipments.addParty({ ...consignee, id: "tencent-cloud", name: "Tencent Cloud" });
    await context.ledger.usPost(capPolicyDefault, {
      id: "reports-us",
      productId: "nvidia-h200-sxm",
      units: 1_000_000n,
      shippedOn: "2026-01-20",
    });
    await shipments.createOrder(sampleOrder("ord-own"));
    await shipments.createOrder({
      ...sampleOrder("ord-other"),
      consigneeId: "tencent-cloud",
      endUserId: "tencent-cloud",
    });
    for (const [orderId, cents] of [
      ["ord-own", "1001"],
      ["ord-other", "250"],
    ] as const) {
      // A planned shipment without a licence: the duty entry needs only the shipment row.
      await env.store().query(
        `INSERT INTO shipments (id, order_id, quantity_units, value_cents, status, serials, created_at, updated_at)
         VALUES ($1, $2, 10, 27000000, 'planned', $3, $4, $4)`,
        [`${orderId}:s1`, orderId, JSON.stringify([{ prefix: `${orderId}-`, first: 1, last: 10 }]), clock()],
      );
      await evidence.recordDutyEntry({
        id: `${orderId}:entry`,
        shipmentId: `${orderId}:s1`,
        enteredOn: orderId === "ord-own" ? "2026-01-30" : "2026-02-03",
        htsCode: "8471.50",
        enteredValueCents: cents === "1001" ? "10" : "6",
      });
      await evidence.pay({ id: `${orderId}:pay`, orderId, amountCents: cents, paidOn: "2026-02-01" });
      await evidence.forfeit(orderId, "licence-revoked", { id: `${orderId}:forfeit`, on: "2026-02-05" });
    }
    api = await startApi(env.store(), `reports-${env.driver}`);
  }, 180_000);
  afterAll(async () => api?.server.close());

  const get = async (path: string, role: keyof Api["tokens"] = "admin") => {
    const response = await api.request(path, { token: api.tokens[role] });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it("answers duty totals per month in exact cents, and a bad query with a 400 problem", async () => {
    const { status, body } = await get("/v1/duty/totals?from=2026-01-01&to=2026-02-28", "us-customs");
    expect(status).toBe(200);
    // 25 % of 10 ¢ = 2.5 ¢ → 3 ¢; of 6 ¢ = 1.5 ¢ → 2 ¢ (half up, per entry).
    const totals = (body.windows as { from: string; total: Record<string, unknown> }[]).map((w) => [
      w.from,
      w.total,
    ]);
    expect(body.by).toBe("month");
    expect(totals).toEqual([
      [
        "2026-01-01",
        {
          entries: 1,
          enteredValueCents: "10",
          dutyOwedCents: "3",
          dutyPaidCents: "0",
          outstandingCents: "3",
        },
      ],
      [
        "2026-02-01",
        { entries: 1, enteredValueCents: "6", dutyOwedCents: "2", dutyPaidCents: "0", outstandingCents: "2" },
      ],
    ]);
    const bad = await get("/v1/duty/totals?from=2026-03-01&to=2026-02-01");
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ status: 400, code: "bad_input" });
    expect(String(bad.body.detail)).toContain("`from` must not be after `to`");
    expect((await get("/v1/duty/totals?from=2026-01-01&to=2026-02-01&by=week")).status).toBe(400);
    expect((await get("/v1/duty/totals?from=2026-01-01&to=2026-02-01", "importer")).status).toBe(403);
  });

  it("lists forfeitures by page; an importer sees its own orders' only and not another's order", async () => {
    const first = await get("/v1/forfeitures?limit=1");
    expect(first.body.items).toEqual([
      {
        id: "ord-other:forfeit",
        orderId: "ord-other",
        amountCents: "250",
        reason: "licence-revoked",
        kind: "licence-revoked",
        forfeitedOn: "2026-02-05",
      },
    ]);
    const second = await get(`/v1/forfeitures?limit=1&cursor=${String(first.body.nextCursor)}`);
    expect((second.body.items as { id: string }[]).map((f) => f.id)).toEqual(["ord-own:forfeit"]);
    expect(second.body.nextCursor).toBeNull();
    const own = await get("/v1/forfeitures", "importer");
    expect((own.body.items as { id: string }[]).map((f) => f.id)).toEqual(["ord-own:forfeit"]);
    const byOrder = await get("/v1/orders/ord-own/forfeitures", "importer");
    expect((byOrder.body.items as { amountCents: string }[]).map((f) => f.amountCents)).toEqual(["1001"]);
    const hidden = await get("/v1/orders/ord-other/forfeitures", "importer");
    expect(hidden).toMatchObject({ status: 404, body: { code: "not_found" } });
    expect((await get("/v1/orders/nope/forfeitures")).status).toBe(404);
    expect((await get("/v1/forfeitures?order=ord-other", "importer")).body.items).toEqual([]);
    expect((await get("/v1/forfeitures?cursor=garbage")).status).toBe(400);
  });
});
