// HTTP benchmark, the server in its own process (`sluice serve`) so that the load generator does not
// share its event loop. autocannon with 64 connections against:
// - POST /v1/evaluate (a valid dossier, examples/h200-alibaba-approvable.json) on the embedded
//   database, --rounds times on the server as it starts by default (evaluation in worker threads,
//   the cores less one; --evaluate-threads to choose), once with the evaluation inline (0 threads),
//   and the floor: a bare node:http server in its own process that reads and JSON.parses the same
//   body and answers as many bytes as /v1/evaluate does, measured in the same run. Nothing is
//   cached between requests: every one is parsed, validated, evaluated and written anew;
// - GET /healthz, then again while a heavy report runs back to back (GET /v1/audit/verify over an
//   audit chain of --chain entries: a full read in one snapshot plus re-hashing);
// - POST /v1/shipments/{id}/release (re-evaluation, licence write-down, quota reservation and import
//   approval write-down in one SERIALIZABLE transaction), a different shipment per request, on
//   PostgreSQL (a scratch schema on TEST_DATABASE_URL/DATABASE_URL, dropped after) and on the
//   embedded database; see bench/http-release.ts.
// Prints req/s and latency percentiles and appends a section to bench/RESULTS.md.
// Run: node --import tsx bench/http.ts [--duration 10] [--connections 64] [--chain 50000]
//        [--shipments 1000] [--rounds 3] [--evaluate-threads N] [--skip-release] [--no-record]
import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { cpus, freemem, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import pg from "pg";
import { openStore, type StoreConfig } from "../src/adapters/db/open.ts";
import type { Store } from "../src/adapters/db/store.ts";
import { createToken, systemTokenFactory } from "../src/adapters/db/tokens.ts";
import { type AuditEntry, nextEntry } from "../src/core/audit/chain.ts";
import { checkReleases, type ReleaseFigures, runReleases, setUpReleases } from "./http-release.ts";

const root = fileURLToPath(new URL("../", import.meta.url));
const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const durationS = option("duration", 10);
const connections = option("connections", 64);
const chainEntries = option("chain", 50_000);
const shipmentCount = option("shipments", 1000);
const rounds = option("rounds", 3);
const threadsAt = args.indexOf("--evaluate-threads");
const threadsArgs = threadsAt >= 0 ? ["--evaluate-threads", String(args[threadsAt + 1])] : [];
const skipRelease = args.includes("--skip-release");
const record = !args.includes("--no-record");
const floorServerAt = args.indexOf("--floor-server");
const postgresUrl =
  process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";

/**
 * The floor (run as `bench/http.ts --floor-server BYTES` in a child): bare node:http that reads
 * the body, JSON.parses it and answers BYTES bytes of JSON. What any route costs on top is ours.
 */
function serveFloor(responseBytes: number): void {
  const answer = JSON.stringify({ pad: "x".repeat(Math.max(0, responseBytes - 10)) });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      JSON.parse(Buffer.concat(chunks).toString("utf8"));
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
      res.end(answer);
    });
  });
  server.listen(0, "127.0.0.1", () => {
    console.log(`serving http://127.0.0.1:${(server.address() as AddressInfo).port} (floor)`);
  });
  process.once("SIGTERM", () => server.close(() => process.exit(0)));
}
if (floorServerAt >= 0) {
  serveFloor(Number(args[floorServerAt + 1]));
  await new Promise(() => {}); // serve until SIGTERM
}

/** Appends `count` audit entries in one statement (the bench's heavy report reads them all). */
async function fillAuditChain(store: Store, count: number): Promise<void> {
  const head = (await store.query<{ seq: bigint; hash: string }>("SELECT seq, hash FROM audit_head")).rows[0];
  let previous: { seq: number; hash: string } = { seq: Number(head?.seq ?? 0), hash: head?.hash ?? "" };
  const entries: AuditEntry[] = [];
  for (let i = 0; i < count; i++) {
    const entry = nextEntry(previous, new Date().toISOString(), "bench.filler", {
      i,
      productId: "nvidia-h200-sxm",
    });
    entries.push(entry);
    previous = entry;
  }
  await store.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO audit_log (seq, at, kind, payload, prev_hash, hash)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::jsonb[], $5::text[], $6::text[])`,
      [
        entries.map((e) => e.seq),
        entries.map((e) => e.at),
        entries.map((e) => e.kind),
        entries.map((e) => JSON.stringify(e.payload)),
        entries.map((e) => e.prevHash),
        entries.map((e) => e.hash),
      ],
    );
    await tx.query("UPDATE audit_head SET seq = $1, hash = $2", [previous.seq, previous.hash]);
  });
}

/** Runs the heavy report back to back until `stop()`; counts completions and their durations. */
function heavyLoop(url: string, secret: string) {
  let running = true;
  const durationsMs: number[] = [];
  const done = (async () => {
    while (running) {
      const started = performance.now();
      const response = await fetch(`${url}/v1/audit/verify`, {
        headers: { authorization: `Bearer ${secret}` },
      });
      const verdict = (await response.json()) as { ok?: boolean };
      if (verdict.ok !== true) throw new Error(`audit verify failed: ${JSON.stringify(verdict)}`);
      durationsMs.push(performance.now() - started);
    }
  })();
  return {
    durationsMs,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

/** Starts a child (`args` after `node --import tsx`) and resolves with the URL it prints. */
async function startProcess(
  childArgs: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; url: string; threads: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ["--import", "tsx", ...childArgs], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const [url, threads] = await new Promise<[string, string]>((resolve, reject) => {
    let seen = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      seen += chunk.toString("utf8");
      const match = /serving (http:\/\/\S+) .*?(?:(\d+) evaluation threads?)?\n/.exec(seen);
      if (match?.[1]) resolve([match[1], match[2] ?? "?"]);
    });
    child.once("exit", (code) => reject(new Error(`server exited (${code})`)));
  });
  return {
    child,
    url,
    threads,
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

const startServerProcess = (env: NodeJS.ProcessEnv, extra: string[] = threadsArgs) =>
  startProcess(["src/adapters/cli/main.ts", "serve", "--port", "0", ...extra], env);

interface Figures {
  name: string;
  requestsPerS: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  non2xx: number;
  errors: number;
}

async function run(name: string, options: autocannon.Options): Promise<Figures> {
  const result = await autocannon({ connections, duration: durationS, ...options });
  return {
    name,
    requestsPerS: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

const machineLine = () =>
  `Machine: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB (${Math.round(freemem() / 2 ** 30)} GiB free), load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ")} (shared with other agents).`;
