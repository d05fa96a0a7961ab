// CLI for the evidence records besides labs: `sluice duty enter|pay|totals`, `sluice payments
// invoice|pay|forfeit|forfeitures`, `sluice approvals add|domestic`, `sluice customs clear|reject` and `sluice
// evidence view` (the dossier's evidence section as the release gate will see it). Registers the
// `lab` commands too (lab.ts), so the command list needs one entry for both. Each also runs
// through --server: the remote half sends the matching route and prints what the local half prints.
import type { Command } from "commander";
import { z } from "zod";
import {
  type DutyTotalsReport,
  dutyTotals,
  dutyTotalsQuerySchema,
  listForfeitures,
} from "../../../app/evidence-reports.ts";
import { loadOrder } from "../../../app/shipment-rows.ts";
import { exitCodes, notFound, quote } from "../../../core/errors.ts";
import {
  approvalInputSchema,
  customsEventInputSchema,
  domesticPurchaseInputSchema,
} from "../../../core/evidence/approvals.ts";
import { type DutySums, dutyEntryInputSchema, dutyPaymentInputSchema } from "../../../core/evidence/duty.ts";
import { invoiceInputSchema, paymentInputSchema } from "../../../core/evidence/payments.ts";
import { isoDateSchema } from "../../../core/shared.ts";
import { parseInput } from "../../../core/validation.ts";
import { pageLimitDefault, pageLimitMax } from "../../contract/pagination.ts";
import { printJson, readJsonInput } from "../io.ts";
import { pathPart, type Remote, serve } from "../remote.ts";
import type { CliWiring } from "../wiring.ts";
import { checkedBody, idOf, reportCreate, sentOrRefused, todayOf, withEvidence } from "./evidence-shared.ts";
import { registerLab } from "./lab.ts";

type Options = Record<string, string | boolean | undefined>;
const json = (options: Options) => options.json === true;

/**
 * A create through the server, reported as locally: the body checked with the use case's schema
 * and label, a replay with other fields (or one of `refusals`) back as its status. `id` is the
 * input's (every one of these names its record).
 */
async function remoteCreate(
  send: () => Promise<unknown>,
  kind: string,
  id: string,
  options: Options,
  extra: (answer: Record<string, unknown>) => Record<string, unknown> = () => ({}),
  refusals: readonly string[] = [],
): Promise<number> {
  const answer = await sentOrRefused<{ status: string }>(send, refusals);
  return reportCreate(kind, id, answer.status, json(options), extra(answer as Record<string, unknown>));
}

/** The fields of a JSON answer that are present (a refusal carries only its status). */
const present = (answer: Record<string, unknown>, names: readonly string[]): Record<string, unknown> =>
  Object.fromEntries(names.filter((name) => answer[name] !== undefined).map((name) => [name, answer[name]]));

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: split on the evidence branch
function registerDuty(program: Command, wiring: CliWiring): void {
  const duty = program.command("duty").description("Section 232 entries and duty payments");
  serve(
    duty
      .command("enter")
      .description("record a US entry: {id, shipmentId, enteredOn, htsCode, enteredValueCents, exemption?}")
      .argument("<file>", "JSON file or - for stdin")
      .option("--json", "print JSON"),
    (file: string, options: Options) =>
      withEvidence(async (evidence) => {
        const r = await evidence.recordDutyEntry(readJsonInput(file));
        return reportCreate("entry", r.entryId, r.status, json(options), {
          band: r.band,
          dutyOwedCents: r.dutyOwedCents.toString(),
        });
      }),
    (remote, file, options) => {
      const input = checkedBody(dutyEntryInputSchema, readJsonInput(file), "duty entry");
      return remoteCreate(
        () => remote.post("/v1/duty-entries", input),
        "entry",
        idOf(input),
        options,
        (a) => present(a, ["band", "dutyOwedCents"]),
      );
    },
  );
  const pay = (options: Options) => ({
    id: options.id,
    entryId: options.entry,
    amountCents: options.amountCents,
    paidOn: options.paidOn,
  });
  serve(
    duty
      .command("pay")
      .description("record a duty payment on an entry (never more than the duty owed)")
      .requiredOption("--id <id>")
      .requiredOption("--entry <id>")
      .requiredOption("--amount-cents <cents>")
      .requiredOption("--paid-on <date>")
      .option("--json", "print JSON"),
    (options: Options) =>
      withEvidence(async (evidence) => {
        const r = await evidence.payDuty(pay(options));
        return reportCreate(
          "duty payment",
          r.paymentId,
          r.status,
          json(options),
          r.dutyPaidCents === undefined ? {} : { dutyPaidCents: r.dutyPaidCents.toString() },
        );
      }),
    (remote, options) => {
      const { entryId, ...input } = checkedBody(dutyPaymentInputSchema, pay(options), "duty payment") as {
        entryId: string;
      };
      const path = `/v1/duty-entries/${pathPart(entryId)}/payments`;
      return remoteCreate(
        () => remote.post(path, input),
        "duty payment",
        String(options.id),
        options,
        (a) => present(a, ["dutyPaidCents"]),
        ["exceeds_duty_owed", "entry_reversed"],
      );
    },
  );
  serve(
    duty
      .command("totals")
      .description(
        "duty totals per window (entered value, owed, paid, outstanding; by band, exemption claims apart)",
      )
      .requiredOption("--from <date>")
      .requiredOption("--to <date>")
      .option("--by <window>", "month | quarter | year | range", "month")
      .option("--json", "print JSON"),
    (options: Options) =>
      wiring.withEvidenceReports(async (source) => {
        const query = { from: options.from, to: options.to, by: options.by };
        printDutyTotals(await dutyTotals(source, query), options);
      }),
    async (remote, options) => {
      const query = { from: String(options.from), to: String(options.to), by: String(options.by) };
      checkedBody(dutyTotalsQuerySchema, query, "duty totals query");
      printDutyTotals((await remote.get("/v1/duty/totals", query)) as DutyTotalsReport, options);
    },
  );
}

