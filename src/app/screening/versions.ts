// Screening with the store: list versions (imported, seeded from the bundled lists, diffed), the
// index over the active versions (cached per process by the set of version ids), screenings of
// parties (on creation or change, and again when a new list version lands), reviewers'
// dispositions, and the dossier's `screening` section. Every write runs in one SERIALIZABLE
// transaction with its audit entry; input is validated before the transaction starts.

import { z } from "zod";
import { type AuditAppender, systemAudit } from "../adapters/db/audit.ts";
import type { Store, TransactionOptions, Tx } from "../adapters/db/store.ts";
import type { Dossier, PartyRole } from "../core/dossier/schema.ts";
import { badInput, notFound, quote } from "../core/errors.ts";
import {
  type DispositionDecision,
  dispositionDecisions,
  type PartyScreening,
  reviewedStatus,
  reviewScreening,
} from "../core/screening/dispositions.ts";
import { type Hit, screenName } from "../core/screening/match.ts";
import { buildScreeningIndex, type ScreeningIndex } from "../core/screening/name-index.ts";
import type { Lexicon } from "../core/screening/normalize.ts";
import type { ListVersion, RowProblem } from "../core/screening/types.ts";
import { diffListVersions, entryFingerprint, type ListDiff } from "../core/screening/versions.ts";
import { parseInput } from "../core/validation.ts";
import {
  bundledListIds,
  defaultDataDir,
  type ImportFormat,
  loadBundledVersions,
  loadLexicon,
  loadListFile,
} from "./screening.ts";
import type {
  Db,
  ScreeningReason,
  StoredDisposition,
  StoredListVersion,
  StoredScreening,
} from "./screening-rows.ts";
import * as rows from "./screening-rows.ts";

export type { Db, ScreeningReason, StoredDisposition, StoredListVersion, StoredScreening };

const writeTx: TransactionOptions = { isolation: "serializable", lockAuditChain: true };
type AppendAudit = AuditAppender;
/** Screening acts nobody asked for (a bundled list seeded, a re-screen) are the system's own. */
const screeningSystem = systemAudit("sluice screening");

// ---------------------------------------------------------------- list versions

export const importStatuses = ["created", "exists"] as const;
export type ImportStatus = (typeof importStatuses)[number];

export interface StoreVersionResult {
  readonly status: ImportStatus;
  readonly version: StoredListVersion;
  /** The version this one replaced as the list's active version. */
  readonly superseded?: string;
}

export interface ImportResult extends StoreVersionResult {
  readonly skipped: RowProblem[];
}

/** A parsed version checked for storing, with its entries' fingerprints (computed outside the transaction). */
export interface PreparedVersion {
  readonly version: ListVersion;
  readonly fingerprints: readonly string[];
  readonly source: string;
  readonly skippedRows: number;
}

export function prepareVersion(version: ListVersion, source: string, skippedRows = 0): PreparedVersion {
  if (version.entries.length === 0) throw badInput(`list ${quote(source)}`, "has no entries");
  const seen = new Set<string>();
  for (const entry of version.entries) {
    if (seen.has(entry.entryId))
      throw badInput(`list ${quote(source)}`, `entry id ${quote(entry.entryId)} appears more than once`);
    seen.add(entry.entryId);
  }
  return { version, fingerprints: version.entries.map(entryFingerprint), source, skippedRows };
}

/** Stores a prepared version in `tx` and makes it its list's active version; idempotent by content hash. */
export async function storeVersionTx(
  tx: Tx,
  prepared: PreparedVersion,
  at: Date,
  audit: AppendAudit = screeningSystem,
): Promise<StoreVersionResult> {
  const { version } = prepared;
  const existing = await rows.loadVersion(tx, rows.versionId(version.listId, version.contentHash));
  if (existing) return { status: "exists", version: existing };
  const id = await rows.insertVersion(tx, version, prepared);
  const superseded = await rows.activateVersion(tx, id, version.listId, at);
  const stored = await rows.loadVersion(tx, id);
  if (!stored) throw new Error(`list version ${id} vanished in its own transaction`);
  await audit(
    tx,
    "list.imported",
    {
      versionId: id,
      listId: version.listId,
      format: version.format,
      contentHash: version.contentHash,
      entryCount: version.entryCount,
      nameCount: version.nameCount,
      skippedRows: prepared.skippedRows,
      source: prepared.source,
      supersedes: superseded ?? null,
    },
    at,
  );
  return { status: "created", version: stored, ...(superseded ? { superseded } : {}) };
}

