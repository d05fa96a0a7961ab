// The `list-screening` kind: no party is a true match on a screened list, and no hit is left open.
import type { Dossier } from "../../dossier/schema.ts";
import { anotherParty, type Kind, roleLabel } from "./kind.ts";

type ScreeningHit = NonNullable<Dossier["screening"]>["hits"][number];

export const listScreening: Kind<"list-screening"> =
  ({ alertScoreMin }) =>
  ({ dossier }, v) => {
    const screening = dossier.screening;
    if (!screening)
      return v.pending("parties have not been screened", "screen every party against the current lists");
    let trueMatch: ScreeningHit | undefined;
    let firstOpen: ScreeningHit | undefined;
    let openCount = 0;
    for (const hit of screening.hits) {
      if (hit.score < alertScoreMin) continue;
      if (hit.disposition === "true-match") trueMatch ??= hit;
      else if (hit.disposition === undefined) {
        firstOpen ??= hit;
        openCount += 1;
      }
    }
    if (trueMatch) {
      const message = `${roleLabel[trueMatch.party]} matches ${trueMatch.name} on ${trueMatch.listId} (entry ${trueMatch.entryId})`;
      return v.fail(message, anotherParty);
    }
    if (firstOpen) {
      const why = firstOpen.explanation ? `: ${firstOpen.explanation}` : "";
      const label = `${roleLabel[firstOpen.party]} ~ ${firstOpen.name} (${firstOpen.listId} entry ${firstOpen.entryId}, score ${firstOpen.score}${why})`;
      const message = `${openCount} screening hit(s) await a reviewer's disposition: ${label}`;
      return v.pending(message, "record a disposition (false positive or true match) for each open hit");
    }
    let versions = "";
    for (const { listId, version } of screening.listVersions)
      versions += versions === "" ? `${listId}@${version}` : `, ${listId}@${version}`;
    return v.pass(`no open screening hits against ${versions}`);
  };
