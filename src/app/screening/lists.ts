// Screening use cases: load the bundled lists (OFAC SDN 2021 snapshot, CSL sample, BIS Entity List
// extract) and the Chinese organization lexicon from data/, build the index once per process and
// cache it, then screen names, match two names, describe list versions, parse list files without
// storing them (dry run) and diff two list files. Persistence of versions and dispositions is the
// store's job (src/adapters/db); this module reads files only.
import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { badInput, quote } from "../core/errors.ts";
import {
  matchNames,
  type NameMatch,
  type ScreenOptions,
  type ScreenResult,
  screenName,
} from "../core/screening/match.ts";
import {
  buildScreeningIndex,
  type ListVersionRef,
  type ScreeningIndex,
} from "../core/screening/name-index.ts";
import { buildLexicon, type Lexicon, parseLexiconCsv } from "../core/screening/normalize.ts";
import {
  parseCslCsv,
  parseCslJson,
  parseCustomCsv,
  parseEntityListExtract,
} from "../core/screening/parsers.ts";
import { parseOfac } from "../core/screening/parsers-ofac.ts";
import type { ListFormat, ListVersion, ParseResult, RowProblem } from "../core/screening/types.ts";
import { buildListVersion, diffListVersions, type ListDiff } from "../core/screening/versions.ts";

export const defaultDataDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "data");

/** Formats a user may import: `csl` accepts trade.gov's CSV or JSON (by content). */
export const importFormats = ["csl", "ofac", "custom"] as const;
export type ImportFormat = (typeof importFormats)[number];

export const bundledListIds = {
  ofac: "ofac-sdn",
  csl: "csl",
  entityList: "bis-entity-list-extract",
} as const;

function readBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = error instanceof Error && "code" in error ? String(error.code) : "unreadable";
    throw badInput(
      `file ${quote(path)}`,
      code === "ENOENT" ? "no such file" : `cannot be read (${code.toLowerCase()})`,
    );
  }
}

export function loadLexicon(dataDir = defaultDataDir): Lexicon {
  const file = join(dataDir, "screening", "zh-org-lexicon.csv");
  return buildLexicon(parseLexiconCsv(readBytes(file).toString("utf8"), file));
}

/** OFAC's three files live side by side; any one of them (or their directory) names the set. */
function ofacPaths(path: string): { sdn: string; alt: string; add: string } {
  const dir = /\.csv$/i.test(path) ? dirname(path) : path;
  return { sdn: join(dir, "sdn.csv"), alt: join(dir, "alt.csv"), add: join(dir, "add.csv") };
}

export interface LoadedList {
  readonly version: ListVersion;
  readonly skipped: RowProblem[];
}

export interface LoadOptions {
  readonly listId?: string;
  readonly skipBadRows?: boolean;
  /** When the version is taken in: the caller's clock (use cases never read the global one). */
  readonly importedAt: string;
}

/** Parses a list file into a version (not stored). */
export function loadListFile(path: string, format: ImportFormat, options: LoadOptions): LoadedList {
  const importedAt = options.importedAt;
  const skip = options.skipBadRows === true;
  if (format === "ofac") {
    const paths = ofacPaths(path);
    const raw = [readBytes(paths.sdn), readBytes(paths.alt), readBytes(paths.add)];
    const listId = options.listId ?? bundledListIds.ofac;
    const parsed = parseOfac(
      {
        sdn: raw[0]?.toString("utf8") ?? "",
        alt: raw[1]?.toString("utf8") ?? "",
        add: raw[2]?.toString("utf8") ?? "",
      },
      { listId, files: paths, skipBadRows: skip },
    );
    return {
      version: buildListVersion({ listId, format, raw, importedAt, entries: parsed.entries }),
      skipped: parsed.skipped,
    };
  }
  const bytes = readBytes(path);
  const text = bytes.toString("utf8");
  const listId =
    options.listId ?? (format === "csl" ? bundledListIds.csl : basename(path).replace(/\.[^.]*$/, ""));
  const parseOptions = { file: path, listId, skipBadRows: skip };
  const isJson = format === "csl" && text.trimStart().startsWith("{");
  const parsed: ParseResult =
    format === "custom"
      ? parseCustomCsv(text, parseOptions)
      : isJson
        ? parseCslJson(text, parseOptions)
        : parseCslCsv(text, parseOptions);
  const versionFormat: ListFormat = isJson ? "csl-json" : format;
  return {
    version: buildListVersion({
      listId,
      format: versionFormat,
      raw: [bytes],
      importedAt,
      entries: parsed.entries,
    }),
    skipped: parsed.skipped,
  };
}

/**
 * When the bundled lists were taken into the repository. The in-memory index over them (below) is
 * never stored, so its versions carry this fixed stamp rather than the time a process happens to
 * load them: the same versions in every process, and no global clock read in a use case. Versions
 * stored from the bundle take the store's clock instead (screening-store.ts).
 */
export const bundledListsImportedAt = "2026-11-22T00:36:10.000Z";

/** The bundled list versions: OFAC SDN 2021 snapshot, CSL sample, Entity List extract. */
export function loadBundledVersions(dataDir = defaultDataDir, importedAt: string): ListVersion[] {
  const ofac = loadListFile(join(dataDir, "lists", "ofac-sdn-2021"), "ofac", { importedAt }).version;
  const csl = loadListFile(join(dataDir, "lists", "csl-sample", "csl.csv"), "csl", { importedAt }).version;
  const elFile = join(dataDir, "screening", "entity-list-extract.csv");
  const elBytes = readBytes(elFile);
  const el = parseEntityListExtract(elBytes.toString("utf8"), {
    file: elFile,
    listId: bundledListIds.entityList,
  });
  const entityList = buildListVersion({
    listId: bundledListIds.entityList,
    format: "entity-list-extract",
    raw: [elBytes],
    importedAt,
    entries: el.entries,
  });
  return [ofac, csl, entityList];
}

let cached: { dataDir: string; index: ScreeningIndex } | undefined;

/** The index over the bundled lists, built on first use and kept for the process. */
export function bundledIndex(dataDir = defaultDataDir): ScreeningIndex {
  if (cached?.dataDir !== dataDir) {
    cached = {
      dataDir,
      index: buildScreeningIndex(loadBundledVersions(dataDir, bundledListsImportedAt), loadLexicon(dataDir)),
    };
  }
  return cached.index;
}

export const screen = (name: string, options: ScreenOptions = {}, index = bundledIndex()): ScreenResult =>
  screenName(index, name, options);

export const match = (a: string, b: string, index = bundledIndex()): NameMatch => matchNames(index, a, b);

export const listVersions = (index = bundledIndex()): ListVersionRef[] => [...index.versions.values()];

export interface DryRunReport {
  readonly listId: string;
  readonly format: ListFormat;
  readonly contentHash: string;
  readonly entryCount: number;
  readonly nameCount: number;
  readonly skipped: RowProblem[];
}

export function importDryRun(path: string, format: ImportFormat, options: LoadOptions): DryRunReport {
  const { version, skipped } = loadListFile(path, format, options);
  const { listId, contentHash, entryCount, nameCount } = version;
  return { listId, format: version.format, contentHash, entryCount, nameCount, skipped };
}

/** The entries two list files differ by (their versions are compared by content, never stored). */
export function diffListFiles(fileA: string, fileB: string, format: ImportFormat): ListDiff {
  const importedAt = bundledListsImportedAt;
  const a = loadListFile(fileA, format, { importedAt, listId: "diff" }).version;
  const b = loadListFile(fileB, format, { importedAt, listId: "diff" }).version;
  return diffListVersions(a, b);
}
