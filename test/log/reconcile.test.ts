// `sluice audit reconcile` on both drivers (issue #15 item 6): the seeded demo store, with a batch
// import and a reversal on top, reconciles clean; hand-made changes to the tables (an account's
// balance, a shipment's status, a deleted reservation) are each named with table, key and column.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sqlReconcileSource } from "../../src/adapters/db/log/reconcile.ts";
import { reconcileLog } from "../../src/app/log/reconcile.ts";
import { seedDemo } from "../../src/app/seed/demo.ts";
import { shipmentContextOn } from "../../src/compose.ts";
import { accountIdsFor, capPolicyDefault } from "../../src/core/ledger/cap-policy.ts";
import { type Api, startApi } from "../http/support.ts";
import { runCliInProcess } from "../support/cli.ts";
import { forEachDriver } from "../support/drivers.ts";

forEachDriver("audit reconcile", (env) => {
  const reconcile = () => reconcileLog(sqlReconcileSource(env.store()));
  let api: Api | undefined;
  afterAll(async () => api?.server.close());
  const cli = (...args: string[]) => {
    if (!api) throw new Error("api not started");
    return runCliInProcess([
      "--server",
      api.server.url,
      "--token",
      api.tokens.auditor,
      "audit",
      "reconcile",
      ...args,
    ]);
  };

  /** The command on the local store (no server), in this process with the test store's environment. */
  const local = async (...args: string[]) => {
    const saved = { ...process.env };
    Object.assign(process.env, env.config().env);
    try {
      return await runCliInProcess(["audit", "reconcile", ...args]);
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  };

  beforeAll(async () => {
    const context = shipmentContextOn(env.store(), { clock: () => new Date("2026-02-02T09:00:00Z") });
    await seedDemo(context);
    // A batch import (one entry for many rows), a reversal, and a 12,000-unit reservation shipped
    // (posted) and another voided on top of the story: all must replay.
    const rows = [1, 2, 3].map((n) => {
      const input = {
        id: `us-batch-${n}`,
        productId: "nvidia-h200-sxm",
        units: BigInt(n * 10_000),
        shippedOn: `2026-02-0${n}`,
      };
      const accountIds = accountIdsFor(capPolicyDefault, input.productId, input.shippedOn) ?? [];
      return { ...input, amount: input.units, accountIds };
    });
    await context.ledger.usPostBatch(capPolicyDefault, rows, "batch-1");
    const reversed = await context.ledger.usReverse({ id: "rev-1", postingId: "us-batch-2", units: 50n });
    expect(reversed.status).toBe("ok");
    const reserve = (id: string) =>
      context.ledger.reserve(capPolicyDefault, {
        id,
        productId: "nvidia-h200-sxm",
        units: 12_000n,
        holdMs: 86_400_000,
      });
    expect((await reserve("res-big")).status).toBe("ok");
    expect((await context.ledger.post("res-big")).status).toBe("ok");
    expect((await reserve("res-void")).status).toBe("ok");
    expect((await context.ledger.void("res-void")).status).toBe("ok");
    api = await startApi(env.store(), `reconcile-${env.driver}`);
  });

  it("the seeded demo store reconciles clean", async () => {
    const report = await reconcile();
    expect(report.differences).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.counts.shipments).toBe(5);
    expect(report.counts.reservations).toBeGreaterThan(0);
    expect(report.counts.accounts).toBeGreaterThan(0);
    const printed = await cli();
    expect(printed.code).toBe(0);
    expect(printed.stdout).toMatch(
      /^reconcile ok: \d+ entries replayed; \d+ accounts, \d+ reservations, 5 shipments/,
    );
  });

  it("the route answers the auditor, the regulator and admin, and refuses the exporter", async () => {
    if (!api) throw new Error("api not started");
    for (const role of ["auditor", "us-regulator", "admin"] as const) {
      const answer = await api.request("/v1/audit/reconcile", { token: api.tokens[role] });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toMatchObject({ ok: true, differences: [] });
    }
    expect((await api.request("/v1/audit/reconcile", { token: api.tokens.exporter })).status).toBe(403);
    expect((await api.request("/v1/audit/reconcile", { token: null })).status).toBe(401);
  });

  describe("hand-made changes are named", () => {
    it("UPDATE ledger_accounts SET cn_posted = cn_posted - 10000", async () => {
      const store = env.store();
      const { rows } = await store.query<{ id: string; cn_posted: bigint }>(
        "SELECT id, cn_posted FROM ledger_accounts WHERE cn_posted >= 10000 ORDER BY id LIMIT 1",
      );
      const account = rows[0];
      if (!account) throw new Error("the seed posts no account with 10,000 units");
      await store.query("UPDATE ledger_accounts SET cn_posted = cn_posted - 10000 WHERE id = $1", [
        account.id,
      ]);
      const report = await reconcile();
      expect(report.ok).toBe(false);
      expect(report.differences).toEqual([
        {
          table: "ledger_accounts",
          key: account.id,
          column: "cn_posted",
          expected: String(account.cn_posted),
          actual: String(BigInt(account.cn_posted) - 10000n),
        },
      ]);
      await store.query("UPDATE ledger_accounts SET cn_posted = cn_posted + 10000 WHERE id = $1", [
        account.id,
      ]);
      expect((await reconcile()).ok).toBe(true);
    });

    it("a shipment's status changed by hand", async () => {
      const store = env.store();
      await store.query("UPDATE shipments SET status = 'shipped' WHERE id = 'ord-tencent-1-s1'");
      const report = await reconcile();
      expect(report.differences).toEqual([
        {
          table: "shipments",
          key: "ord-tencent-1-s1",
          column: "status",
          expected: "released",
          actual: "shipped",
        },
      ]);
      await store.query("UPDATE shipments SET status = 'released' WHERE id = 'ord-tencent-1-s1'");
    });

    it("a deleted reservation row", async () => {
      const store = env.store();
      const { rows } = await store.query<{ id: string }>(
        'SELECT id FROM ledger_reservations ORDER BY id COLLATE "C" LIMIT 1',
      );
      const id = rows[0]?.id;
      if (!id) throw new Error("the seed makes no reservation");
      await store.query("DELETE FROM ledger_reservations WHERE id = $1", [id]);
      const report = await reconcile();
      expect(report.differences).toEqual([
        { table: "ledger_reservations", key: id, column: "id", expected: id, actual: null },
      ]);
      // The local command opens the store itself: on PostgreSQL beside this test's pool (an embedded
      // PGlite directory is held by this process, so there the remote path above covers the CLI).
      if (env.driver === "postgres") {
        const printed = await local("--json");
        expect(printed.code).toBe(3);
        expect(JSON.parse(printed.stdout)).toMatchObject({
          ok: false,
          differences: [{ table: "ledger_reservations", key: id, column: "id", expected: id, actual: null }],
        });
      }
    });
  });
});
