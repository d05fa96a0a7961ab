// The money records over HTTP: Section 232 entries and duty payments (US customs), an order's
// invoices and payments (the exporter, on its own orders only), and forfeiting an order's paid cash
// by hand, on the server's day (a recorded denial forfeits by itself). Answers as the other
// evidence routes do (evidence-route.ts).
import { z } from "@hono/zod-openapi";
import { badInput, quote } from "../../../core/errors.ts";
import { dutyEntryInputSchema, dutyPaymentInputSchema } from "../../../core/evidence/duty.ts";
import { idSchema } from "../../../core/evidence/ids.ts";
import { invoiceInputSchema, paymentInputSchema } from "../../../core/evidence/payments.ts";
import { isoDateSchema } from "../../../core/shared.ts";
import type { AppServices } from "../context.ts";
import { sendJson } from "../json.ts";
import { requireVisibleOrder } from "../ownership.ts";
import { body, idParams } from "./define.ts";
import { evidenceWriteSchema } from "./evidence-responses.ts";
import { answer, plain, route, servicesOf } from "./evidence-route.ts";
import type { Api } from "./types.ts";

export function registerDutyAndPayments(api: Api, app: AppServices): void {
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

export function registerForfeit(api: Api, app: AppServices): void {
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
