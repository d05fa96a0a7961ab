// The evidence records over HTTP, each for its role: labs registered and revoked (a revocation puts
// the released shipments relying on it back to planned through the shipment path), signed lab
// certificates (a lab submits and reads its own only), Chinese import approvals, domestic purchases,
// customs events, and an order's evidence section as built from these records; the money records
// (duty, invoices, payments, forfeitures) are in evidence-payments.ts, the reports in
// evidence-reports.ts. Bodies are validated by the use cases' own schemas (the route checks them for
// the 400 and the docs; the raw body goes to the use case so money turns into bigints once). A write
// answers 201 created or 200 exists; a replay with other fields, or a refusal, is a problem whose
// `code` is the use case's status and changes nothing. The evidence use cases (AppDeps.evidence,
// wired by src/compose.ts) commit their own unit of work, so the Idempotency-Key response is
// recorded after it (by the middleware; the key is claimed before, so a second request with it does
// not run). GET of a lab answers its ETag; a revocation takes If-Match optionally and answers the
// new ETag.
import { z } from "@hono/zod-openapi";
import type { SubmitResult } from "../../../app/evidence/service.ts";
import { notFound, quote, SluiceError } from "../../../core/errors.ts";
import {
  approvalInputSchema,
  customsEventInputSchema,
  domesticPurchaseInputSchema,
} from "../../../core/evidence/approvals.ts";
import { readCertificate } from "../../../core/evidence/checks.ts";
import { labInputSchema, labRevocationSchema } from "../../../core/evidence/labs.ts";
import { authorizeObject } from "../auth.ts";
import type { AppServices } from "../context.ts";
import { etagOf, ifMatchVersion } from "../etag.ts";
import { sendJson } from "../json.ts";
import { orderResource, requireOwnParty, requireVisibleOrder, requireVisibleShipment } from "../ownership.ts";
import { anyObject, body, idParams, ifMatchHeaders } from "./define.ts";
import { registerDutyAndPayments, registerForfeit } from "./evidence-payments.ts";
import { registerEvidenceReports } from "./evidence-reports.ts";
import {
  certificateSchema,
  evidenceRecordsSchema,
  evidenceWriteSchema,
  labSchema,
} from "./evidence-responses.ts";
import { answer, plain, route, servicesOf } from "./evidence-route.ts";
import type { Api, RouteModule } from "./types.ts";

function registerLabs(api: Api, app: AppServices): void {
  api.openapi(
    route(
      "post",
      "/v1/labs",
      "labs.write",
      "register a qualified lab with its Ed25519 public key",
      {
        ...body(labInputSchema),
      },
      evidenceWriteSchema,
    ),
    async (c) => {
      const result = await servicesOf(app, c).evidence.registerLab(await c.req.json());
      return answer(c, `lab ${quote(result.labId)}`, result);
    },
  );
  api.openapi(
    route(
      "post",
      "/v1/labs/{id}/revoke",
      "labs.write",
      "revoke a lab: its certificates on unshipped lots lapse and releases relying on it are reverted (If-Match optional)",
      {
        params: idParams,
        headers: ifMatchHeaders(false),
        ...body(labRevocationSchema.omit({ labId: true })),
      },
      evidenceWriteSchema,
    ),
    async (c) => {
      const { id } = c.req.valid("param");
      const { evidence, shipments } = servicesOf(app, c);
      const raw = (await c.req.json()) as Record<string, unknown>;
      const ifVersion = ifMatchVersion(c, { required: false });
      const result = await evidence.revokeLab(
        { ...raw, labId: id },
        (shipmentId, reason) => shipments.revertRelease(shipmentId, { reason }),
        ifVersion,
      );
      // A revocation is the one change of a lab row, so the version read now is the one it made.
      const lab = await evidence.lab(id);
      const headers: Record<string, string> = lab ? { etag: etagOf(lab.version) } : {};
      return answer(c, `revocation of lab ${quote(id)}`, { labId: id, ...result }, headers);
    },
  );
  api.openapi(
    route(
      "get",
      "/v1/labs/{id}",
      "certificates.read",
      "one registered lab with its key, qualification and revocation, and its ETag (a lab sees itself)",
      { params: idParams },
      labSchema,
    ),
    async (c) => {
      const { id } = c.req.valid("param");
      const lab = await servicesOf(app, c).evidence.lab(id);
      if (!lab) throw notFound(`lab ${quote(id)}`);
      authorizeObject(
        c.get("principal"),
        "certificates.read",
        // The lab registry is a directory the exporter reads too (#13); a lab sees only itself.
        { parties: { lab: lab.id }, directoryEntry: true },
        `lab ${quote(id)}`,
      );
      return sendJson(c, lab, 200, { etag: etagOf(lab.version) });
    },
  );
}

/** ok and exists succeed; malformed is bad input; any other check status is a 409 problem. */
function certificateRefusal(result: SubmitResult): SluiceError {
  const what = result.certificateId ? `certificate ${quote(result.certificateId)}` : "certificate";
  const kind = result.status === "malformed" ? "bad_input" : "conflict";
  return new SluiceError(kind, what, `${result.status}: ${result.detail}`, result.status);
}

