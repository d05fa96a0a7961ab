// The `party-attribute` kind: parties' sector, military end use and headquarters (own or parent).
import type { Party } from "../../dossier/schema.ts";
import { anotherParty, type Kind, partyIn, roleLabel } from "./kind.ts";

/** The first of the party's (or its parent's) headquarters countries that is forbidden. */
function forbiddenHeadquarters(party: Party, forbidden: readonly string[]): string | undefined {
  const own = party.headquartersCountry ?? party.country;
  if (own && forbidden.includes(own)) return own;
  const parent = party.parentHeadquartersCountry;
  return parent && forbidden.includes(parent) ? parent : undefined;
}

export const partyAttribute: Kind<"party-attribute"> = (params) => {
  const { parties: roles, forbiddenSectors, forbidMilitaryEndUser } = params;
  const passMessage = `${roles.map((role) => roleLabel[role]).join(", ")}: no forbidden attribute`;
  return ({ dossier }, v) => {
    for (const role of roles) {
      // The party's label and template values are built only for a failure (most decisions pass).
      const party = partyIn(dossier, role);
      if (party.sector && forbiddenSectors.includes(party.sector)) {
        const figures = { measured: party.sector, vars: { party: party.name } };
        return v.fail(`${roleLabel[role]} ${party.name} is in sector ${party.sector}`, anotherParty, figures);
      }
      if (forbidMilitaryEndUser && party.militaryEndUser)
        return v.fail(`${roleLabel[role]} ${party.name} is a military end user`, anotherParty, {
          vars: { party: party.name },
        });
      const hq = forbiddenHeadquarters(party, params.forbiddenHeadquarters);
      if (hq)
        return v.fail(
          `${roleLabel[role]} ${party.name} is headquartered (or its parent is) in ${hq}`,
          anotherParty,
          {
            measured: hq,
            vars: { party: party.name },
          },
        );
    }
    return v.pass(passMessage);
  };
};
