// What a scenario's randomness decides, drawn once from its seed before any rulebook runs, so every
// rulebook set meets the same world: the generated buyers' demand (seeded weights, split exactly),
// which of them China approves, the buyers' order of turn each month, and the months a probabilistic
// customs block falls on. Generator: pure-rand's xoroshiro128+, seeded with the scenario's seed.
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { IsoDate } from "../shared.ts";
import { monthsOf, type Scenario } from "./scenario.ts";

export interface PlannedBuyer {
  id: string;
  name: string;
  sector: Scenario["buyers"][number]["sector"];
  purpose: Scenario["buyers"][number]["purpose"];
  demandUnits: number;
  orderedIn: string;
  approval: { units: number; from: IsoDate; to: IsoDate } | null;
}

export interface Plan {
  months: string[];
  /** The day of each month on which the month's operations happen. */
  days: IsoDate[];
  buyers: PlannedBuyer[];
  /** Per month, the buyers' indices in the order they take their turn. */
  turns: number[][];
  /** Per month, whether Chinese customs turn back what arrives that month. */
  customsBlocked: boolean[];
}

/** Weights of the generated buyers' demand are drawn from 1 … this. */
export const demandWeightMax = 1000;

/** Splits `total` into `count` integer parts proportional to `weights` (largest remainder, exact sum). */
export function splitByWeights(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) return weights.map(() => 0);
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((value, index) => ({ index, rest: value - Math.floor(value) }));
  order.sort((a, b) => b.rest - a.rest || a.index - b.index);
  for (const { index } of order) {
    if (left <= 0) break;
    parts[index] = (parts[index] ?? 0) + 1;
    left -= 1;
  }
  return parts;
}

export function planScenario(scenario: Scenario): Plan {
  const rng = xoroshiro128plus(scenario.seed);
  const months = monthsOf(scenario.horizon);
  const day = String(scenario.dayOfMonth).padStart(2, "0");
  const buyers: PlannedBuyer[] = scenario.buyers.map((buyer) => ({
    id: buyer.id,
    name: buyer.name,
    sector: buyer.sector,
    purpose: buyer.purpose,
    demandUnits: buyer.demand.units,
    orderedIn: buyer.demand.orderedIn,
    approval: buyer.approval
      ? { units: buyer.approval.units, from: buyer.approval.from, to: buyer.approval.to }
      : null,
  }));
  const generated = scenario.generatedBuyers;
  if (generated) {
    const weights = Array.from({ length: generated.count }, () => uniformInt(rng, 1, demandWeightMax));
    const demands = splitByWeights(generated.demand.units, weights);
    demands.forEach((demandUnits, k) => {
      const approved = uniformFloat64(rng) < generated.approval.probability;
      const number = String(k + 1).padStart(3, "0");
      buyers.push({
        id: `buyer-${number}`,
        name: `Simulated Buyer ${number} Co., Ltd.`,
        sector: generated.sector,
        purpose: generated.purpose,
        demandUnits,
        orderedIn: generated.demand.orderedIn,
        approval:
          approved && demandUnits > 0
            ? { units: demandUnits, from: generated.approval.from, to: generated.approval.to }
            : null,
      });
    });
  }
  const turns = months.map(() => shuffled(buyers.length, rng));
  const block = scenario.chinaGate.customsBlock;
  const days = months.map((month) => `${month}-${day}`);
  const customsBlocked = days.map((date) => {
    if (!block) return false;
    if ("probabilityPerMonth" in block) return uniformFloat64(rng) < block.probabilityPerMonth;
    return block.from <= date && date <= block.to;
  });
  return { months, days, buyers, turns, customsBlocked };
}

/** 0 … n-1 in a seeded random order (Fisher–Yates). */
function shuffled(n: number, rng: ReturnType<typeof xoroshiro128plus>): number[] {
  const order = Array.from({ length: n }, (_, k) => k);
  for (let k = n - 1; k > 0; k--) {
    const j = uniformInt(rng, 0, k);
    [order[k], order[j]] = [order[j] as number, order[k] as number];
  }
  return order;
}
