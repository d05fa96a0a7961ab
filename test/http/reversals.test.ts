// Reversal, never deletion (issue #13 point 5), over real HTTP on both drivers: a mistaken record is
// reversed by its author with a reason, stays on file, and no longer counts (a reversed prepayment
// holds the release); another party's record is 404, another role's or the administrator's attempt
// 403, an unknown id 404, a missing reason 400, a second reversal 409 `already_reversed`; each
// refusal changes nothing. Duty: a paid entry is reversed only after its payments, and then the lot
// can be entered again.

import { afterAll, beforeAll, expect, it } from "vitest";
import { sqlEvidenceContext } from "../../src/adapters/db/evidence/repository.ts";
import { createToken } from "../../src/adapters/db/tokens.ts";
import { ShipmentService } from "../../src/app/shipments/service.ts";
import { shipmentContextOn } from "../../src/compose.ts";
import { capPolicyDefault } from "../../src/core/ledger/cap-policy.ts";
import { exampleJson, sharedEvaluator } from "../support/dossiers.ts";
import { forEachDriver } from "../support/drivers.ts";
import { certifyShipment, recordExampleEvidence } from "../support/lab.ts";
import { sampleOrder } from "./evidence-samples.ts";
import { type Api, clock, importerParty, startApi, storeFingerprint } from "./support.ts";

type Body = Record<string, unknown>;

const example = exampleJson("h200-alibaba-approvable.json") as {
  parties: Record<string, { certifications: unknown[] } & Record<string, unknown>>;
};