export interface ImportOptions {
  readonly at: Date;
  readonly listId?: string;
  readonly skipBadRows?: boolean;
  readonly appendAudit?: AppendAudit;
  /** What the version's records and errors call its source; default the file's path. */
  readonly source?: string;
}

/** Parses and validates a whole list file (no store needed): a bad row fails unless skipBadRows. */
export function prepareListFile(
  path: string,
  format: ImportFormat,
  options: Omit<ImportOptions, "appendAudit">,
): { prepared: PreparedVersion; skipped: RowProblem[] } {
  const loaded = loadListFile(path, format, {
    importedAt: options.at.toISOString(),
    skipBadRows: options.skipBadRows === true,
    ...(options.listId === undefined ? {} : { listId: options.listId }),
  });
  const source = options.source ?? path;
  return { prepared: prepareVersion(loaded.version, source, loaded.skipped.length), skipped: loaded.skipped };
}

/** Stores a prepared version in its own transaction (see storeVersionTx). */
export function storePreparedVersion(
  store: Store,
  prepared: PreparedVersion,
  options: { at: Date; appendAudit?: AppendAudit },
): Promise<StoreVersionResult> {
  return store.transaction((tx) => storeVersionTx(tx, prepared, options.at, options.appendAudit), writeTx);
}

/**
 * Parses and validates the whole file first (nothing is written when it is bad), then stores the
 * version, its entries and a `list.imported` audit entry in one transaction. Re-importing the same
 * bytes under the same list id answers `exists`. Re-screening the parties is the caller's next step
 * (rescreenAll).
 */
export async function importListVersion(
  store: Store,
  path: string,
  format: ImportFormat,
  options: ImportOptions,
): Promise<ImportResult> {
  const { prepared, skipped } = prepareListFile(path, format, options);
  return { ...(await storePreparedVersion(store, prepared, options)), skipped };
}

const bundledIds: readonly string[] = Object.values(bundledListIds);

let bundledCache: { dataDir: string; prepared: readonly PreparedVersion[] } | undefined;

/**
 * The bundled lists parsed and fingerprinted (≈ 2.5 s CPU), once per process and data directory;
 * each call stamps them with its own import time.
 */
function bundledPrepared(dataDir: string, at: Date): PreparedVersion[] {
  if (bundledCache?.dataDir !== dataDir) {
    const versions = loadBundledVersions(dataDir, at.toISOString());
    bundledCache = { dataDir, prepared: versions.map((v) => prepareVersion(v, `bundled:${v.listId}`)) };
  }
  const importedAt = at.toISOString();
  return bundledCache.prepared.map((p) => ({ ...p, version: { ...p.version, importedAt } }));
}

/** Seeds, in `tx`, each bundled list of which the store holds no version at all. */
export async function seedBundledTx(
  tx: Tx,
  at: Date,
  options: { dataDir?: string; appendAudit?: AppendAudit; prepared?: readonly PreparedVersion[] } = {},
): Promise<StoredListVersion[]> {
  const present = await rows.storedListIds(tx);
  if (bundledIds.every((id) => present.has(id))) return [];
  const prepared = options.prepared ?? bundledPrepared(options.dataDir ?? defaultDataDir, at);
  const seeded: StoredListVersion[] = [];
  for (const p of prepared) {
    if (present.has(p.version.listId)) continue;
    const result = await storeVersionTx(tx, p, at, options.appendAudit);
    if (result.status === "created") seeded.push(result.version);
  }
  return seeded;
}

