// The SQL ledger on both drivers: bad input and refusals change nothing (rows and audit head), a
// US reversal that breaks the cap blocks and alerts without rewriting the past, bulk import is
// validated first (line numbers) and idempotent, and tampering with the audit log is located.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { importUsShipmentsText } from "../../src/adapters/cli/commands/us-shipments-import.ts";
import { catalogProducts } from "../../src/adapters/cli/ledger-context.ts";
import { auditHead, readAudit, verifyAudit } from "../../src/adapters/db/audit.ts";
import { SqlLedger } from "../../src/adapters/db/ledger/sql-ledger.ts";
import type { Store } from "../../src/adapters/db/store.ts";
import { loadCatalog } from "../../src/adapters/files/reference-data.ts";
import { SluiceError } from "../../src/core/errors.ts";
import type { CapPolicy } from "../../src/core/ledger/cap-policy.ts";
import { forEachDriver } from "../support/drivers.ts";
import { fakeClock } from "../support/workload.ts";

/** The shipped catalog's products with their TPP per unit (the import's product check). */
const products = catalogProducts(loadCatalog());

const policy: CapPolicy = {
  ratioPercent: 50,
  measure: "units",
  scope: "product",
  window: { kind: "cumulative", since: "2026-01-15" },
};
const h200 = "nvidia-h200-sxm";
const dayMs = 86_400_000;

async function snapshot(store: Store) {
  const { rows } = await store.query<Record<string, bigint>>(
    `SELECT (SELECT count(*) FROM ledger_accounts) AS accounts, (SELECT count(*) FROM ledger_reservations) AS reservations,
            (SELECT count(*) FROM ledger_us_postings) AS postings, (SELECT count(*) FROM ledger_movements) AS movements,
            (SELECT coalesce(sum(us_posted), 0) FROM ledger_accounts) AS us, (SELECT coalesce(sum(cn_pending + cn_posted), 0) FROM ledger_accounts) AS cn`,
  );
  return { ...rows[0], head: await auditHead(store) };
}

