// Unit tests of the shipment path's writes before a shipment moves (ShipmentService: parties,
// orders, evidence on file, applications, licences, plans) on the in-memory context: no database.
// Each refusal answers its status and leaves every record as it was; each act writes its audit
// entry at the server's clock. The moves (release, ship, cancel, revert, expire) are in ./moves.test.ts.
import { describe, expect, it } from "vitest";
import { orderInputSchema } from "../../src/core/shipments/model.ts";
import { exampleOrder, exampleParties } from "../support/dossiers.ts";
import {
  auditKinds,
  expectRefusal,
  licensedOrder,
  plan,
  postUsVolume,
  recordEvidence,
  world,
} from "./support.ts";

const [exporter, buyer] = exampleParties();

describe("parties and orders", () => {
  it("creates a party once, screens it, audits it at the server's clock; a replay changes nothing", async () => {
    const w = world();
    expect(await w.service.addParty(exporter)).toMatchObject({ status: "created", party: { id: "nvidia" } });
    const [entry] = w.context.data.audit();
    expect(entry).toMatchObject({ kind: "party.created", at: w.clock.now(), actor: { role: "system" } });
    expect(w.context.data.snapshot().records.screenings).toEqual([
      { partyId: "nvidia", at: w.clock.now(), reason: "party_created" },
    ]);
    const before = w.context.data.snapshot();
    expect((await w.service.addParty(exporter)).status).toBe("exists");
    expect((await w.service.addParty({ ...exporter, name: "Other" })).status).toBe(
      "exists_with_different_name",
    );
    expect(w.context.data.snapshot()).toEqual(before);
    expect(await w.service.party("nvidia")).toMatchObject({ id: "nvidia" });
    await expectRefusal(w, () => w.service.addParty({ ...exporter, id: "bad id" }), "bad_input");
  });

  it("creates an order whose parties and product exist; refusals write nothing", async () => {
    const w = world();
    for (const party of [exporter, buyer]) await w.service.addParty(party);
    await expectRefusal(
      w,
      () => w.service.createOrder(exampleOrder({ productId: "nvidia-h999" })),
      "not_found",
    );
    await expectRefusal(
      w,
      () => w.service.createOrder(exampleOrder({ endUserId: "nobody" })),
      "not_found",
      /order `ord-1` at `endUserId`: unknown party `nobody`/,
    );
    await expectRefusal(w, () => w.service.createOrder(exampleOrder({ quantityUnits: 0 })), "bad_input");
    expect((await w.service.createOrder(exampleOrder())).status).toBe("created");
    expect(await w.service.order("ord-1")).toMatchObject({ status: "created", version: 1 });
    expect(auditKinds(w, 2)).toEqual(["order.created"]);
    expect((await w.service.createOrder(exampleOrder({ quantityUnits: 999 }))).status).toBe(
      "exists_with_different_quantity_units",
    );
    expect(auditKinds(w, 2)).toEqual(["order.created"]);
  });

  it("imports orders all or nothing, or answers the bad lines and creates the rest", async () => {
    const w = world();
    for (const party of [exporter, buyer]) await w.service.addParty(party);
    const line = (id: string, line: number, overrides: Record<string, unknown> = {}) => ({
      order: orderInputSchema.parse(exampleOrder({ id, ...overrides })),
      where: `orders.csv line ${line}`,
      line,
    });
    const inputs = [line("o-1", 2), line("o-2", 3, { exporterId: "nobody" }), line("o-3", 4)];
    await expectRefusal(w, () => w.service.createOrders(inputs), "not_found", /orders.csv line 3/);
    const result = await w.service.createOrders(inputs, { skipBadLines: true });
    expect(result).toEqual({
      created: 2,
      existing: 0,
      skipped: [{ line: 3, why: expect.stringMatching(/unknown party `nobody`/) }],
    });
    expect((await w.service.orders("", 10)).map((order) => order.id)).toEqual(["o-1", "o-3"]);
    expect(await w.service.createOrders([line("o-1", 2)])).toEqual({ created: 0, existing: 1, skipped: [] });
  });

  it("replaces an order's evidence on its version; a stale version or a record filed as a document writes nothing", async () => {
    const w = world();
    await licensedOrder(w);
    const { version } = (await w.service.order("ord-1")) ?? { version: 0 };
    const document = { usBuyerNotice: { noticeOn: "2026-01-30" } };
    await expectRefusal(
      w,
      () => w.service.setOrderEvidence("ord-1", document, version + 1),
      "version_mismatch",
    );
    await expectRefusal(w, () => w.service.setOrderEvidence("ord-none", document), "not_found");
    await expectRefusal(
      w,
      () => w.service.setOrderEvidence("ord-1", { payment: { invoicedCents: "1", paidCents: "1" } }),
      "evidence_not_yours",
    );
    expect(await w.service.setOrderEvidence("ord-1", document, version)).toEqual({ version: version + 1 });
    expect(w.context.data.audit().at(-1)).toMatchObject({ kind: "order.evidence", at: w.clock.now() });
  });
});

