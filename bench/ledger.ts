// Ledger benchmark: reservations per second with 1, 8 and 64 concurrent clients on PostgreSQL and
// on PGlite, with `pgbench -b simple-update` on the same server in the same run as the yardstick
// (ratio = reservations/s ÷ pgbench tps); over-allocation is checked after every run (must be 0).
// Also: bulk import of US shipments (rows/s) into both, and the event-loop lag of a heavy query on
// PGlite in this process versus in the child process. Appends a section to bench/RESULTS.md.
// Run: node --import tsx bench/ledger.ts   (BENCH_SECONDS=8, TEST_DATABASE_URL as for the tests)
import { execFileSync } from "node:child_process";
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { v7 as uuidv7 } from "uuid";
import { importUsShipmentsText } from "../src/adapters/cli/commands/us-shipments-import.ts";
import { catalogProducts } from "../src/adapters/cli/ledger-context.ts";
import { SqlLedger } from "../src/adapters/db/ledger/sql-ledger.ts";
import { openStore, type StoreConfig } from "../src/adapters/db/open.ts";
import type { Store } from "../src/adapters/db/store.ts";
import { loadCatalog } from "../src/adapters/files/reference-data.ts";
import type { CapPolicy } from "../src/core/ledger/cap-policy.ts";

/** The shipped catalog's products with their TPP per unit (the import's product check). */
const products = catalogProducts(loadCatalog());

const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const databaseUrl = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const pgBin = "/usr/lib/postgresql/15/bin";
const yardstickDb = "pgbench_yardstick";
const clientCounts = [1, 8, 64];
const policy: CapPolicy = {
  ratioPercent: 50,
  measure: "units",
  scope: "product",
  window: { kind: "cumulative", since: "2026-01-15" },
};
const clock = () => new Date("2026-03-01T00:00:00Z");
const out: string[] = [];
const say = (line: string) => {
  console.log(line);
  out.push(line);
};

