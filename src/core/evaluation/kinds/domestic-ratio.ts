// The `domestic-ratio` kind: the importer's domestic-chip purchases per imported unit.
import { ceilDiv } from "../../shared.ts";
import type { Kind } from "./kind.ts";

export const domesticRatio: Kind<"domestic-ratio"> = ({ domesticUnitsPerImported: ratio }) => {
  if (ratio === null) return (_subject, v) => v.notApplicable("no domestic-chip ratio has been published");
  const text = `${ratio.numerator}:${ratio.denominator}`;
  const numerator = BigInt(ratio.numerator);
  const denominator = BigInt(ratio.denominator);
  return ({ dossier }, v) => {
    const imported = BigInt(dossier.quantityUnits + (dossier.evidence.cnImportApproval?.usedUnits ?? 0));
    const requiredUnits = ceilDiv(imported * numerator, denominator);
    const bought = BigInt(dossier.evidence.domesticPurchases?.units ?? 0);
    const figures = { measured: bought.toString(), required: `≥ ${requiredUnits}`, unit: "units" };
    if (bought >= requiredUnits)
      return v.pass(
        `importer bought ${bought} domestic accelerators (${text} requires ${requiredUnits})`,
        figures,
      );
    const missing = requiredUnits - bought;
    const remedy = {
      summary: `buy ${missing} more domestic accelerators`,
      details: { missingUnits: missing.toString() },
    };
    return v.pending(
      `importer bought ${bought} domestic accelerators; ratio ${text} requires ${requiredUnits}`,
      remedy,
      figures,
    );
  };
};
