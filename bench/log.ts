// The transparency log's figures (issue #15), on PostgreSQL (a fresh schema, dropped after):
//  1. sustained appends: --writers concurrent business transactions of --per-tx entries each for
//     --seconds, while one integrator integrates and signs checkpoints; prints entries/s covered
//     by signed checkpoints, and the integration latency (entry's clock time to the signing of
//     the first checkpoint covering it) p50/p99;
//  2. the integrator alone: --backlog entries written with no integrator running, then integrated
//     and signed; process CPU per entry (this process: the integrator's JavaScript, not PostgreSQL);
//  3. inclusion proofs served over HTTP (autocannon, random index, --connections) per second, by a
//     server in a child process (as a real server: clients elsewhere; --proofs-in-process runs
//     autocannon in the server's own process, the earlier method), with the server's CPU per proof;
//  4. offline verification of a --entries (default 1,000,000) entry log from memory (batches of
//     4,096) and from an export file (`sluice log verify --file`'s reader), entries/s and CPU per
//     entry.
// Run: node --import tsx bench/log.ts [--seconds 10] [--writers 16] [--per-tx 8] [--entries 1000000]
//      [--backlog 50000] [--connections 32] [--proofs-in-process]
import { fork } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import pg from "pg";
import { fileSource } from "../src/adapters/cli/commands/log.ts";
import { appendAuditMany } from "../src/adapters/db/audit.ts";
import { integrateOnce } from "../src/adapters/db/log/integrate.ts";
import { DbLogReader } from "../src/adapters/db/log/reader.ts";
import { startIntegrator } from "../src/adapters/db/log/runner.ts";
import { openStore } from "../src/adapters/db/open.ts";
import type { Store } from "../src/adapters/db/store.ts";
import { createToken, systemTokenFactory } from "../src/adapters/db/tokens.ts";
import { startServer } from "../src/adapters/http/serve.ts";
import { exportFormat, type LogSource, verifyLog } from "../src/app/log/verify.ts";
import { httpDeps } from "../src/compose.ts";
import { systemActor } from "../src/core/audit/actor.ts";
import { entryText } from "../src/core/log/entry.ts";
import { TreeHasher } from "../src/core/log/merkle.ts";
import { formatCheckpoint, signerFromSeed, signNote } from "../src/core/log/note.ts";

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const seconds = option("seconds", 10);
const writers = option("writers", 16);
const perTx = option("per-tx", 8);
const offlineEntries = option("entries", 1_000_000);
const backlog = option("backlog", 50_000);
const connections = option("connections", 32);
const proofsInProcess = args.includes("--proofs-in-process");
const databaseUrl = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const signer = signerFromSeed("bench.sluice/log", new Uint8Array(32).fill(7));
const actor = systemActor("bench/log.ts");

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
/** This process's CPU time (user + system) in µs since `from`. */
const cpuMicros = (from?: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(from);
  return used.user + used.system;
};

