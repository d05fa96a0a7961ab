// Heartbeat ingestion and fleet-scale storage on PostgreSQL (issue #16), with the figures the issue
// asks for, measured in one run on a fresh schema:
// - the raw Ed25519 verify rate of node:crypto on one core (the limit), then end-to-end ingest of
//   heartbeats with three observations (four signatures each: verification, verdict, storage with
//   the batch's Merkle root and audit entry) over HTTP batches and over NATS JetStream, as
//   heartbeats/s and as the ratio heartbeats/s × 4 ÷ verifies/s (target ≥ 0.5);
// - registering `--chips` serials (default 2,000,000) in one import (target ≤ 30 s), recording the
//   custody events that install them (one request each for the whole range);
// - the silence sweep and the clone sweep over those chips (target ≤ 10 s each), with 1 % silent
//   and one heartbeat per chip in the window (rows written by SQL for the set-up, not ingested);
// - the Node process's peak RSS after each step (PostgreSQL's own memory is not included).
// Run: node --import tsx bench/heartbeats.ts [--chips N] [--ingest-chips N] [--rounds N] [--batch N]
// Needs PostgreSQL (TEST_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test) and NATS.
import { generateKeyPairSync, sign, verify } from "node:crypto";
import os from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { v7 as uuidv7 } from "uuid";
import { sqlCustodyStore } from "../src/adapters/db/custody/store.ts";
import { openStore } from "../src/adapters/db/open.ts";
import { createToken } from "../src/adapters/db/tokens.ts";
import { startServer } from "../src/adapters/http/serve.ts";
import {
  connectNats,
  consumeHeartbeats,
  ensureStream,
  publishHeartbeats,
} from "../src/adapters/nats/heartbeats.ts";
import { AlertService } from "../src/app/custody/alerts.ts";
import type { CustodyService } from "../src/app/custody/custody.ts";
import { HeartbeatIngest } from "../src/app/custody/ingest.ts";
import { playFleetRound } from "../src/app/custody/play.ts";
import {
  demoSites,
  deviceKeyOf,
  divertedPosition,
  landmarkKeys,
  registerDemoLandmarks,
} from "../src/app/custody/seed-custody.ts";
import { keyPairOf, signDeviceKeys } from "../src/app/custody/sign.ts";
import { custodyRules, httpDeps } from "../src/compose.ts";
import type { Heartbeat } from "../src/core/custody/heartbeat.ts";
import { actor, importerId, licensedShipment, services } from "../test/custody/support.ts";
import { testDatabaseUrl, urlWithSchema } from "../test/support/drivers.ts";
import { describeCost, StepMeter } from "./step-meter.ts";

const { values } = parseArgs({
  options: {
    chips: { type: "string", default: "2000000" },
    "ingest-chips": { type: "string", default: "4000" },
    rounds: { type: "string", default: "5" },
    batch: { type: "string", default: "500" },
    concurrency: { type: "string", default: "2" },
    "skip-fleet": { type: "boolean", default: false },
  },
});
const chips = Number(values.chips);
const ingestChips = Number(values["ingest-chips"]);
const rounds = Number(values.rounds);
const batch = Number(values.batch);
const concurrency = Number(values.concurrency);

const mib = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MiB`;
const peak = () => mib(process.resourceUsage().maxRSS * 1024);
const seconds = (ms: number) => (ms / 1000).toFixed(2);
const now = () => performance.now();
const lines: string[] = [];
const report = (line: string) => {
  lines.push(line);
  console.log(line);
};

function rawVerifyRate(): number {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const message = Buffer.from(
    JSON.stringify({ type: "sluice.observation.v1", serial: "H200-1", rttMs: 1.234 }),
  );
  const signature = sign(null, message, privateKey);
  let n = 0;
  const started = now();
  while (now() - started < 2000) {
    for (let i = 0; i < 200; i += 1) verify(null, message, publicKey, signature);
    n += 200;
  }
  return (n * 1000) / (now() - started);
}

/** The machine is shared and its load moves: the limit is measured around each ingest run. */
let lastLimit = 0;
function limitAround(before: number): number {
  lastLimit = (before + rawVerifyRate()) / 2;
  return lastLimit;
}

async function freshSchema(): Promise<string> {
  const schema = `bench_hb_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  return schema;
}

async function installLot(
  custody: CustodyService,
  lot: { shipmentId: string; licenceId: string; prefix: string },
  last: number,
) {
  const all = [{ prefix: lot.prefix, first: 1, last }];
  const site = demoSites[0];
  await custody.permitSite({ licenceId: lot.licenceId, siteId: site.id }, actor("us-regulator"));
  const lines: string[] = [];
  for (const [kind, who] of [
    ["exported", "exporter"],
    ["entered_china", "cn-customs"],
    ["delivered", "importer"],
    ["installed", "importer"],
  ] as const) {
    const { cost } = await meter.measure(() =>
      custody.recordEvent(
        {
          id: `${lot.shipmentId}-${kind}`,
          shipmentId: lot.shipmentId,
          kind,
          serials: all,
          ...(kind === "installed" ? { siteId: site.id } : {}),
        },
        actor(who, who === "exporter" ? "nvidia" : importerId),
      ),
    );
    lines.push(`${kind}: ${describeCost(cost)}`);
  }
  return lines;
}