describe("applications", () => {
  it("holds an application without US volume and approves it with; the decision records the server's day", async () => {
    const w = world();
    for (const party of [exporter, buyer]) await w.service.addParty(party);
    await w.service.createOrder(exampleOrder());
    const held = await w.service.apply("ord-1");
    expect(held).toMatchObject({ decisionId: "id-1", orderStatus: "held" });
    expect(held.decision.decidingRuleIds).toEqual(["us-bis-2026.c6-volume-cap"]);
    expect(held.decision.at).toBe("2026-02-01");
    await postUsVolume(w);
    w.clock.advance(3_600_000);
    const approved = await w.service.apply("ord-1", { id: "app-1" });
    expect(approved).toMatchObject({ orderStatus: "approved", decision: { decision: "approve" } });
    expect((await w.service.decisions("ord-1")).map((d) => [d.id, d.orderStatus])).toEqual([
      ["id-1", "approved"],
      ["app-1", "approved"],
    ]);
    const entries = w.context.data.audit().filter((entry) => entry.kind === "application.decided");
    expect(entries.map((entry) => entry.at)).toEqual([new Date("2026-02-01T12:00:00Z"), w.clock.now()]);
    // A replayed decision id answers the recorded decision and writes nothing.
    const before = w.context.data.snapshot();
    expect(await w.service.apply("ord-1", { id: "app-1" })).toEqual(approved);
    expect(w.context.data.snapshot()).toEqual(before);
  });

  it("refuses to apply for a missing order or one already licensed, writing nothing", async () => {
    const w = world();
    await licensedOrder(w);
    await expectRefusal(w, () => w.service.apply("ord-none"), "not_found");
    await expectRefusal(
      w,
      () => w.service.apply("ord-1"),
      "illegal_transition",
      /cannot apply from status `licensed`/,
    );
  });

  it("denies a party screened as a true match, and forfeits what was paid", async () => {
    const w = world();
    for (const party of [exporter, buyer]) await w.service.addParty(party);
    const hit = {
      listId: "ofac-sdn",
      entryId: "x",
      name: "Alibaba Cloud",
      score: 1,
      disposition: "true-match" as const,
    };
    await w.context.data.setScreeningHits("alibaba-cloud", [hit]);
    await w.service.createOrder(exampleOrder());
    await w.context.data.setEvidence("ord-1", { payment: { invoicedCents: "100", paidCents: "100" } });
    const denied = await w.service.apply("ord-1", { id: "app-1" });
    expect(denied).toMatchObject({ orderStatus: "denied", decision: { decision: "deny" } });
    expect(w.context.data.audit().at(-1)).toMatchObject({
      kind: "payment.forfeited",
      payload: { forfeitureId: "app-1:forfeit", orderId: "ord-1", amountCents: "100" },
      at: w.clock.now(),
    });
  });
});

