// CLI over the shipment path: parties, orders (and their evidence), apply, licences, shipments,
// release, ship, cancel. Each command opens the store (DATABASE_URL or the embedded database),
// runs one use case and closes it. Creates answer created | exists | exists_with_different_<field>.
import type { Command } from "commander";
import { orderColumns, parseOrdersCsv } from "../../../app/shipments/orders-import.ts";
import type { OrderRow } from "../../../app/shipments/ports.ts";
import { type CreateStatus, type ReleaseResult, ShipmentService } from "../../../app/shipments/service.ts";
import { badInput, exitCodes, quote } from "../../../core/errors.ts";
import { releaseAnswer } from "../../../core/shipments/release.ts";
import { cliActor } from "../actor.ts";
import { action, printJson, println, readInput, readJsonInput } from "../io.ts";
import { cliClock, withStore } from "../ledger-context.ts";
import { progressReporter } from "../progress.ts";
import { pathPart, type Remote, serve } from "../remote.ts";
import type { CliWiring } from "../wiring.ts";
import { exitCodeByDecision, formatDecision } from "./evaluate.ts";

const collect = (value: string, previous: string[]): string[] => [...previous, value];
/**
 * A command that changes state takes the server's (or the store's) clock, never a date given by
 * its caller (issue #13); `sluice evaluate --at` still evaluates a dossier as of another day.
 */
function refuseAt(value: string | undefined, command: string): void {
  if (value === undefined) return;
  throw badInput(
    `\`sluice ${command} --at\``,
    `a state change takes the clock, not a date given on the command line (${quote(value)}); evaluate a dossier as of another day with \`sluice evaluate --at\``,
    "client_time_refused",
  );
}

/**
 * Runs a command's use case on the configured store, acting as the operator; the ports come from
 * the program's wiring (src/compose.ts).
 */
const servicesOf =
  (wiring: CliWiring) =>
  <T>(run: (service: ShipmentService) => Promise<T>) =>
    withStore((store) => run(new ShipmentService(wiring.shipments(store, cliActor(), cliClock()))));

/** created/exists succeed; a replay with different fields is a conflict (exit 3). */
function reportCreate(kind: string, id: string, status: CreateStatus, json: boolean | undefined): number {
  if (json) printJson({ [`${kind}Id`]: id, status });
  else println(`${kind} ${id}: ${status}`);
  return status.startsWith("exists_with_different_") ? exitCodes.conflict : exitCodes.ok;
}

/** A create through --server: the route answers {id, status} with the use case's status. */
async function remoteCreate(remote: Remote, kind: string, path: string, body: unknown, json?: boolean) {
  const created = (await remote.post(path, body)) as { id: string; status: CreateStatus };
  return reportCreate(kind, created.id, created.status, json);
}

interface ListOptions {
  after: string;
  limit: string;
  json?: boolean;
}
const listLimit = (options: ListOptions) => Math.min(Number(options.limit) || 100, 1000);

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

function registerShipments(program: Command, wiring: CliWiring): void {
  const withService = servicesOf(wiring);
  const shipments = program.command("shipments").description("shipments of licensed orders");
  serve(
    shipments
      .command("plan")
      .description(
        "plan a shipment from JSON: {id, orderId, quantityUnits, serials: [{prefix, first, last}]}",
      )
      .argument("<file>")
      .option("--json", "print JSON"),
    (file: string, options: { json?: boolean }) =>
      withService(async (service) => {
        const result = await service.planShipment(readJsonInput(file));
        return reportCreate("shipment", result.shipmentId, result.status, options.json);
      }),
    (remote, file, options) =>
      remoteCreate(remote, "shipment", "/v1/shipments", readJsonInput(file), options.json),
  );
  serve(
    shipments
      .command("evidence")
      .description("attach the evidence on file for one shipment (lab certificate, duty entry …)")
      .argument("<shipment>")
      .argument("<file>"),
    (shipmentId: string, file: string) =>
      withService((service) => service.setShipmentEvidence(shipmentId, readJsonInput(file))),
    async (remote, shipmentId, file) => {
      await remote.put(`/v1/shipments/${pathPart(shipmentId)}/evidence`, readJsonInput(file));
    },
  );
  type ShipmentView = { id: string; status: string; orderId: string; quantityUnits: unknown };
  const printShipments = (list: ShipmentView[], json?: boolean) => {
    if (json) printJson({ shipments: list });
    else for (const s of list) println(`${s.id}  ${s.status}  order ${s.orderId}  ${s.quantityUnits} units`);
  };
  serve(
    shipments
      .command("list")
      .option("--order <id>", "only this order's shipments")
      .option("--after <id>", "list shipments after this id", "")
      .option("--limit <n>", "at most this many", "100")
      .option("--json", "print JSON"),
    (options: ListOptions & { order?: string }) =>
      withService(async (service) => {
        const list = await service.shipments(options.order ?? null, options.after, listLimit(options));
        printShipments(
          list.map(({ input: _input, ...shipment }) => shipment),
          options.json,
        );
      }),
    async (remote, options) => {
      const query = { order: options.order };
      const list = await remote.list("/v1/shipments", {
        after: options.after,
        limit: listLimit(options),
        query,
      });
      printShipments(list as ShipmentView[], options.json);
    },
  );
}

