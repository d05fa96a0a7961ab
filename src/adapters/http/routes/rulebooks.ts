// Rulebooks and rules: GET /v1/rulebooks (in force on ?at=, scenarios always listed; ?all=true for
// every book) and GET /v1/rules/{id} (a rule with its book and the scenarios that change it).
// Same JSON as `sluice rulebooks --json` and `sluice rules explain --json`.
import { createRoute, z } from "@hono/zod-openapi";
import { bookSummary } from "../../../app/evaluation/rulebooks.ts";
import { notFound, quote } from "../../../core/errors.ts";
import { inForceOn } from "../../../core/rulebook/load.ts";
import { isoDateSchema } from "../../../core/shared.ts";
import { guarded } from "../auth.ts";
import { sendJson } from "../json.ts";
import type { RouteModule } from "./types.ts";

const bookSchema = z.looseObject({
  id: z.string(),
  version: z.string(),
  title: z.string(),
  jurisdiction: z.string(),
  scenario: z.boolean(),
  rules: z.array(z.string()),
  contentHash: z.string(),
});

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });

const rulebooksRoute = createRoute({
  method: "get",
  path: "/v1/rulebooks",
  tags: ["rules"],
  summary: "rulebooks in force on a day, and the scenario books that can be added",
  ...guarded("rulebooks.read"),
  request: {
    query: z.object({
      at: isoDateSchema.optional().meta({ description: "day to look at (default today)" }),
      all: z.enum(["true", "false"]).optional().meta({ description: "list every rulebook, in force or not" }),
    }),
  },
  responses: {
    200: {
      description: "the rulebooks",
      ...json(z.object({ at: z.string(), rulebooks: z.array(bookSchema) })),
    },
  },
});

const ruleRoute = createRoute({
  method: "get",
  path: "/v1/rules/{id}",
  tags: ["rules"],
  summary: "one rule: what it checks, its parameters, citation, remedy, and the scenarios that change it",
  ...guarded("rulebooks.read"),
  request: { params: z.object({ id: z.string().min(1).max(200) }) },
  responses: {
    200: {
      description: "the rule",
      ...json(
        z.looseObject({
          id: z.string(),
          kind: z.string(),
          book: bookSchema,
          scenariosTouching: z.array(z.string()),
        }),
      ),
    },
    404: { description: "unknown rule" },
  },
});

export const registerRulebooks: RouteModule = (app, { rulebooks, clock }) => {
  app.openapi(rulebooksRoute, (c) => {
    const query = c.req.valid("query");
    const at = query.at ?? clock().toISOString().slice(0, 10);
    const shown =
      query.all === "true" ? rulebooks : rulebooks.filter((book) => book.scenario || inForceOn(book, at));
    return sendJson(c, { at, rulebooks: shown.map(bookSummary) });
  });
  app.openapi(ruleRoute, (c) => {
    const { id } = c.req.valid("param");
    const book = rulebooks.find((candidate) => candidate.rules.some((rule) => rule.id === id));
    const rule = book?.rules.find((candidate) => candidate.id === id);
    if (!book || !rule) throw notFound(`rule ${quote(id)}`, "unknown rule (see GET /v1/rulebooks?all=true)");
    const scenariosTouching = rulebooks
      .filter((b) => b.overrides.some((o) => o.rule === id) || b.disables.includes(id))
      .map((b) => b.id);
    return sendJson(c, { ...rule, book: bookSummary(book), scenariosTouching });
  });
};
