// One rulebook set's run of the simulator (see simulate.ts): month by month, the US sales posted to
// the ledger, each buyer's turn (its lot sized, with a lab lead time sent through the labs first, and
// released by release-lot.ts), and the month-end figures of the cap's window.
import { badInput, quote, SluiceError } from "../../core/errors.ts";
import type { RuleSet } from "../../core/rulebook/load.ts";
import { LabQueue } from "../../core/simulation/lab-queue.ts";
import type { PlannedBuyer } from "../../core/simulation/plan.ts";
import { addReason, emptyMonth, type MonthFigures } from "../../core/simulation/results.ts";
import { lotUnitsMaxOf } from "../../core/simulation/scenario.ts";
import { InMemoryLedger } from "../ledger/in-memory.ts";
import { capPolicyInForce } from "../shipments/cap-in-force.ts";
import { capFiguresIn, lotDossier } from "./lot-dossier.ts";
import {
  type BuyerState,
  lotWorld,
  type MonthState,
  releaseLot,
  type SetRun,
  type World,
} from "./release-lot.ts";

export type { SetRun } from "./release-lot.ts";

/** Held reasons that come from the simulated world, not from a rule. */
export const worldReasons = { noStock: "sim.no-stock" } as const;

export async function runSet(run: SetRun): Promise<MonthFigures[]> {
  const { scenario } = run.input;
  const world: World = {
    run,
    ledger: new InMemoryLedger(() => world.now),
    buyers: run.plan.buyers.map(() => ({
      shipped: 0,
      lab: new LabQueue(),
      approvalUsed: 0,
      domesticBought: 0,
    })),
    stock: scenario.inventory.units,
    usShipped: 0,
    now: new Date(0),
  };
  const months: MonthFigures[] = [];
  for (const [m, month] of run.plan.months.entries()) {
    if (run.input.pastDeadline?.()) {
      throw new SluiceError(
        "unavailable",
        `simulation ${quote(scenario.id)}`,
        "ran past its time limit; shorten the horizon or use fewer buyers or rulebooks",
      );
    }
    months.push(await runMonth(world, m, month));
    await run.input.pause?.();
  }
  return months;
}

async function runMonth(world: World, m: number, month: string): Promise<MonthFigures> {
  const { scenario } = world.run.input;
  const day = world.run.plan.days[m] as string;
  world.now = new Date(`${day}T12:00:00Z`);
  if (month >= scenario.supply.from) world.stock += scenario.supply.unitsPerMonth;
  const ruleSet = world.run.evaluator.rulesFor(day, world.run.scenarios);
  const product = world.run.evaluator.productById(scenario.product.id);
  const labCapacity = scenario.labs.count * scenario.labs.unitsPerMonthPerLab;
  const figures = emptyMonth(month, world.run.set.id, labCapacity);
  const policy = probePolicy(world, ruleSet, day);
  if (policy && scenario.usSales.unitsPerMonth > 0) {
    const posted = world.ledger.usPostNow(policy, {
      id: `us-${month}`,
      productId: scenario.product.id,
      units: BigInt(scenario.usSales.unitsPerMonth),
      shippedOn: day,
    });
    // The ledger keeps one ratio per window, as the real one does: a set whose books change the
    // ratio inside a window cannot be run on it, and the user is told which set and month.
    if (posted.status === "policy_ratio_differs") {
      throw badInput(
        `rulebook set ${quote(world.run.set.id)} in ${month}`,
        `the cap's ratio becomes ${policy.ratioPercent} % inside a window opened at another ratio; start the book with a new window`,
      );
    }
    // Sales dated before a cumulative window opens do not count towards it, here as in the store.
    if (posted.status !== "ok" && posted.status !== "outside_window")
      throw new Error(`simulated US posting refused: ${posted.status}`);
  }
  world.usShipped += scenario.usSales.unitsPerMonth;
  const state: MonthState = {
    m,
    month,
    day,
    ruleSet,
    product,
    labLeft: labCapacity,
    domesticLeft: scenario.domesticSupply.unitsPerMonth,
  };
  for (const b of world.run.plan.turns[m] ?? []) await runLot(world, state, b, figures);
  monthEnd(world, figures, ruleSet, day);
  return figures;
}

/** The cap policy in force this day for a lot of the product to China (null before or without one). */
function probePolicy(world: World, ruleSet: RuleSet, day: string) {
  const buyer = world.run.plan.buyers[0];
  if (!buyer) return null;
  const lot = lotDossier("probe", buyer, 1, lotWorld(world, 0, day, null), ruleSet);
  const subject = {
    dossier: lot.dossier,
    dossierDigest: "",
    product: world.run.evaluator.productById(world.run.input.scenario.product.id),
    at: day,
  };
  return capPolicyInForce(ruleSet, subject);
}

