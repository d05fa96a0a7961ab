// HTTP benchmark: autocannon with 64 connections against POST /v1/evaluate (a valid dossier,
// examples/h200-alibaba-approvable.json) and GET /healthz, then GET /healthz again while a heavy
// report runs back to back (GET /v1/audit/verify over an audit chain of --chain entries: a full
// read in one snapshot plus re-hashing), the server running in its own process (`sluice serve` on
// a fresh embedded database) so the load generator does not share its event loop. Prints req/s
// and latency percentiles and appends a section to bench/RESULTS.md.
// Run: node --import tsx bench/http.ts [--duration 10] [--connections 64] [--chain 50000] [--no-record]
import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, freemem, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { openStore } from "../src/adapters/db/open.ts";
import type { Store } from "../src/adapters/db/store.ts";
import { createToken, systemTokenFactory } from "../src/adapters/db/tokens.ts";
import { type AuditEntry, nextEntry } from "../src/core/audit/chain.ts";

const root = fileURLToPath(new URL("../", import.meta.url));
const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const durationS = option("duration", 10);
const connections = option("connections", 64);
const chainEntries = option("chain", 50_000);
const record = !args.includes("--no-record");

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

async function startServerProcess(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "src/adapters/cli/main.ts", "serve", "--port", "0"],
    {
      cwd: root,
      env: { ...process.env, SLUICE_DATA_DIR: dataDir, DATABASE_URL: "" },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let seen = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      seen += chunk.toString("utf8");
      const match = /serving (http:\/\/\S+) /.exec(seen);
      if (match?.[1]) resolve(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`server exited (${code})`)));
  });
  return { child, url };
}

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

const dataDir = mkdtempSync(join(tmpdir(), "sluice-bench-http-"));
const setup = await openStore({ dataDir });
const { secret } = await createToken(setup, () => new Date(), systemTokenFactory, {
  role: "auditor",
  label: "bench",
});
await fillAuditChain(setup, chainEntries);
await setup.close();
const { child, url } = await startServerProcess(dataDir);
try {
  const dossier = JSON.parse(readFileSync(join(root, "examples/h200-alibaba-approvable.json"), "utf8"));
  const evaluate: autocannon.Options = {
    url: `${url}/v1/evaluate`,
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: JSON.stringify({ dossier }),
  };
  await autocannon({ ...evaluate, connections, duration: 2 }); // warm-up: JIT, caches
  const results = [
    await run("POST /v1/evaluate", evaluate),
    await run("GET /healthz", { url: `${url}/healthz` }),
  ];
  const heavy = heavyLoop(url, secret);
  results.push(await run("GET /healthz while audit verify loops", { url: `${url}/healthz` }));
  await heavy.stop();
  const verifies = heavy.durationsMs;
  const verifyNote = `Heavy report: GET /v1/audit/verify over ${chainEntries + 1} audit entries, back to back: ${verifies.length} completed during the run, ${Math.round(Math.min(...verifies))}–${Math.round(Math.max(...verifies))} ms each (read in one snapshot by the database child, re-hashed in a worker thread).`;
  const lines = [
    `## bench/http — ${new Date().toUTCString()}`,
    "",
    `Machine: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB (${Math.round(freemem() / 2 ** 30)} GiB free), load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" / ")} at the end (shared with other agents).`,
    `Command: \`node --import tsx bench/http.ts --duration ${durationS} --connections ${connections} --chain ${chainEntries}\` — server in its own process (\`sluice serve\`, embedded database), autocannon ${connections} connections, ${durationS} s per route after a 2 s warm-up.`,
    "",
    "| route | req/s | p50 ms | p99 ms | max ms | non-2xx | errors |",
    "|---|---|---|---|---|---|---|",
    ...results.map(
      (r) =>
        `| ${r.name} | ${r.requestsPerS} | ${r.p50Ms} | ${r.p99Ms} | ${r.maxMs} | ${r.non2xx} | ${r.errors} |`,
    ),
    "",
    verifyNote,
    "",
  ];
  console.log(lines.join("\n"));
  if (record) appendFileSync(new URL("./RESULTS.md", import.meta.url), `\n${lines.join("\n")}`);
} finally {
  child.kill("SIGTERM");
  await new Promise((resolve) => child.once("exit", resolve));
  rmSync(dataDir, { recursive: true, force: true });
}
