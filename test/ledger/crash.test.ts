// Crash: SIGKILL a process in the middle of a burst of reservations, and in the middle of a bulk
// import (for the embedded driver, its PGlite server process too), reopen, and check that the
// ledger holds exactly the acknowledged operations plus possibly those in flight (committed, not
// yet acknowledged) and nothing else, that balances equal the stored rows, and that the audit chain
// verifies. An acknowledged operation missing would be a failure.
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import { expect, it } from "vitest";
import { verifyAudit } from "../../src/adapters/db/audit.ts";
import { SqlLedger } from "../../src/adapters/db/ledger/sql-ledger.ts";
import { openStore } from "../../src/adapters/db/open.ts";
import { capPolicyDefault } from "../../src/core/ledger/cap-policy.ts";
import { forEachDriver } from "../support/drivers.ts";

const childScript = fileURLToPath(new URL("../support/crash-child.ts", import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const inFlightMax = 8;

/** Runs the child until `enough` says so, then kills it (and its PGlite server) with SIGKILL. */
async function runAndKill(args: string[], env: Record<string, string>, enough: (lines: string[]) => boolean) {
  const child: ChildProcess = spawn(process.execPath, ["--import", tsx, childScript, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines: string[] = [];
  let pglitePid: number | undefined;
  await new Promise<void>((resolve, reject) => {
    const reader = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    reader.on("line", (line) => {
      if (line.startsWith("pglite ")) pglitePid = Number(line.slice(7));
      else lines.push(line);
      if (enough(lines)) {
        child.kill("SIGKILL");
        if (pglitePid) process.kill(pglitePid, "SIGKILL");
        resolve();
      }
    });
    child.on("exit", () => resolve());
    child.on("error", reject);
  });
  await new Promise((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.on("exit", resolve),
  );
  return lines;
}

forEachDriver("crash with SIGKILL", (env) => {
  it("in a burst of reservations: the ledger equals the acknowledged ones (+ in flight)", async () => {
    const ledger = new SqlLedger(env.store(), () => new Date("2026-03-01T00:00:00Z"));
    await ledger.usPost(capPolicyDefault, {
      id: "crash-us",
      productId: "crash",
      units: 100_000n,
      shippedOn: "2026-02-01",
    });
    await env.store().close();
    const lines = await runAndKill(["reserve"], env.config().env, (l) => l.length >= 150);
    const acked = new Set(lines.filter((l) => l.endsWith(" ok")).map((l) => l.split(" ")[1]));
    expect(acked.size).toBeGreaterThanOrEqual(150);
    const store = await openStore(env.config());
    try {
      const { rows } = await store.query<{ id: string }>("SELECT id FROM ledger_reservations");
      const stored = new Set(rows.map((r) => r.id));
      for (const id of acked) expect(stored.has(id as string)).toBe(true);
      const issued = Math.max(...[...acked].map((id) => Number(id?.slice(2))));
      for (const id of stored) expect(Number(id.slice(2))).toBeLessThanOrEqual(issued + inFlightMax);
      const [account] = await new SqlLedger(store, () => new Date()).accounts("units/product:crash/");
      expect(account?.cnPending).toBe(BigInt(stored.size));
      expect(await verifyAudit(store)).toMatchObject({ ok: true, count: 1 + stored.size });
    } finally {
      await store.close();
    }
  });

  it("in a bulk import: whole acknowledged batches are there, a re-run completes it, audit verifies", async () => {
    const rowsTotal = 8000;
    const csv = join(env.config().dataDir ?? "/tmp", `crash-import-${env.driver}.csv`);
    const body = Array.from({ length: rowsTotal }, (_, i) => `imp-${i},nvidia-h200-sxm,1,2026-02-01`);
    writeFileSync(csv, ["id,product_id,quantity_units,shipped_on", ...body].join("\n"));
    const lines = await runAndKill(["import", csv], env.config().env, (l) => l.length >= 5);
    const ackedRows = Math.max(
      0,
      ...lines.filter((l) => l.startsWith("ack-rows")).map((l) => Number(l.split(" ")[1])),
    );
    expect(ackedRows).toBeGreaterThanOrEqual(1000);
    const store = await openStore(env.config());
    try {
      const count = async () =>
        Number(
          (
            await store.query<{ n: bigint }>(
              "SELECT count(*) AS n FROM ledger_us_postings WHERE id LIKE 'imp-%'",
            )
          ).rows[0]?.n,
        );
      const stored = await count();
      expect(stored).toBeGreaterThanOrEqual(ackedRows);
      // Up to three batches are in flight: committed, maybe not yet acknowledged.
      expect(stored - ackedRows).toBeLessThanOrEqual(3 * 200);
      expect(stored % 200).toBe(0);
      expect((await verifyAudit(store)).ok).toBe(true);
    } finally {
      await store.close();
    }
    await runAndKill(["import", csv], env.config().env, (l) => l.includes("done"));
    const reopened = await openStore(env.config());
    try {
      const [account] = await new SqlLedger(reopened, () => new Date()).accounts(
        "units/product:nvidia-h200-sxm/",
      );
      expect(account?.usPosted).toBe(BigInt(rowsTotal));
      expect((await verifyAudit(reopened)).ok).toBe(true);
    } finally {
      await reopened.close();
    }
  });
});
