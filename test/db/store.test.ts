// The store contract: transactions and retries, the data directory lock of the embedded driver,
// migrations racing on one PostgreSQL database, and a heavy embedded query not freezing this process.
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { lockPath } from "../../src/adapters/db/data-dir-lock.ts";
import { listMigrations } from "../../src/adapters/db/migrate.ts";
import { openStore } from "../../src/adapters/db/open.ts";
import { exitCodeByKind, exitCodes, SluiceError } from "../../src/core/errors.ts";
import { createScratch, forEachDriver } from "../support/drivers.ts";

forEachDriver("store contract", (env) => {
  it("commits, rolls back on error, and returns bigints", async () => {
    const store = env.store();
    await store.query("CREATE TABLE IF NOT EXISTS contract_t (id text PRIMARY KEY, n bigint NOT NULL)");
    await store.transaction((tx) => tx.query("INSERT INTO contract_t VALUES ('a', 9007199254740993)"));
    await expect(
      store.transaction(async (tx) => {
        await tx.query("INSERT INTO contract_t VALUES ('b', 1)");
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    const { rows } = await store.query<{ id: string; n: bigint }>("SELECT id, n FROM contract_t ORDER BY id");
    expect(rows).toEqual([{ id: "a", n: 9007199254740993n }]);
  });

  it("has applied every migration exactly once", async () => {
    const { rows } = await env
      .store()
      .query<{ version: string }>("SELECT version FROM schema_migrations ORDER BY version");
    expect(rows.map((r) => r.version)).toEqual(listMigrations().map((m) => m.version));
  });
});

forEachDriver(
  "serializable retries",
  (env) => {
    it("retries a write-skew conflict and counts it", async () => {
      const store = env.store();
      await store.query("CREATE TABLE skew (id int PRIMARY KEY, n int NOT NULL)");
      await store.query("INSERT INTO skew VALUES (1, 0), (2, 0)");
      let bothRead: () => void = () => {};
      const barrier = new Promise<void>((resolve) => {
        let waiting = 2;
        bothRead = () => {
          waiting -= 1;
          if (waiting === 0) resolve();
        };
      });
      const before = store.stats.serializationFailures;
      // Each reads the sum, then writes its own row: serial execution would see the other's write.
      const run = (id: number) =>
        store.transaction(async (tx) => {
          const { rows } = await tx.query<{ s: bigint }>("SELECT sum(n) AS s FROM skew");
          bothRead();
          await barrier;
          await tx.query("UPDATE skew SET n = $2 WHERE id = $1", [id, Number(rows[0]?.s ?? 0n) + 1]);
        });
      await Promise.all([run(1), run(2)]);
      expect(store.stats.serializationFailures - before).toBeGreaterThanOrEqual(1);
      const { rows } = await store.query<{ n: number }>("SELECT n FROM skew ORDER BY id");
      expect(rows.map((r) => r.n).sort()).toEqual([1, 2]);
    });
  },
  ["postgres"],
);

describe("embedded data directory", () => {
  it("is locked: a second opener gets `in use by process N`; a stale lock is taken over", async () => {
    const scratch = await createScratch("pglite");
    const dataDir = scratch.config.dataDir as string;
    try {
      const first = await openStore({ dataDir });
      const refused = await openStore({ dataDir }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(SluiceError);
      expect((refused as SluiceError).message).toMatch(/^data directory `.*`: in use by process \d+$/);
      expect(exitCodeByKind[(refused as SluiceError).kind]).toBe(exitCodes.storeLocked);
      await first.close();
      writeFileSync(
        lockPath(dataDir),
        JSON.stringify({ pid: 2 ** 22 + 12345, parentPid: 1, socket: "", startedAt: "" }),
      );
      const second = await openStore({ dataDir });
      expect((await second.query<{ n: number }>("SELECT 1 AS n")).rows).toEqual([{ n: 1 }]);
      await second.close();
    } finally {
      await scratch.dispose();
    }
  });

  it("runs a heavy query in the child: this process's timers keep firing meanwhile", async () => {
    const scratch = await createScratch("pglite");
    const store = await openStore(scratch.config);
    try {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 5);
      const { rows } = await store.query<{ n: bigint }>(
        "SELECT count(*) AS n FROM generate_series(1, 1500000) a",
      );
      clearInterval(timer);
      expect(rows[0]?.n).toBe(1500000n);
      expect(ticks).toBeGreaterThan(0);
    } finally {
      await store.close();
      await scratch.dispose();
    }
  });
});

forEachDriver("migrations on one PostgreSQL database", () => {
  it("survive four stores migrating at once", async () => {
    const scratch = await createScratch("postgres");
    try {
      const stores = await Promise.all(
        [1, 2, 3, 4].map(() => openStore({ ...scratch.config, poolSizeMax: 2 })),
      );
      const { rows } = await (stores[0] as (typeof stores)[0]).query<{ version: string }>(
        "SELECT version FROM schema_migrations ORDER BY version",
      );
      expect(rows.map((r) => r.version)).toEqual(listMigrations().map((m) => m.version));
      await Promise.all(stores.map((s) => s.close()));
    } finally {
      await scratch.dispose();
    }
  });
}, ["postgres"]);
