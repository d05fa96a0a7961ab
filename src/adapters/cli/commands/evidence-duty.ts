// CLI for Section 232: `sluice duty enter|pay|totals` (a lot's US entry, payments of its duty, and
// the duty totals per window). Each also runs through --server: the remote half sends the matching
// route and prints what the local half prints.
import type { Command } from "commander";
import { type DutyTotalsReport, dutyTotals, dutyTotalsQuerySchema } from "../../../app/evidence/reports.ts";
import { type DutySums, dutyEntryInputSchema, dutyPaymentInputSchema } from "../../../core/evidence/duty.ts";
import { printJson, readJsonInput } from "../io.ts";
import { pathPart, serve } from "../remote.ts";
import type { CliWiring } from "../wiring.ts";
import {
  checkedBody,
  idOf,
  json,
  type Options,
  present,
  remoteCreate,
  reportCreate,
  withEvidence,
} from "./evidence-shared.ts";

function registerDutyEnter(duty: Command, wiring: CliWiring): void {
  serve(
    duty
      .command("enter")
      .description("record a US entry: {id, shipmentId, enteredOn, htsCode, enteredValueCents, exemption?}")
      .argument("<file>", "JSON file or - for stdin")
      .option("--json", "print JSON"),
    (file: string, options: Options) =>
      withEvidence(wiring, async (evidence) => {
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
}

const dutyPaymentOf = (options: Options) => ({
  id: options.id,
  entryId: options.entry,
  amountCents: options.amountCents,
  paidOn: options.paidOn,
});

function registerDutyPay(duty: Command, wiring: CliWiring): void {
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
      withEvidence(wiring, async (evidence) => {
        const r = await evidence.payDuty(dutyPaymentOf(options));
        return reportCreate(
          "duty payment",
          r.paymentId,
          r.status,
          json(options),
          r.dutyPaidCents === undefined ? {} : { dutyPaidCents: r.dutyPaidCents.toString() },
        );
      }),
    (remote, options) => {
      const { entryId, ...input } = checkedBody(
        dutyPaymentInputSchema,
        dutyPaymentOf(options),
        "duty payment",
      ) as { entryId: string };
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
}

function registerDutyTotals(duty: Command, wiring: CliWiring): void {
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

export function registerDuty(program: Command, wiring: CliWiring): void {
  const duty = program.command("duty").description("Section 232 entries and duty payments");
  registerDutyEnter(duty, wiring);
  registerDutyPay(duty, wiring);
  registerDutyTotals(duty, wiring);
}
