// POST /v1/simulations: run a scenario forward under its rulebook sets (the same JSON as
// `sluice simulate --json`: per month × rulebook set series, for the web app's charts, and totals),
// or re-decide the stored record under a proposed rulebook or another day (`sluice simulate
// --from-store --json`). Stateless: nothing is written. Bounded by src/app/simulation/limits.ts;
// a bad scenario is a 400 naming the field. Runs on the event loop, yielding between months.
import { z } from "@hono/zod-openapi";
import { counterfactual } from "../../../app/simulation/counterfactual.ts";
import { checkRequestLimits, requestRuntimeMsMax } from "../../../app/simulation/limits.ts";
import { screenerOn } from "../../../app/simulation/screener.ts";
import { reportJson, simulate } from "../../../app/simulation/simulate.ts";
import { badInput, SluiceError } from "../../../core/errors.ts";
import { parseRulebook } from "../../../core/rulebook/load.ts";
import { isoDateSchema } from "../../../core/shared.ts";
import { scenarioSchema } from "../../../core/simulation/scenario.ts";
import { sendJson } from "../json.ts";
import { actionRoutes, body } from "./define.ts";
import { simulationAnswerSchema } from "./simulation-responses.ts";
import type { RouteModule } from "./types.ts";

/** A proposed rulebook sent as text (YAML or JSON), as a file would hold it. */
export const proposedRulebookTextMax = 200_000;

const counterfactualSchema = z.strictObject({
  rulebook: z.string().min(1).max(proposedRulebookTextMax).optional().meta({
    description:
      "a proposed rulebook, YAML or JSON text; a scenario book is applied, another replaces the book with its id",
  }),
  at: isoDateSchema
    .optional()
    .meta({ description: "decide again on this day instead of each decision's own" }),
});

const simulationBodySchema = z
  .strictObject({
    scenario: scenarioSchema
      .optional()
      .meta({ description: "a scenario as in scenarios/*.yaml (files not accepted)" }),
    counterfactual: counterfactualSchema.optional(),
  })
  .meta({ description: "exactly one of `scenario` or `counterfactual`" });

const route = actionRoutes(
  "simulation",
  { ok: "the simulation's report, or the counterfactual's flips", created: "not used" },
  { 400: "bad scenario or proposed rulebook (the field and why)" },
)(
  "post",
  "/v1/simulations",
  "simulations.run",
  "simulate a scenario month by month under several rulebooks, or re-decide the stored record",
  body(simulationBodySchema),
  simulationAnswerSchema,
);

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export const registerSimulations: RouteModule = (
  app,
  { storedDecisions, catalog, rulebooks, clock, screening },
) => {
  const screen = screenerOn(screening);
  app.openapi(route, async (c) => {
    const request = c.req.valid("json");
    const started = clock().getTime();
    const pastDeadline = () => clock().getTime() - started > requestRuntimeMsMax;
    if ((request.scenario === undefined) === (request.counterfactual === undefined))
      throw badInput("body", "give exactly one of `scenario` or `counterfactual`");
    if (request.scenario) {
      checkRequestLimits(request.scenario);
      const report = await simulate({
        scenario: request.scenario,
        library: rulebooks,
        catalog,
        screen,
        pastDeadline,
        pause: yieldToEventLoop,
      });
      return sendJson(c, reportJson(report), 200);
    }
    if (!storedDecisions)
      throw new SluiceError("unavailable", "counterfactual", "not configured on this server", "unavailable");
    const { rulebook, at } = request.counterfactual ?? {};
    const proposed = rulebook === undefined ? [] : [parseRulebook(rulebook, "body.counterfactual.rulebook")];
    const report = await counterfactual({
      reader: storedDecisions,
      library: rulebooks,
      catalog,
      proposed,
      at,
      pastDeadline,
    });
    return sendJson(c, report, 200);
  });
};
