// Small pieces the route modules share: JSON content and body declarations, the id path parameter,
// the If-Match header, and `actionRoutes`, which declares a route guarded by a policy action with an area's tag and its
// usual responses (200/201 with a JSON object, 404, 409 …).
import { createRoute, type RouteConfig, z } from "@hono/zod-openapi";
import type { Action } from "../../../core/authorization/policy.ts";
import { guarded } from "../auth.ts";

export const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });
export const body = <T extends z.ZodType>(schema: T) => ({ body: { required: true, ...json(schema) } });
export const idParams = z.object({ id: z.string().min(1).max(128) });
export const anyObject = z.looseObject({});

/**
 * The If-Match request header, for the OpenAPI document: optional in the schema even where the
 * route requires it, so a missing one is answered 428 by etag.ts rather than 400 by validation.
 */
export const ifMatchHeaders = (required: boolean) =>
  z.object({
    "if-match": z
      .string()
      .optional()
      .meta({
        description: required
          ? 'required: the ETag from GET (`"v3"`), or `*` to replace whatever is there; stale: 412'
          : 'optional: the ETag from GET (`"v3"`); the action runs only if the object is still at it (else 412)',
      }),
  });

/** Descriptions of the non-2xx answers an area's routes declare, by status. */
export type ErrorResponses = Partial<Record<400 | 404 | 409 | 412 | 428, string>>;

/** A route declarer for one area: tag, and the descriptions of its 200/201 and error answers. */
export function actionRoutes(tag: string, answers: { ok: string; created: string }, errors: ErrorResponses) {
  const errorResponses = Object.fromEntries(
    Object.entries(errors).map(([status, description]) => [status, { description }]),
  );
  return <M extends "get" | "post" | "put", P extends string, R extends NonNullable<RouteConfig["request"]>>(
    method: M,
    path: P,
    action: Action,
    summary: string,
    request: R,
    response: z.ZodType = anyObject,
  ) =>
    createRoute({
      method,
      path,
      tags: [tag],
      summary,
      ...guarded(action),
      request,
      responses: {
        200: { description: answers.ok, ...json(response) },
        201: { description: answers.created, ...json(response) },
        ...errorResponses,
      },
    });
}