describe("licences and plans", () => {
  it("grants a licence on an approved application from today on; each refusal writes nothing", async () => {
    const w = world();
    for (const party of [exporter, buyer]) await w.service.addParty(party);
    await w.service.createOrder(exampleOrder());
    const held = await w.service.apply("ord-1", { id: "app-0" });
    const licence = { id: "lic-1", applicationId: "app-1", expiresOn: "2027-01-31" };
    await expectRefusal(w, () => w.service.grantLicence(licence), "not_found");
    await expectRefusal(
      w,
      () => w.service.grantLicence({ ...licence, applicationId: held.decisionId }),
      "not_approved",
    );
    await postUsVolume(w);
    await w.service.apply("ord-1", { id: "app-1" });
    await expectRefusal(
      w,
      () => w.service.grantLicence({ ...licence, expiresOn: "2026-01-31" }),
      "licence_expired",
    );
    expect(await w.service.grantLicence(licence)).toEqual({ status: "created", licenceId: "lic-1" });
    expect(await w.service.order("ord-1")).toMatchObject({ status: "licensed" });
    expect(w.context.data.audit().at(-1)).toMatchObject({
      kind: "licence.granted",
      payload: { id: "lic-1", grantedUnits: 1000, grantedValueCents: "2700000000" },
      at: w.clock.now(),
    });
    expect((await w.service.grantLicence(licence)).status).toBe("exists");
    expect((await w.service.grantLicence({ ...licence, expiresOn: "2027-02-01" })).status).toBe(
      "exists_with_different_expires_on",
    );
  });

  it("refuses a second licence on an order already licensed", async () => {
    const w = world();
    await licensedOrder(w);
    // The application decided before the licence still reads approve; the order has moved on.
    await expectRefusal(
      w,
      () => w.service.grantLicence({ id: "lic-2", applicationId: "app-1", expiresOn: "2027-01-31" }),
      "illegal_transition",
    );
  });

  it("plans shipments within the order and the serials no other shipment holds", async () => {
    const w = world();
    for (const party of [exporter, buyer]) await w.service.addParty(party);
    await w.service.createOrder(exampleOrder());
    await expectRefusal(w, () => w.service.planShipment(plan("shp-1", 1, 600)), "not_licensed");
    await postUsVolume(w);
    await w.service.apply("ord-1", { id: "app-1" });
    await w.service.grantLicence({ id: "lic-1", applicationId: "app-1", expiresOn: "2027-01-31" });
    const miscounted = { ...plan("shp-1", 1, 600), quantityUnits: 601 };
    await expectRefusal(
      w,
      () => w.service.planShipment(miscounted),
      "bad_input",
      /600 serials for 601 units/,
    );
    await expectRefusal(w, () => w.service.planShipment(plan("shp-1", 1, 600, "ord-none")), "not_found");
    expect(await w.service.planShipment(plan("shp-1", 1, 600))).toEqual({
      status: "created",
      shipmentId: "shp-1",
    });
    expect(await w.service.shipment("shp-1")).toMatchObject({
      status: "planned",
      valueCents: 1_620_000_000n,
    });
    expect(w.context.data.audit().at(-1)).toMatchObject({ kind: "shipment.planned", at: w.clock.now() });
    await expectRefusal(
      w,
      () => w.service.planShipment(plan("shp-2", 600, 1000)),
      "serial_in_other_shipment",
      /serial H200-600 is already in shipment `shp-1`/,
    );
    await expectRefusal(w, () => w.service.planShipment(plan("shp-2", 601, 1001)), "exceeds_order_quantity");
    expect((await w.service.planShipment(plan("shp-1", 1, 600))).status).toBe("exists");
    expect((await w.service.planShipment(plan("shp-1", 1, 599))).status).toBe(
      "exists_with_different_quantity_units",
    );
    await w.service.cancel("shp-1");
    // A cancelled shipment frees its serials and its units.
    expect((await w.service.planShipment(plan("shp-2", 1, 1000))).status).toBe("created");
  });

  it("replaces a shipment's evidence on its version", async () => {
    const w = world();
    await licensedOrder(w);
    await w.service.planShipment(plan("shp-1", 1, 10));
    await recordEvidence(w, "shp-1");
    const document = { usBuyerNotice: { noticeOn: "2026-01-30" } };
    await expectRefusal(w, () => w.service.setShipmentEvidence("shp-1", document, 2), "version_mismatch");
    await expectRefusal(w, () => w.service.setShipmentEvidence("shp-none", document), "not_found");
    expect(await w.service.setShipmentEvidence("shp-1", document, 1)).toEqual({ version: 2 });
    expect(await w.service.shipmentVersion("shp-1")).toBe(2);
    expect(w.context.data.audit().at(-1)).toMatchObject({ kind: "shipment.evidence", at: w.clock.now() });
  });
});
