// The integrator under crashes and competition. kill -9 of a process that writes and integrates
// (both drivers): no acknowledged entry lost, no index used twice, every signed checkpoint
// consistent with the one before. Two such processes on one PostgreSQL: both accept writes, the
// lease lets exactly one integrate at a time (the batches they report never overlap), and when
// the holder is killed the other takes over.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, expect, it } from "vitest";
import { writeExport } from "../../src/adapters/db/log/export.ts";
import { openStore } from "../../src/adapters/db/open.ts";
import type { Store } from "../../src/adapters/db/store.ts";
import { verifyLog } from "../../src/app/log/verify.ts";
import { forEachDriver } from "../support/drivers.ts";
import { checkpointNow, testLogSigner } from "../support/log.ts";

const childScript = fileURLToPath(new URL("../support/log-child.ts", import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

interface Child {
  lines: string[];
  process: ChildProcess;
  pglitePid: number | undefined;
  exited: Promise<void>;
  waitFor(enough: (lines: string[]) => boolean): Promise<void>;
  kill(): Promise<void>;
}

const started: Child[] = [];
// A failed test must not leave its processes writing: kill whatever is still running.
afterAll(async () => {
  for (const child of started)
    if (child.process.exitCode === null && child.process.signalCode === null) await child.kill();
});

function startChild(name: string, env: Record<string, string>): Child {
  const child = spawn(process.execPath, ["--import", tsx, childScript, name], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines: string[] = [];
  const waiters: { enough: (l: string[]) => boolean; resolve: () => void }[] = [];
  const handle: Child = {
    lines,
    process: child,
    pglitePid: undefined,
    exited: new Promise((resolve) => child.on("exit", () => resolve())),
    waitFor: (enough) =>
      new Promise((resolve, reject) => {
        if (enough(lines)) return resolve();
        waiters.push({ enough, resolve });
        child.on("exit", () =>
          enough(lines) ? resolve() : reject(new Error(`${name} exited: ${lines.slice(-3)}`)),
        );
      }),
    async kill() {
      child.kill("SIGKILL");
      if (handle.pglitePid) process.kill(handle.pglitePid, "SIGKILL");
      await handle.exited;
    },
  };
  started.push(handle);
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
    if (line.startsWith("pglite ")) handle.pglitePid = Number(line.slice(7));
    else lines.push(line);
    for (const w of waiters.splice(0)) (w.enough(lines) ? w.resolve : () => waiters.push(w))();
  });
  return handle;
}

/** Polls `condition` until it holds (the test's timeout bounds the wait). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 50));
}

const count = (lines: string[], prefix: string) => lines.filter((l) => l.startsWith(prefix)).length;

/** Every acknowledged entry exactly once, indices 1..n, and the log verifies across every checkpoint. */
async function checkLog(store: Store, acked: string[]): Promise<number> {
  await checkpointNow(store);
  const { rows } = await store.query<{ seq: bigint; id: string | null }>(
    "SELECT seq, payload->>'id' AS id FROM audit_log ORDER BY seq",
  );
  expect(rows.map((row) => Number(row.seq))).toEqual(rows.map((_, i) => i + 1));
  const logged = rows.map((r) => r.id).filter((id): id is string => id !== null);
  expect(new Set(logged).size).toBe(logged.length);
  const present = new Set(logged);
  for (const id of acked) expect(present.has(id), id).toBe(true);
  expect((await store.query<{ n: bigint }>("SELECT count(*) AS n FROM log_pending")).rows[0]?.n).toBe(0n);
  // Every signed checkpoint is a prefix of the entries (an export carries them all).
  const file = join(tmpdir(), `sluice-log-${process.pid}-${Date.now()}.jsonl`);
  await writeExport(store, file);
  const [header, ...entries] = readFileSync(file, "utf8").trimEnd().split("\n");
  const notes = (JSON.parse(header as string) as { checkpoints: string[] }).checkpoints;
  expect(notes.length).toBeGreaterThan(2);
  const result = await verifyLog({
    note: notes.at(-1) as string,
    logKey: testLogSigner,
    since: notes[1],
    source: {
      async *entries() {
        for (const e of entries) yield Buffer.from(e);
      },
      checkpoints: async () => notes,
    },
  });
  expect(result).toMatchObject({ ok: true, size: rows.length });
  return rows.length;
}

forEachDriver("log integrator killed with SIGKILL", (env) => {
  it("loses no acknowledged entry, reuses no index and signs only consistent checkpoints", async () => {
    await env.store().close();
    const child = startChild("solo", env.config().env);
    await child.waitFor((l) => count(l, "signed ") >= 5 && count(l, "ack ") >= 300);
    await child.kill();
    const acked = child.lines.filter((l) => l.startsWith("ack ")).map((l) => l.slice(4));
    const store = await openStore(env.config());
    try {
      const size = await checkLog(store, acked);
      expect(size).toBeGreaterThanOrEqual(acked.length);
    } finally {
      await store.close();
    }
  }, 180_000);
});

forEachDriver(
  "two serving processes on one PostgreSQL",
  (env) => {
    it("both accept writes, one integrates at a time, the other takes over when it is killed", async () => {
      const a = startChild("a", env.config().env);
      const b = startChild("b", env.config().env);
      await until(() => count(a.lines, "ack ") >= 150 && count(b.lines, "ack ") >= 150);
      await until(() => count(a.lines, "signed ") + count(b.lines, "signed ") >= 2);
      const holder = count(a.lines, "batch ") >= count(b.lines, "batch ") ? a : b;
      const other = holder === a ? b : a;
      const otherBatchesBefore = count(other.lines, "batch ");
      await holder.kill();
      // The lease lapses (1 s) and the survivor integrates from where the dead one stopped.
      await other.waitFor((l) => count(l, "batch ") > otherBatchesBefore + 3);
      await other.kill();
      const batches = [...a.lines, ...b.lines]
        .filter((l) => l.startsWith("batch "))
        .map((l) => l.split(" ").slice(1).map(Number) as [number, number])
        .sort((x, y) => x[0] - y[0]);
      for (let i = 1; i < batches.length; i++) {
        expect(batches[i]?.[0], "batches never overlap").toBeGreaterThanOrEqual(
          batches[i - 1]?.[1] as number,
        );
      }
      const acked = [...a.lines, ...b.lines].filter((l) => l.startsWith("ack ")).map((l) => l.slice(4));
      expect(acked.some((id) => id.startsWith("a-")) && acked.some((id) => id.startsWith("b-"))).toBe(true);
      const store = await openStore(env.config());
      try {
        await checkLog(store, acked);
        const lease = await store.query<{ epoch: bigint }>("SELECT epoch FROM log_lease");
        expect(Number(lease.rows[0]?.epoch)).toBeGreaterThanOrEqual(2);
      } finally {
        await store.close();
      }
    }, 180_000);
  },
  ["postgres"],
);
