// `npm start`: the main job. Opens the store (the embedded database in ./.sluice unless
// DATABASE_URL is set), migrates, seeds the January 2026 story on first run, issues one demo token
// per role, and serves the API, its OpenAPI document and docs on port 8080 (--port, PORT), with
// POST /v1/evaluate in worker threads (--evaluate-threads, SLUICE_EVALUATE_THREADS; default the
// cores less one, 0 inline).
import { parseArgs } from "node:util";
import { openStore, storeConfigFromEnv } from "./adapters/db/open.ts";
import { systemTokenFactory } from "./adapters/db/tokens.ts";
import { evaluateThreadsOf } from "./adapters/http/evaluate-pool.ts";
import { startServer } from "./adapters/http/serve.ts";
import { activeLists, ensureBundledLists } from "./app/screening-store.ts";
import { needsSeed, seedDemo } from "./app/seed.ts";
import { issueDemoTokens } from "./app/seed-tokens.ts";
import { shipmentContext } from "./app/shipment-context.ts";
import { reportService } from "./compose.ts";
import { SluiceError } from "./core/errors.ts";

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

const clock = () => new Date();
const store = await openStore(storeConfigFromEnv());
console.log(`sluice: database ${store.driver} at ${store.location}`);
await ensureBundledLists(store, { at: clock() });
if (await needsSeed(store)) {
  console.log("sluice: first run, seeding the January 2026 story …");
  const seeded = await seedDemo(shipmentContext(store, { clock }));
  console.log(`sluice: seeded ${seeded.orders} orders and ${seeded.shipments} shipments`);
}
await activeLists(store); // build the screening index now, not in the first request
const tokens = await issueDemoTokens(store, clock, systemTokenFactory, {
  importer: "alibaba-cloud",
  lab: "lab-austin",
});
// Regulator reports, signed with the report key (SLUICE_REPORT_KEY_FILE, else made in the data dir).
const reports = reportService(store, clock);
const server = await startServer({ store, port, evaluateThreads, deps: { reports } });

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
  await store.close();
  process.exit(0);
}
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());
