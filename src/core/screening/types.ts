// The restricted-party list model shared by the parsers, list versions and the matcher.
// Assumes every list, whatever its published layout, reduces to entries with names (one primary,
// any number of aliases), countries (ISO 3166-1 alpha-2 where known), addresses and a source.

export const listFormats = ["csl", "csl-json", "ofac", "custom", "entity-list-extract"] as const;
export type ListFormat = (typeof listFormats)[number];

export const entryTypes = ["entity", "individual", "vessel", "aircraft", "unknown"] as const;
export type EntryType = (typeof entryTypes)[number];

export const nameKinds = ["primary", "alias"] as const;
export type NameKind = (typeof nameKinds)[number];

export interface ListName {
  readonly text: string;
  readonly kind: NameKind;
  /** The list's own alias qualifier where it has one (OFAC: aka, fka, nka). */
  readonly aliasType?: string;
}

export interface ListAddress {
  /** The address as published, one line. */
  readonly text: string;
  /** ISO 3166-1 alpha-2 when the published country could be mapped, else absent. */
  readonly country?: string;
}

export interface SourceCitation {
  /** The sub-list or programme that lists the entry, e.g. `Entity List (EL) - Bureau of Industry and Security`. */
  readonly list: string;
  /** Federal Register or other citation, as published. */
  readonly citation?: string;
  /** Listing date, ISO 8601 (yyyy-mm-dd), when published. */
  readonly date?: string;
  readonly url?: string;
}

export interface ListEntry {
  readonly listId: string;
  readonly entryId: string;
  readonly type: EntryType;
  /** names[0] is the primary name. */
  readonly names: readonly ListName[];
  readonly countries: readonly string[];
  readonly addresses: readonly ListAddress[];
  readonly programs: readonly string[];
  readonly source: SourceCitation;
  readonly remarks?: string;
}

/** One import of one list: its content hash identifies it in decisions and dispositions. */
export interface ListVersion {
  readonly listId: string;
  readonly format: ListFormat;
  /** sha256 (hex) of the raw bytes imported. */
  readonly contentHash: string;
  readonly entryCount: number;
  readonly nameCount: number;
  /** ISO 8601 instant, supplied by the caller (the core has no clock). */
  readonly importedAt: string;
  readonly entries: readonly ListEntry[];
}

/** A row the parser could not use (only reported when the caller asked to skip bad rows). */
export interface RowProblem {
  readonly file: string;
  readonly line: number;
  readonly why: string;
}

export interface ParseResult {
  readonly entries: ListEntry[];
  readonly skipped: RowProblem[];
}

export interface ParseOptions {
  /** Name of the file, for error messages. */
  readonly file: string;
  /** List id to assign to the entries. */
  readonly listId: string;
  /** Skip bad rows (and report them) instead of failing on the first one. */
  readonly skipBadRows?: boolean;
}
