// CLI for custody and location (issue #16), on the database of DATABASE_URL or SLUICE_DATA_DIR:
// `sluice serials import|show`, `sluice sites add|list|permit`, `sluice landmarks add|list`,
// `sluice custody event|device-keys|revoke-key`, `sluice alerts list|sweep|ack|close`, and
// `sluice heartbeats consume` (the NATS JetStream consumer) and `sluice heartbeats simulate` (plays
// a fleet into HTTP or NATS). Acts as the local operator (`cli:<user>`, admin); times are the
// machine's clock. Refusals print `error: <what>: <why>` and exit with the mapped code.
import { userInfo } from "node:os";
import type { Command } from "commander";
import { v7 as uuidv7 } from "uuid";
import { AlertService, rulesInForceOf } from "../../../app/custody/alerts.ts";
import { CustodyService } from "../../../app/custody/custody.ts";
import { HeartbeatIngest } from "../../../app/custody/ingest.ts";
import type { Actor } from "../../../app/custody/ports.ts";
import { badInput, quote } from "../../../core/errors.ts";
import { action, printJson, println, readJsonInput } from "../io.ts";
import { cliRulebooks } from "../reference.ts";
import { pathPart, type Remote, serve } from "../remote.ts";
import type { CliWiring } from "../wiring.ts";
import { registerHeartbeats } from "./heartbeats.ts";

const cliActor = (): Actor => ({ id: `cli:${userInfo().username}`, role: "admin", partyId: null });

interface CustodyServices {
  custody: CustodyService;
  alerts: AlertService;
  ingest: HeartbeatIngest;
}
type WithCustody = <T>(run: (s: CustodyServices) => Promise<T>) => Promise<T>;

/** The custody use cases on the configured store, given by the composition root (CliWiring). */
const custodyOn =
  (wiring: CliWiring): WithCustody =>
  (run) =>
    wiring.withCustodyStore((store) => {
      const deps = { store, clock: () => new Date(), newId: uuidv7, rules: rulesInForceOf(cliRulebooks) };
      return run({
        custody: new CustodyService(deps),
        alerts: new AlertService(deps),
        ingest: new HeartbeatIngest(deps),
      });
    });

const show = (json: boolean | undefined, value: unknown, line: string) =>
  json ? printJson(value) : println(line);

function registerSerials(program: Command, withCustody: WithCustody): void {
  const serials = program
    .command("serials")
    .description("chips by serial: register a lot's serials, show one");
  serials
    .command("import")
    .description("register every serial of a shipment's ranges (one row per chip, custody kept by range)")
    .requiredOption("--shipment <id>", "the shipment whose serial ranges are registered")
    .option("--json", "print JSON")
    .action(
      action(async (o: { shipment: string; json?: boolean }) =>
        withCustody(async ({ custody }) => {
          const started = performance.now();
          const r = await custody.importSerials({ shipmentId: o.shipment }, cliActor());
          show(
            o.json,
            r,
            `shipment ${r.shipmentId}: ${r.status}, ${r.serials} serials (${Math.round(performance.now() - started)} ms)`,
          );
        }),
      ),
    );
  const showCommand = serials
    .command("show <serial>")
    .description("lot, licence, custody history, site, last heartbeat and verdict, alerts (--server too)")
    .option("--json", "print JSON");
  serve(
    showCommand,
    (serial: string, o: { json?: boolean }) =>
      withCustody(async ({ custody }) => printSerial(await custody.showSerial(serial, cliActor()), o.json)),
    async (client: Remote, serial: string, o: { json?: boolean }) =>
      printSerial((await client.get(`/v1/serials/${pathPart(serial)}`)) as SerialStory, o.json),
  );
}

type SerialStory = Awaited<ReturnType<CustodyService["showSerial"]>>;