const schema = await freshSchema();
const benchUrl = new URL(urlWithSchema(testDatabaseUrl, schema));
benchUrl.searchParams.set("application_name", schema);
const store = await openStore({ databaseUrl: benchUrl.toString(), poolSizeMax: 8 });
const meter = await StepMeter.open(testDatabaseUrl, schema);
const s = services(store, () => new Date());
console.log(
  `bench/heartbeats: schema ${schema}, ${os.cpus().length} cores, load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);

const verifiesPerSecond = rawVerifyRate();
report(`raw Ed25519 verify (node:crypto, one core): ${Math.round(verifiesPerSecond)} verifies/s`);

// Ingest fleet: keyed and installed chips at the Zhangbei site.
await registerDemoLandmarks(s.custody, "2026-01-01T00:00:00.000Z");
const small = await licensedShipment(
  store,
  () => new Date("2026-02-01T12:00:00Z"),
  "bench-ingest",
  ingestChips,
);
await s.custody.declareSite({ ...demoSites[0], importerId }, actor("importer", importerId));
await s.custody.importSerials({ shipmentId: small.shipmentId }, actor("exporter", "nvidia"));
for (let from = 1; from <= ingestChips; from += 10_000) {
  const serials = Array.from(
    { length: Math.min(10_000, ingestChips - from + 1) },
    (_, i) => `${small.prefix}${from + i}`,
  );
  await s.custody.submitDeviceKeys(
    signDeviceKeys(
      {
        type: "sluice.device-keys.v1",
        id: `bench-dk-${from}`,
        labId: s.lab.id,
        shipmentId: small.shipmentId,
        keys: serials.map((serial) => ({ serial, publicKey: keyPairOf(`device/${serial}`).publicKeyRaw })),
      },
      s.lab.privateKey,
    ),
    actor("lab", s.lab.id),
  );
}
await installLot(s.custody, small, ingestChips);
const landmarks = landmarkKeys();
const keys = new Map<string, ReturnType<typeof deviceKeyOf>>();
const keyOf = (serial: string) => {
  const known = keys.get(serial);
  if (known) return known;
  const made = deviceKeyOf(serial);
  keys.set(serial, made);
  return made;
};
const play = (run: string): Heartbeat[] => {
  const plan = {
    prefix: small.prefix,
    first: 1,
    last: ingestChips,
    site: demoSites[0],
    divertedAt: divertedPosition,
    diverted: 0,
    silent: 0,
    clone: false,
    relayDelayMs: 0,
    run,
  };
  const out: Heartbeat[] = [];
  for (let round = 0; round < rounds; round += 1)
    out.push(...playFleetRound(landmarks, plan, round, new Date(), keyOf));
  return out;
};

// HTTP: batches of `batch` heartbeats, `concurrency` requests in flight, server in this process.
{
  const heartbeats = play(`http-${uuidv7()}`);
  const verifyBefore = rawVerifyRate();
  const { secret } = await createToken(
    store,
    () => new Date(),
    { newId: uuidv7, newSecret: () => `sluice_bench_${uuidv7()}` },
    { role: "landmark-operator" },
  );
  const server = await startServer({ deps: httpDeps(store), port: 0 });
  const bodies: string[] = [];
  for (let i = 0; i < heartbeats.length; i += batch)
    bodies.push(JSON.stringify({ heartbeats: heartbeats.slice(i, i + batch) }));
  let next = 0;
  let accepted = 0;
  const started = now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++] as string;
        const response = await fetch(`${server.url}/v1/heartbeats`, {
          method: "POST",
          headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
          body,
        });
        const answer = (await response.json()) as { counts: Record<string, number> };
        accepted += answer.counts.accepted ?? 0;
      }
    }),
  );
  const elapsed = now() - started;
  await server.close();
  const rate = (accepted * 1000) / elapsed;
  report(
    `HTTP ingest: ${accepted}/${heartbeats.length} accepted in ${seconds(elapsed)} s = ${Math.round(rate)} heartbeats/s (batches of ${batch}, ${concurrency} in flight); ratio ${((rate * 4) / limitAround(verifyBefore)).toFixed(2)} of the verify limit (${Math.round(lastLimit)} verifies/s: the mean of the raw rate just before and just after); peak RSS ${peak()}`,
  );
}

// NATS: publish, then consume in this process with the same ingest.
{
  const heartbeats = play(`nats-${uuidv7()}`);
  const verifyBefore = rawVerifyRate();
  const run = uuidv7().slice(-8);
  const stream = { stream: `BENCH_HB_${run}`, subject: `bench.hb.${run}`, durable: `bench-${run}` };
  const nc = await connectNats();
  await ensureStream(nc, stream);
  await publishHeartbeats(nc.jetstream(), stream.subject, heartbeats);
  const ingest = new HeartbeatIngest({
    store: sqlCustodyStore(store),
    clock: () => new Date(),
    newId: uuidv7,
    rules: custodyRules,
  });
  let accepted = 0;
  let last = 0;
  const started = now();
  await consumeHeartbeats({
    nc,
    stream,
    batchSize: batch,
    idleExitMs: 1500,
    ingest: async (items) => {
      const result = await ingest.ingest(items, actor("landmark-operator"), "nats");
      accepted += result.counts.accepted ?? 0;
    },
    onBatch: () => (last = now()),
  });
  const elapsed = last - started;
  await (await nc.jetstreamManager()).streams.delete(stream.stream);
  await nc.close();
  const rate = (accepted * 1000) / elapsed;
  report(
    `NATS ingest: ${accepted}/${heartbeats.length} accepted in ${seconds(elapsed)} s = ${Math.round(rate)} heartbeats/s (fetch ${batch}); ratio ${((rate * 4) / limitAround(verifyBefore)).toFixed(2)} of the verify limit (${Math.round(lastLimit)} verifies/s: the mean of the raw rate just before and just after); peak RSS ${peak()}`,
  );
}

// Fleet scale: register `chips` serials, install them, then the sweeps. Each step with its wall
// time, CPU time (this process and its PostgreSQL backends) and peak memory.
if (!values["skip-fleet"]) {
  const big = await licensedShipment(store, () => new Date("2026-02-01T12:00:00Z"), "bench-fleet", chips);
  const imported = await meter.measure(() =>
    s.custody.importSerials({ shipmentId: big.shipmentId }, actor("exporter", "nvidia")),
  );
  report(`serials import: ${imported.result.serials} serials; ${describeCost(imported.cost)}`);
  for (const line of await installLot(s.custody, big, chips))
    report(`custody event over the whole range (one request): ${line}`);
  // Set-up by SQL, as ingest would leave it: every chip heard 10 minutes ago except 1 % (silent
  // for 8 days, past the 7-day threshold), one raw heartbeat per chip in the clone window from its
  // site's nearest landmark, and 100 clones heard 5 minutes later from Singapore, each carrying the
  // chip's previous position as ingest writes it.
  await store.query(
    `UPDATE serials SET last_heartbeat_at = now() - CASE WHEN num % 100 = 0 THEN interval '8 days' ELSE interval '10 minutes' END,
       last_heartbeat_id = 'syn-' || serial, last_landmark_id = 'lm-beijing', last_radius_km = 285.0
     WHERE shipment_id = $1`,
    [big.shipmentId],
  );
  const day = new Date().toISOString().slice(0, 10);
  await store.query(
    `INSERT INTO heartbeats (received_on, id, serial, received_at, batch_id, leaf_index, verdict, nearest_landmark_id, nearest_radius_km, nearest_rtt_ms, body)
    SELECT $1::date, 'syn-' || serial, serial, now() - interval '10 minutes', 'synthetic', 0, 'verified', 'lm-beijing', 285.0, 1.9, '{}'::jsonb
    FROM serials WHERE shipment_id = $2`,
    [day, big.shipmentId],
  );
  await store.query(
    `INSERT INTO heartbeats (received_on, id, serial, received_at, batch_id, leaf_index, verdict, nearest_landmark_id,
       nearest_radius_km, nearest_rtt_ms, body, prev_id, prev_landmark_id, prev_radius_km, prev_received_at)
    SELECT $1::date, 'syn-clone-' || serial, serial, now() - interval '5 minutes', 'synthetic', 1, 'inconsistent', 'lm-singapore',
      30.0, 0.2, '{}'::jsonb, 'syn-' || serial, 'lm-beijing', 285.0, now() - interval '10 minutes'
    FROM serials WHERE shipment_id = $2 AND num <= 100`,
    [day, big.shipmentId],
  );
  await store.query("ANALYZE serials; ANALYZE serial_ranges; ANALYZE heartbeats");
  const custodyStore = sqlCustodyStore(store);
  const silent = await meter.measure(() =>
    custodyStore.silentSerials(new Date(Date.now() - 7 * 86_400_000), chips),
  );
  report(
    `silence sweep query over ${chips + ingestChips} chips: ${silent.result.length} silent; ${describeCost(silent.cost)}`,
  );
  const clones = await meter.measure(() => custodyStore.cloneCandidates(new Date(Date.now() - 60 * 60_000)));
  report(
    `clone sweep query over ${chips + 100} heartbeats in the window: ${clones.result.length} clones; ${describeCost(clones.cost)}`,
  );
  const alerts = new AlertService({ store: custodyStore, clock: () => new Date(), rules: custodyRules });
  const swept = await meter.measure(() => alerts.sweep(actor("admin")));
  report(
    `full sweep (silence, fleet share, clone and relay queries, raising the alerts): ${swept.result.raised} alerts raised; ${describeCost(swept.cost)}`,
  );
}

await store.close();
await meter.close();
const admin = new pg.Client({ connectionString: testDatabaseUrl });
await admin.connect();
await admin.query(`DROP SCHEMA ${schema} CASCADE`);
await admin.end();
console.log(
  `\nload after: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
