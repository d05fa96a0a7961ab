// CSV reading for list files: rows with their 1-based line numbers, malformed CSV reported as bad
// input naming the file and line. Assumes UTF-8 text already decoded by the caller.
import { CsvError } from "csv-parse";
import { parse } from "csv-parse/sync";
import { badInput, quote } from "../errors.ts";

export interface CsvRow {
  readonly fields: string[];
  /** 1-based line where the record ends in the file. */
  readonly line: number;
}

/** Parses CSV text into rows; a DOS end-of-file mark (Ctrl-Z) and a BOM are ignored. */
export function readCsvRows(text: string, file: string): CsvRow[] {
  const eof = String.fromCharCode(0x1a);
  const bare = text.replace(/^\uFEFF/, "").trimEnd();
  const cleaned = bare.endsWith(eof) ? bare.slice(0, -1) : bare;
  try {
    const records = parse(cleaned, {
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
    return records.map(({ record, info }) => ({ fields: record, line: info.lines }));
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      throw badInput(
        `file ${quote(file)} line ${line ?? "?"}`,
        `malformed csv (${error.code.toLowerCase()})`,
      );
    }
    throw error;
  }
}

/** A field with surrounding blanks removed; OFAC's `-0-` (no value) becomes the empty string. */
export const cell = (fields: readonly string[], index: number): string => {
  const value = (fields[index] ?? "").trim();
  return value === "-0-" ? "" : value;
};

/** Splits a `;`-separated list, dropping blanks. */
export const splitList = (value: string, separator: RegExp | string = ";"): string[] =>
  value
    .split(separator)
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