/** One serial's story, as `serials show` prints it (the same from the store and from a server). */
function printSerial(s: SerialStory, json: boolean | undefined): void {
  if (json) {
    printJson(s);
    return;
  }
  println(`${s.serial}  lot ${s.shipmentId}  licence ${s.licenceId ?? "-"}  importer ${s.importerId}`);
  println(
    `state ${s.state}  site ${s.site ? `${s.site.id} (${s.site.name})` : "-"}  device key ${s.deviceKey ? (s.deviceKeyRevokedAt ? "revoked" : "bound") : "none"}`,
  );
  println(`last heartbeat ${s.lastHeartbeatAt ?? "never"}  verdict ${s.lastVerdict ?? "-"}`);
  for (const h of s.history)
    println(
      `  ${h.recordedAt}  ${h.input.kind.padEnd(20)} ${h.fromState} → ${h.toState}  by ${h.recordedBy} (${h.role})`,
    );
  for (const a of s.alerts) println(`  alert ${a.id}  ${a.kind}  ${a.status}  ${a.openedAt}`);
}

function registerRegistry(program: Command, withCustody: WithCustody): void {
  const sites = program.command("sites").description("declared sites and the sites a licence permits");
  sites
    .command("add <file>")
    .description("declare a site (JSON: id, importerId, name, address, lat, lon; - for stdin)")
    .option("--json", "print JSON")
    .action(
      action(async (file: string, o: { json?: boolean }) =>
        withCustody(async ({ custody }) => {
          const r = await custody.declareSite(readJsonInput(file), cliActor());
          show(o.json, r, `site ${r.siteId}: ${r.status}`);
        }),
      ),
    );
  sites
    .command("list")
    .description("declared sites")
    .option("--json", "print JSON")
    .action(
      action(async (o: { json?: boolean }) =>
        withCustody(async ({ custody }) => {
          const all = await custody.listSites(cliActor());
          if (o.json) return printJson({ sites: all });
          for (const s of all)
            println(
              `${s.id.padEnd(20)} ${s.importerId.padEnd(16)} ${s.lat.toFixed(4)},${s.lon.toFixed(4)}  ${s.name}`,
            );
        }),
      ),
    );
  sites
    .command("permit")
    .description("permit a declared site under a licence")
    .requiredOption("--licence <id>")
    .requiredOption("--site <id>")
    .option("--json", "print JSON")
    .action(
      action(async (o: { licence: string; site: string; json?: boolean }) =>
        withCustody(async ({ custody }) => {
          const r = await custody.permitSite({ licenceId: o.licence, siteId: o.site }, cliActor());
          show(o.json, r, `licence ${o.licence} site ${o.site}: ${r.status}`);
        }),
      ),
    );
  const landmarks = program.command("landmarks").description("the landmark registry");
  landmarks
    .command("add <file>")
    .description("register a landmark (JSON: id, name, operator, lat, lon, publicKey, validFrom)")
    .option("--json", "print JSON")
    .action(
      action(async (file: string, o: { json?: boolean }) =>
        withCustody(async ({ custody }) => {
          const r = await custody.registerLandmark(readJsonInput(file), cliActor());
          show(o.json, r, `landmark ${r.landmarkId}: ${r.status}`);
        }),
      ),
    );
  landmarks
    .command("list")
    .description("registered landmarks")
    .option("--json", "print JSON")
    .action(
      action(async (o: { json?: boolean }) =>
        withCustody(async ({ custody }) => {
          const all = await custody.listLandmarks();
          if (o.json) return printJson({ landmarks: all });
          for (const l of all)
            println(`${l.id.padEnd(16)} ${l.lat.toFixed(4)},${l.lon.toFixed(4)}  ${l.name} (${l.operator})`);
        }),
      ),
    );
}

