// Who a request acts as (issue #13): every /v1 answer carries an X-Request-Id (a UUIDv7 the server
// makes; a client's own header is not trusted as one), and every audit entry a request writes names
// the authenticated principal, the route as the API documents it and that request id. The audit
// appender comes from the app's deps (AppDeps.auditAs), set on each request by `requestId`.

import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { v7 as uuidv7 } from "uuid";
import type { AuditActor } from "../../core/audit/actor.ts";
import type { AppEnv, AuditAppender } from "./context.ts";

export const requestIdHeader = "x-request-id";

/**
 * Gives each request its id and answers it in X-Request-Id, errors included; and the deps' audit
 * appender factory, so `auditOf(c)` needs nothing but the request.
 */
export const requestId = (auditAs: (actor: AuditActor) => AuditAppender) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const id = uuidv7();
    c.set("requestId", id);
    c.set("auditAs", auditAs);
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

/** The audit appender of this request (what its use cases are given). */
export const auditOf = (c: Context<AppEnv>): AuditAppender => c.get("auditAs")(actorOf(c));
