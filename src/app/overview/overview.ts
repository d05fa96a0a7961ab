// The overview use case: the counts the web app's first page shows, each status list complete
// (a state with no object counts 0, so a chart's bars do not move between days), and the cap's
// history for each account the ledger has. Reads only; scope as the policy's scopeOf gives it.
import { orderStatuses, shipmentStatuses } from "../../core/shipments/model.ts";
import { type CountByKey, decisionOutcomes, type OverviewReader, type VolumeDay } from "./ports.ts";

/** Days of history the overview returns per account (a year and a bit of daily points). */
export const historyDaysMax = 400;

export interface Overview {
  decisionsByOutcome: Record<string, number>;
  ordersByStatus: Record<string, number>;
  shipmentsByStatus: Record<string, number>;
  history: { accountId: string; ratioPercent: number; days: VolumeDay[] }[];
}

/** Every key of `keys` with its count (0 when absent), then any key the store knows beyond them. */
export function completeCounts(
  keys: readonly string[],
  counts: readonly CountByKey[],
): Record<string, number> {
  const result: Record<string, number> = Object.fromEntries(keys.map((key) => [key, 0]));
  for (const { key, count } of counts) result[key] = count;
  return result;
}

export async function overviewOf(
  reader: OverviewReader,
  accounts: readonly { id: string; ratioPercent: number }[],
  partyId: string | null,
): Promise<Overview> {
  const [decisions, orders, shipments] = await Promise.all([
    reader.decisionsByOutcome(partyId),
    reader.ordersByStatus(partyId),
    reader.shipmentsByStatus(partyId),
  ]);
  // The cap is not a party's: its history is read only for roles that read every account.
  const history =
    partyId === null
      ? await Promise.all(
          accounts.map(async (account) => ({
            accountId: account.id,
            ratioPercent: account.ratioPercent,
            days: await reader.volumeHistory(account.id, historyDaysMax),
          })),
        )
      : [];
  return {
    decisionsByOutcome: completeCounts(decisionOutcomes, decisions),
    ordersByStatus: completeCounts(orderStatuses, orders),
    shipmentsByStatus: completeCounts(shipmentStatuses, shipments),
    history,
  };
}
