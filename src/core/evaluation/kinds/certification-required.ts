// The `certification-required` kind: a party must have made a given certification.
import type { Party } from "../../dossier/schema.ts";
import { type Kind, partyIn, roleLabel, templateVars } from "./kind.ts";

type Certification = Party["certifications"][number];

function certificationOf(party: Party, kind: Certification["kind"]): Certification | undefined {
  for (const certification of party.certifications) if (certification.kind === kind) return certification;
  return undefined;
}

export const certificationRequired: Kind<"certification-required"> = ({ party: role, certification }) => {
  const label = roleLabel[role];
  return ({ dossier, at }, v) => {
    const party = partyIn(dossier, role);
    const found = certificationOf(party, certification);
    const who = `${label} ${party.name}`;
    if (found && found.signedOn <= at)
      return v.pass(`${who} certified ${certification} on ${found.signedOn}`);
    const remedy = `have ${party.name} certify ${certification}`;
    const vars = templateVars({ party: party.name, certification });
    if (!found) return v.pending(`${who} has not certified ${certification}`, remedy, vars);
    return v.pending(`${who} certified ${certification} only on ${found.signedOn}`, remedy, vars);
  };
};