/**
 * On a fresh store, seeds the bundled OFAC SDN, CSL sample and Entity List extract (a few seconds, once:
 * parse, fingerprint, store); afterwards it is one query. A list the store has any version of is left alone.
 */
export async function ensureBundledLists(
  store: Store,
  options: { at: Date; dataDir?: string; appendAudit?: AppendAudit },
): Promise<StoredListVersion[]> {
  const present = await rows.storedListIds(store);
  if (bundledIds.every((id) => present.has(id))) return [];
  const prepared = bundledPrepared(options.dataDir ?? defaultDataDir, options.at);
  return store.transaction((tx) => seedBundledTx(tx, options.at, { ...options, prepared }), writeTx);
}

export const listVersionsStored = (db: Db): Promise<StoredListVersion[]> => rows.loadVersions(db);

/**
 * Finds a stored version by its id (`listId@hash`), its content hash, or a unique prefix of either
 * (at least 8 characters of the hash).
 */
export async function resolveVersion(db: Db, ref: string): Promise<StoredListVersion> {
  const all = await rows.loadVersions(db);
  const exact = all.find((v) => v.id === ref || v.contentHash === ref);
  if (exact) return exact;
  const hashPart = ref.includes("@") ? ref.slice(ref.lastIndexOf("@") + 1) : ref;
  if (hashPart.length < 8)
    throw badInput(`list version ${quote(ref)}`, "give at least 8 characters of the hash");
  const found = all.filter(
    (v) => v.id.startsWith(ref) || (!ref.includes("@") && v.contentHash.startsWith(ref)),
  );
  if (found.length === 0) throw notFound(`list version ${quote(ref)}`);
  if (found.length > 1)
    throw badInput(
      `list version ${quote(ref)}`,
      `matches ${found.length} versions: ${found.map((v) => v.id).join(", ")}`,
    );
  return found[0] as StoredListVersion;
}

async function loadListVersion(db: Db, stored: StoredListVersion): Promise<ListVersion> {
  const entries = (await rows.loadEntries(db, [stored.id])).get(stored.id) ?? [];
  const { listId, format, contentHash, entryCount, nameCount, importedAt } = stored;
  return { listId, format, contentHash, entryCount, nameCount, importedAt, entries };
}

/** Entries added, removed and changed between two stored versions (by id, hash or prefix). */
export async function diffStoredVersions(
  db: Db,
  refA: string,
  refB: string,
): Promise<{ from: StoredListVersion; to: StoredListVersion; diff: ListDiff }> {
  const from = await resolveVersion(db, refA);
  const to = await resolveVersion(db, refB);
  const diff = diffListVersions(await loadListVersion(db, from), await loadListVersion(db, to));
  return { from, to, diff };
}

// ---------------------------------------------------------------- the active index

/** Indexes kept per process (the current one and the one before, for screenings still running). */
export const indexCacheEntriesMax = 2;
const indexCache = new Map<string, Promise<ScreeningIndex>>();
let lexiconCached: Lexicon | undefined;

export interface ActiveLists {
  /** The active version ids, joined: identifies the index and is stored with each screening. */
  readonly key: string;
  readonly versions: readonly StoredListVersion[];
  readonly index: ScreeningIndex;
}

async function buildIndex(db: Db, versions: readonly StoredListVersion[]): Promise<ScreeningIndex> {
  const entries = await rows.loadEntries(
    db,
    versions.map((v) => v.id),
  );
  const listVersions: ListVersion[] = versions.map((v) => ({
    listId: v.listId,
    format: v.format,
    contentHash: v.contentHash,
    entryCount: v.entryCount,
    nameCount: v.nameCount,
    importedAt: v.importedAt,
    entries: entries.get(v.id) ?? [],
  }));
  lexiconCached ??= loadLexicon();
  return buildScreeningIndex(listVersions, lexiconCached);
}

/**
 * The active versions and the index over them; undefined when the store has no list at all. The
 * index is built on first use for a given set of versions (about 3 s with the full OFAC SDN) and
 * kept; a new version changes the key, so the next call builds the new one.
 */
