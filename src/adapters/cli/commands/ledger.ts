// CLI over the store, the volume-cap ledger and the audit chain: `sluice db migrate|status`,
// `sluice us-ship`, `sluice quota`, `sluice import us-shipments <csv>`, `sluice audit verify`, and
// the low-level `sluice ledger reserve|post|void|expire|us-reverse`. Every command has --json.
// The store is chosen by DATABASE_URL, else PGlite in SLUICE_DATA_DIR or ./.sluice.
import type { Command } from "commander";
import { v7 as uuidv7 } from "uuid";
import {
  type BadLine,
  badLinesError,
  parseUsShipmentsCsv,
} from "../../../app/shipments/us-shipments-import.ts";
import type { VerifyResult } from "../../../core/audit/chain.ts";
import { badInput, quote, SluiceError } from "../../../core/errors.ts";
import { accountIdsFor, type CapPolicy, dayOf } from "../../../core/ledger/cap-policy.ts";
import { action, printJson, readInput } from "../io.ts";
import { catalogProducts, cliClock, loadPolicy, reportOutcome, requireProduct } from "../ledger-context.ts";
import { type Progress, progressReporter } from "../progress.ts";
import { type Remote, serve } from "../remote.ts";
import type { CliLedger, CliWiring, StoreStatus } from "../wiring.ts";

interface JsonOption {
  json?: boolean;
}
interface PolicyOption extends JsonOption {
  policy?: string;
}

const dayMs = 86_400_000;
export const holdDaysDefault = 30;
export const importBatchRowsDefault = 5000;
/** Import batches committed concurrently (each its own transaction and connection). */
export const importBatchesInFlightMax = 3;

function positiveInteger(text: string, what: string): bigint {
  if (!/^-?\d+$/.test(text)) throw badInput(`${what} ${quote(text)}`, "not an integer");
  return BigInt(text);
}

function registerDb(program: Command, wiring: CliWiring): void {
  const db = program.command("db").description("the database: migrations and status");
  db.command("migrate")
    .description("apply pending migrations (also done on every open)")
    .option("--json", "print JSON")
    .action(
      action(async (options: JsonOption) => {
        const { driver, location, applied } = await wiring.migrate();
        if (options.json) printJson({ driver, location, applied });
        else
          process.stdout.write(
            `${location}: ${applied.length > 0 ? `applied ${applied.join(", ")}` : "up to date"}\n`,
          );
        return 0;
      }),
    );
  db.command("status")
    .description("driver, location, migrations, audit head and row counts")
    .option("--json", "print JSON")
    .action(action(async (options: JsonOption) => printStatus(await wiring.storeStatus(), options)));
}

function printStatus(report: StoreStatus, options: JsonOption): number {
  if (options.json) printJson(report);
  else {
    const { counts } = report;
    process.stdout.write(
      [
        `driver     ${report.driver}`,
        `location   ${report.location}`,
        `migrations ${report.applied.map((m) => m.version).join(", ") || "none"} applied, ${report.pending.length} pending`,
        `audit head seq ${report.auditHead.seq} ${report.auditHead.hash}`,
        `rows       ${counts?.accounts} accounts, ${counts?.reservations} reservations, ${counts?.postings} US postings`,
      ].join("\n") + "\n",
    );
  }
  return 0;
}

function registerUsShip(program: Command, wiring: CliWiring): void {
  program
    .command("us-ship <id>")
    .description("record a US end-use shipment (credits the cap's US side)")
    .requiredOption("--product <id>", "catalog product id")
    .requiredOption("--units <n>", "units shipped")
    .requiredOption("--shipped-on <date>", "YYYY-MM-DD")
    .option("--customer <name>", "US customer")
    .option(
      "--policy <file>",
      "cap policy JSON (default: the ratio-cap rule of the rulebooks in force today)",
    )
    .option("--json", "print JSON")
    .action(
      action(
        async (
          id: string,
          o: PolicyOption & { product: string; units: string; shippedOn: string; customer?: string },
        ) => {
          const policy = loadPolicy(o.policy);
          const { tppPerUnit } = requireProduct(o.product);
          const units = positiveInteger(o.units, "--units");
          return wiring.withLedger(cliClock(), async (ledger) => {
            const input = {
              id,
              productId: o.product,
              units,
              tppPerUnit,
              shippedOn: o.shippedOn,
              customer: o.customer,
            };
            return reportOutcome(`us shipment ${quote(id)}`, await ledger.usPost(policy, input), o.json);
          });
        },
      ),
    );
}

