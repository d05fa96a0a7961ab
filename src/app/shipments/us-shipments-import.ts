// Import of US end-use shipments (the ledger's US side) from CSV: the whole file is parsed and
// validated first, every bad line reported with its line number; only then are rows posted, in
// batches, each batch one transaction, idempotent by id (a re-run after a crash completes it).
// Format (docs/ledger.md): id,product_id,quantity_units,shipped_on[,customer][,tpp_per_unit].
import { parse } from "csv-parse/sync";
import { badInput, quote } from "../../core/errors.ts";
import { accountIdsFor, type CapPolicy, capAmount, isValidDay } from "../../core/ledger/cap-policy.ts";
import { productIdPattern, unitsMax } from "../../core/ledger/ledger.ts";

export const usShipmentColumnsRequired = ["id", "product_id", "quantity_units", "shipped_on"] as const;
export const usShipmentColumnsOptional = ["customer", "tpp_per_unit"] as const;
/** Bad lines listed in full before the rest are summarised. */
export const badLinesShownMax = 20;

export interface UsShipmentRow {
  line: number;
  id: string;
  productId: string;
  units: bigint;
  shippedOn: string;
  customer?: string | undefined;
  tppPerUnit?: number | undefined;
  amount: bigint;
  accountIds: string[];
}

export interface BadLine {
  line: number;
  message: string;
}

/** What the import needs to know about products: whether they exist and their TPP per unit. */
export type ProductLookup = (productId: string) => { tppPerUnit: number } | undefined;

interface CsvRecord {
  record: string[];
  info: { lines: number };
}

/**
 * Fast path for files without any double quote: then no field can hold a comma or a line break
 * (RFC 4180), so splitting is exact. csv-parse costs about 20 µs a row here, more than everything
 * else in an import together; quoted files still go through it.
 */
function splitUnquoted(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    let line = lines[index] as string;
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (line.trim() === "") continue;
    const record = line.split(",");
    for (let i = 0; i < record.length; i++) record[i] = (record[i] as string).trim();
    records.push({ record, info: { lines: index + 1 } });
  }
  return records;
}

function parseRecords(text: string, source: string): { header: string[]; records: CsvRecord[] } {
  if (!text.includes('"')) {
    const records = splitUnquoted(text);
    const header = records.shift()?.record.map((name) => name.toLowerCase()) ?? [];
    return { header, records };
  }
  try {
    const records = parse(text, {
      info: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
    }) as unknown as CsvRecord[];
    const header = records.shift()?.record.map((name) => name.toLowerCase()) ?? [];
    return { header, records };
  } catch (error) {
    throw badInput(
      `file ${quote(source)}`,
      `malformed csv (${error instanceof Error ? error.message.toLowerCase() : error})`,
    );
  }
}

function checkHeader(header: string[], source: string): void {
  const missing = usShipmentColumnsRequired.filter((name) => !header.includes(name));
  if (missing.length > 0) {
    throw badInput(`file ${quote(source)}`, `missing column ${missing.map(quote).join(", ")} in the header`);
  }
  const known = new Set<string>([...usShipmentColumnsRequired, ...usShipmentColumnsOptional]);
  const unknown = header.filter((name) => !known.has(name));
  if (unknown.length > 0)
    throw badInput(`file ${quote(source)}`, `unknown column ${unknown.map(quote).join(", ")}`);
}

/** Cell getter by column name, resolved to indexes once per file. */
type Cells = (record: string[]) => {
  id: string;
  productId: string;
  units: string;
  shippedOn: string;
  customer: string;
  tpp: string;
};

function cellsOf(header: string[]): Cells {
  const at = (name: string) => header.indexOf(name);
  const [id, product, units, shipped, customer, tpp] = [
    at("id"),
    at("product_id"),
    at("quantity_units"),
    at("shipped_on"),
    at("customer"),
    at("tpp_per_unit"),
  ];
  const cell = (record: string[], index: number) => (index < 0 ? "" : (record[index] ?? ""));
  return (record) => ({
    id: cell(record, id),
    productId: cell(record, product),
    units: cell(record, units),
    shippedOn: cell(record, shipped),
    customer: cell(record, customer),
    tpp: cell(record, tpp),
  });
}

