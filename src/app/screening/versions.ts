// Stored list versions: a list file parsed and checked before anything is written, stored as the
// list's active version with a `list.imported` audit entry (idempotent by content hash), the
// bundled lists seeded into a fresh store, and stored versions listed, resolved by id, hash or
// prefix, and diffed. Re-screening the parties after a new version is rescreen.ts's job.
import { badInput, notFound, quote } from "../../core/errors.ts";
import type { ListVersion, RowProblem } from "../../core/screening/types.ts";
import { diffListVersions, entryFingerprint, type ListDiff } from "../../core/screening/versions.ts";
import type { WorkOptions } from "../ports.ts";
import { bundledListIds, type ImportFormat, loadBundledVersions, loadListFile } from "./lists.ts";
import {
  type ScreeningContext,
  type ScreeningFiles,
  type ScreeningRepos,
  type StoredListVersion,
  versionId,
} from "./ports.ts";

/** Every screening write: one serializable unit of work with its audit entries. */
export const screeningWrite: WorkOptions = { isolation: "serializable" };

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

/** A parsed version checked for storing, with its entries' fingerprints (computed outside the unit of work). */
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

/** Stores a prepared version in the unit of work and makes it its list's active version; idempotent by content hash. */
export async function storeVersion(
  repos: ScreeningRepos,
  prepared: PreparedVersion,
  at: Date,
): Promise<StoreVersionResult> {
  const rows = repos.screening;
  const { version } = prepared;
  const existing = await rows.loadVersion(versionId(version.listId, version.contentHash));
  if (existing) return { status: "exists", version: existing };
  const id = await rows.insertVersion(version, prepared);
  const superseded = await rows.activateVersion(id, version.listId, at);
  const stored = await rows.loadVersion(id);
  if (!stored) throw new Error(`list version ${id} vanished in its own transaction`);
  await repos.audit.append(
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
  /** When the version is taken in (its importedAt). */
  readonly at: Date;
  readonly listId?: string;
  readonly skipBadRows?: boolean;
  /** What the version's records and errors call its source; default the file's path. */
  readonly source?: string;
}

/** Parses and validates a whole list file (no store needed): a bad row fails unless skipBadRows. */
export function prepareListFile(
  files: ScreeningFiles,
  path: string,
  format: ImportFormat,
  options: ImportOptions,
): { prepared: PreparedVersion; skipped: RowProblem[] } {
  const loaded = loadListFile(files, path, format, {
    importedAt: options.at.toISOString(),
    skipBadRows: options.skipBadRows === true,
    ...(options.listId === undefined ? {} : { listId: options.listId }),
  });
  const source = options.source ?? path;
  return { prepared: prepareVersion(loaded.version, source, loaded.skipped.length), skipped: loaded.skipped };
}

/** Stores a prepared version in its own unit of work (see storeVersion), at the context's time. */
export function storePreparedVersion(
  context: ScreeningContext,
  prepared: PreparedVersion,
): Promise<StoreVersionResult> {
  const at = context.clock();
  return context.transactor.run((repos) => storeVersion(repos, prepared, at), screeningWrite);
}

/**
 * Parses and validates the whole file first (nothing is written when it is bad), then stores the
 * version, its entries and a `list.imported` audit entry in one unit of work. Re-importing the same
 * bytes under the same list id answers `exists`. Re-screening the parties is the caller's next step
 * (rescreenAll).
 */
export async function importListVersion(
  context: ScreeningContext,
  path: string,
  format: ImportFormat,
  options: Omit<ImportOptions, "at">,
): Promise<ImportResult> {
  const at = context.clock();
  const { prepared, skipped } = prepareListFile(context.files, path, format, { ...options, at });
  return { ...(await storePreparedVersion(context, prepared)), skipped };
}

const bundledIds: readonly string[] = Object.values(bundledListIds);

let bundledCache: { dataDir: string; prepared: readonly PreparedVersion[] } | undefined;

/**
 * The bundled lists parsed and fingerprinted (≈ 2.5 s CPU), once per process and data directory;
 * each call stamps them with its own import time.
 */
function bundledPrepared(files: ScreeningFiles, at: Date): PreparedVersion[] {
  if (bundledCache?.dataDir !== files.dataDir) {
    const versions = loadBundledVersions(files, at.toISOString());
    bundledCache = {
      dataDir: files.dataDir,
      prepared: versions.map((v) => prepareVersion(v, `bundled:${v.listId}`)),
    };
  }
  const importedAt = at.toISOString();
  return bundledCache.prepared.map((p) => ({ ...p, version: { ...p.version, importedAt } }));
}

/** Seeds, in the unit of work, each bundled list of which the store holds no version at all. */
export async function seedBundled(
  repos: ScreeningRepos,
  files: ScreeningFiles,
  at: Date,
  prepared?: readonly PreparedVersion[],
): Promise<StoredListVersion[]> {
  const present = await repos.screening.storedListIds();
  if (bundledIds.every((id) => present.has(id))) return [];
  const seeded: StoredListVersion[] = [];
  for (const p of prepared ?? bundledPrepared(files, at)) {
    if (present.has(p.version.listId)) continue;
    const result = await storeVersion(repos, p, at);
    if (result.status === "created") seeded.push(result.version);
  }
  return seeded;
}

/**
 * On a fresh store, seeds the bundled OFAC SDN, CSL sample and Entity List extract (a few seconds, once:
 * parse, fingerprint, store); afterwards it is one query. A list the store has any version of is left alone.
 */
export async function ensureBundledLists(context: ScreeningContext): Promise<StoredListVersion[]> {
  const present = await context.transactor.run((repos) => repos.screening.storedListIds());
  if (bundledIds.every((id) => present.has(id))) return [];
  const at = context.clock();
  const prepared = bundledPrepared(context.files, at);
  return context.transactor.run((repos) => seedBundled(repos, context.files, at, prepared), screeningWrite);
}

export const listVersionsStored = (context: ScreeningContext): Promise<StoredListVersion[]> =>
  context.transactor.run((repos) => repos.screening.loadVersions());

/**
 * Finds a stored version by its id (`listId@hash`), its content hash, or a unique prefix of either
 * (at least 8 characters of the hash).
 */
export function resolveVersion(all: readonly StoredListVersion[], ref: string): StoredListVersion {
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

async function loadListVersion(repos: ScreeningRepos, stored: StoredListVersion): Promise<ListVersion> {
  const entries = (await repos.screening.loadEntries([stored.id])).get(stored.id) ?? [];
  const { listId, format, contentHash, entryCount, nameCount, importedAt } = stored;
  return { listId, format, contentHash, entryCount, nameCount, importedAt, entries };
}

/** Entries added, removed and changed between two stored versions (by id, hash or prefix). */
export function diffStoredVersions(
  context: ScreeningContext,
  refA: string,
  refB: string,
): Promise<{ from: StoredListVersion; to: StoredListVersion; diff: ListDiff }> {
  return context.transactor.run(async (repos) => {
    const from = resolveVersion(await repos.screening.loadVersions(), refA);
    const to = resolveVersion(await repos.screening.loadVersions(), refB);
    const diff = diffListVersions(await loadListVersion(repos, from), await loadListVersion(repos, to));
    return { from, to, diff };
  });
}
