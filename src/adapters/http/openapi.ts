// The OpenAPI 3.1 document, generated from the routes registered on the app: the zod schemas that
// validate requests are converted with zod's own `z.toJSONSchema` (JSON Schema 2020-12, the
// dialect of OpenAPI 3.1). zod-to-openapi's converter is not used for the schemas because it marks
// `exactOptional` fields (chip specs) as required. Each /v1 operation also lists its policy action
// and the roles allowed (x-sluice-action, x-sluice-roles), the Idempotency-Key header on POSTs,
// and problem responses.
import type { OpenAPIHono, RouteConfig } from "@hono/zod-openapi";
import { z } from "zod";
import { type Action, actions, allowedRoles } from "../../core/authorization/policy.ts";
import { idempotencyKeyLengthMax } from "./idempotency.ts";
import { problemContentType } from "./problem.ts";

type Json = Record<string, unknown>;
/** Any app, whatever its Env: only the registry of routes is read. */
type AnyApp = Pick<OpenAPIHono, "openAPIRegistry">;

const isZod = (value: unknown): value is z.ZodType =>
  typeof value === "object" && value !== null && "_zod" in value;

/** JSON Schema of a zod schema, input side for requests and output side for responses. */
export function jsonSchemaOf(schema: unknown, io: "input" | "output"): Json {
  if (!isZod(schema)) return (schema ?? {}) as Json;
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    target: "draft-2020-12",
    unrepresentable: "any",
  }) as Json;
  return rest;
}

const problemSchema: Json = {
  type: "object",
  required: ["type", "title", "status", "detail", "instance", "code"],
  properties: {
    type: { type: "string", description: "URI reference of the problem type (an anchor in /docs)" },
    title: { type: "string" },
    status: { type: "integer" },
    detail: { type: "string", description: "`<what>: <why>`, lower case" },
    instance: { type: "string", description: "the request path" },
    code: { type: "string", description: "domain status code, e.g. `idempotency_key_reused`" },
    errors: {
      type: "array",
      items: {
        type: "object",
        required: ["path", "message"],
        properties: { path: { type: "string" }, message: { type: "string" } },
      },
    },
  },
};

const problemRef = (description: string): Json => ({
  description,
  content: { [problemContentType]: { schema: { $ref: "#/components/schemas/Problem" } } },
});

function parametersOf(route: RouteConfig): Json[] {
  const out: Json[] = [];
  const add = (where: "path" | "query" | "header", schema: unknown) => {
    if (!isZod(schema) || !(schema instanceof z.ZodObject)) return;
    const shape = schema.shape as Record<string, z.ZodType>;
    for (const [name, field] of Object.entries(shape)) {
      const optional = field.safeParse(undefined).success;
      const { description, ...fieldSchema } = jsonSchemaOf(field, "input");
      out.push({
        name,
        in: where,
        required: where === "path" || !optional,
        schema: fieldSchema,
        ...(typeof description === "string" ? { description } : {}),
      });
    }
  };
  add("path", route.request?.params);
  add("query", route.request?.query);
  add("header", route.request?.headers);
  if (route.method === "post") {
    out.push({
      name: "Idempotency-Key",
      in: "header",
      required: false,
      description: "same key and body replay the first response; same key, other body: 409",
      schema: { type: "string", minLength: 1, maxLength: idempotencyKeyLengthMax },
    });
  }
  return out;
}

function contentOf(content: Record<string, unknown> | undefined, io: "input" | "output"): Json | undefined {
  if (content === undefined) return undefined;
  return Object.fromEntries(
    Object.entries(content).map(([type, media]) => [
      type,
      { schema: jsonSchemaOf((media as { schema?: unknown } | undefined)?.schema, io) },
    ]),
  );
}

function responsesOf(route: RouteConfig, guardedRoute: boolean): Json {
  const out: Json = {};
  for (const [status, response] of Object.entries(route.responses)) {
    const config = response as { description?: string; content?: Record<string, unknown> };
    const content = contentOf(config.content, "output");
    out[status] = { description: config.description ?? "", ...(content ? { content } : {}) };
  }
  if (route.request !== undefined) out["400"] ??= problemRef("invalid request (problem lists the paths)");
  if (guardedRoute) {
    out["401"] ??= problemRef("missing, unknown or revoked token");
    out["403"] ??= problemRef("the token's role may not do this");
  }
  if (route.request?.body !== undefined) out["413"] ??= problemRef("body larger than the limit");
  out.default ??= problemRef("any other problem (RFC 9457)");
  return out;
}

const actionOf = (route: RouteConfig): Action | undefined => {
  const value = (route as Json)["x-sluice-action"];
  return actions.find((action) => action === value);
};

function operationOf(route: RouteConfig): Json {
  const {
    method: _m,
    path: _p,
    request,
    responses: _r,
    middleware: _mw,
    hide: _h,
    ...rest
  } = route as RouteConfig & {
    middleware?: unknown;
    hide?: unknown;
  };
  const action = actionOf(route);
  const parameters = parametersOf(route);
  const body = request?.body;
  const requestBody = body
    ? {
        required: body.required ?? false,
        content: contentOf(body.content as Record<string, unknown>, "input"),
      }
    : undefined;
  return {
    ...rest,
    ...(action ? { "x-sluice-roles": [...allowedRoles[action]] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: responsesOf(route, action !== undefined),
  };
}

export interface ApiInfo {
  title: string;
  version: string;
  description: string;
}

/** The document for every route registered on `app` (routes marked `hide` are left out). */
export function buildOpenApiDocument(app: AnyApp, info: ApiInfo): Json {
  const paths: Record<string, Json> = {};
  for (const definition of app.openAPIRegistry.definitions) {
    if (definition.type !== "route") continue;
    const route = definition.route;
    const item = paths[route.path] ?? {};
    item[route.method] = operationOf(route);
    paths[route.path] = item;
  }
  return {
    openapi: "3.1.0",
    info,
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    components: {
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", description: "an API token" } },
      schemas: { Problem: problemSchema },
    },
    paths,
  };
}
