// One lot's release in a rulebook set's run (run-set.ts): its dossier built as the store builds one
// and decided by the evaluator, cut once by the shortfall the cap's finding states, reserved and
// posted on the in-memory ledger (which has the last word on the cap), and counted. Duty, revenue
// share and prepayment count only for a lot that ships; a prepayment is forfeited when the lot is
// turned back at the border and the exporter's terms in force keep it.
import type { Decision } from "../../core/evaluation/types.ts";
import type { CapPolicy } from "../../core/ledger/cap-policy.ts";
import type { RuleSet } from "../../core/rulebook/load.ts";
import type { IsoDate } from "../../core/shared.ts";
import type { LabQueue } from "../../core/simulation/lab-queue.ts";
import type { Plan, PlannedBuyer } from "../../core/simulation/plan.ts";
import { addReason, type MonthFigures } from "../../core/simulation/results.ts";
import type { RulebookSet } from "../../core/simulation/scenario.ts";
import type { Evaluator } from "../evaluation/evaluator.ts";
import type { InMemoryLedger } from "../ledger/in-memory.ts";
import { capPolicyInForce } from "../shipments/cap-in-force.ts";
import {
  domesticUnitsRequired,
  type LotWorld,
  ledgerViewIn,
  lotDossier,
  lotValueCents,
  paramsInForce,
  type Screening,
} from "./lot-dossier.ts";
import type { SimulationInput } from "./simulate.ts";

/** How long a simulated reservation holds; lots are posted the moment they are reserved. */
const reservationHoldMs = 14 * 86_400_000;

export interface SetRun {
  input: SimulationInput;
  plan: Plan;
  screenings: Screening[];
  set: RulebookSet;
  evaluator: Evaluator;
  scenarios: string[];
}

export interface BuyerState {
  shipped: number;
  /** Chips sent to the labs and certified, not yet shipped (used with a lab lead time only). */
  lab: LabQueue;
  approvalUsed: number;
  domesticBought: number;
}

/** The state one rulebook set's run carries from month to month. */
export interface World {
  run: SetRun;
  ledger: InMemoryLedger;
  buyers: BuyerState[];
  stock: number;
  usShipped: number;
  now: Date;
}

export interface MonthState {
  m: number;
  month: string;
  day: string;
  ruleSet: RuleSet;
  product: ReturnType<Evaluator["productById"]>;
  labLeft: number;
  domesticLeft: number;
}

export function lotWorld(world: World, b: number, day: string, labTestedOn: IsoDate | null): LotWorld {
  const state = world.buyers[b] as BuyerState;
  const { scenario } = world.run.input;
  return {
    scenario,
    product: world.run.evaluator.productById(scenario.product.id),
    at: day,
    startDay: `${world.run.plan.months[0]}-01`,
    usShippedUnits: world.usShipped,
    labTestedOn,
    approvalUsedUnits: state.approvalUsed,
    domesticBoughtUnits: state.domesticBought,
    screening: world.run.screenings[b] as Screening,
    locationVerification: world.run.set.locationVerification,
  };
}

/**
 * Asks for a lot's release (cut once if the cap asks), records the outcome, and ships it when the
 * engine approves and the ledger reserves it. Duty, revenue share and prepayment count only then.
 */
export async function releaseLot(
  world: World,
  month: MonthState,
  b: number,
  requested: number,
  labTestedOn: IsoDate | null,
  figures: MonthFigures,
): Promise<{ units: number; shipped: boolean }> {
  const buyer = world.run.plan.buyers[b] as PlannedBuyer;
  const state = world.buyers[b] as BuyerState;
  let units = requested;
  let lot = decideLot(world, month, b, units, labTestedOn);
  figures.decisions += 1;
  const cut = capShortfall(lot.decision);
  if (cut !== null && cut < units) {
    units -= cut;
    lot = decideLot(world, month, b, units, labTestedOn);
    figures.decisions += 1;
  }
  figures.requestedUnits += units;
  figures.domesticBoughtUnits += lot.domesticBought;
  month.domesticLeft -= lot.domesticBought;
  state.domesticBought += lot.domesticBought;
  const { decision } = lot.decision;
  if (decision === "deny") {
    figures.deniedUnits += units;
    addReason(figures.deniedByReason, lot.decision.decidingRuleIds, units);
    return { units, shipped: false };
  }
  if (decision === "hold") {
    figures.heldUnits += units;
    addReason(figures.heldByReason, lot.decision.decidingRuleIds, units);
    return { units, shipped: false };
  }
  const status = reserveAndShip(world, month, buyer, units, lot);
  if (status !== "ok") {
    figures.heldUnits += units;
    addReason(figures.heldByReason, [`ledger.${status}`], units);
    return { units, shipped: false };
  }
  shipped(world, month, b, units, lot, figures);
  return { units, shipped: true };
}

interface DecidedLot {
  decision: Decision;
  policy: CapPolicy | null;
  dutyCents: bigint;
  revenueShareCents: bigint;
  domesticBought: number;
  /** Whether the exporter's terms in force make the prepayment non-refundable (a prepayment rule). */
  prepaymentKept: boolean;
}

function decideLot(
  world: World,
  month: MonthState,
  b: number,
  units: number,
  labTestedOn: IsoDate | null,
): DecidedLot {
  const buyer = world.run.plan.buyers[b] as PlannedBuyer;
  const state = world.buyers[b] as BuyerState;
  const id = `lot-${world.run.set.id}-${month.month}-${buyer.id}`;
  const lotState = lotWorld(world, b, month.day, labTestedOn);
  const lot = lotDossier(id, buyer, units, lotState, month.ruleSet);
  // Under a domestic ratio the buyer first buys what the rule requires, as far as supply allows.
  const missing = domesticUnitsRequired(month.ruleSet, lot.dossier, lotState) - state.domesticBought;
  const domesticBought = Math.max(0, Math.min(missing, month.domesticLeft));
  if (domesticBought > 0)
    lot.dossier.evidence.domesticPurchases = { units: state.domesticBought + domesticBought };
  const subject = { dossier: lot.dossier, dossierDigest: "", product: month.product, at: month.day };
  const policy = capPolicyInForce(month.ruleSet, subject);
  const prepaymentKept = paramsInForce(month.ruleSet, subject, "prepayment") !== null;
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
    prepaymentKept,
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
  figures.approvedUnits += units;
  figures.dutyCents += lot.dutyCents;
  figures.revenueShareCents += lot.revenueShareCents;
  figures.prepaidCents += prepaid;
  if (world.run.plan.customsBlocked[month.m]) {
    // Turned back at the Chinese border: the buyer still waits, and loses its prepayment when the
    // exporter's terms in force say it is not refunded. The §232 duty was paid on entry to the US.
    figures.blockedAtBorderUnits += units;
    if (lot.prepaymentKept) figures.forfeitedCents += prepaid;
    return;
  }
  state.shipped += units;
  state.approvalUsed += units;
}
