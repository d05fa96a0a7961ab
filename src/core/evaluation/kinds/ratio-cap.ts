// The `ratio-cap` kind: the volume cap (REGIME C6) as the ledger view in the dossier shows it; the
// ledger's reservation check stays the authority (src/adapters/db/ledger/).
import { ceilDiv } from "../../shared.ts";
import type { Kind } from "./kind.ts";

export const ratioCap: Kind<"ratio-cap"> = ({ measure: unit, ratioPercent, onExceed }) => {
  const ratio = BigInt(ratioPercent);
  const noLedger = `no ledger view in ${unit} for this window`;
  const noLedgerRemedy = `supply the volume-cap ledger for the window in ${unit}`;
  return ({ dossier, product }, v) => {
    const figures = dossier.ledger?.[unit];
    if (!figures) return v.pending(noLedger, noLedgerRemedy);
    // China amounts round TPP up: the cap is never loosened by rounding.
    const requested =
      unit === "units"
        ? BigInt(dossier.quantityUnits)
        : BigInt(dossier.quantityUnits) * BigInt(Math.ceil(product.classification.tpp));
    const chinaTotal = figures.cnPending + figures.cnPosted + requested;
    const allowed = (ratio * figures.usPosted) / 100n;
    // Each figure is written once and the text reused: bigint-to-text is the costly part here.
    const china = chinaTotal.toString();
    const us = figures.usPosted.toString();
    const limit = allowed.toString();
    const required = `≤ ${limit} (${ratioPercent} % of US ${us})`;
    if (100n * chinaTotal <= ratio * figures.usPosted)
      return v.pass(`China ${china} ≤ ${ratioPercent} % of US ${us} ${unit}`, {
        measured: china,
        required,
        unit,
      });
    const shortfall = (chinaTotal - allowed).toString();
    const usNeeded = ratio === 0n ? null : (ceilDiv(100n * chinaTotal, ratio) - figures.usPosted).toString();
    const details: Record<string, string> = { shortfall, measure: unit };
    if (usNeeded !== null) details.usVolumeNeeded = usNeeded;
    const summary =
      usNeeded === null
        ? "the cap is 0 %: no volume can go to China"
        : `cut this lot by ${shortfall} ${unit}, or post ${usNeeded} more ${unit} of US end-use shipments`;
    const message = `China would reach ${china} ${unit}, above ${ratioPercent} % of US ${us} (limit ${limit})`;
    const shown = { measured: china, required, unit, vars: details };
    return onExceed === "fail"
      ? v.fail(message, { summary, details }, shown)
      : v.pending(message, { summary, details }, shown);
  };
};
