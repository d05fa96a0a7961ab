// CLI over the order half of the shipment path: `sluice parties add|list`, `sluice orders
// create|evidence|list`, `sluice apply`, `sluice licences grant` and `sluice import orders <csv>`,
// on the configured store or through --server. Registered by shipments.ts, in the order of the help.
import type { Command } from "commander";
import { orderColumns, parseOrdersCsv } from "../../../app/shipments/orders-import.ts";
import type { OrderRow } from "../../../app/shipments/ports.ts";
import type { ShipmentService } from "../../../app/shipments/service.ts";
import { badInput, quote } from "../../../core/errors.ts";
import { action, printJson, println, readInput, readJsonInput } from "../io.ts";
import { progressReporter } from "../progress.ts";
import { pathPart, serve } from "../remote.ts";
import type { CliWiring } from "../wiring.ts";
import { exitCodeByDecision, formatDecision } from "./evaluate.ts";
import {
  collect,
  type ListOptions,
  listLimit,
  refuseAt,
  remoteCreate,
  reportCreate,
  servicesOf,
} from "./shipment-path.ts";

function registerParties(program: Command, wiring: CliWiring): void {
  const withService = servicesOf(wiring);
  const parties = program.command("parties").description("exporters, consignees and end users");
  serve(
    parties
      .command("add")
      .description(
        "add a party from a JSON file (or - for stdin): {id, name, country, sector?, certifications?, …}",
      )
      .argument("<file>")
      .option("--json", "print JSON"),
    (file: string, options: { json?: boolean }) =>
      withService(async (service) => {
        const result = await service.addParty(readJsonInput(file));
        return reportCreate("party", result.party.id, result.status, options.json);
      }),
    (remote, file, options) =>
      remoteCreate(remote, "party", "/v1/parties", readJsonInput(file), options.json),
  );
  const printParties = (
    list: { id: string; country: string; sector?: string | undefined; name: string }[],
    json?: boolean,
  ) => {
    if (json) printJson({ parties: list });
    else
      for (const party of list)
        println(`${party.id}  ${party.country}  ${party.sector ?? "-"}  ${party.name}`);
  };
  serve(
    parties
      .command("list")
      .option("--after <id>", "list parties after this id", "")
      .option("--limit <n>", "at most this many", "100")
      .option("--json", "print JSON"),
    (options: ListOptions) =>
      withService(async (service) => {
        const list = await service.parties(options.after, listLimit(options));
        printParties(list, options.json);
      }),
    async (remote, options) => {
      const list = await remote.list("/v1/parties", { after: options.after, limit: listLimit(options) });
      printParties(list as Parameters<typeof printParties>[0], options.json);
    },
  );
}

function registerOrders(program: Command, wiring: CliWiring): void {
  const withService = servicesOf(wiring);
  const orders = program.command("orders").description("export orders");
  serve(
    orders
      .command("create")
      .description(
        "create an order from JSON: {id, productId, quantityUnits, valueCents, exporterId, consigneeId, endUserId, route, endUse}",
      )
      .argument("<file>")
      .option("--json", "print JSON"),
    (file: string, options: { json?: boolean }) =>
      withService(async (service) => {
        const result = await service.createOrder(readJsonInput(file));
        return reportCreate("order", result.order.id, result.status, options.json);
      }),
    (remote, file, options) => remoteCreate(remote, "order", "/v1/orders", readJsonInput(file), options.json),
  );
  serve(
    orders
      .command("evidence")
      .description("attach the evidence on file for an order (the dossier's `evidence` object)")
      .argument("<order>")
      .argument("<file>"),
    (orderId: string, file: string) =>
      withService((service) => service.setOrderEvidence(orderId, readJsonInput(file))),
    async (remote, orderId, file) => {
      await remote.put(`/v1/orders/${pathPart(orderId)}/evidence`, readJsonInput(file));
    },
  );
  type OrderView = Omit<OrderRow["doc"], "quantityUnits"> & { quantityUnits: unknown; status: string };
  const printOrders = (list: OrderView[], json?: boolean) => {
    if (json) printJson({ orders: list });
    else
      for (const o of list)
        println(`${o.id}  ${o.status}  ${o.productId} × ${o.quantityUnits} → ${o.route.destination}`);
  };
  serve(
    orders
      .command("list")
      .option("--after <id>", "list orders after this id", "")
      .option("--limit <n>", "at most this many", "100")
      .option("--json", "print JSON"),
    (options: ListOptions) =>
      withService(async (service) => {
        const list = await service.orders(options.after, listLimit(options));
        printOrders(
          list.map((o) => ({ ...o.doc, status: o.status })),
          options.json,
        );
      }),
    async (remote, options) => {
      const list = await remote.list("/v1/orders", { after: options.after, limit: listLimit(options) });
      // The route adds the evidence on file; the local list does not show it.
      printOrders(
        (list as (OrderView & { evidence?: unknown })[]).map(({ evidence: _evidence, ...order }) => order),
        options.json,
      );
    },
  );
}

