// The evidence reports over HTTP: Section 232 duty totals per window and the forfeiture entries
// (all, or one order's), read through the EvidenceReportSource port that src/compose.ts wires; a
// scoped principal sees only its own orders' entries.
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import {
  dutyTotals,
  dutyTotalsQueryFields,
  type EvidenceReportSource,
  listForfeitures,
} from "../../../app/evidence/reports.ts";
import { scopeOf } from "../../../core/authorization/policy.ts";
import { notFound, quote, SluiceError } from "../../../core/errors.ts";
import { actorOf } from "../actor.ts";
import { authorizeObject } from "../auth.ts";
import type { AppEnv, AppServices } from "../context.ts";
import { sendJson } from "../json.ts";
import { orderResource } from "../ownership.ts";
import { decodeCursor, type PageQuery, pageOf, pageQuerySchema, pageSchema } from "../pagination.ts";
import { idParams } from "./define.ts";
import { dutyTotalsSchema, forfeitureSchema } from "./evidence-responses.ts";
import { plain, route } from "./evidence-route.ts";
import type { Api } from "./types.ts";

/** The reports' reads, as src/compose.ts wires them. */
function reportsOf(app: AppServices): EvidenceReportSource {
  if (!app.evidenceReports)
    throw new SluiceError("unavailable", "evidence reports", "not wired in this server", "not_configured");
  return app.evidenceReports;
}

/** Forfeiture entries, a page at a time, cut to the principal's orders when its view is scoped. */
async function forfeiturePage(
  c: Context<AppEnv>,
  app: AppServices,
  orderId: string | null,
  { limit, cursor }: PageQuery,
) {
  const scope = scopeOf(c.get("principal"));
  const list = await listForfeitures(reportsOf(app), {
    orderId,
    after: decodeCursor(cursor) ?? "",
    limit: limit + 1,
    partyId: scope.all ? null : scope.partyId,
  });
  return sendJson(c, plain(pageOf(list, limit, (item) => item.id)));
}

export function registerEvidenceReports(api: Api, app: AppServices): void {
  api.openapi(
    route(
      "get",
      "/v1/duty/totals",
      "duty.read",
      "Section 232 duty totals per window (month, quarter, year or the range): by band, exemption claims apart, in cents",
      { query: dutyTotalsQueryFields },
      dutyTotalsSchema,
    ),
    async (c) => {
      const report = await dutyTotals(reportsOf(app), c.req.query());
      return sendJson(c, plain(report));
    },
  );
  api.openapi(
    route(
      "get",
      "/v1/forfeitures",
      "forfeitures.read",
      "forfeiture entries (paid cash forfeited after a denial or revocation; an importer sees its own orders')",
      { query: pageQuerySchema.extend({ order: z.string().min(1).max(128).optional() }) },
      pageSchema(forfeitureSchema),
    ),
    async (c) => {
      const query = c.req.valid("query");
      return forfeiturePage(c, app, query.order ?? null, query);
    },
  );
  api.openapi(
    route(
      "get",
      "/v1/orders/{id}/forfeitures",
      "forfeitures.read",
      "an order's forfeiture entries (404 when the order is not yours)",
      { params: idParams, query: pageQuerySchema },
      pageSchema(forfeitureSchema),
    ),
    async (c) => {
      const { id } = c.req.valid("param");
      const order = await app.evidence(actorOf(c)).order(id);
      if (!order) throw notFound(`order ${quote(id)}`);
      authorizeObject(c.get("principal"), "forfeitures.read", orderResource(order), `order ${quote(id)}`);
      return forfeiturePage(c, app, id, c.req.valid("query"));
    },
  );
}
