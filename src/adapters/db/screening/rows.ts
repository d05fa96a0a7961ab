// SQL for restricted-party screening (tables of migration 0030): list versions and their entries,
// party screenings and dispositions. Entries are stored as parsed at import (jsonb) and read back
// as they were written; timestamps come back as Date and leave this module as ISO strings.
// repository.ts binds these to a transaction as the app's ScreeningRepository.
import {
  type ListVersionUsed,
  type ScreenedParty,
  type ScreeningReason,
  type StoredDisposition,
  type StoredListVersion,
  type StoredScreening,
  type VersionMeta,
  versionId,
} from "../../../app/screening/ports.ts";
import type { DispositionDecision } from "../../../core/screening/dispositions.ts";
import type { Hit } from "../../../core/screening/match.ts";
import type { ListEntry, ListFormat, ListVersion } from "../../../core/screening/types.ts";
import type { Tx } from "../store.ts";

/** Anything that runs a query: the store (own implicit transaction) or an open transaction. */
export type Db = Pick<Tx, "query">;

interface VersionRow {
  id: string;
  list_id: string;
  format: ListFormat;
  content_hash: string;
  entry_count: number;
  name_count: number;
  skipped_rows: number;
  source: string;
  imported_at: Date;
  active: boolean;
  superseded_by: string | null;
}

const versionColumns =
  "id, list_id, format, content_hash, entry_count, name_count, skipped_rows, source, imported_at, active, superseded_by";

const fromVersionRow = (row: VersionRow): StoredListVersion => ({
  id: row.id,
  listId: row.list_id,
  format: row.format,
  contentHash: row.content_hash,
  entryCount: row.entry_count,
  nameCount: row.name_count,
  skippedRows: row.skipped_rows,
  source: row.source,
  importedAt: row.imported_at.toISOString(),
  active: row.active,
  ...(row.superseded_by === null ? {} : { supersededBy: row.superseded_by }),
});

/** All stored versions, by list then import time (oldest first); or only the active ones. */
export async function loadVersions(
  db: Db,
  options: { activeOnly?: boolean } = {},
): Promise<StoredListVersion[]> {
  const where = options.activeOnly === true ? "WHERE active" : "";
  const { rows } = await db.query<VersionRow>(
    `SELECT ${versionColumns} FROM list_versions ${where} ORDER BY list_id COLLATE "C", imported_at, id COLLATE "C"`,
  );
  return rows.map(fromVersionRow);
}

export async function loadVersion(db: Db, id: string): Promise<StoredListVersion | undefined> {
  const { rows } = await db.query<VersionRow>(`SELECT ${versionColumns} FROM list_versions WHERE id = $1`, [
    id,
  ]);
  return rows[0] ? fromVersionRow(rows[0]) : undefined;
}

export async function storedListIds(db: Db): Promise<Set<string>> {
  const { rows } = await db.query<{ list_id: string }>("SELECT DISTINCT list_id FROM list_versions");
  return new Set(rows.map((row) => row.list_id));
}

/** Inserts the version (inactive) with its entries; `activateVersion` makes it the list's current one. */
export async function insertVersion(tx: Tx, version: ListVersion, meta: VersionMeta): Promise<string> {
  const id = versionId(version.listId, version.contentHash);
  await tx.query(
    `INSERT INTO list_versions (id, list_id, format, content_hash, entry_count, name_count, skipped_rows,
       source, imported_at, active) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, false)`,
    [
      id,
      version.listId,
      version.format,
      version.contentHash,
      version.entryCount,
      version.nameCount,
      meta.skippedRows,
      meta.source,
      version.importedAt,
    ],
  );
  const rows = version.entries.map((entry, ord) => ({ o: ord, f: meta.fingerprints[ord], e: entry }));
  // One statement per version: the entries travel as one JSON array and are unpacked server-side.
  await tx.query(
    `INSERT INTO list_entries (version_id, ord, entry_id, fingerprint, entry)
     SELECT $1, (r->>'o')::integer, r->'e'->>'entryId', r->>'f', r->'e' FROM jsonb_array_elements($2::jsonb) AS r`,
    [id, JSON.stringify(rows)],
  );
  return id;
}

/** Makes `id` the active version of its list; returns the version it superseded, if any. */
export async function activateVersion(
  tx: Tx,
  id: string,
  listId: string,
  at: Date,
): Promise<string | undefined> {
  const { rows } = await tx.query<{ id: string }>(
    `UPDATE list_versions SET active = false, superseded_by = $1, superseded_at = $3
     WHERE list_id = $2 AND active RETURNING id`,
    [id, listId, at],
  );
  await tx.query("UPDATE list_versions SET active = true WHERE id = $1", [id]);
  return rows[0]?.id;
}

/** Entries of the given versions in file order, by version id. */
export async function loadEntries(db: Db, versionIds: readonly string[]): Promise<Map<string, ListEntry[]>> {
  const { rows } = await db.query<{ version_id: string; entry: ListEntry }>(
    "SELECT version_id, entry FROM list_entries WHERE version_id = ANY($1::text[]) ORDER BY version_id, ord",
    [versionIds],
  );
  const byVersion = new Map<string, ListEntry[]>(versionIds.map((id) => [id, []]));
  for (const row of rows) byVersion.get(row.version_id)?.push(row.entry);
  return byVersion;
}

