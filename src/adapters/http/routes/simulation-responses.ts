// What POST /v1/simulations answers (issue #17: the OpenAPI document and the web app's types):
// a scenario's report (src/app/simulation/simulate.ts reportJson: months × rulebook sets, totals;
// cents as decimal text) or a counterfactual's flips (src/app/simulation/counterfactual.ts).
// Open objects where a figure may be added; test/http/response-schemas.test.ts checks real answers.
import { z } from "@hono/zod-openapi";

const cents = z
  .string()
  .regex(/^-?\d+$/)
  .meta({ description: "integer cents, as decimal text" });
const byReason = z.record(z.string(), z.number().int());
const unitsOrNull = z.number().int().nullable();

const monthSchema = z.looseObject({
  month: z.string(),
  rulebookSet: z.string(),
  requestedUnits: z.number().int(),
  approvedUnits: z.number().int(),
  deniedUnits: z.number().int(),
  heldUnits: z.number().int(),
  deniedByReason: byReason,
  heldByReason: byReason,
  usUnits: unitsOrNull,
  chinaUnits: unitsOrNull,
  ratioPercent: z.number().nullable(),
  capUnits: unitsOrNull,
  headroomUnits: unitsOrNull,
  dutyCents: cents,
  revenueShareCents: cents,
  prepaidCents: cents,
  forfeitedCents: cents,
  labTestsNeededUnits: z.number().int(),
  labCapacityUnits: z.number().int(),
  labWaitingUnits: z
    .number()
    .int()
    .meta({ description: "units at the labs at month end, waiting out the test's lead time" }),
  domesticBoughtUnits: z.number().int(),
  blockedAtBorderUnits: z.number().int(),
  backlogUnits: z.number().int().meta({ description: "ordered and not yet shipped, at month end" }),
  decisions: z.number().int(),
});

const totalsSchema = z.looseObject({
  rulebookSet: z.string(),
  title: z.string(),
  approvedUnits: z.number().int(),
  deniedUnits: z.number().int(),
  heldUnits: z.number().int(),
  dutyCents: cents,
  revenueShareCents: cents,
  forfeitedCents: cents,
  domesticBoughtUnits: z.number().int(),
  blockedAtBorderUnits: z.number().int(),
  endBacklogUnits: z.number().int(),
  topReason: z.string().nullable(),
  decisions: z.number().int(),
});

export const simulationReportSchema = z.looseObject({
  scenario: z.object({ id: z.string(), title: z.string(), seed: z.number().int() }),
  months: z.array(z.string()),
  rulebookSets: z.array(
    z.looseObject({
      id: z.string(),
      title: z.string(),
      scenarios: z.array(z.string()),
      books: z.array(z.string()),
    }),
  ),
  series: z.array(monthSchema).meta({ description: "per rulebook set, per month, in that order" }),
  totals: z.array(totalsSchema),
});

const decisionValue = z.string().meta({ description: "approve, hold or deny" });

export const counterfactualReportSchema = z.looseObject({
  proposed: z.array(z.object({ id: z.string(), version: z.number().int(), scenario: z.boolean() })),
  at: z.string().nullable(),
  examined: z.number().int(),
  flipped: z.number().int(),
  flips: z.array(
    z.looseObject({
      decisionId: z.string(),
      orderId: z.string(),
      shipmentId: z.string().nullable(),
      purpose: z.string(),
      evaluatedOn: z.string(),
      at: z.string(),
      before: decisionValue,
      after: decisionValue,
      decidingRuleIdsAfter: z.array(z.string()),
      changes: z.array(
        z.object({
          ruleId: z.string(),
          before: z.string().nullable(),
          after: z.string().nullable(),
          message: z.string(),
        }),
      ),
    }),
  ),
});

export const simulationAnswerSchema = z
  .union([simulationReportSchema, counterfactualReportSchema])
  .meta({ description: "a scenario's report, or the counterfactual's flips" });
