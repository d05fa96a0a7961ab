// Who a request acts as (issue #13): every /v1 answer carries an X-Request-Id (a UUIDv7 the server
// makes; a client's own header is not trusted as one), and every audit entry a request writes names
// the authenticated principal, the route as the API documents it and that request id: the use cases
// a route runs are bound to `actorOf(c)`.

import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { v7 as uuidv7 } from "uuid";
import type { AuditActor } from "../../core/audit/actor.ts";
import type { AppEnv } from "./context.ts";

export const requestIdHeader = "x-request-id";

/** Gives each request its id and answers it in X-Request-Id, errors included. */
export const requestId = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const id = uuidv7();
    c.set("requestId", id);
    c.header(requestIdHeader, id);
    await next();
  });

/** The route as the API documents it: `POST /v1/shipments/{id}/release`. */
export const viaOf = (c: Context<AppEnv>): string =>
  `${c.req.method} ${c.req.routePath.replace(/:([A-Za-z0-9_]+)/g, "{$1}")}`;

/** The actor of this request: its principal, route and request id. */
export function actorOf(c: Context<AppEnv>): AuditActor {
  const principal = c.get("principal");
  return {
    tokenId: principal.id,
    role: principal.role,
    partyId: principal.partyId,
    via: viaOf(c),
    requestId: c.get("requestId") ?? uuidv7(),
  };
}
