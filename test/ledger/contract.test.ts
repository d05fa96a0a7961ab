// The CapLedger contract, one suite run against the in-memory ledger and against SqlLedger on both
// store drivers: the same operations give the same statuses and leave the same accounts, for the
// cap boundary, idempotent replays, settlement, expiry, rolling windows and a US reversal that
// breaks the cap (blocked, alert raised, past kept). Ids are unique per run so blocks never collide.
import { describe, expect, it } from "vitest";
import { SqlLedger } from "../../src/adapters/db/ledger/sql-ledger.ts";
import { InMemoryLedger } from "../../src/app/ledger/in-memory.ts";
import type { CapLedger } from "../../src/app/ledger/ports.ts";
import type { CapPolicy } from "../../src/core/ledger/cap-policy.ts";
import { forEachDriver } from "../support/drivers.ts";
import { type FakeClock, fakeClock } from "../support/workload.ts";

const dayMs = 86_400_000;
const cumulative: CapPolicy = {
  ratioPercent: 50,
  measure: "units",
  scope: "product",
  window: { kind: "cumulative", since: "2026-01-15" },
};
const rolling: CapPolicy = { ...cumulative, window: { kind: "rolling", days: 3 } };
const tpp: CapPolicy = { ...cumulative, measure: "tpp" };

const summary = (accounts: Awaited<ReturnType<CapLedger["accounts"]>>) =>
  accounts.map((a) => ({
    id: a.id,
    us: a.usPosted,
    cn: a.cnPending + a.cnPosted,
    posted: a.cnPosted,
    blocked: a.blocked,
    enforced: a.enforced,
  }));

