// The list files as screening reads them: the bundled lists (OFAC SDN 2021 snapshot, CSL sample,
// BIS Entity List extract) and the Chinese organization lexicon under the data directory, and the
// files a user imports, all read through the ScreeningFiles port; the index over the bundled lists,
// built once per process and data directory; screening a name, matching two names, describing list
// versions, parsing list files without storing them (dry run) and diffing two list files.
// Storing versions is versions.ts's job.
import { basename, dirname, join } from "node:path";
import { badInput, quote } from "../../core/errors.ts";
import {
  matchNames,
  type NameMatch,
  type ScreenOptions,
  type ScreenResult,
  screenName,
} from "../../core/screening/match.ts";
import {
  buildScreeningIndex,
  type ListVersionRef,
  type ScreeningIndex,
} from "../../core/screening/name-index.ts";
import { buildLexicon, type Lexicon, parseLexiconCsv } from "../../core/screening/normalize.ts";
import {
  parseCslCsv,
  parseCslJson,
  parseCustomCsv,
  parseEntityListExtract,
} from "../../core/screening/parsers.ts";
import { parseOfac } from "../../core/screening/parsers-ofac.ts";
import type { ListFormat, ListVersion, ParseResult, RowProblem } from "../../core/screening/types.ts";
import { buildListVersion, diffListVersions, type ListDiff } from "../../core/screening/versions.ts";

import type { ScreeningFiles } from "./ports.ts";

/** Formats a user may import: `csl` accepts trade.gov's CSV or JSON (by content). */
export const importFormats = ["csl", "ofac", "custom"] as const;
export type ImportFormat = (typeof importFormats)[number];

export const bundledListIds = {
  ofac: "ofac-sdn",
  csl: "csl",
  entityList: "bis-entity-list-extract",
} as const;

/** A file's bytes through the port; a file that cannot be read is the caller's bad input. */
function readBytes(files: ScreeningFiles, path: string): Uint8Array {
  try {
    return files.read(path);
  } catch (error) {
    const code = error instanceof Error && "code" in error ? String(error.code) : "unreadable";
    throw badInput(
      `file ${quote(path)}`,
      code === "ENOENT" ? "no such file" : `cannot be read (${code.toLowerCase()})`,
    );
  }
}

const utf8 = (bytes: Uint8Array | undefined): string => (bytes ? Buffer.from(bytes).toString("utf8") : "");

export function loadLexicon(files: ScreeningFiles): Lexicon {
  const file = join(files.dataDir, "screening", "zh-org-lexicon.csv");
  return buildLexicon(parseLexiconCsv(utf8(readBytes(files, file)), file));
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
export function loadListFile(
  files: ScreeningFiles,
  path: string,
  format: ImportFormat,
  options: LoadOptions,
): LoadedList {
  const importedAt = options.importedAt;
  const skip = options.skipBadRows === true;
  if (format === "ofac") {
    const paths = ofacPaths(path);
    const raw = [readBytes(files, paths.sdn), readBytes(files, paths.alt), readBytes(files, paths.add)];
    const listId = options.listId ?? bundledListIds.ofac;
    const parsed = parseOfac(
      {
        sdn: utf8(raw[0]),
        alt: utf8(raw[1]),
        add: utf8(raw[2]),
      },
      { listId, files: paths, skipBadRows: skip },
    );
    return {
      version: buildListVersion({ listId, format, raw, importedAt, entries: parsed.entries }),
      skipped: parsed.skipped,
    };
  }
  const bytes = readBytes(files, path);
  const text = utf8(bytes);
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
 * stored from the bundle take the context's clock instead (versions.ts).
 */
export const bundledListsImportedAt = "2026-11-22T00:36:10.000Z";

/** The bundled list versions: OFAC SDN 2021 snapshot, CSL sample, Entity List extract. */
export function loadBundledVersions(files: ScreeningFiles, importedAt: string): ListVersion[] {
  const { dataDir } = files;
  const ofac = loadListFile(files, join(dataDir, "lists", "ofac-sdn-2021"), "ofac", { importedAt }).version;
  const cslFile = join(dataDir, "lists", "csl-sample", "csl.csv");
  const csl = loadListFile(files, cslFile, "csl", { importedAt }).version;
  const elFile = join(dataDir, "screening", "entity-list-extract.csv");
  const elBytes = readBytes(files, elFile);
  const el = parseEntityListExtract(utf8(elBytes), {
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

/** The index over the bundled lists, built on first use and kept for the process (per data directory). */
export function bundledIndex(files: ScreeningFiles): ScreeningIndex {
  if (cached?.dataDir !== files.dataDir) {
    const versions = loadBundledVersions(files, bundledListsImportedAt);
    cached = { dataDir: files.dataDir, index: buildScreeningIndex(versions, loadLexicon(files)) };
  }
  return cached.index;
}

export const screen = (index: ScreeningIndex, name: string, options: ScreenOptions = {}): ScreenResult =>
  screenName(index, name, options);

export const match = (index: ScreeningIndex, a: string, b: string): NameMatch => matchNames(index, a, b);

export const listVersions = (index: ScreeningIndex): ListVersionRef[] => [...index.versions.values()];

export interface DryRunReport {
  readonly listId: string;
  readonly format: ListFormat;
  readonly contentHash: string;
  readonly entryCount: number;
  readonly nameCount: number;
  readonly skipped: RowProblem[];
}

export function importDryRun(
  files: ScreeningFiles,
  path: string,
  format: ImportFormat,
  options: LoadOptions,
): DryRunReport {
  const { version, skipped } = loadListFile(files, path, format, options);
  const { listId, contentHash, entryCount, nameCount } = version;
  return { listId, format: version.format, contentHash, entryCount, nameCount, skipped };
}

/** The entries two list files differ by (their versions are compared by content, never stored). */
export function diffListFiles(
  files: ScreeningFiles,
  fileA: string,
  fileB: string,
  format: ImportFormat,
): ListDiff {
  const importedAt = bundledListsImportedAt;
  const a = loadListFile(files, fileA, format, { importedAt, listId: "diff" }).version;
  const b = loadListFile(files, fileB, format, { importedAt, listId: "diff" }).version;
  return diffListVersions(a, b);
}