async function withSchema<T>(run: (url: string) => Promise<T>): Promise<T> {
  const schema = `bench_log_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const url = new URL(databaseUrl);
  url.searchParams.set("options", `-c search_path=${schema}`);
  try {
    return await run(url.toString());
  } finally {
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}

const benchEntries = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ kind: "bench.entry", payload: { i, amountCents: 123_456 } }));

/** Writers append for `forSeconds` (business transactions of perTx entries); returns how many. */
async function write(store: Store, forSeconds: number, limit = Number.POSITIVE_INFINITY): Promise<number> {
  let stop = false;
  let written = 0;
  const writer = async () => {
    while (!stop && written < limit) {
      await store.transaction((tx) => appendAuditMany(tx, benchEntries(perTx), new Date(), actor));
      written += perTx;
    }
  };
  const timer = setTimeout(() => {
    stop = true;
  }, forSeconds * 1000);
  await Promise.all(Array.from({ length: writers }, writer));
  clearTimeout(timer);
  return written;
}

async function appends(store: Store): Promise<number> {
  const integrator = startIntegrator(store, { signer, idleMs: 20 });
  const started = Date.now();
  const written = await write(store, seconds);
  const writeSeconds = (Date.now() - started) / 1000;
  // Let the integrator finish what was acknowledged, then stop it.
  for (;;) {
    const pending = await store.query<{ n: bigint }>("SELECT count(*) AS n FROM log_pending");
    if (pending.rows[0]?.n === 0n) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  await integrator.stop();
  const entries = await store.query<{ seq: bigint; at: string }>(
    "SELECT seq, at FROM audit_log ORDER BY seq",
  );
  const checkpoints = await store.query<{ size: bigint; signed_at: Date }>(
    "SELECT size, signed_at FROM log_checkpoints ORDER BY size",
  );
  const latencies: number[] = [];
  let c = 0;
  for (const row of entries.rows) {
    while (c < checkpoints.rows.length && Number(checkpoints.rows[c]?.size) < Number(row.seq)) c++;
    const signedAt = checkpoints.rows[c]?.signed_at;
    if (signedAt) latencies.push(signedAt.getTime() - Date.parse(row.at));
  }
  latencies.sort((a, b) => a - b);
  const lastSigned = checkpoints.rows.at(-1);
  const integratedSeconds = ((lastSigned?.signed_at.getTime() ?? started) - started) / 1000;
  console.log(
    `appends: ${written} entries by ${writers} writers × ${perTx}/tx in ${writeSeconds.toFixed(1)} s = ${Math.round(written / writeSeconds)} entries/s acknowledged; ` +
      `${integrator.stats.batches} batches, ${integrator.stats.signed} checkpoints signed, last size ${lastSigned?.size}`,
  );
  console.log(
    `integrated and checkpointed: ${lastSigned?.size} entries by ${integratedSeconds.toFixed(1)} s after the start = ${Math.round(Number(lastSigned?.size ?? 0) / integratedSeconds)} entries/s`,
  );
  console.log(
    `integration latency (entry time → covering checkpoint signed): p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms, max ${latencies.at(-1)} ms`,
  );
  console.log(
    `store: ${store.stats.retries} retries, ${store.stats.serializationFailures} serialization failures`,
  );
  return Number(lastSigned?.size ?? 0);
}

/** The integrator alone over a backlog: entries/s and this process's CPU per entry. */
async function integratorAlone(store: Store): Promise<number> {
  const written = await write(store, 3600, backlog);
  const cpu = process.cpuUsage();
  const started = performance.now();
  let integrated = 0;
  let size = 0;
  for (;;) {
    const outcome = await integrateOnce(store, { signer });
    if (outcome.status !== "integrated" || outcome.integrated === 0) break;
    integrated += outcome.integrated;
    size = outcome.size;
  }
  const ms = performance.now() - started;
  console.log(
    `integrator alone: ${integrated} of ${written} backlog entries integrated and signed in ${(ms / 1000).toFixed(2)} s = ${Math.round(integrated / (ms / 1000))} entries/s, ` +
      `${(cpuMicros(cpu) / integrated).toFixed(1)} µs CPU per entry in this process`,
  );
  return size;
}

/** The server of the proofs, in this process or a child (`--serve-proofs <url>`). */
interface ProofServer {
  url: string;
  secret: string;
  mark(): Promise<void>;
  /** CPU µs of the server process since mark(). */
  cpu(): Promise<number>;
  close(): Promise<void>;
}

async function serveProofs(url: string) {
  const store = await openStore({ databaseUrl: url, poolSizeMax: 8 });
  const { secret } = await createToken(store, () => new Date(), systemTokenFactory, {
    role: "auditor",
    label: "bench",
  });
  const server = await startServer({
    port: 0,
    evaluateThreads: 0,
    deps: httpDeps(store, { log: new DbLogReader(store, { verifier: signer }) }),
  });
  return { server, store, secret };
}

async function proofServer(url: string): Promise<ProofServer> {
  if (proofsInProcess) {
    const { server, store, secret } = await serveProofs(url);
    let from = process.cpuUsage();
    return {
      url: server.url,
      secret,
      mark: async () => {
        from = process.cpuUsage();
      },
      cpu: async () => cpuMicros(from),
      close: async () => {
        await server.close();
        await store.close();
      },
    };
  }
  const child = fork(new URL(import.meta.url).pathname, ["--serve-proofs", url], {
    execArgv: process.execArgv,
  });
  const reply = <T>() => new Promise<T>((resolve) => child.once("message", (m) => resolve(m as T)));
  const ready = await reply<{ url: string; secret: string }>();
  return {
    ...ready,
    mark: async () => {
      child.send("mark");
      await reply();
    },
    cpu: async () => {
      child.send("cpu");
      return (await reply<{ cpu: number }>()).cpu;
    },
    close: async () => {
      child.send("close");
      await new Promise((resolve) => child.once("exit", resolve));
    },
  };
}

async function proofs(url: string, size: number): Promise<void> {
  const server = await proofServer(url);
  const run = (duration: number) =>
    autocannon({
      url: server.url,
      connections,
      duration,
      headers: { authorization: `Bearer ${server.secret}` },
      requests: [
        {
          method: "GET",
          setupRequest: (request) => ({
            ...request,
            path: `/v1/log/proofs/inclusion?index=${Math.floor(Math.random() * size)}&size=${size}`,
          }),
        },
      ],
    });
  await run(2); // the tiles are read once, as a server that has run a while has them
  await server.mark();
  const clientCpu = process.cpuUsage();
  const result = await run(Math.max(5, Math.floor(seconds / 2)));
  const serverCpu = await server.cpu();
  const total = result.requests.total;
  console.log(
    `inclusion proofs over HTTP (${proofsInProcess ? "autocannon in the server's process" : "server in a child process"}, ${connections} connections): ` +
      `${Math.round(result.requests.average)} req/s (tree of ${size}), p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, non-2xx ${result.non2xx}, errors ${result.errors}; ` +
      `server CPU ${(serverCpu / total).toFixed(1)} µs per proof${proofsInProcess ? " (autocannon's included)" : `, autocannon ${(cpuMicros(clientCpu) / total).toFixed(1)} µs`}`,
  );
  await server.close();
}

async function main(url: string): Promise<void> {
  const store = await openStore({ databaseUrl: url, poolSizeMax: writers + 8 });
  try {
    await appends(store);
    const size = await integratorAlone(store);
    await proofs(url, size);
  } finally {
    await store.close();
  }
}

/** Verifies `entries` under a checkpoint signed over them; entries/s and CPU per entry. */
async function timedVerify(what: string, count: number, note: string, source: LogSource): Promise<void> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await verifyLog({ note, logKey: signer, source });
  const ms = performance.now() - started;
  if (!result.ok) throw new Error(`offline verification failed: ${result.reason}`);
  console.log(
    `offline verification ${what}: ${count} entries in ${(ms / 1000).toFixed(2)} s = ${Math.round(count / (ms / 1000))} entries/s, ${(cpuMicros(cpu) / count).toFixed(2)} µs CPU per entry`,
  );
}

async function offlineVerification(): Promise<void> {
  const entries: Uint8Array[] = [];
  const tree = new TreeHasher();
  for (let i = 0; i < offlineEntries; i++) {
    const entry = Buffer.from(
      entryText({
        kind: "bench.entry",
        at: "2026-01-20T10:00:00.000Z",
        actor,
        payload: { i, amountCents: 123_456 },
      }),
    );
    entries.push(entry);
    tree.appendEntry(entry);
  }
  const note = signNote(
    formatCheckpoint({ origin: signer.name, size: entries.length, rootHash: tree.root() }),
    signer,
  );
  const bytesEach = Math.round(entries.reduce((n, e) => n + e.length, 0) / entries.length);
  await timedVerify(`from memory (${bytesEach} bytes each)`, entries.length, note, {
    async *entries() {
      for (let start = 0; start < entries.length; start += 4096) yield entries.slice(start, start + 4096);
    },
  });
  const file = join(tmpdir(), `bench-log-${process.pid}.jsonl`);
  writeFileSync(
    file,
    `${JSON.stringify({ format: exportFormat, checkpoints: [note] })}\n${entries.map((e) => Buffer.from(e).toString("utf8")).join("\n")}\n`,
  );
  try {
    const started = performance.now();
    const read = fileSource(file);
    const readMs = performance.now() - started;
    await timedVerify(
      `from an export file (read in ${readMs.toFixed(0)} ms)`,
      entries.length,
      read.note,
      read.source,
    );
  } finally {
    rmSync(file, { force: true });
  }
}

if (args[0] === "--serve-proofs") {
  // The child of proofServer(): serves, and answers its CPU time between "mark" and "cpu".
  const { server, store, secret } = await serveProofs(args[1] as string);
  let from = process.cpuUsage();
  process.on("message", async (message) => {
    if (message === "mark") from = process.cpuUsage();
    if (message === "close") {
      await server.close();
      await store.close();
      process.exit(0);
    }
    process.send?.(message === "cpu" ? { cpu: cpuMicros(from) } : {});
  });
  process.send?.({ url: server.url, secret });
} else {
  console.log(`bench/log.ts ${args.join(" ")} on ${databaseUrl.replace(/:[^:@/]*@/, ":***@")}`);
  await withSchema(main);
  await offlineVerification();
}
