// API tokens, for administrators: POST /v1/tokens (the secret is in this response only),
// GET /v1/tokens (paginated), GET /v1/tokens/{id} (with its ETag), PATCH /v1/tokens/{id} (relabel,
// If-Match required), DELETE /v1/tokens/{id} (revoke; at once for this server, see auth.ts).

import { createRoute, z } from "@hono/zod-openapi";
import { tokenInputSchema, tokenLabelSchema } from "../../../app/authorization/tokens.ts";
import { roles } from "../../../core/authorization/policy.ts";
import { actorOf } from "../actor.ts";
import { guarded } from "../auth.ts";
import { etagOf, expectedVersion } from "../etag.ts";
import { recordIdempotent } from "../idempotency.ts";
import { sendJson } from "../json.ts";
import { decodeCursor, pageOf, pageQuerySchema, pageSchema } from "../pagination.ts";
import type { RouteModule } from "./types.ts";

const tokenSchema = z.object({
  id: z.string(),
  role: z.enum(roles),
  partyId: z.string().nullable(),
  label: z.string(),
  version: z.number().int(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });
const idParams = z.object({ id: z.string().min(1).max(64) });

const createRouteDef = createRoute({
  method: "post",
  path: "/v1/tokens",
  tags: ["tokens"],
  summary: "create an API token for a role (and party); the secret is shown once",
  ...guarded("tokens.create"),
  request: { body: { required: true, ...json(tokenInputSchema) } },
  responses: {
    201: {
      description: "the token and its secret",
      ...json(
        tokenSchema.extend({
          token: z.string().nullable().meta({ description: "the secret; null in an idempotent replay" }),
        }),
      ),
    },
  },
});

const listRoute = createRoute({
  method: "get",
  path: "/v1/tokens",
  tags: ["tokens"],
  summary: "list API tokens (never their secrets)",
  ...guarded("tokens.read"),
  request: { query: pageQuerySchema },
  responses: { 200: { description: "a page of tokens", ...json(pageSchema(tokenSchema)) } },
});

const getRoute = createRoute({
  method: "get",
  path: "/v1/tokens/{id}",
  tags: ["tokens"],
  summary: "one token, with its ETag",
  ...guarded("tokens.read"),
  request: { params: idParams },
  responses: {
    200: { description: "the token", ...json(tokenSchema) },
    404: { description: "no such token" },
  },
});

const patchRoute = createRoute({
  method: "patch",
  path: "/v1/tokens/{id}",
  tags: ["tokens"],
  summary: "relabel a token (If-Match: the ETag from GET)",
  ...guarded("tokens.update"),
  request: {
    params: idParams,
    body: { required: true, ...json(z.strictObject({ label: tokenLabelSchema })) },
  },
  responses: {
    200: { description: "the token as updated", ...json(tokenSchema) },
    412: { description: "the token changed since that ETag" },
    428: { description: "If-Match missing" },
  },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/v1/tokens/{id}",
  tags: ["tokens"],
  summary: "revoke a token (revoking again changes nothing)",
  ...guarded("tokens.revoke"),
  request: { params: idParams },
  responses: {
    200: { description: "the revoked token", ...json(tokenSchema) },
    404: { description: "no such token" },
  },
});

export const registerTokens: RouteModule = (app, { tokens, authenticator }) => {
  app.openapi(createRouteDef, async (c) => {
    // The idempotency record is written with the token but never holds the secret: a replay
    // answers the same token with `token: null` (the secret is shown once, and stored hashed).
    const { token, secret } = await tokens.create(c.req.valid("json"), actorOf(c), (work, record, at) =>
      recordIdempotent(c, work, 201, { ...record, token: null }, at),
    );
    return sendJson(c, { ...token, token: secret }, 201);
  });
  app.openapi(listRoute, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const fetched = await tokens.list({ limit: limit + 1, after: decodeCursor(cursor) });
    return sendJson(
      c,
      pageOf(fetched, limit, (token) => token.id),
    );
  });
  app.openapi(getRoute, async (c) => {
    const token = await tokens.get(c.req.valid("param").id);
    return sendJson(c, token, 200, { etag: etagOf(token.version) });
  });
  app.openapi(patchRoute, async (c) => {
    const version = expectedVersion(c);
    const { label } = c.req.valid("json");
    const token = await tokens.relabel(c.req.valid("param").id, label, version, actorOf(c));
    return sendJson(c, token, 200, { etag: etagOf(token.version) });
  });
  app.openapi(deleteRoute, async (c) => {
    const token = await tokens.revoke(c.req.valid("param").id, actorOf(c));
    authenticator.forget(token.id);
    return sendJson(c, token, 200, { etag: etagOf(token.version) });
  });
};