/** One buyer's turn this month: with a lab lead time its lots go through the labs first. */
async function runLot(world: World, month: MonthState, b: number, figures: MonthFigures): Promise<void> {
  const buyer = world.run.plan.buyers[b] as PlannedBuyer;
  const state = world.buyers[b] as BuyerState;
  if (buyer.orderedIn > month.month) return;
  const backlog = buyer.demandUnits - state.shipped;
  if (backlog <= 0) return;
  if (world.run.input.scenario.labs.leadMonths > 0) await runLeadLot(world, month, b, backlog, figures);
  else await runSameMonthLot(world, month, b, backlog, figures);
}

/** Without a lead time: the lot is sized, tested if the month's lab capacity covers it, and decided. */
async function runSameMonthLot(
  world: World,
  month: MonthState,
  b: number,
  backlog: number,
  figures: MonthFigures,
): Promise<void> {
  const buyer = world.run.plan.buyers[b] as PlannedBuyer;
  const state = world.buyers[b] as BuyerState;
  let units = Math.min(backlog, lotUnitsMaxOf(world.run.input.scenario));
  if (world.stock <= 0) {
    figures.heldUnits += units;
    addReason(figures.heldByReason, [worldReasons.noStock], units);
    return;
  }
  units = Math.min(units, world.stock);
  const approvalLeft = buyer.approval ? buyer.approval.units - state.approvalUsed : 0;
  if (approvalLeft > 0) units = Math.min(units, approvalLeft);
  const labCertified = month.labLeft >= units;
  const released = await releaseLot(world, month, b, units, labCertified ? month.day : null, figures);
  figures.labTestsNeededUnits += released.units;
  if (labCertified) month.labLeft -= released.units;
  if (released.shipped) world.stock -= released.units;
}

/**
 * With a lead time: the buyer's chips tested at least `leadMonths` ago are released (cut by the cap
 * as any lot); then the exporter sends the next lot to the labs, within their capacity this month,
 * the stock and the buyer's import approval. A buyer without an approval gets no test (its chips
 * could not enter China): its lot is asked without a certificate, so the rules show what holds it.
 */
async function runLeadLot(
  world: World,
  month: MonthState,
  b: number,
  backlog: number,
  figures: MonthFigures,
): Promise<void> {
  const buyer = world.run.plan.buyers[b] as PlannedBuyer;
  const state = world.buyers[b] as BuyerState;
  const { scenario } = world.run.input;
  state.lab.collect(month.m);
  const approvalLeft = buyer.approval ? buyer.approval.units - state.approvalUsed : 0;
  const certified = state.lab.certifiedUnits;
  if (certified > 0) {
    let units = Math.min(certified, lotUnitsMaxOf(scenario));
    if (approvalLeft > 0) units = Math.min(units, approvalLeft);
    const released = await releaseLot(world, month, b, units, state.lab.oldestCertifiedOn, figures);
    if (released.shipped) state.lab.take(released.units);
  } else if (!buyer.approval) {
    const units = Math.min(backlog, lotUnitsMaxOf(scenario), Math.max(world.stock, 0));
    if (units > 0) await releaseLot(world, month, b, units, null, figures);
  }
  if (!buyer.approval) return;
  const pipeline = state.lab.waitingUnits + state.lab.certifiedUnits;
  const wanted = Math.min(
    buyer.demandUnits - state.shipped - pipeline,
    approvalLeft - pipeline,
    lotUnitsMaxOf(scenario),
  );
  if (wanted <= 0) return;
  figures.labTestsNeededUnits += wanted;
  if (world.stock <= 0) {
    figures.heldUnits += wanted;
    addReason(figures.heldByReason, [worldReasons.noStock], wanted);
    return;
  }
  const sent = Math.min(wanted, world.stock, month.labLeft);
  world.stock -= sent;
  month.labLeft -= sent;
  state.lab.send({ testedOn: month.day, readyMonth: month.m + scenario.labs.leadMonths, units: sent });
}

function monthEnd(world: World, figures: MonthFigures, ruleSet: RuleSet, day: string): void {
  const { scenario } = world.run.input;
  figures.backlogUnits = world.run.plan.buyers.reduce(
    (sum, buyer, b) =>
      sum +
      (buyer.orderedIn <= figures.month ? buyer.demandUnits - (world.buyers[b] as BuyerState).shipped : 0),
    0,
  );
  figures.labWaitingUnits = world.buyers.reduce((sum, state) => sum + state.lab.waitingUnits, 0);
  const policy = probePolicy(world, ruleSet, day);
  if (!policy) return;
  const view = capFiguresIn(world.ledger, policy, scenario.product.id, day).figures;
  const cap = (BigInt(policy.ratioPercent) * view.usPosted) / 100n;
  const china = view.cnPending + view.cnPosted;
  figures.usUnits = Number(view.usPosted);
  figures.chinaUnits = Number(china);
  figures.ratioPercent = policy.ratioPercent;
  figures.capUnits = Number(cap);
  figures.headroomUnits = Number(cap - china);
}
