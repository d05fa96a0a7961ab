// POST /v1/evaluate: decide a dossier under the rulebooks in force on a day, plus scenario books.
// The answer is the decision exactly as `sluice evaluate --json` prints it. Stateless: nothing is
// stored (recording decisions is the applications route's job).
import { createRoute, z } from "@hono/zod-openapi";
import { dossierSchema } from "../../../core/dossier/schema.ts";
import { decisionValues } from "../../../core/evaluation/types.ts";
import { isoDateSchema } from "../../../core/shared.ts";
import { guarded } from "../auth.ts";
import { sendJson } from "../json.ts";
import type { RouteModule } from "./types.ts";

/** Scenario books one evaluation may add. */
export const scenariosMax = 16;

/**
 * The route's validator (@hono/zod-validator) parses with safeParseAsync, and zod runs its compiled
 * (JIT) object parser only in a synchronous parse. Nothing in this schema is asynchronous, so the
 * synchronous parse gives the same result (and the same issues) in about two thirds of the time.
 */
function parsedSynchronously<T extends z.ZodType>(schema: T): T {
  schema.safeParseAsync = async (data, params) => schema.safeParse(data, params);
  return schema;
}

export const evaluateBodySchema = parsedSynchronously(
  z.strictObject({
    dossier: dossierSchema,
    at: isoDateSchema
      .optional()
      .meta({ description: "day of the evaluation (default: dossier.submittedOn, else today)" }),
    scenarios: z.array(z.string().min(1).max(128)).max(scenariosMax).default([]),
  }),
);

const decisionSchema = z
  .looseObject({
    dossierId: z.string(),
    at: z.string(),
    decision: z.enum(decisionValues),
    decidingRuleIds: z.array(z.string()),
    findings: z.array(z.looseObject({ ruleId: z.string(), status: z.string(), message: z.string() })),
    inputHash: z.string(),
  })
  .meta({ description: "the decision with every finding, its citation and remedy" });

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

export const registerEvaluate: RouteModule = (app, { evaluator, clock }) => {
  app.openapi(evaluateRoute, (c) => {
    const { dossier, at, scenarios } = c.req.valid("json");
    const day = at ?? dossier.submittedOn ?? clock().toISOString().slice(0, 10);
    return sendJson(c, evaluator.evaluate(dossier, day, scenarios));
  });
};
