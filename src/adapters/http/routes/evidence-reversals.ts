// Reversal, never deletion (issue #13 point 5): `POST /v1/<records>/{id}/reversals {"reason"}` for
// prepayments and invoices (the exporter), US duty entries and duty payments (US customs), Chinese
// import approvals (the Chinese import authority) and customs events (Chinese customs). Only the
// record's author reverses it (src/core/evidence/reversals.ts); another party's record is 404, a
// record of another authority 403 (`not_author`); a second reversal, or one the records still
// depend on, is a 409 coded by its status and changes nothing. 201 with the reversal when done.
import { z } from "@hono/zod-openapi";
import type { ReversalStatus } from "../../../app/reversals/reverse.ts";
import { reverseRecord } from "../../../app/reversals/reverse.ts";
import { SluiceError } from "../../../core/errors.ts";
import {
  type ReversibleKind,
  reversalInputSchema,
  reversibleKindInfo,
  reversibleKinds,
} from "../../../core/evidence/reversals.ts";
import { actorOf } from "../actor.ts";
import type { AppServices } from "../context.ts";
import { sendJson, toJsonText } from "../json.ts";
import { actionRoutes, body, idParams } from "./define.ts";
import type { Api, RouteModule } from "./types.ts";

const route = actionRoutes(
  "evidence",
  {
    ok: "never (a reversal is created once)",
    created: "reversed: the record stays on file, read by nothing",
  },
  {
    400: "no reason, or a reason over 500 characters",
    404: "no such record (or not yours)",
    409: "refused: `already_reversed`, or what still depends on the record (nothing was written)",
  },
);

/** The collection path of each kind's records. */
export const reversalPaths: Record<ReversibleKind, string> = {
  payment: "/v1/payments",
  invoice: "/v1/invoices",
  "duty-entry": "/v1/duty-entries",
  "duty-payment": "/v1/duty-payments",
  "import-approval": "/v1/import-approvals",
  "customs-event": "/v1/customs-events",
};

const authorSchema = z.object({
  tokenId: z.string().nullable(),
  role: z.string(),
  partyId: z.string().nullable(),
});

export const reversalSchema = z.looseObject({
  status: z.literal("reversed"),
  kind: z.enum(reversibleKinds),
  id: z.string(),
  detail: z.string(),
  reversedAt: z.string().meta({ description: "the server's time of the reversal (ISO 8601)" }),
  reversedBy: authorSchema,
  reason: z.string(),
});

function registerReversal(api: Api, app: AppServices, kind: ReversibleKind): void {
  const info = reversibleKindInfo[kind];
  api.openapi(
    route(
      "post",
      `${reversalPaths[kind]}/{id}/reversals`,
      info.action,
      `reverse a mistaken ${info.label} (its author only, with a reason; it stays on file, audited \`${info.auditKind}\`)`,
      { params: idParams, ...body(reversalInputSchema) },
      reversalSchema,
    ),
    async (c) => {
      const { id } = c.req.valid("param");
      if (!app.reversals)
        throw new SluiceError("unavailable", "reversals", "not wired in this server", "not_configured");
      const actor = actorOf(c);
      const deps = { transactor: app.reversals(actor), clock: app.clock, actor };
      const result = await reverseRecord(deps, kind, id, await c.req.json());
      const status: ReversalStatus = result.status;
      if (status !== "reversed")
        throw new SluiceError("conflict", `${info.label} \`${id}\``, result.detail, status);
      return sendJson(c, JSON.parse(toJsonText(result)), 201);
    },
  );
}

export const registerReversals: RouteModule = (api, app) => {
  for (const kind of reversibleKinds) registerReversal(api, app, kind);
};
