// Reads the web app needs and the API lacked: GET /v1/session (who the token is and what it may
// do, so a client builds its navigation from the policy rather than a copy of it), GET /v1/overview
// (decisions by outcome, orders and shipments by state, the cap's history by day), and the lists
// GET /v1/decisions (filter by outcome) and GET /v1/licences. Party-scoped roles see their own.
import { createRoute, z } from "@hono/zod-openapi";
import { historyDaysMax, overviewOf } from "../../../app/overview/overview.ts";
import { decisionOutcomes } from "../../../app/overview/ports.ts";
import { actions, mayAttempt, roles, scopeOf } from "../../../core/authorization/policy.ts";
import { guarded } from "../auth.ts";
import { sendJson } from "../json.ts";
import { decodeCursor, pageOf, pageQuerySchema, pageSchema } from "../pagination.ts";
import type { RouteModule } from "./types.ts";

const digits = z.string().regex(/^-?\d+$/);
const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });
const counts = z.record(z.string(), z.number().int().nonnegative());

const sessionSchema = z.object({
  tokenId: z.string(),
  role: z.enum(roles),
  partyId: z.string().nullable(),
  actions: z.array(z.enum(actions)).meta({ description: "every action the policy allows this role" }),
});

const volumeDaySchema = z.object({ day: z.string(), usPosted: digits, cnPending: digits, cnPosted: digits });
const overviewSchema = z.object({
  decisionsByOutcome: counts,
  ordersByStatus: counts,
  shipmentsByStatus: counts,
  history: z
    .array(
      z.object({ accountId: z.string(), ratioPercent: z.number().int(), days: z.array(volumeDaySchema) }),
    )
    .meta({ description: `balances at the end of each day with a movement (last ${historyDaysMax} days)` }),
});

const decisionSummarySchema = z.object({
  id: z.string(),
  orderId: z.string(),
  shipmentId: z.string().nullable(),
  purpose: z.enum(["application", "release"]),
  evaluatedOn: z.string(),
  decision: z.enum(decisionOutcomes),
  decidingRuleIds: z.array(z.string()),
  decidedAt: z.string(),
});

const licenceSummarySchema = z.object({
  id: z.string(),
  orderId: z.string(),
  decisionId: z.string(),
  grantedUnits: digits,
  usedUnits: digits,
  grantedValueCents: digits,
  usedValueCents: digits,
  expiresOn: z.string(),
  grantedAt: z.string(),
});

const sessionRoute = createRoute({
  method: "get",
  path: "/v1/session",
  tags: ["session"],
  summary: "the principal of this token: role, party, and the actions it may attempt",
  ...guarded("session.read"),
  responses: { 200: { description: "the principal", ...json(sessionSchema) } },
});

const overviewRoute = createRoute({
  method: "get",
  path: "/v1/overview",
  tags: ["overview"],
  summary: "decisions by outcome, orders and shipments by state, and the cap's daily history",
  ...guarded("overview.read"),
  responses: { 200: { description: "the overview", ...json(overviewSchema) } },
});

const decisionsRoute = createRoute({
  method: "get",
  path: "/v1/decisions",
  tags: ["shipments"],
  summary: "list decisions (an importer sees its own), by id; filter by outcome",
  ...guarded("decisions.read"),
  request: { query: pageQuerySchema.extend({ outcome: z.enum(decisionOutcomes).optional() }) },
  responses: { 200: { description: "a page of decisions", ...json(pageSchema(decisionSummarySchema)) } },
});

const licencesRoute = createRoute({
  method: "get",
  path: "/v1/licences",
  tags: ["shipments"],
  summary: "list licences with what has been written down on them (an importer sees its own)",
  ...guarded("licences.read"),
  request: { query: pageQuerySchema },
  responses: { 200: { description: "a page of licences", ...json(pageSchema(licenceSummarySchema)) } },
});

const partyOf = (scope: ReturnType<typeof scopeOf>): string | null => (scope.all ? null : scope.partyId);

export const registerOverview: RouteModule = (app, { overview: reader, quota }) => {
  const ledger = quota;
  app.openapi(sessionRoute, (c) => {
    const principal = c.get("principal");
    return sendJson(c, {
      tokenId: principal.id,
      role: principal.role,
      partyId: principal.partyId,
      actions: actions.filter((action) => mayAttempt(principal.role, action)),
    });
  });
  app.openapi(overviewRoute, async (c) => {
    const partyId = partyOf(scopeOf(c.get("principal")));
    const accounts = partyId === null ? await ledger.accounts() : [];
    return sendJson(c, await overviewOf(reader, accounts, partyId));
  });
  app.openapi(decisionsRoute, async (c) => {
    const { limit, cursor, outcome } = c.req.valid("query");
    const list = await reader.listDecisions({
      outcome: outcome ?? null,
      after: decodeCursor(cursor) ?? "",
      limit: limit + 1,
      partyId: partyOf(scopeOf(c.get("principal"))),
    });
    return sendJson(
      c,
      pageOf(list, limit, (decision) => decision.id),
    );
  });
  app.openapi(licencesRoute, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const partyId = partyOf(scopeOf(c.get("principal")));
    const list = await reader.listLicences(decodeCursor(cursor) ?? "", limit + 1, partyId);
    return sendJson(
      c,
      pageOf(list, limit, (licence) => licence.id),
    );
  });
};
