// Parsing an orders CSV for `sluice import orders`: every line validated before anything is
// written, errors reported with their line number. Columns (header required, any order):
// id,product_id,quantity_units,value_cents,exporter_id,consignee_id,end_user_id,origin,export_from,
// destination,purpose[,us_shipped_units][,description]. Lines naming an unknown product or party are
// found by the service (it knows the catalog and the store) and, with --skip-bad-lines, skipped there.
import { parse } from "csv-parse/sync";
import { badInput, quote } from "../../core/errors.ts";
import { type OrderInput, orderInputSchema } from "../../core/shipments/model.ts";
import { reportIssues } from "../../core/validation.ts";

export const orderColumns = [
  "id",
  "product_id",
  "quantity_units",
  "value_cents",
  "exporter_id",
  "consignee_id",
  "end_user_id",
  "origin",
  "export_from",
  "destination",
  "purpose",
] as const;

export interface OrderLine {
  order: OrderInput;
  where: string;
  /** Line of the file (header is line 1, blank lines count; a record with a quoted line break: its last). */
  line: number;
}
export interface BadOrderLine {
  line: number;
  why: string;
}

const integer = (text: string | undefined): number | string | undefined =>
  text === undefined || text === "" ? undefined : /^-?\d+$/.test(text) ? Number(text) : text;

function toInput(row: Record<string, string>): unknown {
  return {
    id: row.id,
    productId: row.product_id,
    quantityUnits: integer(row.quantity_units),
    valueCents: row.value_cents,
    exporterId: row.exporter_id,
    consigneeId: row.consignee_id,
    endUserId: row.end_user_id,
    route: { origin: row.origin, exportFrom: row.export_from, destination: row.destination },
    endUse: { purpose: row.purpose, ...(row.description ? { description: row.description } : {}) },
    ...(row.us_shipped_units ? { usShippedUnits: integer(row.us_shipped_units) } : {}),
  };
}

/** All lines parsed; bad ones listed with their line numbers (header is line 1). */
export function parseOrdersCsv(text: string, source: string): { lines: OrderLine[]; bad: BadOrderLine[] } {
  let parsed: { record: Record<string, string>; info: { lines: number } }[];
  try {
    // `info` gives each record's own line, so blank lines and quoted line breaks do not shift numbers.
    parsed = parse(text, { columns: true, skip_empty_lines: true, trim: true, info: true }) as typeof parsed;
  } catch (error) {
    throw badInput(
      `file ${quote(source)}`,
      `not a CSV file (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const records = parsed.map((entry) => entry.record);
  const header = Object.keys(records[0] ?? {});
  const missing = orderColumns.filter((column) => records.length > 0 && !header.includes(column));
  if (missing.length > 0)
    throw badInput(`file ${quote(source)} header`, `missing column(s) ${missing.map(quote).join(", ")}`);
  const lines: OrderLine[] = [];
  const bad: BadOrderLine[] = [];
  const seen = new Set<string>();
  parsed.forEach(({ record, info }) => {
    const line = info.lines;
    const result = orderInputSchema.safeParse(toInput(record));
    if (!result.success) {
      const report = reportIssues(result.error.issues);
      bad.push({ line, why: `${report.where}: ${report.why}` });
    } else if (seen.has(result.data.id)) {
      bad.push({ line, why: `duplicate order id ${quote(result.data.id)} in the file` });
    } else {
      seen.add(result.data.id);
      lines.push({ order: result.data, where: `${source} line ${line}`, line });
    }
  });
  return { lines, bad };
}
