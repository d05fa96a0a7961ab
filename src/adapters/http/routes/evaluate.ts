// POST /v1/evaluate: decide a dossier under the rulebooks in force on a day, plus scenario books.
// The answer is the decision exactly as `sluice evaluate --json` prints it. Stateless: nothing is
// stored (recording decisions is the applications route's job). The body is validated where it is
// evaluated — in the evaluation pool's worker threads, by the schema the OpenAPI document shows —
// so the event loop only moves text: the route declares its schema for the document and reads the
// body itself instead of through the validator middleware, with the same answers (a non-JSON
// content type 415, malformed JSON 400 `malformed_request`, a schema failure 400 `invalid_request`).
import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { guarded, requireAction } from "../auth.ts";
import { errorFromData, evaluateBodySchema } from "../evaluate-request.ts";
import { jsonContentType } from "../json.ts";
import { ValidationFailure } from "../problem.ts";
import { decisionSchema } from "./responses.ts";
import type { RouteModule } from "./types.ts";

/** What @hono/node-server gives a handler as `c.env`: the Node response, to know when it is written. */
type NodeBindings = { outgoing?: { once(event: "close", listener: () => void): unknown } };

// The decision's full schema (every finding field) lives with the other answers (issue #17).

const evaluateRoute = createRoute({
  method: "post",
  path: "/v1/evaluate",
  tags: ["evaluation"],
  summary: "decide a shipment application (dossier): approve, hold or deny, with reasons",
  ...guarded("evaluate"),
  request: { body: { required: true, content: { "application/json": { schema: evaluateBodySchema } } } },
  responses: {
    200: { description: "the decision", content: { "application/json": { schema: decisionSchema } } },
  },
});

/** JSON media types, with parameters (the validator middleware's own test). */
const jsonContentTypePattern = /^application\/([a-z-.]+\+)?json(;\s*[a-zA-Z0-9-]+=([^;]+))*$/i;

/**
 * The body's text, as the validator middleware would take it: a JSON content type, or none with
 * no body (then it is `{}`, and the schema says what is missing); anything else is a 415.
 */
async function jsonBodyText(c: Context): Promise<string> {
  const contentType = c.req.header("content-type");
  if (contentType !== undefined) {
    if (!jsonContentTypePattern.test(contentType))
      throw new HTTPException(415, { message: "Unsupported Media Type" });
    return c.req.text();
  }
  const text = await c.req.text();
  if (text.length > 0) throw new HTTPException(415, { message: "Unsupported Media Type" });
  return "{}";
}

export const registerEvaluate: RouteModule = (app, { evaluation, clock }) => {
  const { middleware: _checkedBelow, ...documented } = evaluateRoute;
  app.openAPIRegistry.registerPath(documented);
  app.post(evaluateRoute.path, requireAction(evaluateRoute["x-sluice-action"]), async (c) => {
    const text = await jsonBodyText(c);
    const result = await evaluation.run(text, clock().toISOString().slice(0, 10));
    switch (result.outcome) {
      case "decided": {
        const { json } = result;
        if (typeof json !== "string")
          (c.env as NodeBindings | undefined)?.outgoing?.once("close", () => evaluation.release(json));
        return c.body(json, 200, { "content-type": jsonContentType });
      }
      case "malformed_json":
        throw new HTTPException(400, { message: "Malformed JSON in request body" });
      case "invalid":
        throw new ValidationFailure("json", result.issues);
      case "refused":
        throw errorFromData(result.error);
    }
  });
};
