// Parsers from published list layouts to ListEntry: trade.gov's Consolidated Screening List (CSV
// with header, and JSON), OFAC's SDN files (sdn.csv + alt.csv + add.csv, no header, `-0-` for none)
// and Sluice's custom CSV (header id,name,aliases,country,address,source; aliases `;`-separated).
// A bad row fails the whole parse with file and line, unless the caller asks to skip bad rows.
import { createHash } from "node:crypto";
import { badInput, quote } from "../errors.ts";
import { countryCode } from "./countries.ts";
import { type CsvRow, cell, readCsvRows, splitList } from "./csv.ts";
import type {
  EntryType,
  ListAddress,
  ListEntry,
  ListName,
  ParseOptions,
  ParseResult,
  RowProblem,
} from "./types.ts";

class RowFailure {
  constructor(
    readonly line: number,
    readonly why: string,
  ) {}
}

/** Runs `build` per row; a RowFailure is thrown as bad input or recorded as skipped. */
function collect<R>(
  rows: readonly R[],
  options: ParseOptions,
  lineOf: (row: R) => number,
  build: (row: R) => ListEntry | undefined,
): ParseResult {
  const entries: ListEntry[] = [];
  const skipped: RowProblem[] = [];
  for (const row of rows) {
    try {
      const entry = build(row);
      if (entry !== undefined) entries.push(entry);
    } catch (error) {
      if (!(error instanceof RowFailure)) throw error;
      if (options.skipBadRows !== true) {
        throw badInput(`file ${quote(options.file)} line ${error.line}`, error.why);
      }
      skipped.push({ file: options.file, line: error.line || lineOf(row), why: error.why });
    }
  }
  return { entries, skipped };
}

const stableId = (...parts: string[]): string =>
  createHash("sha256").update(parts.join("\n")).digest("hex").slice(0, 16);

function namesOf(primary: string, aliases: readonly string[]): ListName[] {
  const seen = new Set([primary.toLowerCase()]);
  const names: ListName[] = [{ text: primary, kind: "primary" }];
  for (const alias of aliases) {
    if (seen.has(alias.toLowerCase())) continue;
    seen.add(alias.toLowerCase());
    names.push({ text: alias, kind: "alias" });
  }
  return names;
}

const uniqueCountries = (addresses: readonly ListAddress[], extra: readonly string[] = []): string[] => [
  ...new Set([...addresses.flatMap((a) => (a.country === undefined ? [] : [a.country])), ...extra]),
];

// ---------------------------------------------------------------- CSL CSV

const cslEntryType = (published: string): EntryType => {
  const t = published.trim().toLowerCase();
  if (t === "individual") return "individual";
  if (t === "vessel") return "vessel";
  if (t === "aircraft") return "aircraft";
  return t === "entity" ? "entity" : "unknown";
};

/** CSL address: `street, city, state, postal, CC`; the country code is the last part. */
function cslAddress(text: string): ListAddress {
  const last = text.split(",").pop()?.trim() ?? "";
  const country = countryCode(last);
  return country === undefined ? { text } : { text, country };
}

const cslRequiredColumns = ["source", "name", "alt_names", "addresses"] as const;

