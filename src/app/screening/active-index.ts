// The index over the active list versions: built from the stored entries and the organization
// lexicon on first use for a given set of versions, and kept per process (the current set and the
// one before, for screenings still running on it). A new version changes the key, so the next
// screening builds the new index.
import { buildScreeningIndex, type ScreeningIndex } from "../../core/screening/name-index.ts";
import type { Lexicon } from "../../core/screening/normalize.ts";
import type { ListVersion } from "../../core/screening/types.ts";
import { loadLexicon } from "./lists.ts";
import type { ScreeningContext, ScreeningFiles, ScreeningRepos, StoredListVersion } from "./ports.ts";

/** Indexes kept per process (the current one and the one before, for screenings still running). */
export const indexCacheEntriesMax = 2;
const indexCache = new Map<string, Promise<ScreeningIndex>>();
let lexiconCached: { dataDir: string; lexicon: Lexicon } | undefined;

export interface ActiveLists {
  /** The active version ids, joined: identifies the index and is stored with each screening. */
  readonly key: string;
  readonly versions: readonly StoredListVersion[];
  readonly index: ScreeningIndex;
}

function lexiconOf(files: ScreeningFiles): Lexicon {
  if (lexiconCached?.dataDir !== files.dataDir)
    lexiconCached = { dataDir: files.dataDir, lexicon: loadLexicon(files) };
  return lexiconCached.lexicon;
}

async function buildIndex(
  repos: ScreeningRepos,
  files: ScreeningFiles,
  versions: readonly StoredListVersion[],
): Promise<ScreeningIndex> {
  const entries = await repos.screening.loadEntries(versions.map((v) => v.id));
  const listVersions: ListVersion[] = versions.map((v) => ({
    listId: v.listId,
    format: v.format,
    contentHash: v.contentHash,
    entryCount: v.entryCount,
    nameCount: v.nameCount,
    importedAt: v.importedAt,
    entries: entries.get(v.id) ?? [],
  }));
  return buildScreeningIndex(listVersions, lexiconOf(files));
}

/** The active versions' key, without building the index. */
export async function activeKey(repos: ScreeningRepos): Promise<string> {
  return (await repos.screening.loadVersions({ activeOnly: true })).map((v) => v.id).join(" ");
}

/**
 * The active versions and the index over them; undefined when the store has no list at all. The
 * index is built on first use for a given set of versions (about 3 s with the full OFAC SDN) and
 * kept; a new version changes the key, so the next call builds the new one.
 */
export async function activeLists(
  repos: ScreeningRepos,
  files: ScreeningFiles,
): Promise<ActiveLists | undefined> {
  const versions = await repos.screening.loadVersions({ activeOnly: true });
  if (versions.length === 0) return undefined;
  const key = versions.map((v) => v.id).join(" ");
  let pending = indexCache.get(key);
  if (pending === undefined) {
    pending = buildIndex(repos, files, versions);
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

/** Builds the active index now (the server does at start, not in its first request). */
export const warmActiveLists = (context: ScreeningContext): Promise<ActiveLists | undefined> =>
  context.transactor.run((repos) => activeLists(repos, context.files));
