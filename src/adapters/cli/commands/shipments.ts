// CLI over the shipment path: parties, orders (and their evidence), apply, licences, shipments,
// release, ship, cancel. Each command opens the store (DATABASE_URL or the embedded database),
// runs one use case and closes it. Creates answer created | exists | exists_with_different_<field>.
import type { Command } from "commander";
import { orderColumns, parseOrdersCsv } from "../../../app/orders-import.ts";
import { shipmentContext } from "../../../app/shipment-context.ts";
import * as rows from "../../../app/shipment-rows.ts";
import { type CreateStatus, type ReleaseResult, ShipmentService } from "../../../app/shipments.ts";
import { badInput, exitCodes, quote } from "../../../core/errors.ts";
import { isoDateSchema } from "../../../core/shared.ts";
import { parseInput } from "../../../core/validation.ts";
import type { Store } from "../../db/store.ts";
import { action, printJson, println, readInput, readJsonInput } from "../io.ts";
import { withStore } from "../ledger-context.ts";
import { progressReporter } from "../progress.ts";
import { exitCodeByDecision, formatDecision } from "./evaluate.ts";

const collect = (value: string, previous: string[]): string[] => [...previous, value];
const today = (): string => new Date().toISOString().slice(0, 10);
const day = (value: string | undefined): string =>
  value === undefined ? today() : parseInput(isoDateSchema, value, "--at");

const withService = <T>(run: (service: ShipmentService, store: Store) => Promise<T>) =>
  withStore((store) => run(new ShipmentService(shipmentContext(store)), store));

/** created/exists succeed; a replay with different fields is a conflict (exit 3). */
function reportCreate(kind: string, id: string, status: CreateStatus, json: boolean | undefined): number {
  if (json) printJson({ [`${kind}Id`]: id, status });
  else println(`${kind} ${id}: ${status}`);
  return status.startsWith("exists_with_different_") ? exitCodes.conflict : exitCodes.ok;
}

const releaseExit: Record<ReleaseResult["status"], number> = {
  released: exitCodes.ok,
  exists: exitCodes.ok,
  decision_hold: exitCodes.decisionHold,
  exceeds_cap: exitCodes.decisionHold,
  decision_deny: exitCodes.decisionDeny,
  licence_exhausted: exitCodes.decisionDeny,
  licence_expired: exitCodes.decisionDeny,
  import_approval_refused: exitCodes.decisionDeny,
};

function registerParties(program: Command): void {
  const parties = program.command("parties").description("exporters, consignees and end users");
  parties
    .command("add")
    .description(
      "add a party from a JSON file (or - for stdin): {id, name, country, sector?, certifications?, …}",
    )
    .argument("<file>")
    .option("--json", "print JSON")
    .action(
      action((file: string, options: { json?: boolean }) =>
        withService(async (service) => {
          const result = await service.addParty(readJsonInput(file));
          return reportCreate("party", result.party.id, result.status, options.json);
        }),
      ),
    );
  parties
    .command("list")
    .option("--after <id>", "list parties after this id", "")
    .option("--limit <n>", "at most this many", "100")
    .option("--json", "print JSON")
    .action(
      action((options: { after: string; limit: string; json?: boolean }) =>
        withStore(async (store) => {
          const list = await store.transaction((tx) =>
            rows.listParties(tx, options.after, Math.min(Number(options.limit) || 100, 1000)),
          );
          if (options.json) printJson({ parties: list });
          else
            for (const party of list)
              println(`${party.id}  ${party.country}  ${party.sector ?? "-"}  ${party.name}`);
        }),
      ),
    );
}

function registerOrders(program: Command): void {
  const orders = program.command("orders").description("export orders");
  orders
    .command("create")
    .description(
      "create an order from JSON: {id, productId, quantityUnits, valueCents, exporterId, consigneeId, endUserId, route, endUse}",
    )
    .argument("<file>")
    .option("--json", "print JSON")
    .action(
      action((file: string, options: { json?: boolean }) =>
        withService(async (service) => {
          const result = await service.createOrder(readJsonInput(file));
          return reportCreate("order", result.order.id, result.status, options.json);
        }),
      ),
    );
  orders
    .command("evidence")
    .description("attach the evidence on file for an order (the dossier's `evidence` object)")
    .argument("<order>")
    .argument("<file>")
    .action(
      action((orderId: string, file: string) =>
        withService((service) => service.setOrderEvidence(orderId, readJsonInput(file))),
      ),
    );
  orders
    .command("list")
    .option("--after <id>", "list orders after this id", "")
    .option("--limit <n>", "at most this many", "100")
    .option("--json", "print JSON")
    .action(
      action((options: { after: string; limit: string; json?: boolean }) =>
        withStore(async (store) => {
          const list = await store.transaction((tx) =>
            rows.listOrders(tx, options.after, Math.min(Number(options.limit) || 100, 1000)),
          );
          if (options.json) printJson({ orders: list.map((o) => ({ ...o.doc, status: o.status })) });
          else
            for (const o of list)
              println(
                `${o.id}  ${o.status}  ${o.doc.productId} × ${o.doc.quantityUnits} → ${o.doc.route.destination}`,
              );
        }),
      ),
    );
}

function registerApply(program: Command): void {
  program
    .command("apply")
    .description(
      "build the order's dossier from the store, evaluate it under the rules in force and record the decision",
    )
    .argument("<order>")
    .option("--at <date>", "decide as of this day (default today)")
    .option("--id <decisionId>", "client-supplied decision id (replays answer the stored decision)")
    .option("--scenario <id>", "apply a scenario rulebook (repeatable)", collect, [])
    .option("--json", "print JSON")
    .action(
      action((orderId: string, options: { at?: string; id?: string; scenario: string[]; json?: boolean }) =>
        withService(async (service) => {
          const at = day(options.at);
          const result = await service.apply(orderId, {
            at,
            scenarios: options.scenario,
            ...(options.id ? { id: options.id } : {}),
          });
          if (options.json) printJson(result);
          else
            println(
              `decision ${result.decisionId}; order ${orderId} is now ${result.orderStatus}\n${formatDecision(result.decision)}`,
            );
          return exitCodeByDecision[result.decision.decision];
        }),
      ),
    );
}