function registerCertificates(api: Api, app: AppServices): void {
  api.openapi(
    route(
      "post",
      "/v1/certificates",
      "certificates.write",
      "submit a signed lab certificate (as `sluice lab certify` prints it); a lab submits its own only",
      { ...body(anyObject) },
      evidenceWriteSchema,
    ),
    async (c) => {
      const input: unknown = await c.req.json();
      const read = readCertificate(input);
      if (read.status === "ok") {
        const labId = read.signed.certificate.labId;
        authorizeObject(
          c.get("principal"),
          "certificates.write",
          { parties: { lab: labId } },
          `lab ${quote(labId)}`,
        );
      }
      const result = await servicesOf(app, c).evidence.submitCertificate(input);
      if (result.status !== "ok" && result.status !== "exists") throw certificateRefusal(result);
      return sendJson(c, plain(result), result.status === "ok" ? 201 : 200);
    },
  );
  api.openapi(
    route(
      "get",
      "/v1/certificates/{id}",
      "certificates.read",
      "one certificate on file (a lab sees its own)",
      {
        params: idParams,
      },
      certificateSchema,
    ),
    async (c) => {
      const { id } = c.req.valid("param");
      const found = await servicesOf(app, c).evidence.certificate(id);
      if (!found) throw notFound(`certificate ${quote(id)}`);
      const { certificate, order } = found;
      // Its lab, and the parties of the order its lot belongs to (an exporter reads its own, #13).
      const onOrder = order ? orderResource(order) : { parties: {} };
      const resource = { ...onOrder, parties: { ...onOrder.parties, lab: certificate.labId } };
      authorizeObject(c.get("principal"), "certificates.read", resource, `certificate ${quote(id)}`);
      return sendJson(c, certificate);
    },
  );
}

function registerChina(api: Api, app: AppServices): void {
  api.openapi(
    route(
      "post",
      "/v1/import-approvals",
      "approvals.write",
      "record a Chinese import approval",
      {
        ...body(approvalInputSchema),
      },
      evidenceWriteSchema,
    ),
    async (c) => {
      const result = await servicesOf(app, c).evidence.recordImportApproval(await c.req.json());
      return answer(c, `import approval ${quote(result.approvalId)}`, result);
    },
  );
  api.openapi(
    route(
      "post",
      "/v1/domestic-purchases",
      "purchases.write",
      "record an importer's purchase of domestic chips",
      { ...body(domesticPurchaseInputSchema) },
      evidenceWriteSchema,
    ),
    async (c) => {
      const input = (await c.req.json()) as { importerId?: unknown };
      requireOwnParty(c.get("principal"), input.importerId, "domestic purchase at `importerId`");
      const result = await servicesOf(app, c).evidence.recordDomesticPurchase(input);
      return answer(c, `domestic purchase ${quote(result.purchaseId)}`, result);
    },
  );
  api.openapi(
    route(
      "post",
      "/v1/customs-events",
      "customs.write",
      "record customs clearance or rejection of a shipped lot",
      {
        ...body(customsEventInputSchema),
      },
      evidenceWriteSchema,
    ),
    async (c) => {
      const input = (await c.req.json()) as { shipmentId?: unknown };
      await requireVisibleShipment(
        app.ownership,
        c.get("principal"),
        "customs.write",
        input.shipmentId,
        "customs event",
      );
      const result = await servicesOf(app, c).evidence.recordCustomsEvent(input);
      return answer(c, `customs event ${quote(result.eventId)}`, result);
    },
  );
}

function registerView(api: Api, app: AppServices): void {
  api.openapi(
    route(
      "get",
      "/v1/orders/{id}/evidence-records",
      "evidence.read",
      "an order's evidence section as built from the records (optionally for one of its shipments)",
      { params: idParams, query: z.object({ shipment: z.string().min(1).max(128).optional() }) },
      evidenceRecordsSchema,
    ),
    async (c) => {
      const { id } = c.req.valid("param");
      const { shipment } = c.req.valid("query");
      await requireVisibleOrder(app.ownership, c.get("principal"), "evidence.read", id, "evidence");
      if (shipment !== undefined) {
        const found = await servicesOf(app, c).evidence.shipment(shipment);
        if (found?.orderId !== id) throw notFound(`shipment ${quote(shipment)} of order ${quote(id)}`);
      }
      const evidence = await servicesOf(app, c).evidence.view(id, shipment ?? null);
      return sendJson(c, { orderId: id, shipmentId: shipment ?? null, evidence: plain(evidence) });
    },
  );
}

export const registerEvidence: RouteModule = (api, app) => {
  registerLabs(api, app);
  registerCertificates(api, app);
  registerDutyAndPayments(api, app);
  registerForfeit(api, app);
  registerChina(api, app);
  registerView(api, app);
  registerEvidenceReports(api, app);
};