forEachDriver("reversal of evidence records (issue #13)", (env) => {
  let api: Api;
  let otherExporter: string;
  let shipments: ShipmentService;
  beforeAll(async () => {
    api = await startApi(env.store(), `rev-${env.driver}`);
    const context = shipmentContextOn(env.store(), { clock });
    shipments = new ShipmentService(context);
    const { exporter, consignee, endUser } = example.parties;
    await shipments.addParty({ ...exporter, id: "nvidia" });
    await shipments.addParty({ ...exporter, id: "amd", name: "Advanced Micro Devices, Inc." });
    const certifications = [...(consignee?.certifications ?? []), ...(endUser?.certifications ?? [])];
    await shipments.addParty({ ...consignee, id: importerParty, certifications });
    await context.ledger.usPost(capPolicyDefault, {
      id: "rev-us",
      productId: "nvidia-h200-sxm",
      units: 1_000_000n,
      shippedOn: "2026-01-20",
    });
    otherExporter = (await createToken(env.store(), clock, api.factory, { role: "exporter", partyId: "amd" }))
      .secret;
  }, 180_000);
  afterAll(async () => api?.server.close());

  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const response = await api.request(path, { method, token, body });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Body };
  };
  const refused = async (path: string, token: string, body: unknown, status: number, code: string) => {
    const before = await storeFingerprint(env.store());
    const answer = await call("POST", path, token, body);
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    expect(answer.body.code, JSON.stringify(answer.body)).toBe(code);
    expect(await storeFingerprint(env.store())).toBe(before);
    return answer.body;
  };

  /** A planned, licensed, certified shipment of a fresh order with all its evidence on file. */
  let orders = 0;
  const releasable = async () => {
    const orderId = `rev-ord-${env.driver}-${++orders}`;
    await shipments.createOrder(sampleOrder(orderId));
    await shipments.apply(orderId, { id: `${orderId}:app` });
    await shipments.grantLicence({
      id: `${orderId}:lic`,
      applicationId: `${orderId}:app`,
      expiresOn: "2027-01-31",
    });
    const id = `${orderId}-s1`;
    await shipments.planShipment({
      id,
      orderId,
      quantityUnits: 10,
      serials: [{ prefix: `${id}-`, first: 1, last: 10 }],
    });
    const evidence = sqlEvidenceContext(env.store(), {
      evaluator: sharedEvaluator,
      clock,
      appendAudit: shipmentContextOn(env.store()).appendAudit,
    });
    await recordExampleEvidence(evidence, orderId, [id]);
    await certifyShipment(evidence, id);
    return { orderId, shipmentId: id };
  };

  it("a reversed prepayment no longer counts at release; a new payment does", async () => {
    const { orderId, shipmentId } = await releasable();
    const reversed = await call("POST", `/v1/payments/PAY-${orderId}/reversals`, api.tokens.exporter, {
      reason: "paid against the wrong order",
    });
    expect(reversed.status, JSON.stringify(reversed.body)).toBe(201);
    expect(reversed.body).toMatchObject({
      status: "reversed",
      kind: "payment",
      id: `PAY-${orderId}`,
      reason: "paid against the wrong order",
      reversedAt: clock().toISOString(),
      reversedBy: { role: "exporter", partyId: "nvidia" },
    });
    const records = await call(
      "GET",
      `/v1/orders/${orderId}/evidence-records?shipment=${shipmentId}`,
      api.tokens.exporter,
    );
    expect((records.body.evidence as Body).payment).toMatchObject({ paidCents: "0" });
    const held = await call("POST", `/v1/shipments/${shipmentId}/release`, api.tokens.exporter, {});
    expect(JSON.stringify(held.body)).toMatch(/prepayment/);
    expect(held.body.status, JSON.stringify(held.body).slice(0, 800)).not.toBe("released");
    const paid = await call("POST", "/v1/payments", api.tokens.exporter, {
      id: `PAY2-${orderId}`,
      orderId,
      amountCents: "27000000",
      paidOn: "2026-01-30",
    });
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    const released = await call("POST", `/v1/shipments/${shipmentId}/release`, api.tokens.exporter, {});
    expect(released.body.status, JSON.stringify(released.body).slice(0, 800)).toBe("released");
  });

  it("only the author reverses; refusals change nothing; a second reversal is already_reversed", async () => {
    const orderId = `rev-ord-${env.driver}-${++orders}`;
    await shipments.createOrder(sampleOrder(orderId));
    const id = `PAY-X-${env.driver}`;
    const paid = await call("POST", "/v1/payments", api.tokens.exporter, {
      id,
      orderId,
      amountCents: "1000",
      paidOn: "2026-01-30",
    });
    expect(paid.status).toBe(201);
    const path = `/v1/payments/${id}/reversals`;
    const reason = { reason: "typed the wrong amount" };
    await refused(path, otherExporter, reason, 404, "not_found");
    await refused(path, api.tokens["us-customs"], reason, 403, "forbidden");
    await refused(path, api.tokens.admin, reason, 403, "forbidden");
    await refused(path, api.tokens.exporter, {}, 400, "invalid_request");
    await refused(path, api.tokens.exporter, { reason: "   " }, 400, "invalid_request");
    await refused(path, api.tokens.exporter, { reason: "x".repeat(501) }, 400, "invalid_request");
    await refused("/v1/payments/no-such-payment/reversals", api.tokens.exporter, reason, 404, "not_found");
    const { rows } = await env
      .store()
      .query<{ reversed: boolean }>(
        "SELECT reversed_at IS NOT NULL AS reversed FROM payments WHERE id = $1",
        [id],
      );
    expect(rows[0]?.reversed).toBe(false);

    expect((await call("POST", path, api.tokens.exporter, reason)).status).toBe(201);
    const again = await refused(path, api.tokens.exporter, reason, 409, "already_reversed");
    expect(again.detail).toMatch(/reversed at .* by exporter of nvidia: typed the wrong amount/);
    const entries = await call(
      "GET",
      `/v1/audit/entries?kind=payment.reversed&object=${id}`,
      api.tokens.auditor,
    );
    const [entry] = (entries.body.items ?? []) as Body[];
    expect(entry).toMatchObject({
      kind: "payment.reversed",
      actor: { role: "exporter", partyId: "nvidia", via: "POST /v1/payments/{id}/reversals" },
      payload: { id, reason: "typed the wrong amount", recordedBy: { role: "exporter", partyId: "nvidia" } },
    });
  });

  it("duty: a paid entry is reversed after its payments, by US customs only; the lot is entered again", async () => {
    const { shipmentId } = await releasable();
    const entry = `ENTRY-${shipmentId}`;
    const customs = api.tokens["us-customs"];
    await refused(
      `/v1/duty-entries/${entry}/reversals`,
      customs,
      { reason: "wrong HTS code" },
      409,
      "entry_has_payments",
    );
    await refused(
      `/v1/duty-payments/DUTY-${shipmentId}/reversals`,
      api.tokens.exporter,
      { reason: "x" },
      403,
      "forbidden",
    );
    const payment = await call("POST", `/v1/duty-payments/DUTY-${shipmentId}/reversals`, customs, {
      reason: "double-counted",
    });
    expect(payment.status, JSON.stringify(payment.body)).toBe(201);
    const { rows } = await env
      .store()
      .query<{ paid: string }>("SELECT duty_paid_cents::text AS paid FROM duty_entries WHERE id = $1", [
        entry,
      ]);
    expect(rows[0]?.paid).toBe("0");
    expect(
      (await call("POST", `/v1/duty-entries/${entry}/reversals`, customs, { reason: "wrong HTS code" }))
        .status,
    ).toBe(201);
    const records = await call(
      "GET",
      `/v1/orders/${shipmentId.replace(/-s1$/, "")}/evidence-records?shipment=${shipmentId}`,
      api.tokens.admin,
    );
    expect((records.body.evidence as Body).dutyEntry).toBeUndefined();
    const entered = await call("POST", "/v1/duty-entries", customs, {
      id: `${entry}-2`,
      shipmentId,
      enteredOn: "2026-01-30",
      htsCode: "8471.50",
      enteredValueCents: "27000000",
    });
    expect(entered.status, JSON.stringify(entered.body)).toBe(201);
    await refused(
      `/v1/duty-entries/${entry}/payments`,
      customs,
      { id: "late", amountCents: "1", paidOn: "2026-01-30" },
      409,
      "entry_reversed",
    );
  });

  it("Chinese records: an approval and a customs event by their own authority", async () => {
    const { orderId } = await releasable();
    const approval = `MOFCOM-${orderId}`;
    await refused(
      `/v1/import-approvals/${approval}/reversals`,
      api.tokens["cn-customs"],
      { reason: "x" },
      403,
      "forbidden",
    );
    const answer = await call(
      "POST",
      `/v1/import-approvals/${approval}/reversals`,
      api.tokens["cn-authority"],
      {
        reason: "issued to the wrong importer",
      },
    );
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    const records = await call("GET", `/v1/orders/${orderId}/evidence-records`, api.tokens.admin);
    // The importer's approvals of the earlier orders remain; the reversed one is not read.
    expect(((records.body.evidence as Body).cnImportApproval as Body).id).not.toBe(approval);
    await refused(
      "/v1/customs-events/none/reversals",
      api.tokens["cn-customs"],
      { reason: "x" },
      404,
      "not_found",
    );
    // The tables answer to the log: every reversal above replays (sluice audit reconcile).
    const reconciled = await call("GET", "/v1/audit/reconcile", api.tokens.auditor);
    expect(reconciled.body).toMatchObject({ ok: true, differences: [] });
  });
});
