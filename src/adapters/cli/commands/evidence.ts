// CLI for the evidence records besides labs and money: `sluice approvals add|domestic`, `sluice
// customs clear|reject` and `sluice evidence view` (the dossier's evidence section as the release
// gate will see it). Registers the `lab` (lab.ts), `duty` (evidence-duty.ts) and `payments`
// (evidence-payments.ts) commands too, so the command list needs one entry for all. Each also runs
// through --server: the remote half sends the matching route and prints what the local half prints.
import type { Command } from "commander";
import {
  approvalInputSchema,
  customsEventInputSchema,
  domesticPurchaseInputSchema,
} from "../../../core/evidence/approvals.ts";
import { printJson, readJsonInput } from "../io.ts";
import { pathPart, serve } from "../remote.ts";
import type { CliWiring } from "../wiring.ts";
import { registerDuty } from "./evidence-duty.ts";
import { registerPayments } from "./evidence-payments.ts";
import {
  checkedBody,
  idOf,
  json,
  type Options,
  remoteCreate,
  reportCreate,
  withEvidence,
} from "./evidence-shared.ts";
import { registerLab } from "./lab.ts";

function registerApprovals(program: Command, wiring: CliWiring): void {
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
      withEvidence(wiring, async (evidence) => {
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
      withEvidence(wiring, async (evidence) => {
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

function registerCustoms(program: Command, wiring: CliWiring): void {
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
        withEvidence(wiring, async (evidence) => {
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
  registerApprovals(program, wiring);
  registerCustoms(program, wiring);
  serve(
    program
      .command("evidence")
      .description("evidence records")
      .command("view")
      .description("the dossier's evidence section for an order (and shipment), built from the records")
      .argument("<order>")
      .option("--shipment <id>"),
    (orderId: string, options: Options) =>
      withEvidence(wiring, async (evidence) =>
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