type ApplyResult = Awaited<ReturnType<ShipmentService["apply"]>>;
interface ApplyOptions {
  at?: string;
  id?: string;
  scenario: string[];
  json?: boolean;
}

function reportApply(orderId: string, result: ApplyResult, json?: boolean): number {
  if (json) printJson(result);
  else
    println(
      `decision ${result.decisionId}; order ${orderId} is now ${result.orderStatus}\n${formatDecision(result.decision)}`,
    );
  return exitCodeByDecision[result.decision.decision];
}

function registerApply(program: Command, wiring: CliWiring): void {
  const withService = servicesOf(wiring);
  const command = program
    .command("apply")
    .description(
      "build the order's dossier from the store, evaluate it under the rules in force and record the decision",
    )
    .argument("<order>")
    .option("--at <date>", "refused: a state change takes the clock (see `sluice evaluate --at`)")
    .option("--id <decisionId>", "client-supplied decision id (replays answer the stored decision)")
    .option("--scenario <id>", "apply a scenario rulebook (repeatable)", collect, [])
    .option("--json", "print JSON");
  serve(
    command,
    (orderId: string, options: ApplyOptions) =>
      withService(async (service) => {
        refuseAt(options.at, "apply");
        const result = await service.apply(orderId, {
          scenarios: options.scenario,
          ...(options.id ? { id: options.id } : {}),
        });
        return reportApply(orderId, result, options.json);
      }),
    async (remote, orderId, options) => {
      refuseAt(options.at, "apply");
      const body = {
        scenarios: options.scenario,
        ...(options.id ? { id: options.id } : {}),
      };
      const result = await remote.post(`/v1/orders/${pathPart(orderId)}/applications`, body);
      return reportApply(orderId, result as ApplyResult, options.json);
    },
  );
}

interface GrantOptions {
  id: string;
  expires: string;
  units?: string;
  valueCents?: string;
  condition: string[];
  json?: boolean;
}

const licenceInput = (applicationId: string, options: GrantOptions) => ({
  id: options.id,
  applicationId,
  expiresOn: options.expires,
  conditions: options.condition,
  ...(options.units !== undefined ? { grantedUnits: Number(options.units) } : {}),
  ...(options.valueCents !== undefined ? { grantedValueCents: options.valueCents } : {}),
});

function registerLicences(program: Command, wiring: CliWiring): void {
  const withService = servicesOf(wiring);
  const command = program
    .command("licences")
    .description("licences granted on approved applications")
    .command("grant")
    .description("record the licence granted on an approved application (decision id)")
    .argument("<application>")
    .requiredOption("--id <licenceId>", "licence number")
    .requiredOption("--expires <date>", "expiry date")
    .option("--units <n>", "granted units (default: the order's quantity)")
    .option("--value-cents <n>", "granted value in cents (default: the order's value)")
    .option("--condition <text>", "a licence condition (repeatable)", collect, [])
    .option("--json", "print JSON");
  serve(
    command,
    (applicationId: string, options: GrantOptions) =>
      withService(async (service) => {
        const result = await service.grantLicence(licenceInput(applicationId, options));
        return reportCreate("licence", result.licenceId, result.status, options.json);
      }),
    (remote, applicationId, options) =>
      remoteCreate(remote, "licence", "/v1/licences", licenceInput(applicationId, options), options.json),
  );
}

/** Parties, orders, apply and licences, in the order of the help. */
export function registerOrderCommands(program: Command, wiring: CliWiring): void {
  registerParties(program, wiring);
  registerOrders(program, wiring);
  registerApply(program, wiring);
  registerLicences(program, wiring);
}

export function registerImportOrders(program: Command, wiring: CliWiring): void {
  const withService = servicesOf(wiring);
  const existing = program.commands.find((command) => command.name() === "import");
  const parent = existing ?? program.command("import").description("bulk imports from CSV");
  parent
    .command("orders <csv>")
    .description(
      `import orders in one transaction: ${orderColumns.join(",")}[,us_shipped_units][,description]`,
    )
    .option(
      "--skip-bad-lines",
      "import the good lines and report the bad ones (default: nothing if any line is bad)",
    )
    .option("--json", "print JSON")
    .action(
      action((csv: string, options: { skipBadLines?: boolean; json?: boolean }) =>
        withService(async (service) => {
          const { lines, bad } = parseOrdersCsv(readInput(csv), csv);
          const first = bad[0];
          if (first && !options.skipBadLines) {
            throw badInput(
              `file ${quote(csv)} line ${first.line}`,
              `${first.why} (${bad.length} bad line(s) found before the store was read; nothing imported)`,
            );
          }
          const progress = progressReporter("orders", lines.length);
          const result = await service.createOrders(lines, { skipBadLines: options.skipBadLines });
          progress.update(lines.length);
          progress.stop();
          const skipped = [...bad, ...result.skipped].sort((a, b) => a.line - b.line);
          const summary = { created: result.created, existing: result.existing, skipped };
          if (options.json) printJson(summary);
          else
            println(
              `orders: ${result.created} created, ${result.existing} already there, ${skipped.length} bad line(s) skipped`,
            );
        }),
      ),
    );
}
