// Screening parties: one party against the active list versions (seeding the bundled lists on a
// fresh store), stored with its alerting hits and their explanations and a `party.screened` audit
// entry; the parties of an order brought up to date and the dossier's `screening` section
// returned (the shipment path's screener); one party by id on request (`sluice screenings run`).
import type { PartyRole } from "../../core/dossier/schema.ts";
import { notFound, quote } from "../../core/errors.ts";
import { screenName } from "../../core/screening/match.ts";
import { activeKey, activeLists } from "./active-index.ts";
import type {
  ScreeningContext,
  ScreeningFiles,
  ScreeningReason,
  ScreeningRepos,
  StoredScreening,
} from "./ports.ts";
import { screeningWrite, seedBundled } from "./versions.ts";
import { type DossierScreening, partyScreeningView } from "./views.ts";

export interface PartyToScreen {
  readonly id: string;
  readonly name: string;
  readonly country?: string | null;
}

export interface ScreenPartyOptions {
  readonly at: Date;
  readonly reason?: ScreeningReason;
}

export interface PartyScreeningResult {
  readonly screening: StoredScreening;
  /** Alerting hits not in the party's previous screening (all of them on a first screening). */
  readonly newAlerts: number;
}

export const alertKey = (hit: { listId: string; entryId: string }): string => `${hit.listId}\n${hit.entryId}`;

/** The country used as the screening qualifier: an ISO alpha-2 code, else none. */
export const qualifierCountry = (country: string | null | undefined): string | null =>
  country && /^[A-Za-z]{2}$/.test(country) ? country.toUpperCase() : null;

/** Whether the party's latest screening is against these versions, under this name and country. */
export const screenedAsNow = (
  previous: StoredScreening | undefined,
  party: PartyToScreen,
  key: string,
): boolean =>
  previous?.indexKey === key &&
  previous.name === party.name &&
  previous.country === qualifierCountry(party.country);

/**
 * Screens one party in the unit of work against the active list versions (seeding the bundled
 * lists on a fresh store: one query once seeded), stores the screening with its alerting hits and
 * their explanations, and appends `party.screened`. Call it after a party is created or changed,
 * in the same unit of work.
 */
export async function screenParty(
  repos: ScreeningRepos,
  files: ScreeningFiles,
  party: PartyToScreen,
  options: ScreenPartyOptions,
): Promise<PartyScreeningResult> {
  await seedBundled(repos, files, options.at);
  const active = await activeLists(repos, files);
  if (!active) throw new Error("no list versions after seeding the bundled lists");
  const country = qualifierCountry(party.country);
  const result = screenName(active.index, party.name, country === null ? {} : { country });
  const hits = result.hits.filter((hit) => hit.alert);
  const previous = (await repos.screening.latestScreenings([party.id])).get(party.id);
  const before = new Set((previous?.hits ?? []).map(alertKey));
  const record: Omit<StoredScreening, "id"> = {
    partyId: party.id,
    screenedAt: options.at.toISOString(),
    reason: options.reason ?? "party_created",
    name: party.name,
    country,
    indexKey: active.key,
    listVersions: active.versions.map((v) => ({ listId: v.listId, version: v.contentHash })),
    threshold: result.threshold,
    hits,
  };
  const id = await repos.screening.insertScreening(record);
  const summary = hits.map((h) => ({ listId: h.listId, entryId: h.entryId, name: h.name, score: h.score }));
  await repos.audit.append(
    "party.screened",
    { partyId: party.id, screeningId: id, reason: record.reason, indexKey: active.key, alerts: summary },
    options.at,
  );
  return { screening: { id, ...record }, newAlerts: hits.filter((h) => !before.has(alertKey(h))).length };
}

/** Loads the party and screens it in its own unit of work (`sluice screenings run`). */
export function screenPartyById(context: ScreeningContext, partyId: string): Promise<PartyScreeningResult> {
  const at = context.clock();
  return context.transactor.run(async (repos) => {
    const party = await repos.screening.loadScreenedParty(partyId);
    if (!party) throw notFound(`party ${quote(partyId)}`);
    return screenParty(repos, context.files, party, { reason: "requested", at });
  }, screeningWrite);
}

const screeningReasonFor = (prev: StoredScreening | undefined, key: string): ScreeningReason =>
  prev === undefined ? "party_created" : prev.indexKey !== key ? "list_version" : "party_changed";

/**
 * Screens, in the unit of work, each of the parties that was never screened, or was last screened
 * against other list versions or under another name or country; the others are left as they are.
 * Returns how many were screened.
 */
export async function ensurePartiesScreened(
  repos: ScreeningRepos,
  files: ScreeningFiles,
  parties: readonly PartyToScreen[],
  options: ScreenPartyOptions,
): Promise<number> {
  await seedBundled(repos, files, options.at);
  const key = await activeKey(repos);
  const unique = [...new Map(parties.map((p) => [p.id, p])).values()];
  const latest = await repos.screening.latestScreenings(unique.map((p) => p.id));
  let screened = 0;
  for (const party of unique) {
    const prev = latest.get(party.id);
    if (screenedAsNow(prev, party, key)) continue;
    const reason = options.reason ?? screeningReasonFor(prev, key);
    await screenParty(repos, files, party, { ...options, reason });
    screened++;
  }
  return screened;
}

/**
 * The shipment path's party screener over the stored lists (ShipmentScreening.screenParties): in
 * the caller's unit of work, brings the parties' screenings up to date (ensurePartiesScreened),
 * then returns the dossier's `screening` section with the dispositions in force at `at`. The
 * evaluation date is not used: screenings and dispositions are facts of the time they were made.
 */
export async function screenDossierParties(
  repos: ScreeningRepos,
  files: ScreeningFiles,
  parties: Readonly<Record<PartyRole, PartyToScreen>>,
  at: Date,
): Promise<DossierScreening> {
  await ensurePartiesScreened(repos, files, Object.values(parties), { at });
  const ids = {
    exporter: parties.exporter.id,
    consignee: parties.consignee.id,
    endUser: parties.endUser.id,
  };
  const view = await partyScreeningView(repos, ids, at);
  if (!view) throw new Error("a party has no screening right after being screened");
  return view;
}
