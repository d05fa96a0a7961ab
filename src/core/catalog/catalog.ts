// The product catalog: parses data/chips.csv (datasheet figures with sources and a status letter per
// row) into products that carry a ChipSpec ready for `classify`. Pure: the caller reads the file.
// Empty figure cells mean "not given"; a malformed row is bad input naming its line and column.
import { CsvError } from "csv-parse";
import { parse } from "csv-parse/sync";
import { checkChipSpec } from "../classification/spec.ts";
import type { ChipSpec, Precision } from "../classification/types.ts";
import { badInput, quote } from "../errors.ts";

/** Status of a row's figures, as in REGIME.md: primary, secondary (≥ 2), unverified, disputed. */
export const productStatuses = ["P", "S", "U", "D"] as const;
export type ProductStatus = (typeof productStatuses)[number];

/** Vendors of Chinese domestic AI chips named in reporting (REGIME.md §4). */
export const domesticVendors = ["Huawei", "Cambricon", "Hygon"] as const;

export interface Product {
  id: string;
  vendor: string;
  name: string;
  architecture: string;
  datacenter: boolean;
  spec: ChipSpec;
  memoryGb: number | null;
  status: ProductStatus;
  sources: string;
  notes: string;
  /** A Chinese domestic chip (vendor Huawei, Cambricon, Hygon, or notes say "domestic chip"). */
  domestic: boolean;
  /** Short architecture key: "hopper", "blackwell-ultra", "cdna3" … */
  family: string;
}

export const catalogColumns = [
  "id",
  "vendor",
  "name",
  "architecture",
  "datacenter",
  "dense_tflops_fp16",
  "dense_tflops_fp8",
  "dense_tops_int8",
  "dense_tflops_fp4",
  "memory_gb",
  "dram_bandwidth_gbs",
  "interconnect_gbs",
  "logic_die_area_mm2",
  "status",
  "sources",
  "notes",
] as const;
type Column = (typeof catalogColumns)[number];

/** Which CSV column holds the dense figure of which precision. */
export const denseColumnByPrecision = {
  fp16: "dense_tflops_fp16",
  fp8: "dense_tflops_fp8",
  int8: "dense_tops_int8",
  fp4: "dense_tflops_fp4",
} as const satisfies Partial<Record<Precision, Column>>;

/** Spec field ↔ column, so a spec validation error can name the column. */
const columnBySpecPath: Record<string, Column> = {
  name: "name",
  datacenter: "datacenter",
  dramBandwidthGBs: "dram_bandwidth_gbs",
  interconnectGBs: "interconnect_gbs",
  logicDieAreaMm2: "logic_die_area_mm2",
  ...Object.fromEntries(Object.entries(denseColumnByPrecision).map(([p, c]) => [`denseTops.${p}`, c])),
};

const productIdPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const numberPattern = /^-?\d+(?:\.\d+)?$/;

