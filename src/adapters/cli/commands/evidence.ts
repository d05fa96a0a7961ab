// CLI for the evidence records besides labs: `sluice duty enter|pay|totals`, `sluice payments
// invoice|pay|forfeit|forfeitures`, `sluice approvals add|domestic`, `sluice customs clear|reject` and `sluice
// evidence view` (the dossier's evidence section as the release gate will see it). Registers the
// `lab` commands too (lab.ts), so the command list needs one entry for both.
import type { Command } from "commander";
import { z } from "zod";
import { type DutyTotalsReport, dutyTotals, listForfeitures } from "../../../app/evidence-reports.ts";
import { loadOrder } from "../../../app/shipment-rows.ts";
import { exitCodes, notFound, quote } from "../../../core/errors.ts";
import type { DutySums } from "../../../core/evidence/duty.ts";
import { isoDateSchema } from "../../../core/shared.ts";
import { parseInput } from "../../../core/validation.ts";
import { pageLimitDefault, pageLimitMax } from "../../http/pagination.ts";
import { action, printJson, readJsonInput } from "../io.ts";
import { reportCreate, todayOf, withEvidence } from "./evidence-shared.ts";
import { registerLab } from "./lab.ts";

type Options = Record<string, string | boolean | undefined>;
const json = (options: Options) => options.json === true;

function registerDuty(program: Command): void {
  const duty = program.command("duty").description("Section 232 entries and duty payments");
  duty
    .command("enter")
    .description("record a US entry: {id, shipmentId, enteredOn, htsCode, enteredValueCents, exemption?}")
    .argument("<file>", "JSON file or - for stdin")
    .option("--json", "print JSON")
    .action(
      action((file: string, options: Options) =>
        withEvidence(async (evidence) => {
          const r = await evidence.recordDutyEntry(readJsonInput(file));
          return reportCreate("entry", r.entryId, r.status, json(options), {
            band: r.band,
            dutyOwedCents: r.dutyOwedCents.toString(),
          });
        }),
      ),
    );
  duty
    .command("pay")
    .description("record a duty payment on an entry (never more than the duty owed)")
    .requiredOption("--id <id>")
    .requiredOption("--entry <id>")
    .requiredOption("--amount-cents <cents>")
    .requiredOption("--paid-on <date>")
    .option("--json", "print JSON")
    .action(
      action((options: Options) =>
        withEvidence(async (evidence) => {
          const r = await evidence.payDuty({
            id: options.id,
            entryId: options.entry,
            amountCents: options.amountCents,
            paidOn: options.paidOn,
          });
          return reportCreate(
            "duty payment",
            r.paymentId,
            r.status,
            json(options),
            r.dutyPaidCents === undefined ? {} : { dutyPaidCents: r.dutyPaidCents.toString() },
          );
        }),
      ),
    );
  duty
    .command("totals")
    .description(
      "duty totals per window (entered value, owed, paid, outstanding; by band, exemption claims apart)",
    )
    .requiredOption("--from <date>")
    .requiredOption("--to <date>")
    .option("--by <window>", "month | quarter | year | range", "month")
    .option("--json", "print JSON")
    .action(
      action((options: Options) =>
        withEvidence(async (_evidence, store) => {
          const query = { from: options.from, to: options.to, by: options.by };
          const report = await store.transaction((tx) => dutyTotals(tx, query));
          if (json(options)) printJson(report);
          else process.stdout.write(dutyTotalsText(report));
        }),
      ),
    );
}

/** One line per window, then one per band / exemption group that has entries. */
function dutyTotalsText(report: DutyTotalsReport): string {
  const sums = (s: DutySums) =>
    `${s.entries} entries, entered ${s.enteredValueCents} ¢, owed ${s.dutyOwedCents} ¢, paid ${s.dutyPaidCents} ¢, outstanding ${s.outstandingCents} ¢`;
  const lines = report.windows.flatMap((window) => [
    `${window.from}…${window.to}: ${sums(window.total)}`,
    ...window.bands.filter((b) => b.sums.entries > 0).map((b) => `  band ${b.band}: ${sums(b.sums)}`),
    ...(window.exempt.entries > 0 ? [`  exempt: ${sums(window.exempt)}`] : []),
    ...(window.outsideBands.entries > 0 ? [`  outside both bands: ${sums(window.outsideBands)}`] : []),
  ]);
  return `${lines.join("\n")}\n`;
}

