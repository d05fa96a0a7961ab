// Restricted-party screening over the bundled lists: POST /v1/screen (a name, with hits and their
// explanations), POST /v1/match (two names scored against each other), GET /v1/lists (the list
// versions screened against). Same JSON as `sluice screen|match|lists --json`.
import { createRoute, z } from "@hono/zod-openapi";
import { isCountryCode } from "../../../core/screening/countries.ts";
import { matchNames, queryLengthMax, screenName } from "../../../core/screening/match.ts";
import { guarded } from "../auth.ts";
import { sendJson } from "../json.ts";
import type { RouteModule } from "./types.ts";

const nameSchema = z.string().trim().min(1).max(queryLengthMax);

export const screenBodySchema = z.strictObject({
  name: nameSchema.meta({ description: "a name in Latin or Chinese script" }),
  country: z
    .string()
    .refine(isCountryCode, { message: "expected an ISO 3166-1 alpha-2 country code" })
    .transform((code) => code.toUpperCase())
    .optional(),
  all: z.boolean().default(false).meta({ description: "also report hits below the alert threshold" }),
  person: z.boolean().default(false).meta({ description: "the name is a person's" }),
});

export const matchBodySchema = z.strictObject({ a: nameSchema, b: nameSchema });

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });

const screenRoute = createRoute({
  method: "post",
  path: "/v1/screen",
  tags: ["screening"],
  summary: "screen a name against the restricted-party lists, explaining every hit",
  ...guarded("screen"),
  request: { body: { required: true, ...json(screenBodySchema) } },
  responses: {
    200: {
      description: "hits, best first",
      ...json(z.looseObject({ query: z.string(), threshold: z.number(), hits: z.array(z.looseObject({})) })),
    },
  },
});

const matchRoute = createRoute({
  method: "post",
  path: "/v1/match",
  tags: ["screening"],
  summary: "score two names against each other (0–1) and explain the score",
  ...guarded("screen"),
  request: { body: { required: true, ...json(matchBodySchema) } },
  responses: {
    200: { description: "the score", ...json(z.looseObject({ score: z.number(), alert: z.boolean() })) },
  },
});

const listsRoute = createRoute({
  method: "get",
  path: "/v1/lists",
  tags: ["screening"],
  summary: "the list versions screened against, by content hash",
  ...guarded("lists.read"),
  responses: {
    200: {
      description: "list versions",
      ...json(z.object({ lists: z.array(z.looseObject({ listId: z.string(), contentHash: z.string() })) })),
    },
  },
});

export const registerScreening: RouteModule = (app, { screening }) => {
  app.openapi(screenRoute, (c) => {
    const { name, country, all, person } = c.req.valid("json");
    return sendJson(
      c,
      screenName(screening(), name, { ...(country === undefined ? {} : { country }), all, person }),
    );
  });
  app.openapi(matchRoute, (c) => {
    const { a, b } = c.req.valid("json");
    return sendJson(c, matchNames(screening(), a, b));
  });
  app.openapi(listsRoute, (c) => sendJson(c, { lists: [...screening().versions.values()] }));
};
