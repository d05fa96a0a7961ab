// List versions and their differences. A version is identified by the sha256 of the raw bytes
// imported (for OFAC's three files: of sdn, alt and add concatenated in that order); an entry by
// its fingerprint, the sha256 of its canonical JSON (type, names, countries, addresses), so a
// disposition taken on an entry can reopen when the listed entry changes.
import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import type { ListEntry, ListFormat, ListVersion } from "./types.ts";

export const sha256Hex = (...parts: readonly (Uint8Array | string)[]): string => {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return hash.digest("hex");
};

export interface ListVersionInput {
  readonly listId: string;
  readonly format: ListFormat;
  /** The raw bytes imported, in a fixed order when the list has several files. */
  readonly raw: readonly (Uint8Array | string)[];
  readonly importedAt: string;
  readonly entries: readonly ListEntry[];
}

export function buildListVersion(input: ListVersionInput): ListVersion {
  return {
    listId: input.listId,
    format: input.format,
    contentHash: sha256Hex(...input.raw),
    entryCount: input.entries.length,
    nameCount: input.entries.reduce((n, e) => n + e.names.length, 0),
    importedAt: input.importedAt,
    entries: input.entries,
  };
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** sha256 of what matters for screening: type, names (text + kind), countries, addresses. */
export function entryFingerprint(entry: ListEntry): string {
  const material = {
    type: entry.type,
    names: entry.names.map((n) => `${n.kind}:${n.text}`).sort(byText),
    countries: [...entry.countries].sort(byText),
    addresses: entry.addresses.map((a) => a.text).sort(byText),
  };
  return sha256Hex(canonicalize(material) ?? "");
}

export const entryChangeFields = ["type", "names", "countries", "addresses"] as const;
export type EntryChangeField = (typeof entryChangeFields)[number];

export interface EntryChange {
  readonly entryId: string;
  readonly fields: EntryChangeField[];
  readonly before: ListEntry;
  readonly after: ListEntry;
  readonly fingerprintBefore: string;
  readonly fingerprintAfter: string;
}

export interface ListDiff {
  readonly from: string;
  readonly to: string;
  readonly added: ListEntry[];
  readonly removed: ListEntry[];
  readonly changed: EntryChange[];
  readonly unchangedCount: number;
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && [...a].sort(byText).join("\n") === [...b].sort(byText).join("\n");

function changedFields(a: ListEntry, b: ListEntry): EntryChangeField[] {
  const fields: EntryChangeField[] = [];
  if (a.type !== b.type) fields.push("type");
  const names = (e: ListEntry) => e.names.map((n) => `${n.kind}:${n.text}`);
  if (!sameSet(names(a), names(b))) fields.push("names");
  if (!sameSet(a.countries, b.countries)) fields.push("countries");
  const addresses = (e: ListEntry) => e.addresses.map((x) => x.text);
  if (!sameSet(addresses(a), addresses(b))) fields.push("addresses");
  return fields;
}

/** Entries added, removed and changed (same entryId, different type/names/countries/addresses). */
export function diffListVersions(a: ListVersion, b: ListVersion): ListDiff {
  const before = new Map(a.entries.map((e) => [e.entryId, e]));
  const after = new Map(b.entries.map((e) => [e.entryId, e]));
  const added = b.entries.filter((e) => !before.has(e.entryId));
  const removed = a.entries.filter((e) => !after.has(e.entryId));
  const changed: EntryChange[] = [];
  let unchangedCount = 0;
  for (const entry of b.entries) {
    const old = before.get(entry.entryId);
    if (old === undefined) continue;
    const fields = changedFields(old, entry);
    if (fields.length === 0) {
      unchangedCount++;
      continue;
    }
    changed.push({
      entryId: entry.entryId,
      fields,
      before: old,
      after: entry,
      fingerprintBefore: entryFingerprint(old),
      fingerprintAfter: entryFingerprint(entry),
    });
  }
  return { from: a.contentHash, to: b.contentHash, added, removed, changed, unchangedCount };
}