export function parseCslCsv(text: string, options: ParseOptions): ParseResult {
  const rows = readCsvRows(text, options.file);
  const header = rows[0]?.fields.map((h) => h.trim().toLowerCase()) ?? [];
  const missing = cslRequiredColumns.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw badInput(
      `file ${quote(options.file)} line 1`,
      `not a csl csv header (missing ${missing.join(", ")})`,
    );
  }
  const col = (row: CsvRow, name: string): string => cell(row.fields, header.indexOf(name));
  const usedIds = new Map<string, number>();
  return collect(
    rows.slice(1),
    options,
    (row) => row.line,
    (row) => {
      const name = col(row, "name");
      const source = col(row, "source");
      if (name === "") throw new RowFailure(row.line, "missing name");
      if (source === "") throw new RowFailure(row.line, "missing source");
      const addresses = splitList(col(row, "addresses")).map(cslAddress);
      let entryId = col(row, "entity_number") || `csl-${stableId(source, name)}`;
      const seen = usedIds.get(entryId) ?? 0;
      usedIds.set(entryId, seen + 1);
      if (seen > 0) entryId = `${entryId}-${seen + 1}`;
      const citation = col(row, "federal_register_notice");
      const date = col(row, "start_date");
      const url = col(row, "source_list_url");
      const remarks = col(row, "remarks");
      return {
        listId: options.listId,
        entryId,
        type: cslEntryType(col(row, "type")),
        names: namesOf(name, splitList(col(row, "alt_names"))),
        countries: uniqueCountries(addresses),
        addresses,
        programs: splitList(col(row, "programs")),
        source: {
          list: source,
          ...(citation === "" ? {} : { citation }),
          ...(date === "" ? {} : { date }),
          ...(url === "" ? {} : { url }),
        },
        ...(remarks === "" ? {} : { remarks }),
      };
    },
  );
}

// ---------------------------------------------------------------- CSL JSON

interface CslJsonAddress {
  address?: string | null;
  city?: string | null;
  state?: string | null;
  postal_code?: string | null;
  country?: string | null;
}

const str = (v: unknown): string => (typeof v === "string" ? v.trim() : "");
const strList = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(str).filter((s) => s !== "") : str(v) === "" ? [] : splitList(str(v));

function cslJsonAddress(a: CslJsonAddress): ListAddress {
  const parts = [a.address, a.city, a.state, a.postal_code, a.country].map(str).filter((s) => s !== "");
  const country = countryCode(str(a.country));
  return country === undefined ? { text: parts.join(", ") } : { text: parts.join(", "), country };
}

/** trade.gov JSON: `{results: [{id, name, alt_names, addresses, source, programs, ...}]}`. */
export function parseCslJson(text: string, options: ParseOptions): ParseResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw badInput(`file ${quote(options.file)}`, `malformed json (${detail})`);
  }
  const results = (doc as { results?: unknown } | null)?.results;
  if (!Array.isArray(results)) throw badInput(`file ${quote(options.file)}`, "no `results` array");
  const indexed = results.map((r: unknown, i) => ({ r: (r ?? {}) as Record<string, unknown>, i }));
  return collect(
    indexed,
    options,
    ({ i }) => i,
    ({ r, i }) => {
      const name = str(r.name);
      const source = str(r.source);
      const where = i + 1;
      if (name === "") throw new RowFailure(where, `results[${i}]: missing name`);
      if (source === "") throw new RowFailure(where, `results[${i}]: missing source`);
      const rawAddresses = Array.isArray(r.addresses) ? (r.addresses as CslJsonAddress[]) : [];
      const addresses = rawAddresses.map(cslJsonAddress).filter((a) => a.text !== "");
      const citation = str(r.federal_register_notice);
      const date = str(r.start_date);
      const url = str(r.source_list_url) || str(r.source_information_url);
      const remarks = str(r.remarks);
      return {
        listId: options.listId,
        entryId: str(r.id) || str(r.entity_number) || `csl-${stableId(source, name)}`,
        type: cslEntryType(str(r.type)),
        names: namesOf(name, strList(r.alt_names)),
        countries: uniqueCountries(addresses),
        addresses,
        programs: strList(r.programs),
        source: {
          list: source,
          ...(citation === "" ? {} : { citation }),
          ...(date === "" ? {} : { date }),
          ...(url === "" ? {} : { url }),
        },
        ...(remarks === "" ? {} : { remarks }),
      };
    },
  );
}

// ---------------------------------------------------------------- custom CSV

export const customCsvHeader = ["id", "name", "aliases", "country", "address", "source"] as const;

