// CLI for the evidence records besides labs: `sluice duty enter|pay|totals`, `sluice payments
// invoice|pay|forfeit`, `sluice approvals add|domestic`, `sluice customs clear|reject` and `sluice
// evidence view` (the dossier's evidence section as the release gate will see it). Registers the
// `lab` commands too (lab.ts), so the command list needs one entry for both.
import type { Command } from "commander";
import { exitCodes } from "../../../core/errors.ts";
import { isoDateSchema } from "../../../core/shared.ts";
import { parseInput } from "../../../core/validation.ts";
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
    .description("entries, entered value, duty owed and paid for entries in a window")
    .requiredOption("--from <date>")
    .requiredOption("--to <date>")
    .option("--json", "print JSON")
    .action(
      action((options: Options) =>
        withEvidence(async (evidence) => {
          const from = parseInput(isoDateSchema, options.from, "--from");
          const to = parseInput(isoDateSchema, options.to, "--to");
          const totals = await evidence.dutyTotals(from, to);
          if (json(options)) printJson(totals);
          else
            process.stdout.write(
              `${from}…${to}: ${totals.entries} entries (${totals.exemptEntries} exempt), entered ${totals.enteredValueCents} ¢, duty owed ${totals.dutyOwedCents} ¢, paid ${totals.dutyPaidCents} ¢\n`,
            );
        }),
      ),
    );
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
}

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
