// Sample requests for the evidence routes in the route × role matrix. Each call builds what its
// request needs (a fresh order, shipment, lab, duty entry or certificate) through the use cases,
// so every allowed role gets a request that can succeed. The sample lab is `us-test-lab`, the lab
// token's party, so a lab token sees the certificates it reads here.

import { generateKeyPairSync, type KeyObject, randomBytes } from "node:crypto";
import { systemAudit } from "../../src/adapters/db/audit.ts";
import { sqlEvidenceContext } from "../../src/adapters/db/evidence/repository.ts";
import type { Store } from "../../src/adapters/db/store.ts";
import { EvidenceService } from "../../src/app/evidence/service.ts";
import { ShipmentService } from "../../src/app/shipments/service.ts";
import { shipmentContextOn } from "../../src/compose.ts";
import { keyIdOf, signCertificate } from "../../src/core/evidence/certificate.ts";
import { draftCertificate } from "../../src/core/evidence/issue.ts";
import { labTestFailureFormat, signLabTestFailure } from "../../src/core/lab-tests/failure.ts";
import { capPolicyDefault } from "../../src/core/ledger/cap-policy.ts";
import type { SerialRange } from "../../src/core/shipments/model.ts";
import { exampleJson, sharedEvaluator } from "../support/dossiers.ts";
import { recordExampleEvidence } from "../support/lab.ts";
import { clock, importerParty, labParty } from "./support.ts";

/** The audit appender tests act through: the system, as the seeder and sweeps do. */
const appendAudit = systemAudit("test");

type Sample = () => Promise<{ path: string; body?: unknown; headers?: Record<string, string> }>;

const example = exampleJson("h200-alibaba-approvable.json") as {
  parties: Record<string, { certifications: unknown[] } & Record<string, unknown>>;
  evidence: Record<string, unknown>;
};
const pem = (key: KeyObject) => key.export({ type: "spki", format: "pem" }).toString();

/** A lab registration body with a fresh key pair (or the one given). */
export const labBody = (id: string, keys = generateKeyPairSync("ed25519")) => ({
  id,
  name: `${id} Test Laboratory`,
  headquartersCountry: "US",
  publicKey: pem(keys.publicKey),
  qualifiedFrom: "2026-01-15",
});

/** A certificate of `shipment` by `labId`, signed with `keys` (measured as an H200). */
export function signedCertificate(
  id: string,
  labId: string,
  keys: { publicKey: KeyObject; privateKey: KeyObject },
  shipment: { id: string; quantityUnits: number; serials: SerialRange[] },
  evidence: EvidenceService,
) {
  const testedOn = "2026-01-29";
  const body = draftCertificate({
    id,
    labId,
    keyId: keyIdOf(keys.publicKey),
    shipment: { ...shipment, productId: "nvidia-h200-sxm" },
    nonce: randomBytes(16).toString("hex"),
    testCountry: "US",
    testedOn,
    measured: { denseTops: { fp8: 1979, fp16: 989.5 }, dramBandwidthGBs: 4800 },
    plan: evidence.certificateRules(testedOn).samplingPlan,
  });
  return signCertificate(body, keys.privateKey);
}

/** A failed test of the shipment's first two serials, signed by the lab. */
export function labTestFailureFor(
  id: string,
  labId: string,
  keys: { publicKey: KeyObject; privateKey: KeyObject },
  shipment: { id: string; serials: SerialRange[] },
) {
  const range = shipment.serials[0];
  if (!range) throw new Error(`shipment ${shipment.id} has no serials`);
  const serials = [range.first, Math.min(range.first + 1, range.last)].map((n) => `${range.prefix}${n}`);
  return signLabTestFailure(
    {
      format: labTestFailureFormat,
      id,
      labId,
      keyId: keyIdOf(keys.publicKey),
      shipmentId: shipment.id,
      testedOn: "2026-01-29",
      sampledSerials: serials,
      failedSerials: serials.slice(0, 1),
      checks: ["performance_over_declared"],
      reason: "dense FP8 measured 2,150 TOPS, over the 1,979 declared",
    },
    keys.privateKey,
  );
}

export const sampleOrder = (id: string) => ({
  id,
  productId: "nvidia-h200-sxm",
  quantityUnits: 10,
  valueCents: "27000000",
  exporterId: "nvidia",
  consigneeId: importerParty,
  endUserId: importerParty,
  route: { origin: "TW", exportFrom: "US", destination: "CN" },
  endUse: { purpose: "commercial-cloud" },
  usShippedUnits: 1000,
});