/** Memoizes a one-argument function over strings (few products and days, many rows). */
function memo<T>(fn: (key: string) => T): (key: string) => T {
  const known = new Map<string, T>();
  return (key) => {
    if (known.has(key)) return known.get(key) as T;
    const value = fn(key);
    known.set(key, value);
    return value;
  };
}

interface RowChecks {
  policy: CapPolicy;
  product: (productId: string) => { tppPerUnit: number } | "invalid" | undefined;
  accounts: (productId: string, day: string) => string[] | undefined;
  day: (day: string) => boolean;
}

function parseRow(c: ReturnType<Cells>, line: number, checks: RowChecks): UsShipmentRow | string {
  const { id, productId, units: unitsText, shippedOn } = c;
  if (id === "") return "id is empty";
  const product = checks.product(productId);
  if (product === "invalid") return `product_id ${quote(productId)} is not a valid id`;
  if (!product) return `unknown product ${quote(productId)}`;
  if (!/^-?\d+$/.test(unitsText)) return `quantity_units ${quote(unitsText)} is not an integer`;
  const units = BigInt(unitsText);
  if (units <= 0n) return `quantity_units ${quote(unitsText)} must be positive`;
  if (units > unitsMax) return `quantity_units ${quote(unitsText)} exceeds ${unitsMax}`;
  if (!checks.day(shippedOn)) return `shipped_on ${quote(shippedOn)} is not a date (YYYY-MM-DD)`;
  const tppPerUnit = c.tpp === "" ? product.tppPerUnit : Number(c.tpp);
  if (!Number.isFinite(tppPerUnit) || tppPerUnit <= 0)
    return `tpp_per_unit ${quote(c.tpp)} is not a positive number`;
  const amount = capAmount(checks.policy.measure, "us", units, tppPerUnit) as bigint;
  const accountIds = checks.accounts(productId, shippedOn);
  if (!accountIds) return `shipped_on ${quote(shippedOn)} is before the cap's window`;
  const customer = c.customer || undefined;
  return { line, id, productId, units, shippedOn, customer, tppPerUnit, amount, accountIds };
}

/**
 * Parses and validates every line; duplicate ids within the file are bad lines too. Rows with the
 * same product and day share one `accountIds` array (the batch computes its account set from it).
 */
export function parseUsShipmentsCsv(
  text: string,
  source: string,
  policy: CapPolicy,
  products: ProductLookup,
): { rows: UsShipmentRow[]; bad: BadLine[] } {
  const { header, records } = parseRecords(text, source);
  checkHeader(header, source);
  const rows: UsShipmentRow[] = [];
  const bad: BadLine[] = [];
  const seen = new Map<string, number>();
  const derived = new Map<string, string[] | undefined>();
  const checks: RowChecks = {
    policy,
    product: memo((productId) => (productIdPattern.test(productId) ? products(productId) : "invalid")),
    day: memo(isValidDay),
    accounts: (productId, day) => {
      const key = `${productId}\n${day}`;
      if (!derived.has(key)) derived.set(key, accountIdsFor(policy, productId, day));
      return derived.get(key);
    },
  };
  const cells = cellsOf(header);
  for (const { record, info } of records) {
    const line = info.lines;
    if (record.length !== header.length) {
      bad.push({ line, message: `expected ${header.length} fields, found ${record.length}` });
      continue;
    }
    const row = parseRow(cells(record), line, checks);
    if (typeof row === "string") {
      bad.push({ line, message: row });
      continue;
    }
    const first = seen.get(row.id);
    if (first !== undefined) {
      bad.push({ line, message: `id ${quote(row.id)} repeats line ${first}` });
      continue;
    }
    seen.set(row.id, line);
    rows.push(row);
  }
  return { rows, bad };
}

/** One error for a file with bad lines: the first ones in full, then a count. */
export function badLinesError(source: string, bad: readonly BadLine[]) {
  const shown = bad.slice(0, badLinesShownMax).map((b) => `line ${b.line}: ${b.message}`);
  const more = bad.length > badLinesShownMax ? `; and ${bad.length - badLinesShownMax} more` : "";
  return badInput(
    `file ${quote(source)}`,
    `${bad.length} bad line${bad.length === 1 ? "" : "s"}, nothing imported (${shown.join("; ")}${more}); use --skip-bad-lines to import the others`,
  );
}
