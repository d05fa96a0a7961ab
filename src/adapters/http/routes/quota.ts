// The volume cap, read-only: GET /v1/quota lists ledger accounts (per measure, product scope and
// window) with their balances and headroom; GET /v1/quota/alerts the alerts raised by US reversals.
// Writes (reserve, post, void) belong to the shipment routes.
import { createRoute, z } from "@hono/zod-openapi";
import type { Account } from "../../../core/ledger/ledger.ts";
import { guarded } from "../auth.ts";
import { sendJson } from "../json.ts";
import { pageOfSorted, pageQuerySchema, pageSchema } from "../pagination.ts";
import type { RouteModule } from "./types.ts";

const digits = z.string().regex(/^-?\d+$/);

const accountSchema = z.object({
  id: z.string(),
  ratioPercent: z.number().int(),
  usPosted: digits,
  cnPending: digits,
  cnPosted: digits,
  headroom: digits.meta({ description: "ratio × usPosted − (cnPending + cnPosted), rounded down" }),
  blocked: z.boolean(),
  enforced: z.boolean(),
});

const view = (a: Account): z.output<typeof accountSchema> => ({
  id: a.id,
  ratioPercent: a.ratioPercent,
  usPosted: a.usPosted.toString(),
  cnPending: a.cnPending.toString(),
  cnPosted: a.cnPosted.toString(),
  headroom: ((BigInt(a.ratioPercent) * a.usPosted) / 100n - a.cnPending - a.cnPosted).toString(),
  blocked: a.blocked,
  enforced: a.enforced,
});

const alertSchema = z.object({
  id: z.string(),
  accountId: z.string(),
  kind: z.string(),
  raisedAt: z.string(),
  details: z.record(z.string(), z.union([z.string(), z.number()])),
});

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });

const quotaRoute = createRoute({
  method: "get",
  path: "/v1/quota",
  tags: ["quota"],
  summary: "volume-cap accounts: US posted, China pending and posted, headroom",
  ...guarded("quota.read"),
  request: {
    query: pageQuerySchema.extend({
      prefix: z
        .string()
        .max(200)
        .default("")
        .meta({ description: "only accounts whose id starts with this" }),
    }),
  },
  responses: { 200: { description: "a page of accounts", ...json(pageSchema(accountSchema)) } },
});

const alertsRoute = createRoute({
  method: "get",
  path: "/v1/quota/alerts",
  tags: ["quota"],
  summary: "alerts raised when a US reversal broke the cap",
  ...guarded("quota.read"),
  request: { query: pageQuerySchema },
  responses: { 200: { description: "a page of alerts", ...json(pageSchema(alertSchema)) } },
});

export const registerQuota: RouteModule = (app, { quota: ledger }) => {
  app.openapi(quotaRoute, async (c) => {
    const query = c.req.valid("query");
    const accounts = (await ledger.accounts(query.prefix)).map(view);
    return sendJson(
      c,
      pageOfSorted(accounts, query, (account) => account.id),
    );
  });
  app.openapi(alertsRoute, async (c) => {
    const alerts = (await ledger.alerts()).map((alert) => ({
      ...alert,
      raisedAt: alert.raisedAt.toISOString(),
    }));
    const sortKey = (alert: (typeof alerts)[number]) => `${alert.raisedAt}|${alert.id}`;
    return sendJson(c, pageOfSorted(alerts, c.req.valid("query"), sortKey));
  });
};