export async function activeLists(db: Db): Promise<ActiveLists | undefined> {
  const versions = await rows.loadVersions(db, { activeOnly: true });
  if (versions.length === 0) return undefined;
  const key = versions.map((v) => v.id).join(" ");
  let pending = indexCache.get(key);
  if (pending === undefined) {
    pending = buildIndex(db, versions);
    pending.catch(() => indexCache.delete(key));
  } else indexCache.delete(key);
  indexCache.set(key, pending);
  while (indexCache.size > indexCacheEntriesMax) {
    const oldest = indexCache.keys().next().value;
    if (oldest === undefined) break;
    indexCache.delete(oldest);
  }
  return { key, versions, index: await pending };
}

// ---------------------------------------------------------------- screening parties

export interface PartyToScreen {
  readonly id: string;
  readonly name: string;
  readonly country?: string | null;
}

export interface ScreenPartyOptions {
  readonly at: Date;
  readonly reason?: ScreeningReason;
  readonly appendAudit?: AppendAudit;
  readonly dataDir?: string;
}

export interface PartyScreeningResult {
  readonly screening: StoredScreening;
  /** Alerting hits not in the party's previous screening (all of them on a first screening). */
  readonly newAlerts: number;
}

const alertKey = (hit: { listId: string; entryId: string }): string => `${hit.listId}\n${hit.entryId}`;

/**
 * Screens one party in `tx` against the active list versions (seeding the bundled lists on a
 * fresh store: one query once seeded), stores the screening with its alerting hits and their explanations, and appends
 * `party.screened`. Call it after a party is created or changed, in the same transaction.
 */
export async function screenParty(
  tx: Tx,
  party: PartyToScreen,
  options: ScreenPartyOptions,
): Promise<PartyScreeningResult> {
  await seedBundledTx(tx, options.at, options);
  const active = await activeLists(tx);
  if (!active) throw new Error("no list versions after seeding the bundled lists");
  const country = qualifierCountry(party.country);
  const result = screenName(active.index, party.name, country === null ? {} : { country });
  const hits = result.hits.filter((hit) => hit.alert);
  const previous = (await rows.latestScreenings(tx, [party.id])).get(party.id);
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
  const id = await rows.insertScreening(tx, record);
  const summary = hits.map((h) => ({ listId: h.listId, entryId: h.entryId, name: h.name, score: h.score }));
  await (options.appendAudit ?? screeningSystem)(
    tx,
    "party.screened",
    { partyId: party.id, screeningId: id, reason: record.reason, indexKey: active.key, alerts: summary },
    options.at,
  );
  return { screening: { id, ...record }, newAlerts: hits.filter((h) => !before.has(alertKey(h))).length };
}

/** Loads the party and screens it in its own transaction (`sluice screenings run`). */
export async function screenPartyById(
  store: Store,
  partyId: string,
  options: ScreenPartyOptions,
): Promise<PartyScreeningResult> {
  return store.transaction(async (tx) => {
    const party = await rows.loadScreenedParty(tx, partyId);
    if (!party) throw notFound(`party ${quote(partyId)}`);
    return screenParty(tx, party, { reason: "requested", ...options });
  }, writeTx);
}

export const rescreenBatchSizeMaxDefault = 100;

export interface RescreenReport {
  readonly indexKey: string;
  readonly parties: number;
  readonly screened: number;
  /** Already screened against exactly these versions, with the same name and country. */
  readonly unchanged: number;
  /** Parties whose current screening has at least one alerting hit. */
  readonly withAlerts: number;
  readonly newAlerts: number;
  /** Alerting hits without a disposition in force (new, expired, or reopened by a changed entry). */
  readonly openAlerts: number;
  readonly batches: number;
}

/** The country used as the screening qualifier: an ISO alpha-2 code, else none. */
const qualifierCountry = (country: string | null | undefined): string | null =>
  country && /^[A-Za-z]{2}$/.test(country) ? country.toUpperCase() : null;