export async function loadScreenedParty(db: Db, id: string): Promise<ScreenedParty | undefined> {
  const { rows } = await db.query<ScreenedParty>("SELECT id, name, country FROM parties WHERE id = $1", [id]);
  return rows[0];
}

/** Parties after `after` in id order (keyset pagination). */
export async function partiesPage(db: Db, after: string, limit: number): Promise<ScreenedParty[]> {
  const { rows } = await db.query<ScreenedParty>(
    `SELECT id, name, country FROM parties WHERE id COLLATE "C" > $1 ORDER BY id COLLATE "C" LIMIT $2`,
    [after, limit],
  );
  return rows;
}

export async function insertScreening(tx: Tx, s: Omit<StoredScreening, "id">): Promise<string> {
  const { rows } = await tx.query<{ id: bigint }>(
    `INSERT INTO party_screenings (party_id, screened_at, reason, name, country, index_key, list_versions,
       threshold, alert_count, hits) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    [
      s.partyId,
      s.screenedAt,
      s.reason,
      s.name,
      s.country,
      s.indexKey,
      JSON.stringify(s.listVersions),
      s.threshold,
      s.hits.length,
      JSON.stringify(s.hits),
    ],
  );
  return String(rows[0]?.id);
}

interface ScreeningRow {
  id: bigint;
  party_id: string;
  screened_at: Date;
  reason: ScreeningReason;
  name: string;
  country: string | null;
  index_key: string;
  list_versions: ListVersionUsed[];
  threshold: number;
  hits: Hit[];
}

/** The latest screening of each of the given parties (parties never screened are absent). */
export async function latestScreenings(
  db: Db,
  partyIds: readonly string[],
): Promise<Map<string, StoredScreening>> {
  const { rows } = await db.query<ScreeningRow>(
    `SELECT DISTINCT ON (party_id) id, party_id, screened_at, reason, name, country, index_key, list_versions,
       threshold, hits FROM party_screenings WHERE party_id = ANY($1::text[]) ORDER BY party_id, id DESC`,
    [partyIds],
  );
  return new Map(
    rows.map((row) => [
      row.party_id,
      {
        id: String(row.id),
        partyId: row.party_id,
        screenedAt: row.screened_at.toISOString(),
        reason: row.reason,
        name: row.name,
        country: row.country,
        indexKey: row.index_key,
        listVersions: row.list_versions,
        threshold: row.threshold,
        hits: row.hits,
      },
    ]),
  );
}

interface DispositionRow {
  id: string;
  party_id: string;
  list_id: string;
  entry_id: string;
  entry_fingerprint: string;
  decision: DispositionDecision;
  reason: string;
  decided_by: string;
  decided_at: Date;
  decided_by_role: string | null;
  expires_at: Date | null;
  list_version: string;
  screening_id: bigint;
}

const fromDispositionRow = (row: DispositionRow): StoredDisposition => ({
  id: row.id,
  partyId: row.party_id,
  listId: row.list_id,
  entryId: row.entry_id,
  entryFingerprint: row.entry_fingerprint,
  decision: row.decision,
  reason: row.reason,
  decidedBy: row.decided_by,
  ...(row.decided_by_role === null ? {} : { decidedByRole: row.decided_by_role }),
  decidedAt: row.decided_at.toISOString(),
  ...(row.expires_at === null ? {} : { expiresAt: row.expires_at.toISOString() }),
  listVersion: row.list_version,
  screeningId: String(row.screening_id),
});

const dispositionColumns =
  "id, party_id, list_id, entry_id, entry_fingerprint, decision, reason, decided_by, decided_at, expires_at, list_version, screening_id, decided_by_role";

/** Dispositions, oldest first; of the given parties, or all when `partyIds` is undefined. */
export async function loadDispositions(
  db: Db,
  partyIds: readonly string[] | undefined,
): Promise<StoredDisposition[]> {
  const { rows } = await db.query<DispositionRow>(
    `SELECT ${dispositionColumns} FROM dispositions WHERE $1::text[] IS NULL OR party_id = ANY($1::text[])
     ORDER BY party_id COLLATE "C", decided_at, id COLLATE "C"`,
    [partyIds ?? null],
  );
  return rows.map(fromDispositionRow);
}

export async function loadDisposition(db: Db, id: string): Promise<StoredDisposition | undefined> {
  const { rows } = await db.query<DispositionRow>(
    `SELECT ${dispositionColumns} FROM dispositions WHERE id = $1`,
    [id],
  );
  return rows[0] ? fromDispositionRow(rows[0]) : undefined;
}

export async function insertDisposition(tx: Tx, d: StoredDisposition): Promise<void> {
  await tx.query(
    `INSERT INTO dispositions (${dispositionColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      d.id,
      d.partyId,
      d.listId,
      d.entryId,
      d.entryFingerprint,
      d.decision,
      d.reason,
      d.decidedBy,
      d.decidedAt,
      d.expiresAt ?? null,
      d.listVersion,
      d.screeningId,
      d.decidedByRole ?? null,
    ],
  );
}