function registerLedger(program: Command, wiring: CliWiring): void {
  const ledger = program.command("ledger").description("low-level volume-cap ledger operations");
  ledger
    .command("reserve <id>")
    .description("reserve China quota for a shipment (held until posted, voided or expired)")
    .requiredOption("--product <id>", "catalog product id")
    .requiredOption("--units <n>", "units")
    .option("--hold-days <n>", "days before the reservation expires", String(holdDaysDefault))
    .option("--policy <file>", "cap policy JSON")
    .option("--json", "print JSON")
    .action(
      action(async (id: string, o: PolicyOption & { product: string; units: string; holdDays: string }) => {
        const policy = loadPolicy(o.policy);
        const { tppPerUnit } = requireProduct(o.product);
        const units = positiveInteger(o.units, "--units");
        const holdDays = Number(o.holdDays);
        if (!Number.isInteger(holdDays) || holdDays < 1)
          throw badInput(`--hold-days ${quote(o.holdDays)}`, "not a positive integer");
        return wiring.withLedger(cliClock(), async (l) =>
          reportOutcome(
            `reservation ${quote(id)}`,
            await l.reserve(policy, {
              id,
              productId: o.product,
              units,
              tppPerUnit,
              holdMs: holdDays * dayMs,
            }),
            o.json,
          ),
        );
      }),
    );
  for (const [name, description] of [
    ["post", "ship against a reservation: pending becomes posted"],
    ["void", "release a reservation (order cancelled)"],
  ] as const) {
    ledger
      .command(`${name} <reservation-id>`)
      .description(description)
      .option("--json", "print JSON")
      .action(
        action(async (id: string, o: JsonOption) =>
          wiring.withLedger(cliClock(), async (l) =>
            reportOutcome(
              `reservation ${quote(id)}`,
              await (name === "post" ? l.post(id) : l.void(id)),
              o.json,
            ),
          ),
        ),
      );
  }
  ledger
    .command("expire")
    .description("expire reservations whose hold has passed")
    .option("--json", "print JSON")
    .action(action(async (o: JsonOption) => wiring.withLedger(cliClock(), async (l) => expireAll(l, o))));
  ledger
    .command("us-reverse <id>")
    .description("reverse units of a US shipment (may block reservations and raise an alert)")
    .requiredOption("--posting <id>", "the US shipment to reverse")
    .requiredOption("--units <n>", "units reversed")
    .option("--reason <text>", "why")
    .option("--json", "print JSON")
    .action(
      action(async (id: string, o: JsonOption & { posting: string; units: string; reason?: string }) => {
        const units = positiveInteger(o.units, "--units");
        return wiring.withLedger(cliClock(), async (l) =>
          reportOutcome(
            `us reversal ${quote(id)}`,
            await l.usReverse({ id, postingId: o.posting, units, reason: o.reason }),
            o.json,
          ),
        );
      }),
    );
}

async function expireAll(ledger: CliLedger, options: JsonOption): Promise<number> {
  const expired: string[] = [];
  for (;;) {
    const batch = await ledger.expire();
    expired.push(...batch.expired);
    if (batch.expired.length === 0) break;
  }
  const result = { status: "ok" as const, expired };
  return reportOutcome("reservations", result, options.json);
}

interface QuotaRow {
  account: string;
  ratioPercent: number;
  usPosted: bigint;
  cnPending: bigint;
  cnPosted: bigint;
  headroom: bigint;
  blocked: boolean;
}

/** The window part of the account for `day` (e.g. `quarter:2026-Q1`). */
function windowKeyFor(policy: CapPolicy, day: string): string | undefined {
  const first = accountIdsFor(policy, "x", day)?.[0];
  return first?.slice(first.lastIndexOf("/") + 1);
}

type QuotaOptions = PolicyOption & { product?: string; window?: string };
type AccountFigures = Omit<QuotaRow, "account" | "headroom"> & { id: string };

/** The policy, the window and the account id prefix the quota command looks at. */
function quotaQuery(o: QuotaOptions) {
  const policy = loadPolicy(o.policy);
  const window = o.window ?? windowKeyFor(policy, dayOf(cliClock()()));
  if (!window) throw badInput("quota", "today is before the cap's window");
  const scope = policy.scope === "all" ? "all" : o.product ? `product:${o.product}` : "product:";
  return { policy, window, prefix: `${policy.measure}/${scope}` };
}

function reportQuota(o: QuotaOptions, policy: CapPolicy, window: string, accounts: AccountFigures[]): number {
  const rows: QuotaRow[] = accounts
    .filter((a) => a.id.endsWith(`/${window}`))
    .map((a) => {
      const cap = (BigInt(a.ratioPercent) * a.usPosted) / 100n;
      const used = a.cnPending + a.cnPosted;
      return {
        account: a.id,
        ratioPercent: a.ratioPercent,
        usPosted: a.usPosted,
        cnPending: a.cnPending,
        cnPosted: a.cnPosted,
        headroom: a.blocked || cap < used ? 0n : cap - used,
        blocked: a.blocked,
      };
    });
  if (o.json) printJson({ policy, window, accounts: rows });
  else process.stdout.write(formatQuota(policy, window, rows));
  return 0;
}

/** The accounts through --server: GET /v1/quota answers amounts as decimal strings. */
async function remoteAccounts(remote: Remote, prefix: string): Promise<AccountFigures[]> {
  const items = (await remote.list("/v1/quota", { limit: Number.MAX_SAFE_INTEGER, query: { prefix } })) as {
    id: string;
    ratioPercent: number;
    usPosted: string;
    cnPending: string;
    cnPosted: string;
    blocked: boolean;
  }[];
  return items.map((a) => ({
    id: a.id,
    ratioPercent: a.ratioPercent,
    usPosted: BigInt(a.usPosted),
    cnPending: BigInt(a.cnPending),
    cnPosted: BigInt(a.cnPosted),
    blocked: a.blocked,
  }));
}

