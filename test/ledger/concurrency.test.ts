// Concurrency on a real PostgreSQL server: 64 clients (over four ledger instances, each batching its
// reservations) make 20,000 reservation attempts against a tight headroom (each success is voided or posted right after, so the headroom keeps moving),
// while a checker reads the account over and over. The invariant holds at every read; the final
// balances equal the sum of acknowledged operations; retries are counted and printed.
import { expect, it } from "vitest";
import { verifyAudit } from "../../src/adapters/db/audit.ts";
import { SqlLedger } from "../../src/adapters/db/ledger/sql-ledger.ts";
import { openStore } from "../../src/adapters/db/open.ts";
import type { CapPolicy } from "../../src/core/ledger/cap-policy.ts";
import { createScratch, forEachDriver } from "../support/drivers.ts";
import { prng } from "../support/workload.ts";

const policy: CapPolicy = {
  ratioPercent: 50,
  measure: "units",
  scope: "product",
  window: { kind: "cumulative", since: "2026-01-15" },
};
const clients = Number(process.env.LEDGER_CLIENTS ?? 64);
const attempts = Number(process.env.LEDGER_ATTEMPTS ?? 20_000);
const dayMs = 86_400_000;

async function hammer(lockAuditChain: boolean, clientCount: number, attemptCount: number, seed: number) {
  const scratch = await createScratch("postgres");
  const store = await openStore({ ...scratch.config, poolSizeMax: clientCount + 1 });
  try {
    const clock = () => new Date("2026-03-01T00:00:00Z");
    // Four ledgers (as four processes would): batches of one compete with batches of another.
    const ledgers = [1, 2, 3, 4].map(() => new SqlLedger(store, clock, { lockAuditChain, attemptsMax: 200 }));
    const ledger = ledgers[0] as SqlLedger;
    await ledger.usPost(policy, { id: "us-1", productId: "hot", units: 40n, shippedOn: "2026-02-01" });
    const acked = { reserved: 0n, posted: 0n, voided: 0n, refused: 0, ok: 0 };
    let next = 0;
    let running = true;
    let checks = 0;
    let violations = 0;
    const checker = (async () => {
      while (running) {
        const { rows } = await store.query<{ us: bigint; cn: bigint }>(
          "SELECT us_posted AS us, cn_pending + cn_posted AS cn FROM ledger_accounts",
        );
        for (const row of rows) if (100n * row.cn > 50n * row.us) violations++;
        checks++;
      }
    })();
    const client = async (index: number) => {
      const random = prng(seed + index);
      const ledger = ledgers[index % ledgers.length] as SqlLedger;
      while (next < attemptCount) {
        const id = `r-${next++}`;
        const units = BigInt(1 + Math.floor(random() * 3));
        const { status } = await ledger.reserve(policy, { id, productId: "hot", units, holdMs: dayMs });
        if (status !== "ok") {
          acked.refused++;
          continue;
        }
        acked.ok++;
        acked.reserved += units;
        if (random() < 0.97) {
          expect((await ledger.void(id)).status).toBe("ok");
          acked.voided += units;
        } else {
          expect((await ledger.post(id)).status).toBe("ok");
          acked.posted += units;
        }
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: clientCount }, (_, i) => client(i)));
    const seconds = (performance.now() - started) / 1000;
    running = false;
    await checker;
    const [account] = await ledger.accounts("units/product:hot/");
    const audit = await verifyAudit(store);
    console.log(
      `ledger concurrency: lock=${lockAuditChain} clients=${clientCount} attempts=${attemptCount} ok=${acked.ok} ` +
        `refused=${acked.refused} checks=${checks} violations=${violations} retries=${store.stats.retries} ` +
        `serialization_failures=${store.stats.serializationFailures} deadlocks=${store.stats.deadlocks} ` +
        `attempts_per_s=${Math.round(attemptCount / seconds)}`,
    );
    return { acked, account, violations, checks, audit, stats: store.stats };
  } finally {
    await store.close();
    await scratch.dispose();
  }
}

forEachDriver("ledger under concurrency", () => {
  it(`${clients} clients, ${attempts} reservation attempts, audit lock on: invariant holds, balances exact`, async () => {
    const { acked, account, violations, checks, audit, stats } = await hammer(true, clients, attempts, 7);
    expect(checks).toBeGreaterThan(0);
    expect(violations).toBe(0);
    expect(acked.ok + acked.refused).toBe(attempts);
    expect(acked.refused).toBeGreaterThan(0);
    expect(account).toMatchObject({ usPosted: 40n, cnPending: 0n, cnPosted: acked.posted, blocked: false });
    expect(audit.ok && audit.count).toBe(1 + 2 * acked.ok);
    expect(stats.retriesExhausted).toBe(0);
  });

  it("16 clients without the audit lock: conflicts are retried, never over-allocated", async () => {
    const { acked, account, violations, audit, stats } = await hammer(false, 16, 2000, 11);
    expect(violations).toBe(0);
    expect(stats.serializationFailures + stats.deadlocks).toBeGreaterThan(0);
    expect(stats.retriesExhausted).toBe(0);
    expect(account).toMatchObject({ usPosted: 40n, cnPending: 0n, cnPosted: acked.posted });
    expect(audit.ok && audit.count).toBe(1 + 2 * acked.ok);
  });
}, ["postgres"]);
