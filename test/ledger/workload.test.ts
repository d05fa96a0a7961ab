// The SQL ledger against the reference model, operation by operation, on both drivers, under three
// policies (cumulative units per product, calendar-quarter TPP for all products, rolling 7 days).
import { expect, it } from "vitest";
import { SqlLedger } from "../../src/adapters/db/ledger/sql-ledger.ts";
import type { CapPolicy } from "../../src/core/ledger/cap-policy.ts";
import { forEachDriver } from "../support/drivers.ts";
import { fakeClock, runWorkload } from "../support/workload.ts";

const seed = Number(process.env.LEDGER_SEED ?? Math.floor(Math.random() * 2 ** 31));
const steps = Number(process.env.LEDGER_STEPS ?? 250);

const policies: { name: string; prefix: string; accountPrefix: string; policy: CapPolicy }[] = [
  {
    name: "cumulative units per product",
    prefix: "w0",
    accountPrefix: "units/product:w0-",
    policy: {
      ratioPercent: 50,
      measure: "units",
      scope: "product",
      window: { kind: "cumulative", since: "2026-01-15" },
    },
  },
  {
    name: "calendar quarter, TPP, all products",
    prefix: "w1",
    accountPrefix: "tpp/all/",
    policy: { ratioPercent: 50, measure: "tpp", scope: "all", window: { kind: "calendar-quarter" } },
  },
  {
    name: "rolling 7 days, units per product",
    prefix: "w2",
    accountPrefix: "units/product:w2-",
    policy: { ratioPercent: 25, measure: "units", scope: "product", window: { kind: "rolling", days: 7 } },
  },
];

forEachDriver("ledger vs reference model", (env) => {
  for (const [index, { name, prefix, accountPrefix, policy }] of policies.entries()) {
    it(`${name} (seed ${seed + index})`, async () => {
      const clock = fakeClock("2026-03-20T08:00:00Z");
      const ledger = new SqlLedger(env.store(), clock.now);
      const { ops } = await runWorkload({
        ledger,
        clock,
        policy,
        prefix,
        accountPrefix,
        seed: seed + index,
        steps,
      });
      // The workload must reach the interesting outcomes, not only refusals.
      if (process.env.LEDGER_VERBOSE) console.log(env.driver, name, ops);
      expect(ops["reserve:ok"] ?? 0).toBeGreaterThan(0);
      expect(ops["us_post:ok"] ?? 0).toBeGreaterThan(0);
    });
  }
});
