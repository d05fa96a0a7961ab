// Loading the rulebook library from disk: every .yaml/.yml/.json file under rulebooks/ (scenario
// books in rulebooks/scenarios/), parsed, validated alone and together, and cached per directory.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { badInput, quote } from "../../core/errors.ts";
import { checkLibrary, parseRulebook } from "../../core/rulebook/load.ts";
import type { Rulebook } from "../../core/rulebook/schema.ts";

export const defaultRulebookDir = fileURLToPath(new URL("../../../rulebooks/", import.meta.url));

const cache = new Map<string, Rulebook[]>();

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

/** All rulebooks under `dir`, validated; a broken file is an error naming it, the path and the line. */
export function loadRulebooks(dir: string = defaultRulebookDir): Rulebook[] {
  const cached = cache.get(dir);
  if (cached) return cached;
  const books = listFiles(dir).map((file) =>
    parseRulebook(readFileSync(file, "utf8"), relative(process.cwd(), file) || file),
  );
  checkLibrary(books);
  cache.set(dir, books);
  return books;
}

/** A rulebook as lists show it (CLI and API): identity, dates, citation, rule ids, file and hash. */
export const bookSummary = (book: Rulebook) => ({
  id: book.id,
  version: book.version,
  title: book.title,
  jurisdiction: book.jurisdiction,
  scenario: book.scenario,
  effective: book.effective,
  citation: book.citation,
  rules: book.rules.map((rule) => rule.id),
  file: book.fileName,
  contentHash: book.contentHash,
});
