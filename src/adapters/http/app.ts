// The HTTP API as a Hono app, built from its ports (createApp(deps)); serve.ts puts it on a port.
// Paths outside /v1 may be the web app's files and pages (web.ts). Order of the checks on a /v1
// request: body size (413) → token (401) → Idempotency-Key replay or conflict → the route's
// action against the policy (403) → schema validation (400) → handler.
// Every error leaves as an RFC 9457 problem; an unknown route is a 404 problem.

import { OpenAPIHono } from "@hono/zod-openapi";
import { SluiceError } from "../../core/errors.ts";
import { requestId } from "./actor.ts";
import { Authenticator, authenticate } from "./auth.ts";
import { bodySizeLimit } from "./body-limit.ts";
import type { AppDeps, AppEnv, AppServices } from "./context.ts";
import { renderDocs } from "./docs.ts";
import { inlineEvaluation } from "./evaluate-pool.ts";
import { idempotency } from "./idempotency.ts";
import { jsonContentType } from "./json.ts";
import { type ApiInfo, buildOpenApiDocument } from "./openapi.ts";
import {
  problemResponse,
  problemTitles,
  problemType,
  respondWithProblem,
  ValidationFailure,
} from "./problem.ts";
import { routeModules } from "./routes/index.ts";
import type { RouteModule } from "./routes/types.ts";
import { serveWeb } from "./web.ts";

/** Largest request body accepted, in bytes (1 MiB): a dossier is a few KiB. */
export const bodySizeMaxBytes = 1024 * 1024;

export const apiInfo: ApiInfo = {
  title: "Sluice API",
  version: "0.1.0",
  description:
    "Executable, dated, explainable export/import rules for AI chips (the January 2026 US/China regime), and the records that prove they were enforced.",
};

/** The docs page loads nothing and runs nothing: say so to the browser. */
const docsHeaders = {
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
  "x-content-type-options": "nosniff",
};

const patternOf = (path: string): RegExp =>
  new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\/:[^/]+/g, "/[^/]+")}$`);

/** 405 with Allow when the path exists for other methods, else a 404 problem. */
function noRoute(app: OpenAPIHono<AppEnv>, method: string, path: string): Response {
  const allowed = [
    ...new Set(
      app.routes.filter((r) => r.method !== "ALL" && patternOf(r.path).test(path)).map((r) => r.method),
    ),
  ];
  const wrongMethod = allowed.length > 0;
  return problemResponse(
    {
      type: problemType(wrongMethod ? "bad_input" : "not_found"),
      title: wrongMethod ? "Method not allowed" : problemTitles.not_found,
      status: wrongMethod ? 405 : 404,
      detail: wrongMethod
        ? `route \`${method} ${path}\`: method not allowed (allowed: ${allowed.join(", ")})`
        : `route \`${method} ${path}\`: no such route (see /docs)`,
      instance: path,
      code: wrongMethod ? "method_not_allowed" : "no_such_route",
    },
    wrongMethod ? { allow: allowed.join(", ") } : {},
  );
}

const logToConsole = (error: unknown): void => {
  console.error("sluice http: unexpected error:", error);
};

export function createApp(
  deps: AppDeps,
  modules: readonly RouteModule[] = routeModules,
): OpenAPIHono<AppEnv> {
  const log = deps.logError ?? logToConsole;
  const authenticator = new Authenticator(deps.tokens, deps.clock, deps.tokenCacheTtlMs);
  const evaluation = deps.evaluation ?? inlineEvaluation(deps.evaluator);
  const services: AppServices = { ...deps, authenticator, evaluation };
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw new ValidationFailure(result.target, result.error.issues);
    },
  });
  app.use("*", requestId()); // before everything, so errors answer the id too (#13)
  app.onError((error, c) => respondWithProblem(error, c, log));
  app.notFound((c) => noRoute(app, c.req.method, c.req.path));
  app.use(
    "*",
    bodySizeLimit(bodySizeMaxBytes, () => {
      throw new SluiceError(
        "payload_too_large",
        "body",
        `larger than ${bodySizeMaxBytes} bytes`,
        "payload_too_large",
      );
    }),
  );
  // The web app (web/dist) at `/`: its files and pages, never /v1 (web.ts).
  app.use("*", serveWeb(deps.webRoot));
  app.use("/v1/*", authenticate(authenticator));
  app.use(
    "/v1/*",
    idempotency(deps.idempotencyRecords, deps.clock, {
      ttlMs: deps.idempotencyTtlMs,
      inFlightMaxMs: deps.idempotencyInFlightMaxMs,
      sweepIntervalMs: deps.idempotencySweepIntervalMs,
      logError: log,
    }),
  );
  for (const register of modules) register(app, services);

  let document: Record<string, unknown> | undefined;
  let documentText: string | undefined;
  let docsHtml: string | undefined;
  const openApi = () => {
    document ??= buildOpenApiDocument(app, apiInfo);
    return document;
  };
  app.get("/openapi.json", (c) => {
    documentText ??= JSON.stringify(openApi());
    return c.body(documentText, 200, { "content-type": jsonContentType });
  });
  app.get("/docs", (c) => {
    docsHtml ??= renderDocs(openApi());
    return c.html(docsHtml, 200, docsHeaders);
  });
  return app;
}
