// GET /v1/audit/reconcile (issue #15 item 6), for the auditor, the US regulator and admin (action
// `audit.reconcile`): rebuilds the ledger's accounts, the reservations and the shipments' states
// from the log's entries and names every difference with the tables. 200 in both cases: a
// difference is a finding (`ok: false`), not an error of the request. Reads through the
// ReconcileSource port (src/app/log/reconcile.ts).
import { z } from "@hono/zod-openapi";
import { reconcileLog } from "../../../app/log/reconcile.ts";
import { SluiceError } from "../../../core/errors.ts";
import { reconcileTables } from "../../../core/log/reconcile.ts";
import { sendJson } from "../json.ts";
import { actionRoutes } from "./define.ts";
import type { RouteModule } from "./types.ts";

const route = actionRoutes("audit", { ok: "the report (ok false names every difference)", created: "—" }, {});

const differenceSchema = z.object({
  table: z.enum(reconcileTables),
  key: z.string().meta({ description: "the row's id (for audit_log: the entry's index, or `pending`)" }),
  column: z.string(),
  expected: z.string().nullable().meta({ description: "what the log says; null: no row" }),
  actual: z.string().nullable().meta({ description: "what the table holds; null: no row" }),
});

export const reconcileReportSchema = z.object({
  ok: z.boolean(),
  entries: z.number().int().meta({ description: "log entries replayed (integrated and pending)" }),
  counts: z.object({
    accounts: z.number().int(),
    reservations: z.number().int(),
    shipments: z.number().int(),
  }),
  differences: z.array(differenceSchema),
});

export const registerAuditReconcile: RouteModule = (app, services) => {
  app.openapi(
    route(
      "get",
      "/v1/audit/reconcile",
      "audit.reconcile",
      "rebuild ledger accounts, reservations and shipment states from the log; name every difference",
      {},
      reconcileReportSchema,
    ),
    async (c) => {
      if (!services.reconcile)
        throw new SluiceError(
          "unavailable",
          "audit reconcile",
          "not configured on this server",
          "unavailable",
        );
      return sendJson(c, await reconcileLog(services.reconcile));
    },
  );
};