interface ReleaseOptions {
  at?: string;
  eventId?: string;
  scenario: string[];
  json?: boolean;
}

function reportRelease(shipmentId: string, result: ReleaseResult, json?: boolean): number {
  if (json) printJson(result);
  else {
    println(`shipment ${shipmentId}: ${result.status} (now ${result.shipmentStatus})`);
    if (result.decision && result.status !== "released") println(formatDecision(result.decision));
  }
  // One mapping: a ledger refusal exits with its own kind's code (src/core/shipments/release.ts).
  return releaseAnswer(result.status).exitCode;
}

interface MoveOptions {
  eventId?: string;
  reason?: string;
  json?: boolean;
}

function reportMove(shipmentId: string, result: { status: string }, json?: boolean): void {
  if (json) printJson({ shipmentId, ...result });
  else println(`shipment ${shipmentId}: ${result.status}`);
}

function registerMoves(program: Command, wiring: CliWiring): void {
  const withService = servicesOf(wiring);
  const release = program
    .command("release")
    .description(
      "re-evaluate a shipment under the rules in force, write it down on its licence and reserve China quota",
    )
    .argument("<shipment>")
    .option("--at <date>", "refused: a state change takes the clock (see `sluice evaluate --at`)")
    .option("--event-id <id>", "client-supplied event id (default <shipment>:release)")
    .option("--scenario <id>", "apply a scenario rulebook (repeatable)", collect, [])
    .option("--json", "print JSON");
  serve(
    release,
    (shipmentId: string, options: ReleaseOptions) =>
      withService(async (service) => {
        refuseAt(options.at, "release");
        const result = await service.release(shipmentId, {
          scenarios: options.scenario,
          ...(options.eventId ? { eventId: options.eventId } : {}),
        });
        return reportRelease(shipmentId, result, options.json);
      }),
    async (remote, shipmentId, options) => {
      refuseAt(options.at, "release");
      const body = {
        scenarios: options.scenario,
        ...(options.eventId ? { eventId: options.eventId } : {}),
      };
      // The route adds the shipment id to the use case's result; the local command prints the result.
      // A refusal of the ledger answers a non-2xx status with the release's result as its body.
      const { shipmentId: _id, ...result } = (await remote.postOutcome(
        `/v1/shipments/${pathPart(shipmentId)}/release`,
        body,
      )) as ReleaseResult & { shipmentId: string };
      return reportRelease(shipmentId, result, options.json);
    },
  );
  for (const [name, description] of [
    ["ship", "record that a released shipment left: post its China reservation"],
    ["cancel", "cancel a shipment: void its reservation and restore its licence"],
  ] as const) {
    const moveOptions = (options: MoveOptions) => ({
      ...(options.eventId ? { eventId: options.eventId } : {}),
      ...(options.reason ? { reason: options.reason } : {}),
    });
    serve(
      program
        .command(name)
        .description(description)
        .argument("<shipment>")
        .option("--event-id <id>", `client-supplied event id (default <shipment>:${name})`)
        .option("--reason <text>", "why (cancel)")
        .option("--json", "print JSON"),
      (shipmentId: string, options: MoveOptions) =>
        withService(async (service) => {
          const opts = moveOptions(options);
          const result =
            name === "ship" ? await service.ship(shipmentId, opts) : await service.cancel(shipmentId, opts);
          reportMove(shipmentId, result, options.json);
        }),
      async (remote, shipmentId, options) => {
        const path = `/v1/shipments/${pathPart(shipmentId)}/${name}`;
        const { shipmentId: _id, ...result } = (await remote.post(path, moveOptions(options))) as {
          shipmentId: string;
          status: string;
        };
        reportMove(shipmentId, result, options.json);
      },
    );
  }
}

function registerImportOrders(program: Command, wiring: CliWiring): void {
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

export function register(program: Command, wiring: CliWiring): void {
  registerParties(program, wiring);
  registerOrders(program, wiring);
  registerApply(program, wiring);
  registerLicences(program, wiring);
  registerShipments(program, wiring);
  registerMoves(program, wiring);
  registerImportOrders(program, wiring);
}