function registerQuota(program: Command, wiring: CliWiring): void {
  serve(
    program
      .command("quota")
      .description("US volume, China pending and posted, headroom and ratio per account")
      .option("--product <id>", "one product (scope per product)")
      .option("--window <key>", "a window, e.g. `quarter:2026-Q1` (default: the current one)")
      .option("--policy <file>", "cap policy JSON")
      .option("--json", "print JSON"),
    async (o: QuotaOptions) => {
      const { policy, window, prefix } = quotaQuery(o);
      return wiring.withLedger(cliClock(), async (ledger) =>
        reportQuota(o, policy, window, await ledger.accounts(prefix)),
      );
    },
    async (remote, o) => {
      const { policy, window, prefix } = quotaQuery(o);
      return reportQuota(o, policy, window, await remoteAccounts(remote, prefix));
    },
  );
}

function formatQuota(policy: CapPolicy, window: string, rows: QuotaRow[]): string {
  const head = `cap ${policy.ratioPercent} % of US end use, measure ${policy.measure}, scope ${policy.scope}, window ${window}`;
  if (rows.length === 0) return `${head}\nno accounts yet (no US end-use shipments recorded)\n`;
  const header = ["account", "us_posted", "cn_pending", "cn_posted", "headroom", "state"];
  const lines = rows.map((r) => [
    r.account,
    String(r.usPosted),
    String(r.cnPending),
    String(r.cnPosted),
    String(r.headroom),
    r.blocked ? "BLOCKED" : "open",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? "").length)));
  const format = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  return [head, format(header), ...lines.map(format)].join("\n") + "\n";
}

function registerImport(program: Command, wiring: CliWiring): void {
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
    .action(
      action(async (csv: string, o: PolicyOption & { skipBadLines?: boolean; batchSize: string }) =>
        importUsShipments(wiring, csv, o),
      ),
    );
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
    skipBadLines?: boolean | undefined;
    batchRows: number;
    onBatch?: (done: number, total: number) => void;
  },
): Promise<ImportSummary> {
  const { rows, bad } = parseUsShipmentsCsv(text, source, policy, catalogProducts());
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

async function importUsShipments(
  wiring: CliWiring,
  csv: string,
  o: PolicyOption & { skipBadLines?: boolean; batchSize: string },
) {
  const policy = loadPolicy(o.policy);
  const batchRows = Number(o.batchSize);
  if (!Number.isInteger(batchRows) || batchRows < 1 || batchRows > 50_000) {
    throw badInput(`--batch-size ${quote(o.batchSize)}`, "not an integer from 1 to 50000");
  }
  const text = readInput(csv);
  return wiring.withLedger(cliClock(), async (ledger) => {
    let progress: Progress | undefined;
    const summary = await importUsShipmentsText(ledger, policy, text, csv, {
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

function registerAudit(program: Command, wiring: CliWiring): void {
  const existing = program.commands.find((command) => command.name() === "audit");
  const audit = existing ?? program.command("audit").description("the tamper-evident audit log");
  serve(
    audit
      .command("verify")
      .description("verify the hash chain; names the first bad entry")
      .option("--expect-head <seq:hash>", "the head published earlier, to detect a cut-off end")
      .option("--json", "print JSON"),
    async (o: JsonOption & { expectHead?: string }) => {
      const expect = o.expectHead ? parseHead(o.expectHead) : undefined;
      return reportVerify(await wiring.verifyAudit(expect), o);
    },
    async (remote, o) => {
      const expect = o.expectHead ? parseHead(o.expectHead) : undefined;
      const query = expect ? { seq: String(expect.seq), hash: expect.hash } : {};
      const result = await remote.get("/v1/audit/verify", query);
      return reportVerify(result as VerifyResult, o);
    },
  );
}

function reportVerify(result: VerifyResult, o: JsonOption): number {
  if (o.json) printJson(result);
  if (result.ok) {
    if (!o.json)
      process.stdout.write(
        `audit log ok: ${result.count} entries, head seq ${result.head.seq} ${result.head.hash}\n`,
      );
    return 0;
  }
  const error = new SluiceError(
    "conflict",
    "audit log",
    `entry at position ${result.position} (seq ${result.seq ?? "none"}) ${result.reason.replaceAll("_", " ")}: ${result.detail}`,
    result.reason,
  );
  if (o.json) return 3;
  throw error;
}

function parseHead(text: string): { seq: number; hash: string } {
  const match = /^(\d+):([0-9a-f]{64})$/.exec(text);
  if (!match) throw badInput(`--expect-head ${quote(text)}`, "expected <seq>:<64 hex digits>");
  return { seq: Number(match[1]), hash: match[2] as string };
}

export function register(program: Command, wiring: CliWiring): void {
  registerDb(program, wiring);
  registerUsShip(program, wiring);
  registerLedger(program, wiring);
  registerQuota(program, wiring);
  registerImport(program, wiring);
  registerAudit(program, wiring);
}
