// One rulebook set's run of the simulator (see simulate.ts): the world it carries from month to
// month (the in-memory ledger, stock, each buyer's shipments, approval use and domestic purchases),
// the month, and the lot. Each lot's dossier is decided by the evaluator; an approved lot is reserved
// and posted on the ledger, which has the last word on the cap.
import { badInput, quote, SluiceError } from "../../core/errors.ts";
import type { Decision } from "../../core/evaluation/types.ts";
import type { CapPolicy } from "../../core/ledger/cap-policy.ts";
import type { RuleSet } from "../../core/rulebook/load.ts";
import type { Plan, PlannedBuyer } from "../../core/simulation/plan.ts";
import { addReason, emptyMonth, type MonthFigures } from "../../core/simulation/results.ts";
import type { RulebookSet } from "../../core/simulation/scenario.ts";
import type { Evaluator } from "../evaluate.ts";
import { InMemoryLedger } from "../ledger/in-memory.ts";
import { capPolicyInForce } from "../shipments/cap-in-force.ts";
import {
  capFiguresIn,
  domesticUnitsRequired,
  type LotWorld,
  ledgerViewIn,
  lotDossier,
  lotValueCents,
  type Screening,
} from "./lot-dossier.ts";
import type { SimulationInput } from "./simulate.ts";

/** How long a simulated reservation holds; lots are posted the moment they are reserved. */
const reservationHoldMs = 14 * 86_400_000;
/** Held reasons that come from the simulated world, not from a rule. */
export const worldReasons = { noStock: "sim.no-stock" } as const;

export interface SetRun {
  input: SimulationInput;
  plan: Plan;
  screenings: Screening[];
  set: RulebookSet;
  evaluator: Evaluator;
  scenarios: string[];
}

interface BuyerState {
  shipped: number;
  approvalUsed: number;
  domesticBought: number;
}

/** The state one rulebook set's run carries from month to month. */
interface World {
  run: SetRun;
  ledger: InMemoryLedger;
  buyers: BuyerState[];
  stock: number;
  usShipped: number;
  now: Date;
}

