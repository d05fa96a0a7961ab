// The `prepayment` kind: the exporter's terms, a share of the order's value paid (or collateralised)
// before release.
import type { Kind } from "./kind.ts";
import { formatCents, percentOfCents } from "./money.ts";

export const prepayment: Kind<"prepayment"> =
  ({ requiredPercent, collateralAccepted }) =>
  ({ dossier }, v) => {
    const payment = dossier.evidence.payment;
    const owed = percentOfCents(dossier.valueCents, requiredPercent);
    const owedText = formatCents(owed);
    const required = `${owedText} (${requiredPercent} % of ${formatCents(dossier.valueCents)})`;
    if (!payment) return v.pending("no payment on file", `collect ${owedText} before release`, { required });
    const covered = payment.paidCents + (collateralAccepted ? (payment.collateralCents ?? 0n) : 0n);
    const measured = collateralAccepted
      ? `${formatCents(payment.paidCents)} paid + ${formatCents(payment.collateralCents ?? 0n)} collateral`
      : formatCents(payment.paidCents);
    const figures = { measured, required, unit: "USD" };
    if (covered >= owed) return v.pass(`prepaid ${measured}`, figures);
    const shortfall = owed - covered;
    const short = formatCents(shortfall);
    const remedy = {
      summary: `collect the remaining ${short}`,
      details: { shortfallCents: shortfall.toString() },
    };
    return v.pending(`prepayment short by ${short}`, remedy, figures);
  };