/** Architecture name → family key: lower case, "CDNA 3" → "cdna3", other blanks → "-". */
export function familyOf(architecture: string): string {
  return architecture
    .trim()
    .toLowerCase()
    .replace(/([a-z])\s+(\d)/g, "$1$2")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

export function isDomestic(vendor: string, notes: string): boolean {
  return (domesticVendors as readonly string[]).includes(vendor) || /\bdomestic chip\b/i.test(notes);
}

type Row = Record<Column, string>;
type RowError = (column: Column, why: string) => never;

/** A numeric cell: empty → undefined; otherwise a plain decimal number. */
function numberCell(row: Row, column: Column, fail: RowError): number | undefined {
  const text = row[column];
  if (text === "") return undefined;
  if (!numberPattern.test(text)) fail(column, `${quote(text)} is not a number`);
  return Number(text);
}

function requiredText(row: Row, column: Column, fail: RowError): string {
  if (row[column] === "") fail(column, "is empty");
  return row[column];
}

/** Builds the ChipSpec of a row and validates it with the same schema as `--spec` files. */
function rowSpec(row: Row, datacenter: boolean, fail: RowError): ChipSpec {
  const denseTops: Partial<Record<Precision, number>> = {};
  for (const [precision, column] of Object.entries(denseColumnByPrecision)) {
    const value = numberCell(row, column, fail);
    if (value !== undefined) denseTops[precision as Precision] = value;
  }
  const interconnectGBs = numberCell(row, "interconnect_gbs", fail);
  const logicDieAreaMm2 = numberCell(row, "logic_die_area_mm2", fail);
  const check = checkChipSpec({
    name: `${row.vendor} ${row.name}`,
    datacenter,
    denseTops,
    dramBandwidthGBs: numberCell(row, "dram_bandwidth_gbs", fail) ?? fail("dram_bandwidth_gbs", "is empty"),
    ...(interconnectGBs === undefined ? {} : { interconnectGBs }),
    ...(logicDieAreaMm2 === undefined ? {} : { logicDieAreaMm2 }),
  });
  if (check.ok) return check.spec;
  if (check.path === "denseTops") fail("dense_tflops_fp16", `no dense figure in any dense_* column`);
  return fail(columnBySpecPath[check.path] ?? "id", check.why);
}

/** One CSV row (already keyed by column) → a Product; `where` names the file and line for errors. */
function parseRow(row: Row, where: string): Product {
  const fail: RowError = (column, why) => {
    throw badInput(where, `column ${quote(column)} ${why}`);
  };
  const id = requiredText(row, "id", fail);
  if (!productIdPattern.test(id)) fail("id", `${quote(id)} must be lower-case words joined by "-"`);
  const vendor = requiredText(row, "vendor", fail);
  const architecture = requiredText(row, "architecture", fail);
  if (row.datacenter !== "true" && row.datacenter !== "false") {
    fail("datacenter", `must be true or false (got ${quote(row.datacenter)})`);
  }
  const datacenter = row.datacenter === "true";
  const status = row.status as ProductStatus;
  if (!productStatuses.includes(status)) {
    fail("status", `must be one of ${productStatuses.join(", ")} (got ${quote(row.status)})`);
  }
  const memoryGb = numberCell(row, "memory_gb", fail) ?? null;
  if (memoryGb !== null && !(memoryGb > 0)) fail("memory_gb", `must be > 0 (got ${memoryGb})`);
  return {
    id,
    vendor,
    name: requiredText(row, "name", fail),
    architecture,
    datacenter,
    spec: rowSpec(row, datacenter, fail),
    memoryGb,
    status,
    sources: row.sources,
    notes: row.notes,
    domestic: isDomestic(vendor, row.notes),
    family: familyOf(architecture),
  };
}

interface CsvRecord {
  record: string[];
  info: { lines: number };
}

/** Reads CSV records with their line numbers; a CSV syntax error names its line. */
function readRecords(csvText: string, source: string): CsvRecord[] {
  try {
    const records: unknown = parse(csvText.replace(/^\uFEFF/, ""), {
      info: true,
      skip_empty_lines: true,
      trim: true,
    });
    return records as CsvRecord[];
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines ?? "?";
      throw badInput(
        `${source} line ${line}`,
        `malformed csv (${error.message.toLowerCase().replace(/\.$/, "")})`,
      );
    }
    throw error;
  }
}

/** Checks the header: every catalog column, each once, in any order; returns column → index. */
function headerIndex(header: string[], source: string): Map<Column, number> {
  const index = new Map<Column, number>();
  header.forEach((name, i) => {
    if (!(catalogColumns as readonly string[]).includes(name)) {
      throw badInput(`${source} line 1`, `unknown column ${quote(name)}`);
    }
    if (index.has(name as Column)) throw badInput(`${source} line 1`, `column ${quote(name)} appears twice`);
    index.set(name as Column, i);
  });
  const missing = catalogColumns.filter((c) => !index.has(c));
  if (missing.length > 0)
    throw badInput(`${source} line 1`, `missing column ${missing.map(quote).join(", ")}`);
  return index;
}

/**
 * Parses the catalog CSV (header line first) into products, in file order; ids are unique.
 * `source` prefixes error messages, e.g. catalog `data/chips.csv` line 4: column `status` ….
 */
export function parseCatalog(csvText: string, source = "catalog"): Product[] {
  const [head, ...body] = readRecords(csvText, source);
  if (head === undefined) throw badInput(source, "is empty (no header line)");
  const index = headerIndex(head.record, source);
  const seen = new Set<string>();
  return body.map(({ record, info }) => {
    const row = Object.fromEntries(catalogColumns.map((c) => [c, record[index.get(c) ?? -1] ?? ""])) as Row;
    const where = `${source} line ${info.lines}`;
    const product = parseRow(row, where);
    if (seen.has(product.id)) throw badInput(where, `duplicate id ${quote(product.id)}`);
    seen.add(product.id);
    return product;
  });
}
