// CLI for prepayment: `sluice payments invoice|pay|forfeit|forfeitures` (an order's invoices and
// payments, forfeiting its paid cash after a denial or revocation, and the forfeiture entries a page
// at a time). Each also runs through --server: the remote half sends the matching route and prints
// what the local half prints.
import type { Command } from "commander";
import { z } from "zod";
import { listForfeitures } from "../../../app/evidence/reports.ts";
import { exitCodes, notFound, quote } from "../../../core/errors.ts";
import { invoiceInputSchema, paymentInputSchema } from "../../../core/evidence/payments.ts";
import { isoDateSchema } from "../../../core/shared.ts";
import { parseInput } from "../../../core/validation.ts";
import { pageLimitDefault, pageLimitMax } from "../../contract/pagination.ts";
import { printJson } from "../io.ts";
import { pathPart, type Remote, serve } from "../remote.ts";
import type { CliWiring } from "../wiring.ts";
import {
  checkedBody,
  idOf,
  json,
  type Options,
  remoteCreate,
  reportCreate,
  todayOf,
  withEvidence,
} from "./evidence-shared.ts";

const invoiceOf = (options: Options) => ({
  id: options.id,
  orderId: options.order,
  amountCents: options.amountCents,
  issuedOn: options.issuedOn,
});

function registerInvoice(payments: Command, wiring: CliWiring): void {
  serve(
    payments
      .command("invoice")
      .requiredOption("--id <id>")
      .requiredOption("--order <id>")
      .requiredOption("--amount-cents <cents>")
      .requiredOption("--issued-on <date>")
      .option("--json", "print JSON"),
    (options: Options) =>
      withEvidence(wiring, async (evidence) => {
        const r = await evidence.invoice(invoiceOf(options));
        return reportCreate("invoice", r.invoiceId, r.status, json(options));
      }),
    (remote, options) => {
      const input = checkedBody(invoiceInputSchema, invoiceOf(options), "invoice");
      return remoteCreate(() => remote.post("/v1/invoices", input), "invoice", idOf(input), options);
    },
  );
}

const paymentOf = (options: Options) => ({
  id: options.id,
  orderId: options.order,
  amountCents: options.amountCents,
  paidOn: options.paidOn,
  kind: options.kind,
  ...(options.reference ? { reference: options.reference } : {}),
});

function registerPay(payments: Command, wiring: CliWiring): void {
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
      withEvidence(wiring, async (evidence) => {
        const r = await evidence.pay(paymentOf(options));
        return reportCreate("payment", r.paymentId, r.status, json(options));
      }),
    (remote, options) => {
      const input = checkedBody(paymentInputSchema, paymentOf(options), "payment");
      return remoteCreate(() => remote.post("/v1/payments", input), "payment", idOf(input), options);
    },
  );
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

function registerForfeit(payments: Command, wiring: CliWiring): void {
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
      withEvidence(wiring, async (evidence) => {
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

const limitSchema = z.coerce.number().int().min(1).max(pageLimitMax);

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
      withEvidence(wiring, async (evidence) => {
        const limit = parseInput(limitSchema, options.limit, "--limit");
        const orderId = options.order ? String(options.order) : null;
        if (orderId !== null && !(await evidence.order(orderId))) throw notFound(`order ${quote(orderId)}`);
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

export function registerPayments(program: Command, wiring: CliWiring): void {
  const payments = program.command("payments").description("prepayment: invoices, payments, forfeitures");
  registerInvoice(payments, wiring);
  registerPay(payments, wiring);
  registerForfeit(payments, wiring);
  registerForfeitureList(payments, wiring);
}