/** `labKeys`: the sample lab's key pair (the custody samples sign device keys with the same lab). */
export function evidenceSamples(
  store: () => Store,
  labKeys: { publicKey: KeyObject; privateKey: KeyObject } = generateKeyPairSync("ed25519"),
): Record<string, Sample> {
  let counter = 0;
  let ready: Promise<{ shipments: ShipmentService; evidence: EvidenceService }> | undefined;
  let readyFor: Store | undefined;
  const next = (prefix: string) => `${prefix}-${++counter}`;
  const services = () => {
    if (readyFor !== store()) ready = undefined;
    readyFor = store();
    ready ??= (async () => {
      const context = shipmentContextOn(store(), { clock });
      const shipments = new ShipmentService(context);
      const evidence = new EvidenceService(
        sqlEvidenceContext(store(), { evaluator: sharedEvaluator, clock, appendAudit }),
      );
      const { exporter, consignee, endUser } = example.parties;
      await shipments.addParty({ ...exporter, id: "nvidia" });
      const certifications = [...(consignee?.certifications ?? []), ...(endUser?.certifications ?? [])];
      await shipments.addParty({ ...consignee, id: importerParty, certifications });
      await context.ledger.usPost(capPolicyDefault, {
        id: "matrix-evidence-us",
        productId: "nvidia-h200-sxm",
        units: 1_000_000n,
        shippedOn: "2026-01-20",
      });
      await evidence.registerLab(labBody(labParty, labKeys));
      return { shipments, evidence };
    })();
    return ready;
  };
  const evidenceContext = () =>
    sqlEvidenceContext(store(), { evaluator: sharedEvaluator, clock, appendAudit });
  const newOrder = async () => {
    const id = next("e-ord");
    await (await services()).shipments.createOrder(sampleOrder(id));
    return id;
  };
  const planned = async () => {
    const { shipments } = await services();
    const orderId = await newOrder();
    await shipments.apply(orderId, { id: `${orderId}:app` });
    await shipments.grantLicence({
      id: `${orderId}:lic`,
      applicationId: `${orderId}:app`,
      expiresOn: "2027-01-31",
    });
    const id = next("e-shp");
    const serials = [{ prefix: `${id}-`, first: 1, last: 10 }];
    await shipments.planShipment({ id, orderId, quantityUnits: 10, serials });
    return { orderId, id, quantityUnits: 10, serials };
  };
  const shipped = async () => {
    const shipment = await planned();
    const { shipments, evidence } = await services();
    await recordExampleEvidence(evidenceContext(), shipment.orderId, [shipment.id]);
    const certificate = signedCertificate(next("e-cert"), labParty, labKeys, shipment, evidence);
    const submitted = await evidence.submitCertificate(certificate);
    if (submitted.status !== "ok") throw new Error(`sample certificate: ${submitted.status}`);
    const result = await shipments.release(shipment.id, {});
    if (result.status !== "released")
      throw new Error(`sample release: ${JSON.stringify(result).slice(0, 1500)}`);
    await shipments.ship(shipment.id, {});
    return shipment.id;
  };
  const certificateFor = async () => {
    const shipment = await planned();
    return signedCertificate(next("e-cert"), labParty, labKeys, shipment, (await services()).evidence);
  };
  const dutyEntry = async () => {
    const shipment = await planned();
    const id = next("e-entry");
    const result = await (await services()).evidence.recordDutyEntry({
      id,
      shipmentId: shipment.id,
      enteredOn: "2026-01-30",
      htsCode: "8471.50",
      enteredValueCents: "27000000",
    });
    if (result.dutyOwedCents <= 0n) throw new Error("sample duty entry owes no duty");
    return id;
  };

  /** An order of the importer's party with its paid cash forfeited. */
  const forfeited = async () => {
    const orderId = await newOrder();
    const { evidence } = await services();
    await evidence.pay({ id: next("e-pay"), orderId, amountCents: "27000000", paidOn: "2026-02-01" });
    const result = await evidence.forfeit(orderId, "licence-revoked", { on: "2026-02-02" });
    if (result.status !== "forfeited") throw new Error(`sample forfeiture: ${result.status}`);
    return orderId;
  };

  const approvalBody = {
    importerId: importerParty,
    importer: "Alibaba Cloud Computing Co., Ltd.",
    authority: "MOFCOM",
    approvedOn: "2026-01-28",
    validFrom: "2026-01-28",
    validTo: "2026-12-31",
    approvedUnits: 150000,
    purpose: "commercial-cloud",
  };
  const reversal = { reason: "recorded by mistake (matrix sample)" };

  return {
    "post /v1/labs": async () => ({ path: "/v1/labs", body: labBody(next("e-lab")) }),
    "post /v1/labs/{id}/revoke": async () => {
      const id = next("e-lab");
      await (await services()).evidence.registerLab(labBody(id));
      return { path: `/v1/labs/${id}/revoke`, body: { reason: "matrix sample", revokedOn: "2026-02-01" } };
    },
    "get /v1/labs/{id}": async () => {
      await services();
      return { path: `/v1/labs/${labParty}` };
    },
    "post /v1/certificates": async () => ({ path: "/v1/certificates", body: await certificateFor() }),
    // issue #18: a failed test of a lot, signed by the lab like a certificate.
    "post /v1/lab-test-failures": async () => ({
      path: "/v1/lab-test-failures",
      body: labTestFailureFor(next("e-fail"), labParty, labKeys, await planned()),
    }),
    "get /v1/certificates/{id}": async () => {
      const signed = await certificateFor();
      const result = await (await services()).evidence.submitCertificate(signed);
      if (result.status !== "ok") throw new Error(`sample certificate: ${result.status} ${result.detail}`);
      return { path: `/v1/certificates/${signed.certificate.id}` };
    },
    "post /v1/duty-entries": async () => ({
      path: "/v1/duty-entries",
      body: {
        id: next("e-entry"),
        shipmentId: (await planned()).id,
        enteredOn: "2026-01-30",
        htsCode: "8471.50",
        enteredValueCents: "27000000",
      },
    }),
    "post /v1/duty-entries/{id}/payments": async () => ({
      path: `/v1/duty-entries/${await dutyEntry()}/payments`,
      body: { id: next("e-duty-pay"), amountCents: "100000", paidOn: "2026-01-31" },
    }),
    "post /v1/invoices": async () => ({
      path: "/v1/invoices",
      body: { id: next("e-inv"), orderId: await newOrder(), amountCents: "27000000", issuedOn: "2026-02-01" },
    }),
    "post /v1/payments": async () => ({
      path: "/v1/payments",
      body: { id: next("e-pay"), orderId: await newOrder(), amountCents: "27000000", paidOn: "2026-02-01" },
    }),
    "post /v1/orders/{id}/forfeitures": async () => {
      const orderId = await newOrder();
      const { evidence } = await services();
      await evidence.pay({ id: next("e-pay"), orderId, amountCents: "27000000", paidOn: "2026-02-01" });
      return {
        path: `/v1/orders/${orderId}/forfeitures`,
        body: { reason: "licence-revoked", id: next("e-forf") },
      };
    },
    "post /v1/import-approvals": async () => {
      await services();
      return { path: "/v1/import-approvals", body: { ...approvalBody, id: next("e-appr") } };
    },
    "post /v1/domestic-purchases": async () => {
      await services();
      return {
        path: "/v1/domestic-purchases",
        body: {
          id: next("e-dom"),
          importerId: importerParty,
          vendor: "huawei-ascend",
          product: "Ascend 910C",
          units: 50,
          purchasedOn: "2026-01-25",
        },
      };
    },
    "post /v1/customs-events": async () => ({
      path: "/v1/customs-events",
      body: { id: next("e-cust"), shipmentId: await shipped(), kind: "cleared", on: "2026-02-01" },
    }),
    // Reversals (#13): each of a fresh record, recorded by the system, so its authority reverses it.
    "post /v1/payments/{id}/reversals": async () => {
      const orderId = await newOrder();
      const id = next("e-pay");
      await (await services()).evidence.pay({ id, orderId, amountCents: "1000", paidOn: "2026-02-01" });
      return { path: `/v1/payments/${id}/reversals`, body: reversal };
    },
    "post /v1/invoices/{id}/reversals": async () => {
      const orderId = await newOrder();
      const id = next("e-inv");
      await (await services()).evidence.invoice({ id, orderId, amountCents: "1000", issuedOn: "2026-02-01" });
      return { path: `/v1/invoices/${id}/reversals`, body: reversal };
    },
    "post /v1/duty-entries/{id}/reversals": async () => ({
      path: `/v1/duty-entries/${await dutyEntry()}/reversals`,
      body: reversal,
    }),
    "post /v1/duty-payments/{id}/reversals": async () => {
      const entryId = await dutyEntry();
      const id = next("e-duty-pay");
      await (await services()).evidence.payDuty({ id, entryId, amountCents: "100000", paidOn: "2026-01-31" });
      return { path: `/v1/duty-payments/${id}/reversals`, body: reversal };
    },
    "post /v1/import-approvals/{id}/reversals": async () => {
      const id = next("e-appr");
      await (await services()).evidence.recordImportApproval({ ...approvalBody, id });
      return { path: `/v1/import-approvals/${id}/reversals`, body: reversal };
    },
    "post /v1/customs-events/{id}/reversals": async () => {
      const id = next("e-cust");
      const shipmentId = await shipped();
      await (await services()).evidence.recordCustomsEvent({
        id,
        shipmentId,
        kind: "cleared",
        on: "2026-02-01",
      });
      return { path: `/v1/customs-events/${id}/reversals`, body: reversal };
    },
    "get /v1/orders/{id}/evidence-records": async () => ({
      path: `/v1/orders/${await newOrder()}/evidence-records`,
    }),
    "get /v1/duty/totals": async () => {
      await dutyEntry();
      return { path: "/v1/duty/totals?from=2026-01-01&to=2026-03-31&by=month" };
    },
    "get /v1/forfeitures": async () => ({ path: `/v1/forfeitures?order=${await forfeited()}&limit=5` }),
    "get /v1/orders/{id}/forfeitures": async () => ({ path: `/v1/orders/${await forfeited()}/forfeitures` }),
  };
}
