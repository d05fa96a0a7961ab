// Parser for OFAC's SDN list in Treasury's legacy CSV layout: sdn.csv (ent_num, name, type,
// programs, title, call sign, vessel type, tonnage, GRT, flag, owner, remarks), alt.csv (ent_num,
// alt_num, alt_type, alt_name, remarks) and add.csv (ent_num, add_num, address, city/state/postal,
// country, remarks), joined by ent_num. No header row; `-0-` means no value.
import { badInput, quote } from "../errors.ts";
import { countryCode } from "./countries.ts";
import { type CsvRow, cell, readCsvRows } from "./csv.ts";
import type { EntryType, ListAddress, ListEntry, ListName, ParseResult, RowProblem } from "./types.ts";

export interface OfacFiles {
  readonly sdn: string;
  readonly alt: string;
  readonly add: string;
}

export interface OfacParseOptions {
  readonly listId: string;
  /** File names for messages, e.g. `{sdn: "sdn.csv", ...}`. */
  readonly files?: { readonly sdn: string; readonly alt: string; readonly add: string };
  readonly skipBadRows?: boolean;
}

const ofacType = (published: string): EntryType => {
  const t = published.toLowerCase();
  if (t === "individual" || t === "vessel" || t === "aircraft") return t;
  return "entity";
};

/** `SDGT] [IRGC` → [SDGT, IRGC]. */
const programsOf = (field: string): string[] =>
  field
    .split(/[[\]]/)
    .map((p) => p.trim())
    .filter((p) => p !== "");

interface Problems {
  readonly skip: boolean;
  readonly list: RowProblem[];
}

/** Returns the ent_num of a row, or reports the row as bad (throwing unless skipping). */
function entNum(row: CsvRow, file: string, minFields: number, problems: Problems): string | undefined {
  const id = cell(row.fields, 0);
  let why: string | undefined;
  if (!/^\d+$/.test(id)) why = `ent_num ${quote(id)} is not a number`;
  else if (row.fields.length < minFields) why = `${row.fields.length} fields, expected ${minFields}`;
  if (why === undefined) return id;
  if (!problems.skip) throw badInput(`file ${quote(file)} line ${row.line}`, why);
  problems.list.push({ file, line: row.line, why });
  return undefined;
}

function groupBy<T>(items: Iterable<[string, T]>): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const [key, item] of items) {
    const list = map.get(key);
    if (list === undefined) map.set(key, [item]);
    else list.push(item);
  }
  return map;
}

function* aliasesOf(text: string, file: string, problems: Problems): Iterable<[string, ListName]> {
  for (const row of readCsvRows(text, file)) {
    const id = entNum(row, file, 4, problems);
    const name = cell(row.fields, 3);
    if (id === undefined || name === "") continue;
    const aliasType = cell(row.fields, 2).toLowerCase();
    yield [id, aliasType === "" ? { text: name, kind: "alias" } : { text: name, kind: "alias", aliasType }];
  }
}

function* addressesOf(text: string, file: string, problems: Problems): Iterable<[string, ListAddress]> {
  for (const row of readCsvRows(text, file)) {
    const id = entNum(row, file, 5, problems);
    if (id === undefined) continue;
    const parts = [cell(row.fields, 2), cell(row.fields, 3), cell(row.fields, 4)].filter((p) => p !== "");
    if (parts.length === 0) continue;
    const country = countryCode(cell(row.fields, 4));
    yield [id, country === undefined ? { text: parts.join(", ") } : { text: parts.join(", "), country }];
  }
}

export function parseOfac(files: OfacFiles, options: OfacParseOptions): ParseResult {
  const names = options.files ?? { sdn: "sdn.csv", alt: "alt.csv", add: "add.csv" };
  const problems: Problems = { skip: options.skipBadRows === true, list: [] };
  const aliases = groupBy(aliasesOf(files.alt, names.alt, problems));
  const addresses = groupBy(addressesOf(files.add, names.add, problems));
  const entries: ListEntry[] = [];
  for (const row of readCsvRows(files.sdn, names.sdn)) {
    const id = entNum(row, names.sdn, 12, problems);
    if (id === undefined) continue;
    const name = cell(row.fields, 1);
    if (name === "") {
      if (!problems.skip) throw badInput(`file ${quote(names.sdn)} line ${row.line}`, "missing name");
      problems.list.push({ file: names.sdn, line: row.line, why: "missing name" });
      continue;
    }
    const entryAddresses = addresses.get(id) ?? [];
    const remarks = cell(row.fields, 11);
    entries.push({
      listId: options.listId,
      entryId: id,
      type: ofacType(cell(row.fields, 2)),
      names: [{ text: name, kind: "primary" }, ...(aliases.get(id) ?? [])],
      countries: [...new Set(entryAddresses.flatMap((a) => (a.country === undefined ? [] : [a.country])))],
      addresses: entryAddresses,
      programs: programsOf(cell(row.fields, 3)),
      source: { list: "Specially Designated Nationals (SDN) - Treasury Department" },
      ...(remarks === "" ? {} : { remarks }),
    });
  }
  return { entries, skipped: problems.list };
}