function registerCustodyCommands(program: Command, withCustody: WithCustody): void {
  const custody = program.command("custody").description("custody events and device keys");
  custody
    .command("event <file>")
    .description("record a custody event over serial ranges (JSON as POST /v1/custody-events)")
    .option("--json", "print JSON")
    .action(
      action(async (file: string, o: { json?: boolean }) =>
        withCustody(async ({ custody: c }) => {
          const r = await c.recordEvent(readJsonInput(file), cliActor());
          show(o.json, r, `custody event ${r.eventId}: ${r.status} (${r.serials} serials)`);
        }),
      ),
    );
  custody
    .command("device-keys <file>")
    .description("submit a lab's signed device-key certificate")
    .option("--json", "print JSON")
    .action(
      action(async (file: string, o: { json?: boolean }) =>
        withCustody(async ({ custody: c }) => {
          const r = await c.submitDeviceKeys(readJsonInput(file), cliActor());
          show(o.json, r, `device-key certificate ${r.certificateId}: ${r.status} (${r.keys} keys)`);
        }),
      ),
    );
  custody
    .command("revoke-key <serial>")
    .description("revoke a chip's device key")
    .requiredOption("--reason <text>")
    .option("--json", "print JSON")
    .action(
      action(async (serial: string, o: { reason: string; json?: boolean }) =>
        withCustody(async ({ custody: c }) => {
          const r = await c.revokeDeviceKey(serial, o.reason, cliActor());
          show(o.json, r, `serial ${serial}: ${r.status}`);
        }),
      ),
    );
}

function registerAlerts(program: Command, withCustody: WithCustody): void {
  const alerts = program.command("alerts").description("custody alerts and their diversion reports");
  alerts
    .command("list")
    .description("alerts, newest first")
    .option("--status <status>")
    .option("--serial <serial>")
    .option("--limit <n>", "at most", "100")
    .option("--json", "print JSON")
    .action(
      action(async (o: { status?: string; serial?: string; limit: string; json?: boolean }) =>
        withCustody(async ({ alerts: a }) => {
          const limit = Number(o.limit);
          if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
            throw badInput(`--limit ${quote(o.limit)}`, "expected an integer from 1 to 10000");
          const all = await a.list(cliActor(), {
            ...(o.status ? { status: o.status } : {}),
            ...(o.serial ? { serial: o.serial } : {}),
            limit,
          });
          if (o.json) return printJson({ alerts: all });
          for (const x of all)
            println(`${x.id}  ${x.kind.padEnd(24)} ${x.status.padEnd(12)} ${x.serial ?? "-"}  ${x.openedAt}`);
        }),
      ),
    );
  alerts
    .command("sweep")
    .description(
      "run the silence, fleet-silence-share, clone and relay sweeps now (thresholds from the books in force today)",
    )
    .option("--json", "print JSON")
    .action(
      action(async (o: { json?: boolean }) =>
        withCustody(async ({ alerts: a }) => {
          const started = performance.now();
          const r = await a.sweep(cliActor());
          show(
            o.json,
            r,
            `silent ${r.silent}, fleet silent shares ${r.fleetSilentShares}, clones ${r.clones}, relays ${r.relays}, alerts raised ${r.raised} under ${r.rule} (${Math.round(performance.now() - started)} ms)`,
          );
        }),
      ),
    );
  for (const status of ["acknowledged", "closed"] as const)
    alerts
      .command(`${status === "closed" ? "close" : "ack"} <id>`)
      .description(`mark an alert ${status}`)
      .requiredOption("--reason <text>")
      .option("--json", "print JSON")
      .action(
        action(async (id: string, o: { reason: string; json?: boolean }) =>
          withCustody(async ({ alerts: a }) => {
            const r = await a.update(id, { status, reason: o.reason }, cliActor());
            show(o.json, r, `alert ${r.id}: ${r.status}`);
          }),
        ),
      );
}

export function register(program: Command, wiring: CliWiring): void {
  const withCustody = custodyOn(wiring);
  registerSerials(program, withCustody);
  registerRegistry(program, withCustody);
  registerCustodyCommands(program, withCustody);
  registerAlerts(program, withCustody);
  registerHeartbeats(program, {
    withIngest: (run) => withCustody(({ ingest }) => run(ingest)),
    withStore: (run) => wiring.withCustodyStore(run),
    bus: () => wiring.heartbeatBus(),
    actor: cliActor,
  });
}
