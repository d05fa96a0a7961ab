// `npm start`: the main job, wired by src/compose.ts. Opens the store (the embedded database in ./.sluice unless
// DATABASE_URL is set), migrates, seeds the January 2026 story on first run, issues one demo token
// per role, and serves the API, its OpenAPI document and docs on port 8080 (--port, PORT), with
// POST /v1/evaluate in worker threads (--evaluate-threads, SLUICE_EVALUATE_THREADS; default the
// cores less one, 0 inline).
import { parseArgs } from "node:util";
import { sqlCustodyStore } from "./adapters/db/custody/store.ts";
import { openStore, storeConfigFromEnv } from "./adapters/db/open.ts";
import { sqlTokenStore, systemTokenFactory } from "./adapters/db/tokens.ts";
import { evaluateThreadsOf } from "./adapters/http/evaluate-pool.ts";
import { startServer } from "./adapters/http/serve.ts";
import { issueDemoTokens } from "./app/authorization/demo-tokens.ts";
import { seedCustodyDemo } from "./app/custody/seed-custody.ts";
import { warmActiveLists } from "./app/screening/active-index.ts";
import { ensureBundledLists } from "./app/screening/versions.ts";
import { needsSeed, seedDemo } from "./app/seed/demo.ts";
import {
  custodyRules,
  httpDeps,
  reportService,
  screeningOn,
  shipmentContextOn,
  startLog,
  systemClock,
} from "./compose.ts";
import { SluiceError } from "./core/errors.ts";
import { ensureWebBuilt } from "./web-build.ts";

const { values } = parseArgs({
  options: { port: { type: "string" }, "evaluate-threads": { type: "string" } },
  allowPositionals: false,
});
const port = Number(values.port ?? process.env.PORT ?? 8080);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  process.stderr.write(`error: --port \`${values.port ?? process.env.PORT}\`: expected a port number\n`);
  process.exit(2);
}
let evaluateThreads: number;
try {
  evaluateThreads = evaluateThreadsOf(values["evaluate-threads"]);
} catch (error) {
  if (!(error instanceof SluiceError)) throw error;
  process.stderr.write(`error: ${error.message}\n`);
  process.exit(2);
}

const clock = systemClock;
await ensureWebBuilt(); // the web app at `/` (issue #17): built on the first start if npm install did not
const store = await openStore(storeConfigFromEnv(process.env, true)); // npm start may create the store
console.log(`sluice: database ${store.driver} at ${store.location}`);
const screening = screeningOn(store, clock);
await ensureBundledLists(screening());
const shipments = shipmentContextOn(store, { clock });
if (await needsSeed(shipments)) {
  console.log("sluice: first run, seeding the January 2026 story …");
  const seeded = await seedDemo(shipments);
  console.log(`sluice: seeded ${seeded.orders} orders and ${seeded.shipments} shipments`);
  // Custody (issue #16): sites, landmarks, a fleet with a range near Singapore, and its alerts.
  console.log(
    "sluice: custody:",
    JSON.stringify(await seedCustodyDemo(sqlCustodyStore(store), clock, custodyRules)),
  );
}
// The transparency log (docs/log.md): its key, a checkpoint covering everything so far (the seeded
// story included), then the integrator that keeps integrating and signing while serving.
const log = await startLog(store, clock);
console.log(`sluice: log ${log.name}, checkpoints signed by its key (GET /v1/log/key)`);
await warmActiveLists(screening()); // build the screening index now, not in the first request
const tokens = await issueDemoTokens(sqlTokenStore(store, clock, systemTokenFactory), {
  exporter: "nvidia", // exporters are scoped to their party (#13)
  importer: "alibaba-cloud",
  lab: "lab-austin",
});
// Regulator reports, signed with the report key (SLUICE_REPORT_KEY_FILE, else made in the data dir).
const reports = reportService(store, clock);
const server = await startServer({
  deps: httpDeps(store, { clock, log: log.reader, reports }),
  port,
  evaluateThreads,
});

console.log(
  `\nSluice is serving ${server.url}  (docs: ${server.url}/docs, OpenAPI: ${server.url}/openapi.json; ${server.evaluateThreads} evaluation thread${server.evaluateThreads === 1 ? "" : "s"})\n`,
);
console.log("Demo tokens (shown once; a restart issues new ones):");
for (const token of tokens) {
  console.log(
    `  ${token.role.padEnd(13)} ${token.token}${token.partyId ? `   (party ${token.partyId})` : ""}`,
  );
}
const admin = tokens.find((token) => token.role === "admin")?.token ?? "";
console.log(`\nTry: curl -s -H 'Authorization: Bearer ${admin}' ${server.url}/v1/orders\n`);

async function stop(): Promise<void> {
  await server.close();
  await log.stop();
  await store.close();
  process.exit(0);
}
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());