const loadBefore = machineLine();
const dossier = JSON.parse(readFileSync(join(root, "examples/h200-alibaba-approvable.json"), "utf8"));
const evaluateBody = JSON.stringify({ dossier });

/** Evaluate, the floor and /healthz on a fresh embedded database. */
async function evaluateRuns(): Promise<{ results: Figures[]; notes: string[] }> {
  const dataDir = mkdtempSync(join(tmpdir(), "sluice-bench-http-"));
  const setup = await openStore({ dataDir });
  const { secret } = await createToken(setup, () => new Date(), systemTokenFactory, {
    role: "auditor",
    label: "bench",
  });
  await fillAuditChain(setup, chainEntries);
  await setup.close();
  const env = { SLUICE_DATA_DIR: dataDir, DATABASE_URL: "" };
  const headers = { authorization: `Bearer ${secret}`, "content-type": "application/json" };
  const evaluateAt = (url: string): autocannon.Options => ({
    url: `${url}/v1/evaluate`,
    method: "POST",
    headers,
    body: evaluateBody,
  });
  const results: Figures[] = [];
  let responseBytes = 0;
  let verifies: number[] = [];
  let threads = "?";
  const server = await startServerProcess(env);
  try {
    threads = server.threads;
    const evaluate = evaluateAt(server.url);
    const sample = await fetch(String(evaluate.url), { method: "POST", headers, body: evaluateBody });
    responseBytes = Buffer.byteLength(await sample.text());
    await autocannon({ ...evaluate, connections, duration: 2 }); // warm-up: JIT, caches
    for (let round = 1; round <= rounds; round++)
      results.push(await run(`POST /v1/evaluate, ${threads} evaluation thread(s), run ${round}`, evaluate));
    const floor = await startProcess(["bench/http.ts", "--floor-server", String(responseBytes)], {});
    try {
      const bare = { ...evaluate, url: `${floor.url}/v1/evaluate` };
      await autocannon({ ...bare, connections, duration: 2 });
      results.push(await run("floor: bare node:http, same body, same response size", bare));
    } finally {
      await floor.stop();
    }
    results.push(await run("GET /healthz", { url: `${server.url}/healthz` }));
    const heavy = heavyLoop(server.url, secret);
    results.push(await run("GET /healthz while audit verify loops", { url: `${server.url}/healthz` }));
    await heavy.stop();
    verifies = heavy.durationsMs;
  } finally {
    await server.stop();
  }
  try {
    const inline = await startServerProcess(env, ["--evaluate-threads", "0"]);
    try {
      await autocannon({ ...evaluateAt(inline.url), connections, duration: 2 });
      results.push(await run("POST /v1/evaluate, inline (0 evaluation threads)", evaluateAt(inline.url)));
    } finally {
      await inline.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  const pooled = results.filter((r) => r.name.includes("evaluation thread(s)")).map((r) => r.requestsPerS);
  const median = [...pooled].sort((a, b) => a - b)[Math.floor(pooled.length / 2)] ?? 0;
  const bare = results.find((r) => r.name.startsWith("floor"));
  return {
    results,
    notes: [
      `POST /v1/evaluate: request ${Buffer.byteLength(evaluateBody)} bytes, response ${responseBytes} bytes; ${threads} evaluation thread(s): median of ${pooled.length} runs ${median} req/s (runs ${pooled.join(", ")}), ${bare ? ((100 * median) / bare.requestsPerS).toFixed(0) : "?"} % of the floor's req/s.`,
      `Heavy report: GET /v1/audit/verify over ${chainEntries + 1} audit entries, back to back: ${verifies.length} completed during the run, ${Math.round(Math.min(...verifies))}–${Math.round(Math.max(...verifies))} ms each (read in one snapshot by the database child, re-hashed in a worker thread).`,
    ],
  };
}

interface ReleaseRun {
  driver: string;
  figures: ReleaseFigures;
  setupS: number;
  check: string;
}

/** A scratch store for one release run: a schema on the PostgreSQL server, or a data directory. */
async function scratchStore(driver: "postgres" | "pglite") {
  if (driver === "pglite") {
    const dataDir = mkdtempSync(join(tmpdir(), "sluice-bench-release-"));
    return {
      config: { dataDir } satisfies StoreConfig,
      env: { SLUICE_DATA_DIR: dataDir, DATABASE_URL: "" },
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const schema = `bench_http_${process.pid}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = new URL(postgresUrl);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return {
    config: { databaseUrl: url.toString() } satisfies StoreConfig,
    env: { DATABASE_URL: url.toString() },
    drop: async () => {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
    },
  };
}

async function releaseRun(driver: "postgres" | "pglite"): Promise<ReleaseRun> {
  const scratch = await scratchStore(driver);
  try {
    const store = await openStore(scratch.config);
    let setup: Awaited<ReturnType<typeof setUpReleases>>;
    try {
      setup = await setUpReleases(store, shipmentCount);
    } finally {
      await store.close();
    }
    console.error(
      `bench/http: ${driver}: ${shipmentCount} shipments ready in ${(setup.setupMs / 1000).toFixed(0)} s`,
    );
    const server = await startServerProcess(scratch.env);
    let figures: ReleaseFigures;
    try {
      // Warm the evaluator and the request path up without spending any shipment.
      await autocannon({
        url: `${server.url}/v1/evaluate`,
        method: "POST",
        headers: { authorization: `Bearer ${setup.secret}`, "content-type": "application/json" },
        body: evaluateBody,
        connections,
        duration: 2,
      });
      figures = await runReleases(server.url, setup, connections);
    } finally {
      await server.stop();
    }
    const after = await openStore(scratch.config);
    try {
      return {
        driver,
        figures,
        setupS: setup.setupMs / 1000,
        check: await checkReleases(after, figures.accepted),
      };
    } finally {
      await after.close();
    }
  } finally {
    await scratch.drop();
  }
}

const { results, notes } = await evaluateRuns();
const releases: ReleaseRun[] = [];
const releaseNotes: string[] = [];
if (!skipRelease) {
  for (const driver of ["postgres", "pglite"] as const) {
    try {
      releases.push(await releaseRun(driver));
    } catch (error) {
      releaseNotes.push(
        `${driver}: not run or failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
const lines = [
  `## bench/http — ${new Date().toUTCString()}`,
  "",
  `${loadBefore.replace("(shared", "at the start (shared")}`,
  `${machineLine().replace("Machine: ", "At the end: ")}`,
  `Command: \`node --import tsx bench/http.ts --duration ${durationS} --connections ${connections} --chain ${chainEntries} --rounds ${rounds}${threadsArgs.length > 0 ? ` ${threadsArgs.join(" ")}` : ""}${skipRelease ? " --skip-release" : ` --shipments ${shipmentCount}`}\` — server in its own process (\`sluice serve\`), autocannon ${connections} connections, ${durationS} s per route after a 2 s warm-up.`,
  "",
  "| route | req/s | p50 ms | p99 ms | max ms | non-2xx | errors |",
  "|---|---|---|---|---|---|---|",
  ...results.map(
    (r) =>
      `| ${r.name} | ${r.requestsPerS} | ${r.p50Ms} | ${r.p99Ms} | ${r.maxMs} | ${r.non2xx} | ${r.errors} |`,
  ),
  "",
  ...notes.flatMap((note) => [note, ""]),
];
if (!skipRelease) {
  lines.push(
    `POST /v1/shipments/{id}/release, one request per shipment (${shipmentCount} shipments of 10 units, a different one per request, Idempotency-Key each), the cap set to let about 90 % through:`,
    "",
    "| database | req/s | accepted/s | p50 ms | p99 ms | max ms | answers | errors | setup s |",
    "|---|---|---|---|---|---|---|---|---|",
    ...releases.map(
      (r) =>
        `| ${r.driver} | ${r.figures.requestsPerS} | ${r.figures.acceptedPerS} | ${r.figures.p50Ms} | ${r.figures.p99Ms} | ${r.figures.maxMs} | ${Object.entries(
          r.figures.answers,
        )
          .map(([answer, n]) => `${answer}: ${n}`)
          .join(", ")} | ${r.figures.errors} | ${r.setupS.toFixed(0)} |`,
    ),
    "",
    ...releases.map((r) => `${r.driver} ${r.check}.`),
    ...releaseNotes,
    "",
  );
}
console.log(lines.join("\n"));
if (record) appendFileSync(new URL("./RESULTS.md", import.meta.url), `\n${lines.join("\n")}`);
if (releaseNotes.length > 0 || releases.some((r) => r.check.startsWith("CHECK FAILED"))) process.exitCode = 1;
