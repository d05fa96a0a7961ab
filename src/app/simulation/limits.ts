// Bounds on a simulation asked for over the API (the CLI runs what its user gives it): a request
// may not ask for more months, buyers, demand or rulebook sets than these, nor run longer; each
// refusal names the field. The shipped scenario (24 months, 100 buyers, 2 million units, 10 sets)
// fits. Rulebook files are not read on a request: over the API a set names library books only.
import { badInput, quote } from "../../core/errors.ts";
import { monthsOf, type Scenario } from "../../core/simulation/scenario.ts";

export const requestHorizonMonthsMax = 36;
export const requestBuyersMax = 200;
/** All buyers' demand together, in units. */
export const requestDemandUnitsMax = 10_000_000;
export const requestRulebookSetsMax = 10;
/** Wall-clock time a request's simulation may take (checked between months). */
export const requestRuntimeMsMax = 30_000;

const where = (path: string) => `scenario at ${quote(path)}`;

export function checkRequestLimits(scenario: Scenario): void {
  if (monthsOf(scenario.horizon).length > requestHorizonMonthsMax)
    throw badInput(where("horizon"), `more than ${requestHorizonMonthsMax} months (the API's limit)`);
  const buyers = scenario.buyers.length + (scenario.generatedBuyers?.count ?? 0);
  if (buyers > requestBuyersMax)
    throw badInput(
      where("generatedBuyers.count"),
      `${buyers} buyers, more than the API's ${requestBuyersMax}`,
    );
  const demand =
    scenario.buyers.reduce((sum, buyer) => sum + buyer.demand.units, 0) +
    (scenario.generatedBuyers?.demand.units ?? 0);
  if (demand > requestDemandUnitsMax)
    throw badInput(
      where("buyers"),
      `${demand} units of demand, more than the API's ${requestDemandUnitsMax}`,
    );
  if (scenario.rulebooks.length > requestRulebookSetsMax)
    throw badInput(where("rulebooks"), `more than ${requestRulebookSetsMax} rulebook sets (the API's limit)`);
  scenario.rulebooks.forEach((set, index) => {
    if (set.files.length > 0)
      throw badInput(
        where(`rulebooks[${index}].files`),
        "files are not read over the API; name library scenario books in `scenarios`",
      );
  });
}
