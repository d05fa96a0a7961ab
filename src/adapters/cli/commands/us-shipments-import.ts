// CLI: `sluice import us-shipments <csv>`, US end-use shipments posted in bulk: the whole file is
// validated first (bad lines refused, or skipped with --skip-bad-lines), then posted in batches,
// a few transactions in flight, with a progress line. importUsShipmentsText is the same import
// without the command (the ledger tests, the crash test and the bench drive it).
import type { Command } from "commander";
import { v7 as uuidv7 } from "uuid";
import {
  type BadLine,
  badLinesError,
  parseUsShipmentsCsv,
} from "../../../app/shipments/us-shipments-import.ts";
import { badInput, quote } from "../../../core/errors.ts";
import type { CapPolicy } from "../../../core/ledger/cap-policy.ts";
import { action, printJson, readInput } from "../io.ts";
import { catalogProducts, cliClock, loadPolicy, type ProductTpp } from "../ledger-context.ts";
import { type Progress, progressReporter } from "../progress.ts";
import type { CliLedger, CliWiring } from "../wiring.ts";

interface ImportOptions {
  policy?: string;
  json?: boolean;
  skipBadLines?: boolean;
  batchSize: string;
}

export const importBatchRowsDefault = 5000;
/** Import batches committed concurrently (each its own transaction and connection). */
export const importBatchesInFlightMax = 3;

export function registerImport(program: Command, wiring: CliWiring): void {
  const existing = program.commands.find((command) => command.name() === "import");
  const parent = existing ?? program.command("import").description("bulk imports from CSV");
  parent
    .command("us-shipments <csv>")
    .description(
      "import US end-use shipments: id,product_id,quantity_units,shipped_on[,customer][,tpp_per_unit]",
    )
    .option("--skip-bad-lines", "import the good lines and report the bad ones")
    .option("--batch-size <n>", "rows per transaction", String(importBatchRowsDefault))
    .option("--policy <file>", "cap policy JSON")
    .option("--json", "print JSON")
    .action(action(async (csv: string, o: ImportOptions) => importUsShipments(wiring, csv, o)));
}

export interface ImportSummary {
  status: "ok";
  rows: number;
  posted: number;
  existing: number;
  skipped: BadLine[];
}

/**
 * Validates the whole file (including ids already stored with other fields), then posts it in
 * batches of `batchRows`, one transaction each; `onBatch` hears the rows done after each commit.
 */
export async function importUsShipmentsText(
  ledger: CliLedger,
  policy: CapPolicy,
  text: string,
  source: string,
  options: {
    /** The catalog's products with their TPP per unit (rows of unknown products are bad lines). */
    products: ProductTpp;
    skipBadLines?: boolean | undefined;
    batchRows: number;
    onBatch?: (done: number, total: number) => void;
  },
): Promise<ImportSummary> {
  const { rows, bad } = parseUsShipmentsCsv(text, source, policy, options.products);
  const conflicts = await ledger.usPostingConflicts(rows);
  if (conflicts.length > 0) {
    const lineOf = new Map(rows.map((row) => [row.id, row.line]));
    for (const c of conflicts) {
      bad.push({
        line: lineOf.get(c.id) ?? 0,
        message: `id ${quote(c.id)} exists with different ${c.field}`,
      });
    }
  }
  bad.sort((a, b) => a.line - b.line);
  if (bad.length > 0 && !options.skipBadLines) throw badLinesError(source, bad);
  const conflicted = new Set(conflicts.map((c) => c.id));
  const good = rows.filter((row) => !conflicted.has(row.id));
  let posted = 0;
  let existing = 0;
  let done = 0;
  let next = 0;
  // A few batches in flight: their inserts overlap, they queue only on the audit chain head.
  const worker = async () => {
    while (next < good.length) {
      const batch = good.slice(next, next + options.batchRows);
      next += batch.length;
      const result = await ledger.usPostBatch(policy, batch, uuidv7());
      posted += result.posted;
      existing += result.existing;
      done += batch.length;
      options.onBatch?.(done, good.length);
    }
  };
  await Promise.all(Array.from({ length: importBatchesInFlightMax }, worker));
  return { status: "ok", rows: good.length, posted, existing, skipped: bad };
}

async function importUsShipments(wiring: CliWiring, csv: string, o: ImportOptions) {
  const policy = loadPolicy(o.policy);
  const batchRows = Number(o.batchSize);
  if (!Number.isInteger(batchRows) || batchRows < 1 || batchRows > 50_000) {
    throw badInput(`--batch-size ${quote(o.batchSize)}`, "not an integer from 1 to 50000");
  }
  const text = readInput(csv);
  return wiring.withLedger(cliClock(), async (ledger) => {
    let progress: Progress | undefined;
    const summary = await importUsShipmentsText(ledger, policy, text, csv, {
      products: catalogProducts(),
      skipBadLines: o.skipBadLines,
      batchRows,
      onBatch: (done, total) => {
        progress ??= progressReporter("importing", total);
        progress.update(done);
      },
    });
    progress?.stop();
    if (o.json) printJson(summary);
    else {
      const { posted, existing, skipped } = summary;
      process.stdout.write(
        `${csv}: ${posted} posted, ${existing} already there, ${skipped.length} bad lines skipped\n`,
      );
      for (const b of skipped.slice(0, 20)) process.stderr.write(`line ${b.line}: ${b.message}\n`);
    }
    return 0;
  });
}