/** The active versions' key, without building the index. */
async function activeKey(db: Db): Promise<string> {
  return (await rows.loadVersions(db, { activeOnly: true })).map((v) => v.id).join(" ");
}

interface BatchCounts {
  screened: number;
  unchanged: number;
  withAlerts: number;
  newAlerts: number;
  openAlerts: number;
}

async function rescreenBatch(
  tx: Tx,
  page: readonly rows.ScreenedParty[],
  key: string,
  options: ScreenPartyOptions & { force?: boolean },
): Promise<BatchCounts> {
  const latest = await rows.latestScreenings(
    tx,
    page.map((p) => p.id),
  );
  const dispositions = await rows.loadDispositions(
    tx,
    page.map((p) => p.id),
  );
  const counts: BatchCounts = { screened: 0, unchanged: 0, withAlerts: 0, newAlerts: 0, openAlerts: 0 };
  for (const party of page) {
    const prev = latest.get(party.id);
    const same =
      prev?.indexKey === key && prev.name === party.name && prev.country === qualifierCountry(party.country);
    let current = prev;
    if (!prev || !same || options.force === true) {
      const result = await screenParty(tx, party, { reason: "list_version", ...options });
      counts.screened++;
      counts.newAlerts += result.newAlerts;
      current = result.screening;
    } else counts.unchanged++;
    if (!current || current.hits.length === 0) continue;
    counts.withAlerts++;
    const review = reviewScreening(party.id, current.hits, dispositions, options.at.toISOString());
    counts.openAlerts += review.hits.filter((r) => r.status !== "active").length;
  }
  return counts;
}

/**
 * Re-screens every party against the active versions, in batches of batchSizeMax parties, one
 * transaction each (the index is built only if some party needs screening). Parties already
 * screened against the same versions, name and country are skipped unless `force`.
 */
export async function rescreenAll(
  store: Store,
  options: ScreenPartyOptions & { batchSizeMax?: number; force?: boolean },
): Promise<RescreenReport> {
  await ensureBundledLists(store, options);
  const key = await activeKey(store);
  const batchSizeMax = options.batchSizeMax ?? rescreenBatchSizeMaxDefault;
  const totals = {
    parties: 0,
    screened: 0,
    unchanged: 0,
    withAlerts: 0,
    newAlerts: 0,
    openAlerts: 0,
    batches: 0,
  };
  for (let after = ""; ; ) {
    const batch = await store.transaction(async (tx) => {
      const page = await rows.partiesPage(tx, after, batchSizeMax);
      return { page, counts: await rescreenBatch(tx, page, key, options) };
    }, writeTx);
    if (batch.page.length === 0) break;
    totals.batches++;
    totals.parties += batch.page.length;
    for (const k of ["screened", "unchanged", "withAlerts", "newAlerts", "openAlerts"] as const)
      totals[k] += batch.counts[k];
    after = batch.page.at(-1)?.id ?? after;
    if (batch.page.length < batchSizeMax) break;
  }
  return { indexKey: key, ...totals };
}

const screeningReasonFor = (prev: StoredScreening | undefined, key: string): ScreeningReason =>
  prev === undefined ? "party_created" : prev.indexKey !== key ? "list_version" : "party_changed";

/**
 * Screens, in `tx`, each of the parties that was never screened, or was last screened against
 * other list versions or under another name or country; the others are left as they are.
 * Returns how many were screened.
 */
export async function ensurePartiesScreenedTx(
  tx: Tx,
  parties: readonly PartyToScreen[],
  options: ScreenPartyOptions,
): Promise<number> {
  await seedBundledTx(tx, options.at, options);
  const key = await activeKey(tx);
  const unique = [...new Map(parties.map((p) => [p.id, p])).values()];
  const latest = await rows.latestScreenings(
    tx,
    unique.map((p) => p.id),
  );
  let screened = 0;
  for (const party of unique) {
    const prev = latest.get(party.id);
    const current =
      prev?.indexKey === key && prev.name === party.name && prev.country === qualifierCountry(party.country);
    if (current) continue;
    await screenParty(tx, party, { ...options, reason: options.reason ?? screeningReasonFor(prev, key) });
    screened++;
  }
  return screened;
}