function registerPayments(program: Command): void {
  const payments = program.command("payments").description("prepayment: invoices, payments, forfeitures");
  payments
    .command("invoice")
    .requiredOption("--id <id>")
    .requiredOption("--order <id>")
    .requiredOption("--amount-cents <cents>")
    .requiredOption("--issued-on <date>")
    .option("--json", "print JSON")
    .action(
      action((options: Options) =>
        withEvidence(async (evidence) => {
          const r = await evidence.invoice({
            id: options.id,
            orderId: options.order,
            amountCents: options.amountCents,
            issuedOn: options.issuedOn,
          });
          return reportCreate("invoice", r.invoiceId, r.status, json(options));
        }),
      ),
    );
  payments
    .command("pay")
    .requiredOption("--id <id>")
    .requiredOption("--order <id>")
    .requiredOption("--amount-cents <cents>")
    .requiredOption("--paid-on <date>")
    .option("--kind <kind>", "payment | collateral | insurance", "payment")
    .option("--reference <text>")
    .option("--json", "print JSON")
    .action(
      action((options: Options) =>
        withEvidence(async (evidence) => {
          const r = await evidence.pay({
            id: options.id,
            orderId: options.order,
            amountCents: options.amountCents,
            paidOn: options.paidOn,
            kind: options.kind,
            ...(options.reference ? { reference: options.reference } : {}),
          });
          return reportCreate("payment", r.paymentId, r.status, json(options));
        }),
      ),
    );
  payments
    .command("forfeit")
    .description("forfeit the order's paid cash after a denial or revocation (there are no refunds)")
    .argument("<order>")
    .requiredOption(
      "--reason <reason>",
      "licence-denied | licence-revoked | lab-revoked | import-refused | other",
    )
    .option("--id <id>")
    .option("--on <date>")
    .option("--json", "print JSON")
    .action(
      action((orderId: string, options: Options) =>
        withEvidence(async (evidence) => {
          const on = options.on ? parseInput(isoDateSchema, options.on, "--on") : todayOf();
          const r = await evidence.forfeit(orderId, String(options.reason), {
            on,
            ...(options.id ? { id: String(options.id) } : {}),
          });
          if (json(options)) printJson(r);
          else process.stdout.write(`order ${orderId}: ${r.status} (${r.amountCents} ¢)\n`);
          return exitCodes.ok;
        }),
      ),
    );
  registerForfeitureList(payments);
}

function registerForfeitureList(payments: Command): void {
  payments
    .command("forfeitures")
    .description("forfeiture entries in id order (all orders, or one with --order), a page at a time")
    .option("--order <id>")
    .option("--after <id>", "start after this forfeiture id (the previous page's last)")
    .option("--limit <n>", `at most this many (1–${pageLimitMax})`, String(pageLimitDefault))
    .option("--json", "print JSON")
    .action(
      action((options: Options) =>
        withEvidence(async (_evidence, store) => {
          const limit = parseInput(limitSchema, options.limit, "--limit");
          const orderId = options.order ? String(options.order) : null;
          const list = await store.transaction(async (tx) => {
            if (orderId !== null && !(await loadOrder(tx, orderId)))
              throw notFound(`order ${quote(orderId)}`);
            const after = options.after ? String(options.after) : "";
            return listForfeitures(tx, { orderId, after, limit, partyId: null });
          });
          if (json(options)) printJson(list);
          else
            for (const f of list)
              process.stdout.write(
                `${f.id}  ${f.orderId}  ${f.forfeitedOn}  ${f.amountCents} ¢  ${f.reason}\n`,
              );
        }),
      ),
    );
}

const limitSchema = z.coerce.number().int().min(1).max(pageLimitMax);

function registerChina(program: Command): void {
  const approvals = program
    .command("approvals")
    .description("Chinese import approvals and domestic-chip purchases");
  approvals
    .command("add")
    .description(
      "record an import approval: {id, importerId, importer, authority, approvedOn, validFrom, validTo, approvedUnits, purpose, conditions?, excludedSectors?}",
    )
    .argument("<file>", "JSON file or - for stdin")
    .option("--json", "print JSON")
    .action(
      action((file: string, options: Options) =>
        withEvidence(async (evidence) => {
          const r = await evidence.recordImportApproval(readJsonInput(file));
          return reportCreate("approval", r.approvalId, r.status, json(options));
        }),
      ),
    );
  approvals
    .command("domestic")
    .description(
      "record an importer's purchase of domestic accelerators: {id, importerId, vendor, product, units, tppPerUnit?, purchasedOn}",
    )
    .argument("<file>", "JSON file or - for stdin")
    .option("--json", "print JSON")
    .action(
      action((file: string, options: Options) =>
        withEvidence(async (evidence) => {
          const r = await evidence.recordDomesticPurchase(readJsonInput(file));
          return reportCreate("purchase", r.purchaseId, r.status, json(options));
        }),
      ),
    );
  const customs = program
    .command("customs")
    .description("Chinese customs clearance and rejection of shipped lots");
  for (const kind of ["clear", "reject"] as const) {
    const command = customs
      .command(kind)
      .argument("<shipment>")
      .requiredOption("--id <id>", "event id")
      .requiredOption("--on <date>")
      .option("--authority <name>")
      .option("--json", "print JSON");
    if (kind === "reject") command.requiredOption("--reason <text>");
    command.action(
      action((shipmentId: string, options: Options) =>
        withEvidence(async (evidence) => {
          const r = await evidence.recordCustomsEvent({
            id: options.id,
            shipmentId,
            kind: kind === "clear" ? "cleared" : "rejected",
            on: options.on,
            ...(options.authority ? { authority: options.authority } : {}),
            ...(options.reason ? { reason: options.reason } : {}),
          });
          return reportCreate("customs event", r.eventId, r.status, json(options));
        }),
      ),
    );
  }
}

export function register(program: Command): void {
  registerLab(program);
  registerDuty(program);
  registerPayments(program);
  registerChina(program);
  program
    .command("evidence")
    .description("evidence records")
    .command("view")
    .description("the dossier's evidence section for an order (and shipment), built from the records")
    .argument("<order>")
    .option("--shipment <id>")
    .action(
      action((orderId: string, options: Options) =>
        withEvidence(async (evidence) =>
          printJson(await evidence.view(orderId, options.shipment ? String(options.shipment) : null)),
        ),
      ),
    );
}