export async function runSet(run: SetRun): Promise<MonthFigures[]> {
  const { scenario } = run.input;
  const world: World = {
    run,
    ledger: new InMemoryLedger(() => world.now),
    buyers: run.plan.buyers.map(() => ({ shipped: 0, approvalUsed: 0, domesticBought: 0 })),
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

interface MonthState {
  m: number;
  month: string;
  day: string;
  ruleSet: RuleSet;
  product: ReturnType<Evaluator["productById"]>;
  labLeft: number;
  domesticLeft: number;
}

/** The cap policy in force this day for a lot of the product to China (null before or without one). */
function probePolicy(world: World, ruleSet: RuleSet, day: string) {
  const buyer = world.run.plan.buyers[0];
  if (!buyer) return null;
  const lot = lotDossier("probe", buyer, 1, lotWorld(world, 0, day, false), ruleSet);
  const subject = {
    dossier: lot.dossier,
    dossierDigest: "",
    product: world.run.evaluator.productById(world.run.input.scenario.product.id),
    at: day,
  };
  return capPolicyInForce(ruleSet, subject);
}

function lotWorld(world: World, b: number, day: string, labCertified: boolean): LotWorld {
  const state = world.buyers[b] as BuyerState;
  const { scenario } = world.run.input;
  return {
    scenario,
    product: world.run.evaluator.productById(scenario.product.id),
    at: day,
    startDay: `${world.run.plan.months[0]}-01`,
    usShippedUnits: world.usShipped,
    labCertified,
    approvalUsedUnits: state.approvalUsed,
    domesticBoughtUnits: state.domesticBought,
    screening: world.run.screenings[b] as Screening,
    locationVerification: world.run.set.locationVerification,
  };
}

/** One buyer's lot this month: sized, decided (cut once if the cap asks), reserved and shipped. */
async function runLot(world: World, month: MonthState, b: number, figures: MonthFigures): Promise<void> {
  const buyer = world.run.plan.buyers[b] as PlannedBuyer;
  const state = world.buyers[b] as BuyerState;
  const { scenario } = world.run.input;
  if (buyer.orderedIn > month.month) return;
  const backlog = buyer.demandUnits - state.shipped;
  if (backlog <= 0) return;
  let units = Math.min(backlog, scenario.lotUnitsMax);
  if (world.stock <= 0) {
    figures.heldUnits += units;
    addReason(figures.heldByReason, [worldReasons.noStock], units);
    return;
  }
  units = Math.min(units, world.stock);
  const approvalLeft = buyer.approval ? buyer.approval.units - state.approvalUsed : 0;
  if (approvalLeft > 0) units = Math.min(units, approvalLeft);
  const labCertified = month.labLeft >= units;
  let lot = decideLot(world, month, b, units, labCertified);
  figures.decisions += 1;
  const cut = capShortfall(lot.decision);
  if (cut !== null && cut < units) {
    units -= cut;
    lot = decideLot(world, month, b, units, labCertified);
    figures.decisions += 1;
  }
  figures.requestedUnits += units;
  figures.labTestsNeededUnits += units;
  if (labCertified) month.labLeft -= units;
  figures.domesticBoughtUnits += lot.domesticBought;
  month.domesticLeft -= lot.domesticBought;
  state.domesticBought += lot.domesticBought;
  const { decision } = lot.decision;
  if (decision === "deny") {
    figures.deniedUnits += units;
    addReason(figures.deniedByReason, lot.decision.decidingRuleIds, units);
    return;
  }
  if (decision === "hold") {
    figures.heldUnits += units;
    addReason(figures.heldByReason, lot.decision.decidingRuleIds, units);
    return;
  }
  const status = reserveAndShip(world, month, buyer, units, lot);
  if (status !== "ok") {
    figures.heldUnits += units;
    addReason(figures.heldByReason, [`ledger.${status}`], units);
    return;
  }
  shipped(world, month, b, units, lot, figures);
}

interface DecidedLot {
  decision: Decision;
  policy: CapPolicy | null;
  dutyCents: bigint;
  revenueShareCents: bigint;
  domesticBought: number;
}

function decideLot(
  world: World,
  month: MonthState,
  b: number,
  units: number,
  labCertified: boolean,
): DecidedLot {
  const buyer = world.run.plan.buyers[b] as PlannedBuyer;
  const state = world.buyers[b] as BuyerState;
  const id = `lot-${world.run.set.id}-${month.month}-${buyer.id}`;
  const lotState = lotWorld(world, b, month.day, labCertified);
  const lot = lotDossier(id, buyer, units, lotState, month.ruleSet);
  // Under a domestic ratio the buyer first buys what the rule requires, as far as supply allows.
  const missing = domesticUnitsRequired(month.ruleSet, lot.dossier, lotState) - state.domesticBought;
  const domesticBought = Math.max(0, Math.min(missing, month.domesticLeft));
  if (domesticBought > 0)
    lot.dossier.evidence.domesticPurchases = { units: state.domesticBought + domesticBought };
  const subject = { dossier: lot.dossier, dossierDigest: "", product: month.product, at: month.day };
  const policy = capPolicyInForce(month.ruleSet, subject);
  if (policy)
    lot.dossier.ledger = ledgerViewIn(world.ledger, policy, world.run.input.scenario.product.id, month.day);
  const decision = world.run.evaluator.evaluate(
    lot.dossier,
    month.day,
    world.run.scenarios,
    undefined,
    "records",
  );
  return {
    decision,
    policy,
    dutyCents: lot.dutyCents,
    revenueShareCents: lot.revenueShareCents,
    domesticBought,
  };
}

/** The shortfall a held lot would be cut by when the cap is the only thing holding it, else null. */
function capShortfall(decision: Decision): number | null {
  if (decision.decision !== "hold") return null;
  const deciding = decision.findings.filter((f) => decision.decidingRuleIds.includes(f.ruleId));
  if (deciding.length !== 1 || deciding[0]?.kind !== "ratio-cap") return null;
  const shortfall = deciding[0].remedy?.details?.shortfall;
  return shortfall === undefined ? null : Number(shortfall);
}

/** Reserves the lot under the cap (the ledger decides, not the view) and posts it as shipped. */
function reserveAndShip(
  world: World,
  month: MonthState,
  buyer: PlannedBuyer,
  units: number,
  lot: DecidedLot,
): string {
  if (!lot.policy) return "ok";
  const id = `lot-${world.run.set.id}-${month.month}-${buyer.id}`;
  const productId = world.run.input.scenario.product.id;
  const reserved = world.ledger.reserveNow(lot.policy, {
    id,
    productId,
    units: BigInt(units),
    holdMs: reservationHoldMs,
  });
  if (reserved.status !== "ok") return reserved.status;
  const posted = world.ledger.settleNow("post", id);
  if (posted.status !== "ok") throw new Error(`simulated post refused: ${posted.status}`);
  return "ok";
}

function shipped(
  world: World,
  month: MonthState,
  b: number,
  units: number,
  lot: DecidedLot,
  figures: MonthFigures,
): void {
  const { scenario } = world.run.input;
  const state = world.buyers[b] as BuyerState;
  const prepaid = (lotValueCents(scenario, units) * BigInt(scenario.prepayment.percent) + 99n) / 100n;
  world.stock -= units;
  figures.approvedUnits += units;
  figures.dutyCents += lot.dutyCents;
  figures.revenueShareCents += lot.revenueShareCents;
  figures.prepaidCents += prepaid;
  if (world.run.plan.customsBlocked[month.m]) {
    // Turned back at the Chinese border: the prepayment is non-refundable, the buyer still waits.
    figures.blockedAtBorderUnits += units;
    figures.forfeitedCents += prepaid;
    return;
  }
  state.shipped += units;
  state.approvalUsed += units;
}

function monthEnd(world: World, figures: MonthFigures, ruleSet: RuleSet, day: string): void {
  const { scenario } = world.run.input;
  figures.backlogUnits = world.run.plan.buyers.reduce(
    (sum, buyer, b) =>
      sum +
      (buyer.orderedIn <= figures.month ? buyer.demandUnits - (world.buyers[b] as BuyerState).shipped : 0),
    0,
  );
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