async function pgScratch(): Promise<{ config: StoreConfig; drop: () => Promise<void> }> {
  const schema = `bench_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = new URL(databaseUrl);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return {
    config: { databaseUrl: url.toString(), poolSizeMax: 8 },
    drop: async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
    },
  };
}

/** `clients` loops reserving 1 unit for `seconds`; headroom lets about half of them through. */
async function reservations(store: Store, clients: number, batch: boolean, product: string) {
  const ledger = new SqlLedger(store, clock, { batchReservations: batch, attemptsMax: 1000 });
  const retriesBefore = store.stats.retries;
  await ledger.usPost(policy, {
    id: `${product}-us`,
    productId: product,
    units: 2_000_000n,
    shippedOn: "2026-02-01",
  });
  let attempts = 0;
  let ok = 0;
  const deadline = performance.now() + seconds * 1000;
  const client = async (index: number) => {
    for (let n = 0; performance.now() < deadline; n++) {
      const { status } = await ledger.reserve(policy, {
        id: `${product}-${index}-${n}`,
        productId: product,
        units: 1n,
        holdMs: 86_400_000,
      });
      attempts++;
      if (status === "ok") ok++;
      else if (status !== "exceeds_cap") throw new Error(`unexpected ${status}`);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, (_, i) => client(i)));
  const elapsed = (performance.now() - started) / 1000;
  const [account] = await ledger.accounts(`units/product:${product}/`);
  const cn = (account?.cnPending ?? 0n) + (account?.cnPosted ?? 0n);
  const overAllocated = 100n * cn > 50n * (account?.usPosted ?? 0n) || cn !== BigInt(ok) ? 1 : 0;
  return {
    perSecond: attempts / elapsed,
    okPerSecond: ok / elapsed,
    attempts,
    overAllocated,
    retries: store.stats.retries - retriesBefore,
    meanBatch: ledger.batchStats.batches > 0 ? ledger.batchStats.requests / ledger.batchStats.batches : 1,
  };
}

function pgbench(clients: number): number {
  const host = new URL(databaseUrl).hostname;
  const args = ["-h", host, "-U", "postgres"];
  try {
    execFileSync(`${pgBin}/createdb`, [...args, yardstickDb], { stdio: "ignore" });
    execFileSync(`${pgBin}/pgbench`, [...args, "-i", "-s", "10", "-q", yardstickDb], { stdio: "ignore" });
  } catch {
    // Already initialised by an earlier run.
  }
  const text = execFileSync(
    `${pgBin}/pgbench`,
    [
      ...args,
      "-b",
      "simple-update",
      "-c",
      String(clients),
      "-j",
      String(Math.min(clients, 2)),
      "-T",
      String(seconds),
      yardstickDb,
    ],
    { encoding: "utf8" },
  );
  const match = /tps = ([\d.]+)/.exec(text);
  if (!match) throw new Error(`pgbench output not understood: ${text}`);
  return Number(match[1]);
}

function csvOf(rows: number, prefix: string): string {
  const lines = ["id,product_id,quantity_units,shipped_on,customer"];
  for (let i = 0; i < rows; i++)
    lines.push(
      `${prefix}-${i},nvidia-h200-sxm,${1 + (i % 7)},2026-02-${String(1 + (i % 27)).padStart(2, "0")},c${i % 100}`,
    );
  return lines.join("\n");
}

async function bulkImport(store: Store, rows: number): Promise<number> {
  const ledger = new SqlLedger(store, clock);
  const text = csvOf(rows, `imp-${uuidv7()}`);
  const started = performance.now();
  const summary = await importUsShipmentsText(ledger, policy, text, "bench.csv", {
    products,
    batchRows: 5000,
  });
  if (summary.posted !== rows) throw new Error(`imported ${summary.posted} of ${rows}`);
  return rows / ((performance.now() - started) / 1000);
}

/** Largest timer lag (ms) seen while a heavy query runs. */
async function timerLag(query: (sql: string) => Promise<unknown>): Promise<number> {
  let worst = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - 10);
    last = now;
  }, 10);
  await query("SELECT count(*) FROM generate_series(1, 1500000)");
  clearInterval(timer);
  // If the loop was blocked throughout, no tick measured it: the gap up to now is the lag.
  worst = Math.max(worst, performance.now() - last - 10);
  return worst;
}

async function main(): Promise<void> {
  say(`## bench/ledger — ${execFileSync("date", ["-u"], { encoding: "utf8" }).trim()}`);
  say("");
  say(
    `machine: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; PostgreSQL 15 on 127.0.0.1; ${seconds} s per run`,
  );
  say("command: `node --import tsx bench/ledger.ts`");
  say(
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")} (shared machine; pgbench runs under the same load)`,
  );
  say("");
  say(
    "| driver | clients | mode | reservations/s (attempts) | accepted/s | mean batch | retries | over-allocated | pgbench tps | ratio |",
  );
  say("|---|---|---|---|---|---|---|---|---|---|");
  const scratch = await pgScratch();
  const postgres = await openStore(scratch.config);
  for (const clients of clientCounts) {
    const r = await reservations(postgres, clients, true, `pg-${clients}`);
    const tps = pgbench(clients);
    say(
      `| postgres | ${clients} | batched | ${r.perSecond.toFixed(0)} | ${r.okPerSecond.toFixed(0)} | ${r.meanBatch.toFixed(1)} | ${r.retries} | ${r.overAllocated} | ${tps.toFixed(0)} | ${(r.perSecond / tps).toFixed(2)} |`,
    );
  }
  const single = await reservations(postgres, 64, false, "pg-64-single");
  say(
    `| postgres | 64 | one tx per reservation | ${single.perSecond.toFixed(0)} | ${single.okPerSecond.toFixed(0)} | 1 | ${single.retries} | ${single.overAllocated} | | |`,
  );
  const dataDir = mkdtempSync(join(tmpdir(), "sluice-bench-"));
  const pglite = await openStore({ dataDir });
  for (const clients of clientCounts) {
    const r = await reservations(pglite, clients, true, `lite-${clients}`);
    say(
      `| pglite | ${clients} | batched | ${r.perSecond.toFixed(0)} | ${r.okPerSecond.toFixed(0)} | ${r.meanBatch.toFixed(1)} | ${r.retries} | ${r.overAllocated} | | |`,
    );
  }
  say("");
  const pgRows = await bulkImport(postgres, 100_000);
  const liteRows = await bulkImport(pglite, 50_000);
  say(
    `bulk import of US shipments (batches of 5000, validated first): postgres ${pgRows.toFixed(0)} rows/s (100,000 rows), pglite ${liteRows.toFixed(0)} rows/s (50,000 rows)`,
  );
  const childLag = await timerLag((sql) => pglite.query(sql));
  await pglite.close();
  await postgres.close();
  await scratch.drop();
  const inProcess = await PGlite.create();
  const inProcessLag = await timerLag((sql) => inProcess.query(sql));
  await inProcess.close();
  rmSync(dataDir, { recursive: true, force: true });
  say(
    `load average at end: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
  say(
    `heavy query (count over 1.5 M rows) on PGlite: worst timer lag ${inProcessLag.toFixed(0)} ms in this process, ${childLag.toFixed(0)} ms with PGlite in the child process`,
  );
  say("");
  if (!process.env.BENCH_NO_RECORD)
    appendFileSync(new URL("./RESULTS.md", import.meta.url), `\n${out.join("\n")}\n`);
}

await main();