function contract(name: string, make: (clock: FakeClock) => CapLedger): void {
  describe(`CapLedger contract: ${name}`, () => {
    it("allows China up to the ratio of US and refuses one unit more; replays are idempotent", async () => {
      const clock = fakeClock("2026-02-10T12:00:00Z");
      const ledger = make(clock);
      const p = "c-cap";
      expect(
        (await ledger.usPost(cumulative, { id: "c-u1", productId: p, units: 10n, shippedOn: "2026-02-01" }))
          .status,
      ).toBe("ok");
      expect(
        (await ledger.usPost(cumulative, { id: "c-u1", productId: p, units: 10n, shippedOn: "2026-02-01" }))
          .status,
      ).toBe("exists");
      expect(
        (await ledger.usPost(cumulative, { id: "c-u1", productId: p, units: 11n, shippedOn: "2026-02-01" }))
          .status,
      ).toBe("exists_with_different_units");
      expect(
        (await ledger.usPost(cumulative, { id: "c-u0", productId: p, units: 1n, shippedOn: "2026-01-01" }))
          .status,
      ).toBe("outside_window");
      expect(
        (await ledger.reserve(cumulative, { id: "c-r1", productId: p, units: 5n, holdMs: dayMs })).status,
      ).toBe("ok");
      expect(
        (await ledger.reserve(cumulative, { id: "c-r2", productId: p, units: 1n, holdMs: dayMs })).status,
      ).toBe("exceeds_cap");
      expect(
        (await ledger.reserve(cumulative, { id: "c-r1", productId: p, units: 5n, holdMs: dayMs })).status,
      ).toBe("exists");
      expect(
        (await ledger.reserve(cumulative, { id: "c-r1", productId: p, units: 4n, holdMs: dayMs })).status,
      ).toBe("exists_with_different_units");
      expect(
        (await ledger.reserve(cumulative, { id: "c-r3", productId: "c-none", units: 1n, holdMs: dayMs }))
          .status,
      ).toBe("account_not_found");
      expect(
        (await ledger.reserve(cumulative, { id: "c-r4", productId: p, units: 0n, holdMs: dayMs })).status,
      ).toBe("units_must_be_positive");
      expect(
        (
          await ledger.reserve(
            { ...cumulative, ratioPercent: 25 },
            { id: "c-r5", productId: p, units: 1n, holdMs: dayMs },
          )
        ).status,
      ).toBe("policy_ratio_differs");
      expect((await ledger.reserve(tpp, { id: "c-r6", productId: p, units: 1n, holdMs: dayMs })).status).toBe(
        "tpp_per_unit_required",
      );
      expect(summary(await ledger.accounts("units/product:c-cap"))).toEqual([
        {
          id: "units/product:c-cap/since:2026-01-15",
          us: 10n,
          cn: 5n,
          posted: 0n,
          blocked: false,
          enforced: true,
        },
      ]);
    });

    it("posts, voids and expires reservations; a settled one cannot be settled again", async () => {
      const clock = fakeClock("2026-02-10T12:00:00Z");
      const ledger = make(clock);
      const p = "c-settle";
      await ledger.usPost(cumulative, { id: "s-u1", productId: p, units: 100n, shippedOn: "2026-02-01" });
      for (const id of ["s-r1", "s-r2", "s-r3"])
        expect(
          (await ledger.reserve(cumulative, { id, productId: p, units: 10n, holdMs: dayMs })).status,
        ).toBe("ok");
      expect((await ledger.post("s-r1")).status).toBe("ok");
      expect((await ledger.post("s-r1")).status).toBe("already_posted");
      expect((await ledger.void("s-r2")).status).toBe("ok");
      expect((await ledger.post("s-r2")).status).toBe("already_voided");
      expect((await ledger.post("s-none")).status).toBe("reservation_not_found");
      clock.advance(dayMs);
      expect((await ledger.post("s-r3")).status).toBe("reservation_expired");
      // The SQL blocks share one schema across these tests: other tests' pending reservations may expire too.
      const { expired } = await ledger.expire();
      expect(expired.filter((id) => id.startsWith("s-"))).toEqual(["s-r3"]);
      expect((await ledger.void("s-r3")).status).toBe("already_expired");
      expect(summary(await ledger.accounts("units/product:c-settle"))).toEqual([
        {
          id: "units/product:c-settle/since:2026-01-15",
          us: 100n,
          cn: 10n,
          posted: 10n,
          blocked: false,
          enforced: true,
        },
      ]);
    });

    it("keeps a rolling window as one account per end day, enforced from its first reservation", async () => {
      const clock = fakeClock("2026-03-02T12:00:00Z");
      const ledger = make(clock);
      const p = "c-roll";
      expect(
        (await ledger.usPost(rolling, { id: "w-u1", productId: p, units: 4n, shippedOn: "2026-03-01" }))
          .status,
      ).toBe("ok");
      expect(
        (await ledger.reserve(rolling, { id: "w-r1", productId: p, units: 2n, holdMs: dayMs })).status,
      ).toBe("ok");
      expect(
        (await ledger.reserve(rolling, { id: "w-r2", productId: p, units: 1n, holdMs: dayMs })).status,
      ).toBe("exceeds_cap");
      const accounts = summary(await ledger.accounts("units/product:c-roll"));
      expect(accounts.map((a) => a.id)).toEqual([
        "units/product:c-roll/rolling:3d:2026-03-01",
        "units/product:c-roll/rolling:3d:2026-03-02",
        "units/product:c-roll/rolling:3d:2026-03-03",
        "units/product:c-roll/rolling:3d:2026-03-04",
      ]);
      expect(accounts.map((a) => a.enforced)).toEqual([false, true, false, false]);
      expect(accounts.map((a) => a.cn)).toEqual([0n, 2n, 2n, 2n]);
    });

    it("a US reversal that breaks the cap blocks reservations and raises one alert, keeping the past", async () => {
      const clock = fakeClock("2026-02-10T12:00:00Z");
      const ledger = make(clock);
      const p = "c-rev";
      await ledger.usPost(cumulative, { id: "v-u1", productId: p, units: 10n, shippedOn: "2026-02-01" });
      await ledger.reserve(cumulative, { id: "v-r1", productId: p, units: 5n, holdMs: dayMs });
      await ledger.post("v-r1");
      const reversed = await ledger.usReverse({ id: "v-x1", postingId: "v-u1", units: 4n });
      expect(reversed.status).toBe("ok");
      expect(reversed.amount).toBe(4n);
      expect(reversed.alerts.map((a) => [a.id, a.kind])).toEqual([
        ["v-x1:units/product:c-rev/since:2026-01-15", "cap_breached_by_us_reversal"],
      ]);
      expect((await ledger.usReverse({ id: "v-x1", postingId: "v-u1", units: 4n })).status).toBe("exists");
      expect((await ledger.usReverse({ id: "v-x2", postingId: "v-u1", units: 7n })).status).toBe(
        "exceeds_posting",
      );
      expect((await ledger.usReverse({ id: "v-x3", postingId: "v-none", units: 1n })).status).toBe(
        "posting_not_found",
      );
      expect(
        (await ledger.reserve(cumulative, { id: "v-r2", productId: p, units: 1n, holdMs: dayMs })).status,
      ).toBe("reservations_blocked");
      await ledger.usPost(cumulative, { id: "v-u2", productId: p, units: 4n, shippedOn: "2026-02-02" });
      expect(summary(await ledger.accounts("units/product:c-rev"))).toEqual([
        {
          id: "units/product:c-rev/since:2026-01-15",
          us: 10n,
          cn: 5n,
          posted: 5n,
          blocked: false,
          enforced: true,
        },
      ]);
      expect(
        (await ledger.reserve(cumulative, { id: "v-r2", productId: p, units: 1n, holdMs: dayMs })).status,
      ).toBe("exceeds_cap");
    });
  });
}

contract("in memory", (clock) => new InMemoryLedger(clock.now));

forEachDriver("CapLedger contract on SQL", (env) => {
  // Each SQL block has its own fresh schema, so the suite's fixed ids cannot collide across runs.
  contract("SqlLedger", (clock) => new SqlLedger(env.store(), clock.now, { batchReservations: false }));
});
