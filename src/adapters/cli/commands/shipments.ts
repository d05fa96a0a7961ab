// CLI over the shipment half of the shipment path: `sluice shipments plan|evidence|list` and the
// moves `sluice release|ship|cancel`, on the configured store or through --server; register() adds
// the order commands (orders.ts) first. Creates answer created | exists |
// exists_with_different_<field>.
import type { Command } from "commander";
import type { ReleaseResult } from "../../../app/shipments/service.ts";
import { releaseAnswer } from "../../../core/shipments/release.ts";
import { printJson, println, readJsonInput } from "../io.ts";
import { pathPart, serve } from "../remote.ts";
import type { CliWiring } from "../wiring.ts";
import { formatDecision } from "./evaluate.ts";
import { registerImportOrders, registerOrderCommands } from "./orders.ts";
import {
  collect,
  type ListOptions,
  listLimit,
  refuseAt,
  remoteCreate,
  reportCreate,
  servicesOf,
} from "./shipment-path.ts";

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

export function register(program: Command, wiring: CliWiring): void {
  registerOrderCommands(program, wiring);
  registerShipments(program, wiring);
  registerMoves(program, wiring);
  registerImportOrders(program, wiring);
}
