// The counterfactual on the demo store, on both drivers: under cap-25 nothing flips (the figures say
// why), under a 20 % cap one approval flips to a hold, on 20 Jan 2026 approvals flip to denials by
// the customs block; with the library as it is, nothing flips (the record replays as decided).
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { SqlStoredDecisionReader } from "../../src/adapters/db/simulation/stored-decisions.ts";
import { loadCatalog, loadRulebooks } from "../../src/adapters/files/reference-data.ts";
import { seedDemo } from "../../src/app/seed/demo.ts";
import { counterfactual } from "../../src/app/simulation/counterfactual.ts";
import { shipmentContextOn } from "../../src/compose.ts";
import { parseRulebook } from "../../src/core/rulebook/load.ts";
import { forEachDriver } from "../support/drivers.ts";

const book = (path: string) =>
  parseRulebook(readFileSync(new URL(`../../${path}`, import.meta.url), "utf8"), path);

forEachDriver("counterfactual on the demo store", (env) => {
  it("lists the decisions that flip under cap-25, a 20 % cap and another day, and why", async () => {
    const store = env.store();
    await seedDemo(shipmentContextOn(store, { clock: () => new Date("2026-02-02T09:00:00Z") }));
    const reader = new SqlStoredDecisionReader(store);
    const library = loadRulebooks();
    const catalog = loadCatalog();

    const same = await counterfactual({
      reader,
      library,
      catalog,
      proposed: [book("rulebooks/us-bis-2026-01-15-case-by-case.yaml")],
    });
    expect(same.examined).toBeGreaterThan(5);
    expect(same.flips).toEqual([]);

    // Under cap-25 the limit is 62,500 units of US 250,000; the largest China total any stored
    // dossier reaches is 50,064 (Tsinghua's lot), so no decision flips: the list is empty.
    const cap25 = await counterfactual({
      reader,
      library,
      catalog,
      proposed: [book("rulebooks/scenarios/cap-25.yaml")],
    });
    expect(cap25.proposed).toEqual([{ id: "scenario-cap-25", version: 1, scenario: true }]);
    expect(cap25.examined).toBe(same.examined);
    expect(cap25.flips).toEqual([]);

    // Under 20 % (limit 50,000) Tsinghua's 64 units on top of 50,000 no longer fit, nor Tencent's
    // second order (approved in the seeded story since issue #13 gave every order state a case).
    const cap20 = await counterfactual({
      reader,
      library,
      catalog,
      proposed: [book("test/simulation/fixtures/cap-20.yaml")],
    });
    expect(cap20.flips.map((f) => [f.orderId, f.purpose, f.before, f.after])).toEqual([
      ["ord-tencent-2", "application", "approve", "hold"],
      ["ord-tsinghua-1", "application", "approve", "hold"],
    ]);
    expect(cap20.flips.find((f) => f.orderId === "ord-tsinghua-1")?.changes).toEqual([
      {
        ruleId: "us-bis-2026.c6-volume-cap",
        before: "pass",
        after: "pending",
        message: "China would reach 50064 units, above 20 % of US 250000 (limit 50000)",
      },
    ]);

    // On 20 Jan 2026 Chinese customs turned H200 back: the approvals flip to denials by that rule.
    const blocked = await counterfactual({ reader, library, catalog, proposed: [], at: "2026-01-20" });
    const approvals = blocked.flips.filter((f) => f.before === "approve");
    expect(approvals.length).toBeGreaterThan(0);
    for (const flip of approvals) {
      expect(flip.after).toBe("deny");
      expect(flip.decidingRuleIdsAfter).toContain("cn-customs-2026-01-14.h200-entry-block");
      expect(flip.changes).toContainEqual(
        expect.objectContaining({
          ruleId: "cn-customs-2026-01-14.h200-entry-block",
          before: null,
          after: "fail",
        }),
      );
    }
  });
});
