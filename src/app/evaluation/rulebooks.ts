// The rulebook library: the books parsed from their texts (the files are read by
// src/adapters/files/reference-data.ts), validated alone and together, and a book as lists show it.
import { checkLibrary, parseRulebook } from "../../core/rulebook/load.ts";
import type { Rulebook } from "../../core/rulebook/schema.ts";

/** One rulebook file's text and the name errors and the book give it. */
export interface RulebookText {
  readonly text: string;
  readonly fileName: string;
}

/** The library of these texts, validated; a broken book is an error naming its file, path and line. */
export function libraryOf(texts: readonly RulebookText[]): Rulebook[] {
  const books = texts.map(({ text, fileName }) => parseRulebook(text, fileName));
  checkLibrary(books);
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
