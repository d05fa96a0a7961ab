// The evidence records over HTTP, each for its role: labs registered and revoked (a revocation puts
// the released shipments relying on the lab back to planned through the shipment path), signed lab
// certificates (a lab submits and reads its own only), Section 232 entries and duty payments,
// invoices and payments, Chinese import approvals, domestic purchases, customs events, and an
// order's evidence section as built from these records, and forfeiting an order's paid cash by hand
// (a recorded denial forfeits by itself). Bodies are validated by the use cases'
// own schemas (the route checks them for the 400 and the docs; the raw body goes to the use case so
// money turns into bigints once). A write answers 201 created or 200 exists; a replay with other
// fields, or a refusal, is a problem whose `code` is the use case's status and changes nothing.
// The evidence use cases (AppDeps.evidence, wired by src/compose.ts) commit their own unit of work,
// so the Idempotency-Key response is recorded after it (by the middleware; the key is claimed
// before, so a second request with it does not run). GET of
// a lab answers its ETag; a revocation takes If-Match optionally and answers the new ETag.
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { SubmitResult } from "../../../app/evidence/service.ts";
import { ShipmentService } from "../../../app/shipments/service.ts";
import { badInput, notFound, quote, SluiceError } from "../../../core/errors.ts";
import {
  approvalInputSchema,
  customsEventInputSchema,
  domesticPurchaseInputSchema,
} from "../../../core/evidence/approvals.ts";
import { readCertificate } from "../../../core/evidence/checks.ts";
import { dutyEntryInputSchema, dutyPaymentInputSchema } from "../../../core/evidence/duty.ts";
import { idSchema } from "../../../core/evidence/ids.ts";
import { labInputSchema, labRevocationSchema } from "../../../core/evidence/labs.ts";
import { invoiceInputSchema, paymentInputSchema } from "../../../core/evidence/payments.ts";
import { isoDateSchema } from "../../../core/shared.ts";
import { actorOf } from "../actor.ts";
import { authorizeObject } from "../auth.ts";
import type { AppEnv, AppServices } from "../context.ts";
import { etagOf, ifMatchVersion } from "../etag.ts";
import { sendJson } from "../json.ts";
import { orderResource, requireOwnParty, requireVisibleOrder, requireVisibleShipment } from "../ownership.ts";
import { anyObject, body, idParams, ifMatchHeaders } from "./define.ts";
import { registerEvidenceReports } from "./evidence-reports.ts";
import {
  certificateSchema,
  evidenceRecordsSchema,
  evidenceWriteSchema,
  labSchema,
} from "./evidence-responses.ts";
import { plain, route } from "./evidence-route.ts";
import type { Api, RouteModule } from "./types.ts";

/**
 * The use cases for this request: every audit entry they write names the request's principal,
 * route and request id (issue #13). Both are the ports src/compose.ts built.
 */
function servicesOf(app: AppServices, c: Context<AppEnv>) {
  const actor = actorOf(c);
  return { evidence: app.evidence(actor), shipments: new ShipmentService(app.shipments(actor)) };
}

/** A status that is neither created nor a plain replay: a 409 problem coded by the status. */
const refused = (what: string, status: string, why = status.replaceAll("_", " ")) =>
  new SluiceError("conflict", what, why, status);

/**
 * Answers a write: created → 201, exists → 200, anything else → a 409 problem (nothing written,
 * nothing recorded). The idempotency middleware records the answer under the request's key.
 */
async function answer<R extends { status: string }>(
  c: Context<AppEnv>,
  what: string,
  result: R,
  headers: Record<string, string> = {},
) {
  if (result.status !== "created" && result.status !== "exists" && result.status !== "revoked")
    throw refused(what, result.status);
  const status = result.status === "exists" ? 200 : 201;
  return sendJson(c, plain(result), status, headers);
}

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

function registerDutyAndPayments(api: Api, app: AppServices): void {
  api.openapi(
    route(
      "post",
      "/v1/duty-entries",
      "duty.write",
      "record a lot's US entry under Section 232 (band from the product, duty at the rate in force)",
      { ...body(dutyEntryInputSchema) },
      evidenceWriteSchema,
    ),
    async (c) => {
      const result = await servicesOf(app, c).evidence.recordDutyEntry(await c.req.json());
      return answer(c, `duty entry ${quote(result.entryId)}`, result);
    },
  );
  api.openapi(
    route(
      "post",
      "/v1/duty-entries/{id}/payments",
      "duty.write",
      "record a payment of an entry's duty",
      {
        params: idParams,
        ...body(dutyPaymentInputSchema.omit({ entryId: true })),
      },
      evidenceWriteSchema,
    ),
    async (c) => {
      const { id } = c.req.valid("param");
      const raw = (await c.req.json()) as Record<string, unknown>;
      const result = await servicesOf(app, c).evidence.payDuty({ ...raw, entryId: id });
      return answer(c, `duty payment ${quote(result.paymentId)}`, { entryId: id, ...result });
    },
  );
  api.openapi(
    route(
      "post",
      "/v1/invoices",
      "payments.write",
      "record the invoice of an order",
      {
        ...body(invoiceInputSchema),
      },
      evidenceWriteSchema,
    ),
    async (c) => {
      const input = (await c.req.json()) as { orderId?: unknown };
      await requireVisibleOrder(
        app.ownership,
        c.get("principal"),
        "payments.write",
        input.orderId,
        "invoice",
      );
      const result = await servicesOf(app, c).evidence.invoice(input);
      return answer(c, `invoice ${quote(result.invoiceId)}`, result);
    },
  );
  api.openapi(
    route(
      "post",
      "/v1/payments",
      "payments.write",
      "record a payment (or collateral, insurance) on an order",
      {
        ...body(paymentInputSchema),
      },
      evidenceWriteSchema,
    ),
    async (c) => {
      const input = (await c.req.json()) as { orderId?: unknown };
      await requireVisibleOrder(
        app.ownership,
        c.get("principal"),
        "payments.write",
        input.orderId,
        "payment",
      );
      const result = await servicesOf(app, c).evidence.pay(input);
      return answer(c, `payment ${quote(result.paymentId)}`, result);
    },
  );
}

/** A forfeiture by hand: the reason (free text is kind `other`), an optional id and day (default today). */
export const forfeitureInputSchema = z.strictObject({
  reason: z.string().min(1).max(500),
  id: idSchema.optional(),
  on: isoDateSchema.optional(),
});

function registerForfeit(api: Api, app: AppServices): void {
  api.openapi(
    route(
      "post",
      "/v1/orders/{id}/forfeitures",
      "payments.write",
      "forfeit the order's paid cash after a denial or revocation (never a refund); nothing paid: `nothing_to_forfeit`",
      { params: idParams, ...body(forfeitureInputSchema) },
      evidenceWriteSchema,
    ),
    async (c) => {
      const { id } = c.req.valid("param");
      const { reason, ...options } = c.req.valid("json");
      await requireVisibleOrder(app.ownership, c.get("principal"), "payments.write", id, "forfeiture");
      // A forfeiture is an act of today: a client-supplied day never dates it (#13).
      if (options.on !== undefined)
        throw badInput(
          "forfeiture at `on`",
          `a state change takes the server's clock, not a client-supplied day (${quote(options.on)})`,
          "client_time_refused",
        );
      const result = await servicesOf(app, c).evidence.forfeit(id, reason, {
        ...(options.id === undefined ? {} : { id: options.id }),
      });
      return sendJson(c, plain(result), result.status === "forfeited" ? 201 : 200);
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
