// CLI over the store and the volume-cap ledger: `sluice db migrate|status`, `sluice us-ship`, and
// the low-level `sluice ledger reserve|post|void|expire|us-reverse`; register() also adds, in this
// order, `sluice quota` (quota.ts), `sluice import us-shipments <csv>` (us-shipments-import.ts) and
// `sluice audit verify` (audit-verify.ts). Every command has --json. The store is chosen by
// DATABASE_URL, else PGlite in SLUICE_DATA_DIR or ./.sluice.
import type { Command } from "commander";
import { badInput, quote } from "../../../core/errors.ts";
import { action, printJson } from "../io.ts";
import { cliClock, loadPolicy, reportOutcome, requireProduct } from "../ledger-context.ts";
import type { CliLedger, CliWiring, StoreStatus } from "../wiring.ts";
import { registerAudit } from "./audit-verify.ts";
import { registerQuota } from "./quota.ts";
import { registerImport } from "./us-shipments-import.ts";

interface JsonOption {
  json?: boolean;
}
interface PolicyOption extends JsonOption {
  policy?: string;
}

const dayMs = 86_400_000;
export const holdDaysDefault = 30;

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

/** `ledger reserve <id>`: China quota held for a shipment until posted, voided or expired. */
function registerReserve(ledger: Command, wiring: CliWiring): void {
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
}

/** `ledger post|void <reservation-id>`: a reservation shipped against, or released. */
function registerPostAndVoid(ledger: Command, wiring: CliWiring): void {
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
}

/** `ledger expire`: every reservation whose hold has passed, expired batch after batch. */
function registerExpire(ledger: Command, wiring: CliWiring): void {
  ledger
    .command("expire")
    .description("expire reservations whose hold has passed")
    .option("--json", "print JSON")
    .action(action(async (o: JsonOption) => wiring.withLedger(cliClock(), async (l) => expireAll(l, o))));
}

/** `ledger us-reverse <id>`: units of a US shipment reversed (may block reservations). */
function registerUsReverse(ledger: Command, wiring: CliWiring): void {
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

function registerLedger(program: Command, wiring: CliWiring): void {
  const ledger = program.command("ledger").description("low-level volume-cap ledger operations");
  registerReserve(ledger, wiring);
  registerPostAndVoid(ledger, wiring);
  registerExpire(ledger, wiring);
  registerUsReverse(ledger, wiring);
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

export function register(program: Command, wiring: CliWiring): void {
  registerDb(program, wiring);
  registerUsShip(program, wiring);
  registerLedger(program, wiring);
  registerQuota(program, wiring);
  registerImport(program, wiring);
  registerAudit(program, wiring);
}