function printDutyTotals(report: DutyTotalsReport, options: Options): void {
  if (json(options)) printJson(report);
  else process.stdout.write(dutyTotalsText(report));
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

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: split on the evidence branch
function registerPayments(program: Command, wiring: CliWiring): void {
  const payments = program.command("payments").description("prepayment: invoices, payments, forfeitures");
  const invoice = (options: Options) => ({
    id: options.id,
    orderId: options.order,
    amountCents: options.amountCents,
    issuedOn: options.issuedOn,
  });
  serve(
    payments
      .command("invoice")
      .requiredOption("--id <id>")
      .requiredOption("--order <id>")
      .requiredOption("--amount-cents <cents>")
      .requiredOption("--issued-on <date>")
      .option("--json", "print JSON"),
    (options: Options) =>
      withEvidence(async (evidence) => {
        const r = await evidence.invoice(invoice(options));
        return reportCreate("invoice", r.invoiceId, r.status, json(options));
      }),
    (remote, options) => {
      const input = checkedBody(invoiceInputSchema, invoice(options), "invoice");
      return remoteCreate(() => remote.post("/v1/invoices", input), "invoice", idOf(input), options);
    },
  );
  const payment = (options: Options) => ({
    id: options.id,
    orderId: options.order,
    amountCents: options.amountCents,
    paidOn: options.paidOn,
    kind: options.kind,
    ...(options.reference ? { reference: options.reference } : {}),
  });
  serve(
    payments
      .command("pay")
      .requiredOption("--id <id>")
      .requiredOption("--order <id>")
      .requiredOption("--amount-cents <cents>")
      .requiredOption("--paid-on <date>")
      .option("--kind <kind>", "payment | collateral | insurance", "payment")
      .option("--reference <text>")
      .option("--json", "print JSON"),
    (options: Options) =>
      withEvidence(async (evidence) => {
        const r = await evidence.pay(payment(options));
        return reportCreate("payment", r.paymentId, r.status, json(options));
      }),
    (remote, options) => {
      const input = checkedBody(paymentInputSchema, payment(options), "payment");
      return remoteCreate(() => remote.post("/v1/payments", input), "payment", idOf(input), options);
    },
  );
  serve(
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
      .option("--json", "print JSON"),
    (orderId: string, options: Options) =>
      withEvidence(async (evidence) => {
        const on = options.on ? parseInput(isoDateSchema, options.on, "--on") : todayOf();
        const r = await evidence.forfeit(orderId, String(options.reason), {
          on,
          ...(options.id ? { id: String(options.id) } : {}),
        });
        return printForfeit(orderId, r, options);
      }),
    async (remote, orderId, options) => {
      // Without --on the server forfeits on its own today.
      const body = {
        reason: String(options.reason),
        ...(options.on ? { on: parseInput(isoDateSchema, options.on, "--on") } : {}),
        ...(options.id ? { id: String(options.id) } : {}),
      };
      const answer = await remote.post(`/v1/orders/${pathPart(orderId)}/forfeitures`, body);
      return printForfeit(orderId, answer as ForfeitAnswer, options);
    },
  );
  registerForfeitureList(payments, wiring);
}

interface ForfeitAnswer {
  status: string;
  amountCents: unknown;
}

function printForfeit(orderId: string, r: ForfeitAnswer, options: Options): number {
  if (json(options)) printJson(r);
  else process.stdout.write(`order ${orderId}: ${r.status} (${r.amountCents} ¢)\n`);
  return exitCodes.ok;
}

interface ForfeitureLine {
  id: string;
  orderId: string;
  forfeitedOn: string;
  amountCents: unknown;
  reason: string;
}

function printForfeitures(list: ForfeitureLine[], options: Options): void {
  if (json(options)) printJson(list);
  else
    for (const f of list)
      process.stdout.write(`${f.id}  ${f.orderId}  ${f.forfeitedOn}  ${f.amountCents} ¢  ${f.reason}\n`);
}

function registerForfeitureList(payments: Command, wiring: CliWiring): void {
  serve(
    payments
      .command("forfeitures")
      .description("forfeiture entries in id order (all orders, or one with --order), a page at a time")
      .option("--order <id>")
      .option("--after <id>", "start after this forfeiture id (the previous page's last)")
      .option("--limit <n>", `at most this many (1–${pageLimitMax})`, String(pageLimitDefault))
      .option("--json", "print JSON"),
    (options: Options) =>
      withEvidence(async (_evidence, store) => {
        const limit = parseInput(limitSchema, options.limit, "--limit");
        const orderId = options.order ? String(options.order) : null;
        if (orderId !== null && !(await store.transaction((tx) => loadOrder(tx, orderId))))
          throw notFound(`order ${quote(orderId)}`);
        const after = options.after ? String(options.after) : "";
        const list = await wiring.withEvidenceReports((source) =>
          listForfeitures(source, { orderId, after, limit, partyId: null }),
        );
        printForfeitures(list, options);
      }),
    async (remote: Remote, options) => {
      const limit = parseInput(limitSchema, options.limit, "--limit");
      // An order's own route answers 404 for an unknown order, as the local command does.
      const path = options.order
        ? `/v1/orders/${pathPart(String(options.order))}/forfeitures`
        : "/v1/forfeitures";
      const after = options.after ? String(options.after) : undefined;
      const list = await remote.list(path, { limit, ...(after === undefined ? {} : { after }) });
      printForfeitures(list as ForfeitureLine[], options);
    },
  );
}

const limitSchema = z.coerce.number().int().min(1).max(pageLimitMax);

function registerApprovals(program: Command): void {
  const approvals = program
    .command("approvals")
    .description("Chinese import approvals and domestic-chip purchases");
  serve(
    approvals
      .command("add")
      .description(
        "record an import approval: {id, importerId, importer, authority, approvedOn, validFrom, validTo, approvedUnits, purpose, conditions?, excludedSectors?}",
      )
      .argument("<file>", "JSON file or - for stdin")
      .option("--json", "print JSON"),
    (file: string, options: Options) =>
      withEvidence(async (evidence) => {
        const r = await evidence.recordImportApproval(readJsonInput(file));
        return reportCreate("approval", r.approvalId, r.status, json(options));
      }),
    (remote, file, options) => {
      const input = checkedBody(approvalInputSchema, readJsonInput(file), "import approval");
      return remoteCreate(() => remote.post("/v1/import-approvals", input), "approval", idOf(input), options);
    },
  );
  serve(
    approvals
      .command("domestic")
      .description(
        "record an importer's purchase of domestic accelerators: {id, importerId, vendor, product, units, tppPerUnit?, purchasedOn}",
      )
      .argument("<file>", "JSON file or - for stdin")
      .option("--json", "print JSON"),
    (file: string, options: Options) =>
      withEvidence(async (evidence) => {
        const r = await evidence.recordDomesticPurchase(readJsonInput(file));
        return reportCreate("purchase", r.purchaseId, r.status, json(options));
      }),
    (remote, file, options) => {
      const input = checkedBody(domesticPurchaseInputSchema, readJsonInput(file), "domestic purchase");
      return remoteCreate(
        () => remote.post("/v1/domestic-purchases", input),
        "purchase",
        idOf(input),
        options,
      );
    },
  );
}

function registerCustoms(program: Command): void {
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
    const event = (shipmentId: string, options: Options) => ({
      id: options.id,
      shipmentId,
      kind: kind === "clear" ? "cleared" : "rejected",
      on: options.on,
      ...(options.authority ? { authority: options.authority } : {}),
      ...(options.reason ? { reason: options.reason } : {}),
    });
    serve(
      command,
      (shipmentId: string, options: Options) =>
        withEvidence(async (evidence) => {
          const r = await evidence.recordCustomsEvent(event(shipmentId, options));
          return reportCreate("customs event", r.eventId, r.status, json(options));
        }),
      (remote, shipmentId, options) => {
        const input = checkedBody(customsEventInputSchema, event(shipmentId, options), "customs event");
        const send = () => remote.post("/v1/customs-events", input);
        return remoteCreate(send, "customs event", idOf(input), options, () => ({}), [
          "shipment_not_shipped",
        ]);
      },
    );
  }
}

export function register(program: Command, wiring: CliWiring): void {
  registerLab(program, wiring);
  registerDuty(program, wiring);
  registerPayments(program, wiring);
  registerApprovals(program);
  registerCustoms(program);
  serve(
    program
      .command("evidence")
      .description("evidence records")
      .command("view")
      .description("the dossier's evidence section for an order (and shipment), built from the records")
      .argument("<order>")
      .option("--shipment <id>"),
    (orderId: string, options: Options) =>
      withEvidence(async (evidence) =>
        printJson(await evidence.view(orderId, options.shipment ? String(options.shipment) : null)),
      ),
    async (remote, orderId, options) => {
      const query = { shipment: options.shipment ? String(options.shipment) : undefined };
      const answer = (await remote.get(`/v1/orders/${pathPart(orderId)}/evidence-records`, query)) as {
        evidence: unknown;
      };
      printJson(answer.evidence);
    },
  );
}
