// The reference data as files: the product catalog (<data dir>/chips.csv) and the rulebook library
// (every .yaml/.yml/.json file under rulebooks/, scenario books in rulebooks/scenarios/), read once
// per directory and handed to the application as parsed values (app/evaluation/ports.ts). The
// default directories are the repository's data/ and rulebooks/, found from this file's location
// so the CLI works from any working directory.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { type Catalog, catalogFromText } from "../../app/evaluation/catalog.ts";
import type { ReferenceSource } from "../../app/evaluation/ports.ts";
import { libraryOf, type RulebookText } from "../../app/evaluation/rulebooks.ts";
import { badInput, quote } from "../../core/errors.ts";
import type { Rulebook } from "../../core/rulebook/schema.ts";

export const defaultDataDir = fileURLToPath(new URL("../../../data/", import.meta.url));
export const defaultRulebookDir = fileURLToPath(new URL("../../../rulebooks/", import.meta.url));
export const catalogFileName = "chips.csv";

const catalogs = new Map<string, Catalog>();

/** Reads and parses `<dir>/chips.csv` on first use; later calls with the same dir reuse it. */
export function loadCatalog(dir: string = defaultDataDir): Catalog {
  const cached = catalogs.get(dir);
  if (cached !== undefined) return cached;
  const file = join(dir, catalogFileName);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = error instanceof Error && "code" in error ? String(error.code).toLowerCase() : "unreadable";
    throw badInput(`catalog ${quote(file)}`, `cannot be read (${code})`);
  }
  const catalog = catalogFromText(text, `catalog ${quote(file)}`);
  catalogs.set(dir, catalog);
  return catalog;
}

const libraries = new Map<string, Rulebook[]>();

function listFiles(dir: string): string[] {
  let entries: import("node:fs").Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    throw badInput(`rulebook directory ${quote(dir)}`, "cannot be read");
  }
  return entries
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return listFiles(path);
      return /\.(ya?ml|json)$/.test(entry.name) ? [path] : [];
    })
    .sort();
}

/** A file's name as a rulebook error names it: relative to the working directory. */
export const rulebookFileName = (path: string): string => relative(process.cwd(), path) || path;

/** All rulebooks under `dir`, validated; a broken file is an error naming it, the path and the line. */
export function loadRulebooks(dir: string = defaultRulebookDir): Rulebook[] {
  const cached = libraries.get(dir);
  if (cached) return cached;
  const texts: RulebookText[] = listFiles(dir).map((file) => ({
    text: readFileSync(file, "utf8"),
    fileName: rulebookFileName(file),
  }));
  const books = libraryOf(texts);
  libraries.set(dir, books);
  return books;
}

/** The bundled catalog and rulebooks, each read on first use (a command that needs neither reads neither). */
export const bundledReferenceData: ReferenceSource = {
  catalog: () => loadCatalog(),
  rulebooks: () => loadRulebooks(),
};
