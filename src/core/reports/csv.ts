// A report as one RFC 4180 CSV (csv-stringify): one header row `table,row,column,value` and one
// record per cell, so every table of a report (and its window, issuer and checkpoint, as the
// `report` table) travels in one file a spreadsheet can pivot. CRLF line ends as RFC 4180 says;
// UTF-8, with a byte order mark on request (spreadsheet programs need it to read UTF-8).
import { stringify } from "csv-stringify/sync";
import { jsonCell, type Report } from "./model.ts";

const bom = "\uFEFF";

function metaRecords(report: Report): string[][] {
  const meta: [string, string][] = [
    ["format", report.format],
    ["kind", report.kind],
    ["title", report.title],
    ["from", report.window.from],
    ["to", report.window.to],
    ["closed", String(report.closed)],
    ["issuer", report.issuer.principalId],
    ["issuer_role", report.issuer.role],
    ["issued_at", report.issuedAt],
    ["checkpoint_origin", report.checkpoint.origin],
    ["checkpoint_size", String(report.checkpoint.size)],
    ["checkpoint_root_hash", report.checkpoint.rootHash],
    ["checkpoint_note", report.checkpoint.note],
  ];
  return meta.map(([column, value]) => ["report", "1", column, value]);
}

export function reportCsv(report: Report, options: { bom?: boolean } = {}): string {
  const records = metaRecords(report);
  for (const table of report.tables) {
    table.rows.forEach((row, index) => {
      table.columns.forEach((column, at) => {
        const value = jsonCell(row[at] ?? null);
        records.push([table.id, String(index + 1), column.key, value === null ? "" : String(value)]);
      });
    });
  }
  const text = stringify(records, {
    header: true,
    columns: ["table", "row", "column", "value"],
    record_delimiter: "\r\n",
    // csv-stringify quotes a field holding the record delimiter (CRLF) but not a bare LF, which RFC
    // 4180 also requires quoted (a signed checkpoint's note is several LF-ended lines).
    quoted_match: /[\r\n]/,
  });
  return options.bom ? `${bom}${text}` : text;
}