forEachDriver("ledger over SQL", (env) => {
  const clock = fakeClock("2026-02-10T12:00:00Z");
  const ledger = () => new SqlLedger(env.store(), clock.now);

  it("records, refuses at the cap boundary, and changes nothing on bad input or refusal", async () => {
    const l = ledger();
    expect(
      (await l.usPost(policy, { id: "b-u1", productId: "p-bad", units: 10n, shippedOn: "2026-02-01" }))
        .status,
    ).toBe("ok");
    expect(
      (await l.reserve(policy, { id: "b-r1", productId: "p-bad", units: 5n, holdMs: dayMs })).status,
    ).toBe("ok");
    const before = await snapshot(env.store());
    const refusals = [
      await l.reserve(policy, { id: "b-r2", productId: "p-bad", units: -4n, holdMs: dayMs }),
      await l.reserve(policy, { id: "b-r2", productId: "p-bad", units: 1n, holdMs: dayMs }),
      await l.reserve(policy, { id: "b-r2", productId: "p-unknown", units: 1n, holdMs: dayMs }),
      await l.reserve(policy, { id: "b-r1", productId: "p-bad", units: 6n, holdMs: dayMs }),
      await l.usPost(policy, { id: "b-u1", productId: "p-bad", units: 11n, shippedOn: "2026-02-01" }),
      await l.usPost(policy, { id: "b-u2", productId: "p-bad", units: 0n, shippedOn: "2026-02-01" }),
      await l.usPost(policy, { id: "b-u2", productId: "p-bad", units: 1n, shippedOn: "2026-02-30" }),
      await l.usReverse({ id: "b-v1", postingId: "b-u1", units: 11n }),
      await l.post("b-missing"),
    ];
    expect(refusals.map((r) => r.status)).toEqual([
      "units_must_be_positive",
      "exceeds_cap",
      "account_not_found",
      "exists_with_different_units",
      "exists_with_different_units",
      "units_must_be_positive",
      "shipped_on_invalid",
      "exceeds_posting",
      "reservation_not_found",
    ]);
    expect(await snapshot(env.store())).toEqual(before);
    expect(
      (await l.reserve(policy, { id: "b-r1", productId: "p-bad", units: 5n, holdMs: dayMs })).status,
    ).toBe("exists");
    expect((await l.void("b-r1")).status).toBe("ok");
    const afterVoid = await snapshot(env.store());
    expect((await l.post("b-r1")).status).toBe("already_voided");
    expect(await snapshot(env.store())).toEqual(afterVoid);
  });

  it("blocks on a US reversal that breaks the cap, raises an alert, keeps the past, unblocks on headroom", async () => {
    const l = ledger();
    await l.usPost(policy, { id: "v-u1", productId: "p-rev", units: 10n, shippedOn: "2026-02-01" });
    expect(
      (await l.reserve(policy, { id: "v-r1", productId: "p-rev", units: 5n, holdMs: dayMs })).status,
    ).toBe("ok");
    expect((await l.post("v-r1")).status).toBe("ok");
    const reversal = await l.usReverse({ id: "v-v1", postingId: "v-u1", units: 4n, reason: "returned" });
    expect(reversal.status).toBe("ok");
    expect(reversal.alerts.map((a) => a.kind)).toEqual(["cap_breached_by_us_reversal"]);
    const [blocked] = await l.accounts("units/product:p-rev/");
    expect(blocked).toMatchObject({ usPosted: 6n, cnPosted: 5n, blocked: true, blockedCnMax: 5n });
    expect(
      (await l.reserve(policy, { id: "v-r2", productId: "p-rev", units: 1n, holdMs: dayMs })).status,
    ).toBe("reservations_blocked");
    // The CHECK constraint refuses any write that grows China's total while blocked.
    await expect(
      env
        .store()
        .query("UPDATE ledger_accounts SET cn_pending = cn_pending + 1 WHERE id = $1", [blocked?.id]),
    ).rejects.toThrow(/ledger_accounts_cap/);
    await l.usPost(policy, { id: "v-u2", productId: "p-rev", units: 4n, shippedOn: "2026-02-02" });
    const [reopened] = await l.accounts("units/product:p-rev/");
    expect(reopened).toMatchObject({ usPosted: 10n, blocked: false, blockedCnMax: null });
    expect((await l.alerts()).filter((a) => a.id.startsWith("v-v1"))).toHaveLength(1);
    expect((await verifyAudit(env.store())).ok).toBe(true);
  });

  it("imports US shipments: whole file validated first, line numbers, idempotent re-run", async () => {
    const l = ledger();
    const good = [
      "id,product_id,quantity_units,shipped_on,customer",
      `i-1,${h200},10,2026-02-01,acme`,
      `i-2,${h200},20,2026-02-02,`,
    ];
    const bad = [
      ...good,
      `i-3,${h200},-5,2026-02-03,x`,
      `i-4,no-such-chip,1,2026-02-03,x`,
      `i-5,${h200},1,2026-02-03`,
    ];
    const before = await snapshot(env.store());
    const error = await importUsShipmentsText(l, policy, bad.join("\n"), "bad.csv", {
      products,
      batchRows: 1,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(SluiceError);
    expect((error as SluiceError).message).toMatch(
      /3 bad lines, nothing imported \(line 4: .*must be positive; line 5: unknown product .*; line 6: expected 5 fields, found 4\)/,
    );
    expect(await snapshot(env.store())).toEqual(before);
    const skipped = await importUsShipmentsText(l, policy, bad.join("\n"), "bad.csv", {
      products,
      batchRows: 1,
      skipBadLines: true,
    });
    expect(skipped).toMatchObject({ posted: 2, existing: 0 });
    expect(skipped.skipped.map((b) => b.line)).toEqual([4, 5, 6]);
    expect(
      await importUsShipmentsText(l, policy, good.join("\n"), "good.csv", { products, batchRows: 5000 }),
    ).toMatchObject({
      posted: 0,
      existing: 2,
    });
    const changed = ["id,product_id,quantity_units,shipped_on", `i-2,${h200},21,2026-02-02`];
    await expect(
      importUsShipmentsText(l, policy, changed.join("\n"), "changed.csv", { products, batchRows: 10 }),
    ).rejects.toThrow(/line 2: id `i-2` exists with different units/);
    const [account] = await l.accounts(`units/product:${h200}/`);
    expect(account?.usPosted).toBe(30n);
  });

  it("imports awkward customers intact and audits each batch by count and row digest", async () => {
    const l = ledger();
    const csv = [
      "id,product_id,quantity_units,shipped_on,customer",
      `d-2,${h200},3,2026-02-05,"tab\there, back\\slash"`,
      `d-1,${h200},4,2026-02-04,"two\nlines"`,
      `d-3,${h200},5,2026-02-06,`,
    ].join("\n");
    expect(await importUsShipmentsText(l, policy, csv, "d.csv", { products, batchRows: 5000 })).toMatchObject(
      {
        posted: 3,
        existing: 0,
      },
    );
    const { rows } = await env
      .store()
      .query<{ id: string; customer: string | null }>(
        "SELECT id, customer FROM ledger_us_postings WHERE id LIKE 'd-%' ORDER BY id",
      );
    expect(rows).toEqual([
      { id: "d-1", customer: "two\nlines" },
      { id: "d-2", customer: "tab\there, back\\slash" },
      { id: "d-3", customer: null },
    ]);
    const entry = (await readAudit(env.store())).at(-1);
    const lines = [
      `d-1\t${h200}\t4\t2026-02-04\ttwo\nlines\t4\n`,
      `d-2\t${h200}\t3\t2026-02-05\ttab\there, back\\slash\t3\n`,
      `d-3\t${h200}\t5\t2026-02-06\t\t5\n`,
    ];
    expect(entry?.kind).toBe("ledger.us_post_batch");
    expect(entry?.payload).toMatchObject({
      posted: 3,
      rowsSha256: createHash("sha256").update(lines.join("")).digest("hex"),
    });
    expect((await verifyAudit(env.store())).ok).toBe(true);
    const headBefore = await auditHead(env.store());
    expect(await importUsShipmentsText(l, policy, csv, "d.csv", { products, batchRows: 2 })).toMatchObject({
      posted: 0,
      existing: 3,
    });
    expect(await auditHead(env.store())).toEqual(headBefore);
  });

  describe("audit tampering, located by `verify`", () => {
    const tamper = async (sql: string) => {
      const store = env.store();
      await store.transaction((tx) => tx.query(sql), { isolation: "read committed" });
    };
    it("detects a changed, a removed, an inserted and reordered entries", async () => {
      const l = ledger();
      for (let i = 0; i < 6; i++) {
        await l.usPost(policy, { id: `t-u${i}`, productId: "p-tamper", units: 1n, shippedOn: "2026-02-01" });
      }
      const store = env.store();
      const ok = await verifyAudit(store);
      expect(ok.ok).toBe(true);
      const n = ok.ok ? ok.count : 0;
      const saved = await store.query("SELECT * FROM audit_log ORDER BY seq");
      const restore = async () => {
        await tamper("DELETE FROM audit_log");
        for (const row of saved.rows as Record<string, unknown>[]) {
          await store.query(
            "INSERT INTO audit_log (seq, at, kind, payload, prev_hash, hash, actor) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            [
              row.seq,
              row.at,
              row.kind,
              JSON.stringify(row.payload),
              row.prev_hash,
              row.hash,
              JSON.stringify(row.actor),
            ],
          );
        }
        expect((await verifyAudit(store)).ok).toBe(true);
      };
      await tamper(
        `UPDATE audit_log SET payload = jsonb_set(payload, '{units}', '"999"') WHERE seq = ${n - 3}`,
      );
      expect(await verifyAudit(store)).toMatchObject({ ok: false, position: n - 3, reason: "changed" });
      await restore();
      await tamper(`DELETE FROM audit_log WHERE seq = ${n - 2}`);
      expect(await verifyAudit(store)).toMatchObject({ ok: false, position: n - 2, reason: "removed" });
      await restore();
      await tamper(`UPDATE audit_log SET seq = seq + 1000 WHERE seq >= ${n - 2}`);
      await tamper(`UPDATE audit_log SET seq = seq - 999 WHERE seq >= 1000`);
      await tamper(
        `INSERT INTO audit_log SELECT ${n - 2}, at, kind, payload, hash, repeat('a', 64), actor FROM audit_log WHERE seq = ${n - 3}`,
      );
      expect(await verifyAudit(store)).toMatchObject({ ok: false, position: n - 2, reason: "inserted" });
      await restore();
      await tamper(`UPDATE audit_log SET seq = -seq WHERE seq IN (${n - 1}, ${n})`);
      await tamper(
        `UPDATE audit_log SET seq = CASE seq WHEN ${-(n - 1)} THEN ${n} ELSE ${n - 1} END WHERE seq < 0`,
      );
      expect(await verifyAudit(store)).toMatchObject({ ok: false, position: n - 1, reason: "reordered" });
      await restore();
      await tamper(`DELETE FROM audit_log WHERE seq = ${n}`);
      expect(await verifyAudit(store)).toMatchObject({ ok: false, reason: "head_mismatch" });
      await restore();
    });
  });
});
