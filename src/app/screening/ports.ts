// The ports of restricted-party screening: what the use cases read and write (ScreeningRepository:
// stored list versions and their entries, parties, party screenings, dispositions), the audit log
// of the same unit of work (ScreeningRepos), the list files (ScreeningFiles: the bundled lists and
// the files a user imports) and the context a use case runs in. The SQL is in
// src/adapters/db/screening/, the file reader in src/adapters/files/screening-lists.ts; both are
// wired in src/compose.ts.

import type { Disposition } from "../../core/screening/dispositions.ts";
import type { Hit } from "../../core/screening/match.ts";
import type { ListEntry, ListFormat, ListVersion } from "../../core/screening/types.ts";
import type { AuditActor, AuditLog } from "../audit/ports.ts";
import type { Clock, IdSource, Transactor } from "../ports.ts";

export interface StoredListVersion {
  /** `<listId>@<contentHash>`. */
  readonly id: string;
  readonly listId: string;
  readonly format: ListFormat;
  readonly contentHash: string;
  readonly entryCount: number;
  readonly nameCount: number;
  readonly skippedRows: number;
  readonly source: string;
  readonly importedAt: string;
  readonly active: boolean;
  readonly supersededBy?: string;
}

export const versionId = (listId: string, contentHash: string): string => `${listId}@${contentHash}`;

export interface ScreenedParty {
  readonly id: string;
  readonly name: string;
  readonly country: string | null;
}

export const screeningReasons = ["party_created", "party_changed", "list_version", "requested"] as const;
export type ScreeningReason = (typeof screeningReasons)[number];

export interface ListVersionUsed {
  readonly listId: string;
  /** The version's content hash. */
  readonly version: string;
}

export interface StoredScreening {
  readonly id: string;
  readonly partyId: string;
  readonly screenedAt: string;
  readonly reason: ScreeningReason;
  readonly name: string;
  readonly country: string | null;
  readonly indexKey: string;
  readonly listVersions: readonly ListVersionUsed[];
  readonly threshold: number;
  /** Alerting hits with their explanations, best first. */
  readonly hits: readonly Hit[];
}

export interface StoredDisposition extends Disposition {
  readonly id: string;
  readonly screeningId: string;
}

/** What a version is stored with besides its entries. */
export interface VersionMeta {
  readonly source: string;
  readonly skippedRows: number;
  /** The entries' fingerprints, in entry order. */
  readonly fingerprints: readonly string[];
}

/** Every read and write of the screening tables, inside one unit of work. */
export interface ScreeningRepository {
  /** All stored versions, by list then import time (oldest first); or only the active ones. */
  loadVersions(options?: { activeOnly?: boolean }): Promise<StoredListVersion[]>;
  loadVersion(id: string): Promise<StoredListVersion | undefined>;
  /** The ids of the lists the store holds any version of. */
  storedListIds(): Promise<Set<string>>;
  /** Inserts the version (inactive) with its entries; returns its id. */
  insertVersion(version: ListVersion, meta: VersionMeta): Promise<string>;
  /** Makes `id` the active version of its list; returns the version it superseded, if any. */
  activateVersion(id: string, listId: string, at: Date): Promise<string | undefined>;
  /** Entries of the given versions in file order, by version id. */
  loadEntries(versionIds: readonly string[]): Promise<Map<string, ListEntry[]>>;
  loadScreenedParty(id: string): Promise<ScreenedParty | undefined>;
  /** Parties after `after` in id order (keyset pagination). */
  partiesPage(after: string, limit: number): Promise<ScreenedParty[]>;
  insertScreening(screening: Omit<StoredScreening, "id">): Promise<string>;
  /** The latest screening of each of the given parties (parties never screened are absent). */
  latestScreenings(partyIds: readonly string[]): Promise<Map<string, StoredScreening>>;
  /** Dispositions, oldest first; of the given parties, or all when `partyIds` is undefined. */
  loadDispositions(partyIds: readonly string[] | undefined): Promise<StoredDisposition[]>;
  loadDisposition(id: string): Promise<StoredDisposition | undefined>;
  insertDisposition(disposition: StoredDisposition): Promise<void>;
}

/** One unit of work of screening: the tables and the audit log, bound to the acting principal. */
export interface ScreeningRepos {
  readonly screening: ScreeningRepository;
  readonly audit: AuditLog;
}

/**
 * The list files: the bundled lists and lexicon under `dataDir`, and the files a user imports.
 * `read` answers a file's bytes (an error with a `code` such as ENOENT when it cannot).
 */
export interface ScreeningFiles {
  read(path: string): Uint8Array;
  /** The directory of the bundled lists (`lists/`) and the organization lexicon (`screening/`). */
  readonly dataDir: string;
}

/** What the screening use cases run on: units of work, the clock, ids and the list files. */
export interface ScreeningContext {
  readonly transactor: Transactor<ScreeningRepos>;
  readonly clock: Clock;
  readonly newId: IdSource;
  readonly files: ScreeningFiles;
}

/**
 * The screening context attributed to `actor` (its audit entries name it); without one, the
 * system's own acts (seeding the bundled lists, re-screening after an import).
 */
export type ScreeningContextFor = (actor?: AuditActor) => ScreeningContext;
