// The `evidence-required` kind: an item of evidence must be present in the dossier.
import type { Dossier } from "../../dossier/schema.ts";
import { type Kind, templateVars } from "./kind.ts";

export const evidenceRequired: Kind<"evidence-required"> = ({ item }) => {
  const present: (dossier: Dossier) => boolean =
    item === "exporterStatements.usShippedUnits"
      ? (dossier) => dossier.exporterStatements.usShippedUnits !== undefined
      : item === "ledger" || item === "screening"
        ? (dossier) => dossier[item] !== undefined
        : (dossier) => dossier.evidence[item] !== undefined;
  const onFile = `${item} is on file`;
  const missing = `${item} is missing`;
  const remedy = `file ${item}`;
  const vars = templateVars({ item });
  return ({ dossier }, v) => (present(dossier) ? v.pass(onFile) : v.pending(missing, remedy, vars));
};
