// What a party's screening looks like to a reader: its latest screening reviewed against its
// dispositions (GET /v1/parties/{id}/screening, `sluice screenings show`), and the dossier's
// `screening` section for an order's parties.
import type { Dossier, PartyRole } from "../../core/dossier/schema.ts";
import {
  type DispositionDecision,
  type PartyScreening,
  reviewScreening,
} from "../../core/screening/dispositions.ts";
import type { Hit } from "../../core/screening/match.ts";
import type { ScreeningContext, ScreeningRepos, StoredScreening } from "./ports.ts";

export interface PartyReview {
  readonly screening: StoredScreening;
  readonly review: PartyScreening;
}

/** The party's latest screening reviewed against its dispositions now; undefined if never screened. */
export function partyReview(context: ScreeningContext, partyId: string): Promise<PartyReview | undefined> {
  const at = context.clock();
  return context.transactor.run(async ({ screening: rows }) => {
    const screening = (await rows.latestScreenings([partyId])).get(partyId);
    if (!screening) return undefined;
    const dispositions = await rows.loadDispositions([partyId]);
    return {
      screening,
      review: reviewScreening(partyId, screening.hits as Hit[], dispositions, at.toISOString()),
    };
  });
}

export type DossierScreening = NonNullable<Dossier["screening"]>;

const dossierDisposition = {
  false_positive: "false-positive",
  true_match: "true-match",
} as const satisfies Record<DispositionDecision, string>;

/**
 * The dossier's `screening` section for an order's parties: each party's latest screening, its
 * alerting hits, and a disposition only where one is in force at `at` (an expired disposition or
 * one taken on an entry that has since changed leaves the hit undisposed, so it holds again).
 * Undefined when a party has never been screened (the list-screening rule then stays pending).
 */
export async function partyScreeningView(
  { screening: rows }: ScreeningRepos,
  parties: Readonly<Record<PartyRole, string>>,
  at: Date,
): Promise<DossierScreening | undefined> {
  const roles = Object.entries(parties) as [PartyRole, string][];
  const ids = [...new Set(roles.map(([, id]) => id))];
  const latest = await rows.latestScreenings(ids);
  if (ids.some((id) => !latest.has(id))) return undefined;
  const dispositions = await rows.loadDispositions(ids);
  const hits: DossierScreening["hits"] = [];
  for (const [role, id] of roles) {
    const screening = latest.get(id) as StoredScreening;
    const review = reviewScreening(id, screening.hits as Hit[], dispositions, at.toISOString());
    for (const { hit, disposition, status } of review.hits) {
      hits.push({
        party: role,
        listId: hit.listId,
        entryId: hit.entryId,
        name: hit.name,
        score: hit.score,
        ...(hit.explanation?.summary ? { explanation: hit.explanation.summary } : {}),
        ...(status === "active" && disposition
          ? { disposition: dossierDisposition[disposition.decision] }
          : {}),
      });
    }
  }
  const versions = new Map<string, { listId: string; version: string }>();
  for (const s of latest.values())
    for (const v of s.listVersions) versions.set(`${v.listId}@${v.version}`, v);
  const screenedAt = [...latest.values()].map((s) => s.screenedAt).sort()[0] ?? at.toISOString();
  return {
    screenedOn: screenedAt.slice(0, 10),
    listVersions: [...versions.values()].sort((a, b) =>
      a.listId < b.listId ? -1 : a.listId > b.listId ? 1 : 0,
    ),
    hits,
  };
}
