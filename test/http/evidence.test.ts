// The evidence routes over real HTTP on both drivers: a lab registered by the admin, a certificate
// signed with the lab's key accepted and a forged one refused without a trace, a lab reading only
// its own certificates, a duty entry and its payment by customs, prepayment with an
// Idempotency-Key, and a revocation by the US regulator that puts a released shipment back.

import { generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { auditHead, systemAudit } from "../../src/adapters/db/audit.ts";
import { sqlEvidenceContext } from "../../src/adapters/db/evidence/repository.ts";
import { createToken } from "../../src/adapters/db/tokens.ts";
import { EvidenceService } from "../../src/app/evidence/service.ts";
import { ShipmentService } from "../../src/app/shipments/service.ts";
import { shipmentContextOn } from "../../src/compose.ts";
import { capPolicyDefault } from "../../src/core/ledger/cap-policy.ts";
import { exampleJson, sharedEvaluator } from "../support/dossiers.ts";
import { forEachDriver } from "../support/drivers.ts";
import { recordExampleEvidence } from "../support/lab.ts";
import { labBody, sampleOrder, signedCertificate } from "./evidence-samples.ts";
import { type Api, clock, importerParty, labParty, startApi, storeFingerprint } from "./support.ts";

/** The audit appender tests act through: the system, as the seeder and sweeps do. */
const appendAudit = systemAudit("test");

const example = exampleJson("h200-alibaba-approvable.json") as {
  parties: Record<string, { certifications: unknown[] } & Record<string, unknown>>;
  evidence: { labCertificate: Record<string, unknown> };
};
const labKeys = generateKeyPairSync("ed25519");
const otherKeys = generateKeyPairSync("ed25519");

forEachDriver("evidence routes", (env) => {
  let api: Api;
  let shipments: ShipmentService;
  let evidence: EvidenceService;
  let otherLabToken: string;
  let n = 0;

  beforeAll(async () => {
    const context = shipmentContextOn(env.store(), { clock });
    shipments = new ShipmentService(context);
    evidence = new EvidenceService(
      sqlEvidenceContext(env.store(), { evaluator: sharedEvaluator, clock, appendAudit }),
    );
    const { exporter, consignee, endUser } = example.parties;
    await shipments.addParty({ ...exporter, id: "nvidia" });
    const certifications = [...(consignee?.certifications ?? []), ...(endUser?.certifications ?? [])];
    await shipments.addParty({ ...consignee, id: importerParty, certifications });
    await context.ledger.usPost(capPolicyDefault, {
      id: "evidence-us",
      productId: "nvidia-h200-sxm",
      units: 1_000_000n,
      shippedOn: "2026-01-20",
    });
    api = await startApi(env.store(), `evid-${env.driver}`);
    const other = await createToken(env.store(), clock, api.factory, {
      role: "lab",
      label: "test:other-lab",
      partyId: "other-lab",
    });
    otherLabToken = other.secret;
  }, 180_000);
  afterAll(async () => api?.server.close());

  const post = async (path: string, body: unknown, role: keyof Api["tokens"] = "admin", headers = {}) => {
    const response = await api.request(path, { method: "POST", token: api.tokens[role], body, headers });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const planned = async () => {
    const orderId = `ev-ord-${++n}`;
    await shipments.createOrder(sampleOrder(orderId));
    await shipments.apply(orderId, { id: `${orderId}:app` });
    await shipments.grantLicence({
      id: `${orderId}:lic`,
      applicationId: `${orderId}:app`,
      expiresOn: "2027-01-31",
    });
    const id = `ev-shp-${n}`;
    const serials = [{ prefix: `${id}-`, first: 1, last: 10 }];
    await shipments.planShipment({ id, orderId, quantityUnits: 10, serials });
    return { orderId, id, quantityUnits: 10, serials };
  };
  const labRegistered = async (id: string, keys: typeof labKeys) => {
    const result = await evidence.registerLab(labBody(id, keys));
    expect(["created", "exists"]).toContain(result.status);
  };

  it("registers a lab as the admin (a replay is 200, an exporter is refused)", async () => {
    const first = await post("/v1/labs", labBody(labParty, labKeys));
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: "created", labId: labParty });
    const again = await post("/v1/labs", labBody(labParty, labKeys));
    expect(again).toMatchObject({ status: 200, body: { status: "exists" } });
    const renamed = await post("/v1/labs", { ...labBody(labParty, labKeys), name: "Renamed Lab" });
    expect(renamed.status).toBe(409);
    expect(renamed.body.code).toBe("exists_with_different_name");
    expect((await post("/v1/labs", labBody("x-lab"), "exporter")).status).toBe(403);
  });

  it("accepts a certificate signed with the lab's key; refuses a forged one and writes nothing", async () => {
    await labRegistered(labParty, labKeys);
    const shipment = await planned();
    const signed = signedCertificate(`ev-cert-${n}`, labParty, labKeys, shipment, evidence);
    // One byte of the signed document changed: the signature no longer matches.
    const nonce = signed.certificate.nonce;
    const forged = {
      ...signed,
      certificate: {
        ...signed.certificate,
        nonce: `${nonce.slice(0, -1)}${nonce.endsWith("0") ? "1" : "0"}`,
      },
    };
    const before = await storeFingerprint(env.store());
    const chain = (await auditHead(env.store())).seq;
    const refused = await post("/v1/certificates", forged, "lab");
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ status: 409, code: "bad_signature" });
    expect(await storeFingerprint(env.store())).toBe(before);
    expect((await auditHead(env.store())).seq).toBe(chain);

    const accepted = await post("/v1/certificates", signed, "lab");
    expect(accepted.status).toBe(201);
    expect(accepted.body).toMatchObject({
      status: "ok",
      certificateId: signed.certificate.id,
      shipmentId: shipment.id,
    });
    const replay = await post("/v1/certificates", signed, "lab");
    expect(replay).toMatchObject({ status: 200, body: { status: "exists" } });
  });

  it("refuses a certificate with any one character of its signed document changed, writing nothing", async () => {
    await labRegistered(labParty, labKeys);
    const shipment = await planned();
    const signed = signedCertificate(`ev-cert-${n}`, labParty, labKeys, shipment, evidence);
    const document = JSON.stringify(signed.certificate);
    const prefix = '{"certificate":';
    const suffix = `,"signature":${JSON.stringify(signed.signature)}}`;
    const before = await storeFingerprint(env.store());
    const codes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: document.length - 1 }),
        fc.string({ minLength: 1, maxLength: 1 }),
        async (at, replacement) => {
          fc.pre(document[at] !== replacement);
          const text = `${prefix}${document.slice(0, at)}${replacement}${document.slice(at + 1)}${suffix}`;
          const response = await api.request("/v1/certificates", {
            method: "POST",
            token: api.tokens.lab,
            body: text,
          });
          expect(response.status, text.slice(0, 200)).toBeGreaterThanOrEqual(400);
          expect(response.status).toBeLessThan(500);
          expect(response.headers.get("content-type")).toBe("application/problem+json");
          codes.add(((await response.json()) as { code: string }).code);
        },
      ),
      { numRuns: 150, seed: 20260201 },
    );
    expect(codes.has("bad_signature")).toBe(true);
    expect(await storeFingerprint(env.store())).toBe(before);
    expect((await post("/v1/certificates", signed, "lab")).status).toBe(201);
  });

  it("lets a lab read its own certificates only, and submit only its own", async () => {
    await labRegistered(labParty, labKeys);
    await labRegistered("other-lab", otherKeys);
    const shipment = await planned();
    const signed = signedCertificate(`ev-cert-${n}`, labParty, labKeys, shipment, evidence);
    expect((await evidence.submitCertificate(signed)).status).toBe("ok");
    const path = `/v1/certificates/${signed.certificate.id}`;
    const own = await api.request(path, { token: api.tokens.lab });
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ id: signed.certificate.id, labId: labParty, status: "ok" });
    const foreign = await api.request(path, { token: otherLabToken });
    expect(foreign.status).toBe(404);
    expect((await api.request(path, { token: api.tokens.auditor })).status).toBe(200);
    expect((await api.request(path, { token: api.tokens.importer })).status).toBe(403);

    const another = await planned();
    const theirs = signedCertificate(`ev-cert-${n}`, "other-lab", otherKeys, another, evidence);
    const before = await storeFingerprint(env.store());
    expect((await post("/v1/certificates", theirs, "lab")).status).toBe(404);
    expect(await storeFingerprint(env.store())).toBe(before);
  });

  it("records a duty entry and its payment as customs; an overpayment is refused", async () => {
    const shipment = await planned();
    const entry = {
      id: `ev-entry-${n}`,
      shipmentId: shipment.id,
      enteredOn: "2026-01-30",
      htsCode: "8471.50",
      enteredValueCents: "27000000",
    };
    expect((await post("/v1/duty-entries", entry, "exporter")).status).toBe(403);
    const entered = await post("/v1/duty-entries", entry, "us-customs");
    expect(entered).toMatchObject({
      status: 201,
      body: { status: "created", band: 1, dutyOwedCents: "6750000" },
    });
    const paid = await post(
      `/v1/duty-entries/${entry.id}/payments`,
      {
        id: `${entry.id}:pay`,
        amountCents: "6750000",
        paidOn: "2026-01-31",
      },
      "us-customs",
    );
    expect(paid).toMatchObject({
      status: 201,
      body: { status: "created", entryId: entry.id, dutyPaidCents: "6750000" },
    });
    const before = await storeFingerprint(env.store());
    const over = await post(
      `/v1/duty-entries/${entry.id}/payments`,
      {
        id: `${entry.id}:pay2`,
        amountCents: "1",
        paidOn: "2026-01-31",
      },
      "us-customs",
    );
    expect(over).toMatchObject({ status: 409, body: { code: "exceeds_duty_owed" } });
    const bad = await post("/v1/duty-entries", { ...entry, id: "ev-bad", htsCode: "84" }, "us-customs");
    expect(bad.status).toBe(400);
    expect(await storeFingerprint(env.store())).toBe(before);
    const view = await api.request(
      `/v1/orders/${shipment.orderId}/evidence-records?shipment=${shipment.id}`,
      {
        token: api.tokens.auditor,
      },
    );
    expect(await view.json()).toMatchObject({
      orderId: shipment.orderId,
      evidence: { dutyEntry: { id: entry.id, dutyPaidCents: "6750000", enteredValueCents: "27000000" } },
    });
  });

  it("records a payment with an Idempotency-Key: the same request replays, to the cent", async () => {
    const { orderId } = await planned();
    const headers = { "idempotency-key": `pay-${orderId}` };
    const body = { id: `${orderId}:pay`, orderId, amountCents: "27000000.01", paidOn: "2026-02-01" };
    expect((await post("/v1/payments", body, "exporter", headers)).status).toBe(400);
    const valid = { ...body, amountCents: "27000000" };
    const first = await post("/v1/payments", valid, "exporter", headers);
    expect(first).toMatchObject({ status: 201, body: { status: "created", paymentId: valid.id } });
    const again = await api.request("/v1/payments", {
      method: "POST",
      token: api.tokens.exporter,
      body: valid,
      headers,
    });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual(first.body);
    const view = await api.request(`/v1/orders/${orderId}/evidence-records`, { token: api.tokens.exporter });
    expect(((await view.json()) as { evidence: { payment: unknown } }).evidence.payment).toBeDefined();
  });

  it("records an import approval as the Chinese authority; refuses a customs event on a lot not shipped", async () => {
    const shipment = await planned();
    const approval = {
      id: `ev-appr-${n}`,
      importerId: importerParty,
      importer: "Alibaba Cloud Computing Co., Ltd.",
      authority: "MOFCOM",
      approvedOn: "2026-01-28",
      validFrom: "2026-01-28",
      validTo: "2026-12-31",
      approvedUnits: 500,
      purpose: "commercial-cloud",
    };
    expect((await post("/v1/import-approvals", approval, "cn-customs")).status).toBe(403);
    expect(await post("/v1/import-approvals", approval, "cn-authority")).toMatchObject({
      status: 201,
      body: { status: "created", approvalId: approval.id },
    });
    const changed = await post("/v1/import-approvals", { ...approval, approvedUnits: 600 }, "cn-authority");
    expect(changed).toMatchObject({ status: 409, body: { code: "exists_with_different_approved_units" } });
    const before = await storeFingerprint(env.store());
    const event = { id: `ev-cust-${n}`, shipmentId: shipment.id, kind: "cleared", on: "2026-02-01" };
    expect(await post("/v1/customs-events", event, "cn-customs")).toMatchObject({
      status: 409,
      body: { code: "shipment_not_shipped" },
    });
    const rejected = await post("/v1/customs-events", { ...event, kind: "rejected" }, "cn-customs");
    expect(rejected).toMatchObject({ status: 400, body: { code: "invalid_request" } });
    expect(await storeFingerprint(env.store())).toBe(before);
    const view = await api.request(`/v1/orders/${shipment.orderId}/evidence-records`, {
      token: api.tokens["cn-authority"],
    });
    const { evidence: records } = (await view.json()) as { evidence: Record<string, { id: string }> };
    expect(records.cnImportApproval?.id).toBeDefined();
    const elsewhere = await api.request(`/v1/orders/${shipment.orderId}/evidence-records?shipment=no-such`, {
      token: api.tokens.auditor,
    });
    expect(elsewhere.status).toBe(404);
  });

  it("refuses a lab certificate put as an evidence document (400, pointing to POST /v1/certificates), writing nothing", async () => {
    const shipment = await planned();
    const forged = { ...example.evidence.labCertificate, shipmentId: shipment.id, signatureVerified: true };
    const before = await storeFingerprint(env.store());
    const response = await api.request(`/v1/shipments/${shipment.id}/evidence`, {
      method: "PUT",
      token: api.tokens.admin,
      body: { labCertificate: forged },
      headers: { "if-match": "*" },
    });
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { code: string; detail: string };
    expect(problem.code).toBe("evidence_not_yours");
    expect(problem.detail).toMatch(/at `labCertificate`: .*POST \/v1\/certificates/);
    expect(await storeFingerprint(env.store())).toBe(before);
  });

  it("reverts a released shipment relying on a lab the US regulator revokes", async () => {
    const labId = "revoked-lab";
    const keys = generateKeyPairSync("ed25519");
    await labRegistered(labId, keys);
    const shipment = await planned();
    const signed = signedCertificate(`ev-cert-${n}`, labId, keys, shipment, evidence);
    expect((await evidence.submitCertificate(signed)).status).toBe("ok");
    await recordExampleEvidence(
      sqlEvidenceContext(env.store(), { evaluator: sharedEvaluator, clock, appendAudit }),
      shipment.orderId,
      [shipment.id],
    );
    const released = await shipments.release(shipment.id, {});
    expect(released.status).toBe("released");

    const revocation = { reason: "falsified test records", revokedOn: "2026-02-01" };
    expect((await post(`/v1/labs/${labId}/revoke`, revocation, "exporter")).status).toBe(403);
    const revoked = await post(`/v1/labs/${labId}/revoke`, revocation, "us-regulator");
    expect(revoked).toMatchObject({
      status: 201,
      body: { status: "revoked", labId, certificatesRevoked: 1, reverted: [shipment.id] },
    });
    const after = await evidence.shipment(shipment.id);
    expect(after?.status).toBe("planned");
    const certificate = await api.request(`/v1/certificates/${signed.certificate.id}`);
    expect(((await certificate.json()) as { status: string }).status).toBe("lab_revoked");
    expect((await post("/v1/labs/no-such-lab/revoke", revocation, "us-regulator")).status).toBe(404);
  });
});
