// The `revenue-share` kind: the share of the order's value owed to the US government is paid.
import type { Kind } from "./kind.ts";
import { formatCents, percentOfCents } from "./money.ts";

export const revenueShare: Kind<"revenue-share"> =
  ({ sharePercent }) =>
  ({ dossier }, v) => {
    const owed = percentOfCents(dossier.valueCents, sharePercent);
    const paid = dossier.evidence.revenueShare?.paidCents ?? 0n;
    const paidText = formatCents(paid);
    const figures = {
      measured: paidText,
      required: `${formatCents(owed)} (${sharePercent} % of ${formatCents(dossier.valueCents)})`,
    };
    if (paid >= owed) return v.pass(`revenue share paid: ${paidText}`, figures);
    const shortfall = formatCents(owed - paid);
    return v.pending(
      `revenue share short by ${shortfall}`,
      `remit ${shortfall} to the US government`,
      figures,
    );
  };