/**
 * The shipment path's party screener over the store (ShipmentContext.screenParties): in the
 * caller's transaction, brings the parties' screenings up to date (ensurePartiesScreenedTx), then
 * returns the dossier's `screening` section with the dispositions in force at clock(). The
 * evaluation date is not used: screenings and dispositions are facts of the time they were made.
 */
export function storeListScreener(options: {
  clock: () => Date;
  appendAudit?: AppendAudit;
  dataDir?: string;
}) {
  return async (
    tx: Tx,
    parties: Readonly<Record<PartyRole, PartyToScreen>>,
    _at: string,
  ): Promise<DossierScreening> => {
    const at = options.clock();
    await ensurePartiesScreenedTx(tx, Object.values(parties), { ...options, at });
    const ids = {
      exporter: parties.exporter.id,
      consignee: parties.consignee.id,
      endUser: parties.endUser.id,
    };
    const view = await partyScreeningView(tx, ids, at);
    if (!view) throw new Error("a party has no screening right after being screened");
    return view;
  };
}

// ---------------------------------------------------------------- dispositions

const idPattern = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export const dispositionInputSchema = z.strictObject({
  id: z.string().regex(idPattern, "expected 1–128 letters, digits, `.`, `_`, `:` or `-`").optional(),
  partyId: z.string().min(1),
  listId: z.string().min(1),
  entryId: z.string().min(1),
  decision: z.enum(dispositionDecisions),
  reason: z.string().trim().min(1, "a reason is required").max(2000),
  // Who decided comes from the credential, never from the body (issue #13): a `decidedBy` field is
  // refused by name (refuseBodyDecider) so a caller cannot sign for someone else.
  decidedBy: z
    .string()
    .max(200)
    .optional()
    .meta({ description: "refused: the decider is the token's principal" }),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
export type DispositionInput = z.input<typeof dispositionInputSchema>;

export type AddDispositionStatus = "created" | "exists" | `exists_with_different_${string}`;

const replayFields = ["partyId", "listId", "entryId", "decision", "reason", "expiresAt"] as const;
const snake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function replayStatus(stored: StoredDisposition, incoming: Record<string, unknown>): AddDispositionStatus {
  for (const field of replayFields) {
    const a = stored[field];
    const b = incoming[field];
    const same =
      field === "expiresAt" && typeof a === "string" && typeof b === "string"
        ? Date.parse(a) === Date.parse(b)
        : a === b;
    if (!same) return `exists_with_different_${snake(field)}`;
  }
  return "exists";
}

/**
 * Records a reviewer's decision on a hit of the party's latest screening. The disposition binds
 * to the hit's entry fingerprint and list version; `decision` is false_positive or true_match.
 * A replayed id answers `exists` (or `exists_with_different_<field>`) and changes nothing.
 */
export async function addDisposition(
  store: Store,
  input: unknown,
  options: {
    at: Date;
    newId: () => string;
    appendAudit?: AppendAudit;
    /** The authenticated principal that decides: its token id (or a CLI operator) and role. */
    decider: { id: string; role: string };
  },
): Promise<{ status: AddDispositionStatus; disposition: StoredDisposition }> {
  const parsed = parseInput(dispositionInputSchema, input, "disposition");
  if (parsed.decidedBy !== undefined)
    throw badInput(
      "disposition at `decidedBy`",
      `the decider is the authenticated principal (${options.decider.role} ${quote(options.decider.id)}), never a body field`,
      "decider_from_credential",
    );
  if (parsed.expiresAt !== undefined && Date.parse(parsed.expiresAt) <= options.at.getTime())
    throw badInput("disposition at `expiresAt`", "must be after the time of the decision");
  const id = parsed.id ?? options.newId();
  return store.transaction(async (tx) => {
    const stored = await rows.loadDisposition(tx, id);
    if (stored) return { status: replayStatus(stored, parsed), disposition: stored };
    if (!(await rows.loadScreenedParty(tx, parsed.partyId))) throw notFound(`party ${quote(parsed.partyId)}`);
    const what = `hit on ${quote(parsed.listId)} entry ${quote(parsed.entryId)} for party ${quote(parsed.partyId)}`;
    const latest = (await rows.latestScreenings(tx, [parsed.partyId])).get(parsed.partyId);
    if (!latest) throw notFound(what, "the party has not been screened");
    const hit = latest.hits.find((h) => h.listId === parsed.listId && h.entryId === parsed.entryId);
    if (!hit) throw notFound(what, "not among the alerts of the party's latest screening");
    const disposition: StoredDisposition = {
      id,
      partyId: parsed.partyId,
      listId: parsed.listId,
      entryId: parsed.entryId,
      entryFingerprint: hit.entryFingerprint,
      decision: parsed.decision,
      reason: parsed.reason,
      decidedBy: options.decider.id,
      decidedByRole: options.decider.role,
      decidedAt: options.at.toISOString(),
      ...(parsed.expiresAt === undefined ? {} : { expiresAt: new Date(parsed.expiresAt).toISOString() }),
      listVersion: hit.explanation.list.version,
      screeningId: latest.id,
    };
    await rows.insertDisposition(tx, disposition);
    await (options.appendAudit ?? screeningSystem)(tx, "disposition.recorded", disposition, options.at);
    return { status: "created" as const, disposition };
  }, writeTx);
}

/** How a stored disposition stands now, against the party's latest screening. */
export const dispositionViewStatuses = [
  "active",
  "pending_second_review",
  "expired",
  "reopened_entry_changed",
  "no_current_hit",
  "superseded",
] as const;
export type DispositionViewStatus = (typeof dispositionViewStatuses)[number];

export interface DispositionView {
  readonly disposition: StoredDisposition;
  readonly status: DispositionViewStatus;
}

export async function listDispositions(
  db: Db,
  options: { at: Date; partyId?: string },
): Promise<DispositionView[]> {
  const all = await rows.loadDispositions(db, options.partyId === undefined ? undefined : [options.partyId]);
  const latest = await rows.latestScreenings(db, [...new Set(all.map((d) => d.partyId))]);
  const last = new Map<string, string>();
  for (const d of all) last.set(`${d.partyId}\n${alertKey(d)}`, d.id);
  return all.map((disposition): DispositionView => {
    if (last.get(`${disposition.partyId}\n${alertKey(disposition)}`) !== disposition.id)
      return { disposition, status: "superseded" };
    const hit = latest.get(disposition.partyId)?.hits.find((h) => alertKey(h) === alertKey(disposition));
    if (!hit) return { disposition, status: "no_current_hit" };
    const status = reviewedStatus(hit, disposition, all, options.at.toISOString());
    return { disposition, status: status === "none" ? "no_current_hit" : status };
  });
}

// ---------------------------------------------------------------- views

export interface PartyReview {
  readonly screening: StoredScreening;
  readonly review: PartyScreening;
}

/** The party's latest screening reviewed against its dispositions at `at`; undefined if never screened. */
export async function partyReview(db: Db, partyId: string, at: Date): Promise<PartyReview | undefined> {
  const screening = (await rows.latestScreenings(db, [partyId])).get(partyId);
  if (!screening) return undefined;
  const dispositions = await rows.loadDispositions(db, [partyId]);
  return {
    screening,
    review: reviewScreening(partyId, screening.hits as Hit[], dispositions, at.toISOString()),
  };
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
  db: Db,
  parties: Readonly<Record<PartyRole, string>>,
  at: Date,
): Promise<DossierScreening | undefined> {
  const roles = Object.entries(parties) as [PartyRole, string][];
  const ids = [...new Set(roles.map(([, id]) => id))];
  const latest = await rows.latestScreenings(db, ids);
  if (ids.some((id) => !latest.has(id))) return undefined;
  const dispositions = await rows.loadDispositions(db, ids);
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