/** Custom list: header `id,name,aliases,country,address,source`; id and name required, ids unique. */
export function parseCustomCsv(text: string, options: ParseOptions): ParseResult {
  const rows = readCsvRows(text, options.file);
  const header = rows[0]?.fields.map((h) => h.trim().toLowerCase()) ?? [];
  if (header.join(",") !== customCsvHeader.join(",")) {
    throw badInput(
      `file ${quote(options.file)} line 1`,
      `header must be \`${customCsvHeader.join(",")}\`, found ${quote(header.join(","))}`,
    );
  }
  const ids = new Set<string>();
  return collect(
    rows.slice(1),
    options,
    (row) => row.line,
    (row) => {
      const [id, name, aliases, country, address, source] = customCsvHeader.map((_, i) =>
        cell(row.fields, i),
      );
      if (row.fields.length > customCsvHeader.length) {
        throw new RowFailure(row.line, `${row.fields.length} fields, expected ${customCsvHeader.length}`);
      }
      if (id === undefined || id === "") throw new RowFailure(row.line, "missing id");
      if (name === undefined || name === "") throw new RowFailure(row.line, "missing name");
      if (ids.has(id)) throw new RowFailure(row.line, `duplicate id ${quote(id)}`);
      const cc = country === undefined || country === "" ? undefined : countryCode(country);
      if (country !== undefined && country !== "" && cc === undefined) {
        throw new RowFailure(row.line, `unknown country ${quote(country)}`);
      }
      ids.add(id);
      const addresses: ListAddress[] =
        address === undefined || address === ""
          ? []
          : [cc === undefined ? { text: address } : { text: address, country: cc }];
      return {
        listId: options.listId,
        entryId: id,
        type: "entity",
        names: namesOf(name, splitList(aliases ?? "")),
        countries: cc === undefined ? [] : [cc],
        addresses,
        programs: [],
        source: { list: source || options.listId },
      };
    },
  );
}

// ---------------------------------------------------------------- Entity List extract (data/)

export const entityListExtractHeader = [
  "entry_id",
  "name",
  "aliases",
  "chinese_names",
  "address",
  "country",
  "federal_register",
  "fr_date",
  "effective_date",
  "status",
  "source_url",
  "notes",
] as const;

/** Sluice's BIS Entity List extract (data/screening/entity-list-extract.csv); Chinese names become aliases. */
export function parseEntityListExtract(text: string, options: ParseOptions): ParseResult {
  const rows = readCsvRows(text, options.file);
  const header = rows[0]?.fields.map((h) => h.trim()) ?? [];
  if (header.join(",") !== entityListExtractHeader.join(",")) {
    throw badInput(
      `file ${quote(options.file)} line 1`,
      `header must be \`${entityListExtractHeader.join(",")}\``,
    );
  }
  const col = (row: CsvRow, name: (typeof entityListExtractHeader)[number]): string =>
    cell(row.fields, entityListExtractHeader.indexOf(name));
  return collect(
    rows.slice(1),
    options,
    (row) => row.line,
    (row) => {
      const id = col(row, "entry_id");
      const name = col(row, "name");
      if (id === "" || name === "") throw new RowFailure(row.line, "missing entry_id or name");
      const country = countryCode(col(row, "country"));
      if (country === undefined)
        throw new RowFailure(row.line, `unknown country ${quote(col(row, "country"))}`);
      const addresses = splitList(col(row, "address")).map((text) => ({ text, country }));
      const url = col(row, "source_url");
      return {
        listId: options.listId,
        entryId: id,
        type: "entity",
        names: namesOf(name, [...splitList(col(row, "aliases")), ...splitList(col(row, "chinese_names"))]),
        countries: [country],
        addresses,
        programs: ["EAR"],
        source: {
          list: "Entity List (EL) - Bureau of Industry and Security",
          citation: col(row, "federal_register"),
          date: col(row, "fr_date"),
          ...(url === "" ? {} : { url }),
        },
        remarks: `status: ${col(row, "status")}${col(row, "notes") === "" ? "" : `; ${col(row, "notes")}`}`,
      };
    },
  );
}