function registerLicences(program: Command): void {
  program
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
    .option("--json", "print JSON")
    .action(
      action(
        (
          applicationId: string,
          options: {
            id: string;
            expires: string;
            units?: string;
            valueCents?: string;
            condition: string[];
            json?: boolean;
          },
        ) =>
          withService(async (service) => {
            const input = {
              id: options.id,
              applicationId,
              expiresOn: options.expires,
              conditions: options.condition,
              ...(options.units !== undefined ? { grantedUnits: Number(options.units) } : {}),
              ...(options.valueCents !== undefined ? { grantedValueCents: options.valueCents } : {}),
            };
            const result = await service.grantLicence(input);
            return reportCreate("licence", result.licenceId, result.status, options.json);
          }),
      ),
    );
}

function registerShipments(program: Command): void {
  const shipments = program.command("shipments").description("shipments of licensed orders");
  shipments
    .command("plan")
    .description("plan a shipment from JSON: {id, orderId, quantityUnits, serials: [{prefix, first, last}]}")
    .argument("<file>")
    .option("--json", "print JSON")
    .action(
      action((file: string, options: { json?: boolean }) =>
        withService(async (service) => {
          const result = await service.planShipment(readJsonInput(file));
          return reportCreate("shipment", result.shipmentId, result.status, options.json);
        }),
      ),
    );
  shipments
    .command("evidence")
    .description("attach the evidence on file for one shipment (lab certificate, duty entry …)")
    .argument("<shipment>")
    .argument("<file>")
    .action(
      action((shipmentId: string, file: string) =>
        withService((service) => service.setShipmentEvidence(shipmentId, readJsonInput(file))),
      ),
    );
  shipments
    .command("list")
    .option("--order <id>", "only this order's shipments")
    .option("--after <id>", "list shipments after this id", "")
    .option("--limit <n>", "at most this many", "100")
    .option("--json", "print JSON")
    .action(
      action((options: { order?: string; after: string; limit: string; json?: boolean }) =>
        withStore(async (store) => {
          const limit = Math.min(Number(options.limit) || 100, 1000);
          const list = await store.transaction((tx) =>
            rows.listShipments(tx, options.order ?? null, options.after, limit),
          );
          if (options.json) printJson({ shipments: list.map(({ input: _input, ...shipment }) => shipment) });
          else
            for (const s of list)
              println(`${s.id}  ${s.status}  order ${s.orderId}  ${s.quantityUnits} units`);
        }),
      ),
    );
}

function registerMoves(program: Command): void {
  program
    .command("release")
    .description(
      "re-evaluate a shipment under the rules in force, write it down on its licence and reserve China quota",
    )
    .argument("<shipment>")
    .option("--at <date>", "release as of this day (default today)")
    .option("--event-id <id>", "client-supplied event id (default <shipment>:release)")
    .option("--scenario <id>", "apply a scenario rulebook (repeatable)", collect, [])
    .option("--json", "print JSON")
    .action(
      action(
        (
          shipmentId: string,
          options: { at?: string; eventId?: string; scenario: string[]; json?: boolean },
        ) =>
          withService(async (service) => {
            const result = await service.release(shipmentId, {
              at: day(options.at),
              scenarios: options.scenario,
              ...(options.eventId ? { eventId: options.eventId } : {}),
            });
            if (options.json) printJson(result);
            else {
              println(`shipment ${shipmentId}: ${result.status} (now ${result.shipmentStatus})`);
              if (result.decision && result.status !== "released") println(formatDecision(result.decision));
            }
            return releaseExit[result.status];
          }),
      ),
    );
  for (const [name, description] of [
    ["ship", "record that a released shipment left: post its China reservation"],
    ["cancel", "cancel a shipment: void its reservation and restore its licence"],
  ] as const) {
    program
      .command(name)
      .description(description)
      .argument("<shipment>")
      .option("--event-id <id>", `client-supplied event id (default <shipment>:${name})`)
      .option("--reason <text>", "why (cancel)")
      .option("--json", "print JSON")
      .action(
        action((shipmentId: string, options: { eventId?: string; reason?: string; json?: boolean }) =>
          withService(async (service) => {
            const opts = {
              ...(options.eventId ? { eventId: options.eventId } : {}),
              ...(options.reason ? { reason: options.reason } : {}),
            };
            const result =
              name === "ship" ? await service.ship(shipmentId, opts) : await service.cancel(shipmentId, opts);
            if (options.json) printJson({ shipmentId, ...result });
            else println(`shipment ${shipmentId}: ${result.status}`);
          }),
        ),
      );
  }
}

function registerImportOrders(program: Command): void {
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
              `${first.why} (${bad.length} bad line(s); nothing imported)`,
            );
          }
          const progress = progressReporter("orders", lines.length);
          const result = await service.createOrders(lines);
          progress.update(lines.length);
          progress.stop();
          const summary = { ...result, skipped: bad };
          if (options.json) printJson(summary);
          else
            println(
              `orders: ${result.created} created, ${result.existing} already there, ${bad.length} bad line(s) skipped`,
            );
        }),
      ),
    );
}

export function register(program: Command): void {
  registerParties(program);
  registerOrders(program);
  registerApply(program);
  registerLicences(program);
  registerShipments(program);
  registerMoves(program);
  registerImportOrders(program);
}
