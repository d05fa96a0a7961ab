// The demo's custody story on the seeded store: sites, landmarks, a keyed and installed fleet whose
// last range answers from near Singapore, and the alerts it raises (and only those).
import { expect, it } from "vitest";
import { verifyAudit } from "../../src/adapters/db/audit.ts";
import { sqlCustodyStore } from "../../src/adapters/db/custody/store.ts";
import { seedCustodyDemo } from "../../src/app/custody/seed-custody.ts";
import { seedDemo } from "../../src/app/seed/demo.ts";
import { custodyRules, shipmentContextOn } from "../../src/compose.ts";
import { forEachDriver } from "../support/drivers.ts";

forEachDriver(
  "custody demo seed",
  (env) => {
    it("installs the fleet across three sites and raises an alert for each chip near Singapore", {
      timeout: 240_000,
    }, async () => {
      const store = env.store();
      const clock = () => new Date("2026-02-02T09:00:00Z");
      await seedDemo(shipmentContextOn(store, { clock }));
      const seeded = await seedCustodyDemo(sqlCustodyStore(store), clock, custodyRules, 60, 6);
      expect(seeded.ingest).toEqual({ accepted: 60 });
      const { rows } = await store.query<{ kind: string; n: bigint }>(
        "SELECT kind, count(*) AS n FROM custody_alerts GROUP BY kind",
      );
      expect(Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)]))).toEqual({
        location_inconsistent: 6,
      });
      const verdicts = await store.query<{ last_verdict: string; n: bigint }>(
        "SELECT last_verdict, count(*) AS n FROM serials WHERE last_verdict IS NOT NULL GROUP BY last_verdict",
      );
      expect(Object.fromEntries(verdicts.rows.map((r) => [r.last_verdict, Number(r.n)]))).toEqual({
        verified: 54,
        inconsistent: 6,
      });
      expect(await verifyAudit(store)).toMatchObject({ ok: true });
    });
  },
  ["pglite"],
);
