// The transparency log's figures (issue #15), on PostgreSQL (a fresh schema, dropped after):
//  1. sustained appends: --writers concurrent business transactions of --per-tx entries each for
//     --seconds, while one integrator integrates and signs checkpoints; prints entries/s covered
//     by signed checkpoints, and the integration latency (entry's clock time to the signing of
//     the first checkpoint covering it) p50/p99;
//  2. inclusion proofs served over HTTP (autocannon, random index, --connections) per second;
//  3. offline verification of a --entries (default 1,000,000) entry log from memory, entries/s.
// Run: node --import tsx bench/log.ts [--seconds 10] [--writers 16] [--per-tx 8] [--entries 1000000]
import autocannon from "autocannon";
import pg from "pg";
import { appendAuditMany } from "../src/adapters/db/audit.ts";
import { DbLogReader } from "../src/adapters/db/log/reader.ts";
import { startIntegrator } from "../src/adapters/db/log/runner.ts";
import { openStore } from "../src/adapters/db/open.ts";
import { createToken, systemTokenFactory } from "../src/adapters/db/tokens.ts";
import { startServer } from "../src/adapters/http/serve.ts";
import { verifyLog } from "../src/app/log/verify.ts";
import { httpDeps } from "../src/compose.ts";
import { systemActor } from "../src/core/audit/actor.ts";
import { entryText } from "../src/core/log/entry.ts";
import { appendLeaves, emptyFrontier, frontierRoot, leafHash } from "../src/core/log/merkle.ts";
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
const connections = option("connections", 32);
const databaseUrl = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const signer = signerFromSeed("bench.sluice/log", new Uint8Array(32).fill(7));

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

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

async function appendsAndProofs(url: string): Promise<void> {
  const store = await openStore({ databaseUrl: url, poolSizeMax: writers + 8 });
  const integrator = startIntegrator(store, { signer, idleMs: 20 });
  const actor = systemActor("bench/log.ts");
  let stop = false;
  let written = 0;
  const writer = async () => {
    while (!stop) {
      await store.transaction((tx) =>
        appendAuditMany(
          tx,
          Array.from({ length: perTx }, (_, i) => ({
            kind: "bench.entry",
            payload: { i, amountCents: 123_456 },
          })),
          new Date(),
          actor,
        ),
      );
      written += perTx;
    }
  };
  const started = Date.now();
  const running = Array.from({ length: writers }, writer);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  stop = true;
  await Promise.all(running);
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

  const { token, secret } = await createToken(store, () => new Date(), systemTokenFactory, {
    role: "auditor",
    label: "bench",
  });
  void token;
  const server = await startServer({
    port: 0,
    evaluateThreads: 0,
    deps: httpDeps(store, { log: new DbLogReader(store, { verifier: signer }) }),
  });
  const size = Number(lastSigned?.size ?? 0);
  const result = await autocannon({
    url: server.url,
    connections,
    duration: Math.max(5, Math.floor(seconds / 2)),
    headers: { authorization: `Bearer ${secret}` },
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
  console.log(
    `inclusion proofs over HTTP: ${Math.round(result.requests.average)} req/s (tree of ${size}), p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, non-2xx ${result.non2xx}, errors ${result.errors}`,
  );
  await server.close();
  await store.close();
}

async function offlineVerification(): Promise<void> {
  const actor = systemActor("bench/log.ts");
  const entries: Uint8Array[] = [];
  for (let i = 0; i < offlineEntries; i++) {
    entries.push(
      Buffer.from(
        entryText({
          kind: "bench.entry",
          at: "2026-01-20T10:00:00.000Z",
          actor,
          payload: { i, amountCents: 123_456 },
        }),
      ),
    );
  }
  const root = frontierRoot(appendLeaves(emptyFrontier(), entries.map(leafHash), () => {}));
  const note = signNote(
    formatCheckpoint({ origin: signer.name, size: entries.length, rootHash: root }),
    signer,
  );
  const started = performance.now();
  const result = await verifyLog({
    note,
    logKey: signer,
    source: {
      async *entries() {
        yield* entries;
      },
    },
  });
  const ms = performance.now() - started;
  if (!result.ok) throw new Error(`offline verification failed: ${result.reason}`);
  console.log(
    `offline verification: ${entries.length} entries (${Math.round(entries.reduce((n, e) => n + e.length, 0) / entries.length)} bytes each) in ${(ms / 1000).toFixed(2)} s = ${Math.round(entries.length / (ms / 1000))} entries/s`,
  );
}

console.log(`bench/log.ts ${args.join(" ")} on ${databaseUrl.replace(/:[^:@/]*@/, ":***@")}`);
await withSchema(appendsAndProofs);
await offlineVerification();
