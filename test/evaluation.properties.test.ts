// Property tests of evaluation over generated dossiers: variations of the approvable lot with
// pieces of evidence removed, figures changed, other products and dates, and scenarios.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Dossier } from "../src/core/dossier/schema.ts";
import { approvable, sharedEvaluator as evaluator } from "./support/dossiers.ts";

const evidenceKeys = ["labCertificate", "dutyEntry", "payment", "cnImportApproval"] as const;
const products = [
  "nvidia-h200-sxm",
  "nvidia-h200-nvl",
  "nvidia-b200",
  "amd-mi325x",
  "nvidia-h20",
  "huawei-ascend-910b",
];
const scenarioIds = [
  "scenario-cap-25",
  "scenario-safe-chips-act",
  "scenario-gain-ai-act",
  "scenario-h20-revenue-share-15",
  "scenario-domestic-ratio-1-to-1",
  "scenario-exporter-collateral",
];
const dayMs = 86_400_000;
const dateArb = fc
  .integer({ min: 0, max: 120 })
  .map((d) => new Date(Date.parse("2025-12-01") + d * dayMs).toISOString().slice(0, 10));

const variationArb = fc.record({
  product: fc.constantFrom(...products),
  quantity: fc.integer({ min: 1, max: 200_000 }),
  removed: fc.subarray([...evidenceKeys]),
  dropCertifications: fc.boolean(),
  dropScreening: fc.boolean(),
  usPosted: fc.bigInt({ min: 0n, max: 1_000_000n }),
  cnPosted: fc.bigInt({ min: 0n, max: 500_000n }),
  destination: fc.constantFrom("CN", "CN", "MO", "SG", "DE"),
  exportFrom: fc.constantFrom("US", "US", "TW"),
  sector: fc.constantFrom("cloud-provider", "military", "university", "state-owned-enterprise"),
  at: dateArb,
  scenarios: fc.subarray(scenarioIds, { maxLength: 2 }),
});
type Variation = typeof variationArb extends fc.Arbitrary<infer T> ? T : never;

function build(v: Variation): Dossier {
  const dossier = approvable();
  dossier.product = { id: v.product };
  dossier.quantityUnits = v.quantity;
  dossier.route = { ...dossier.route, destination: v.destination, exportFrom: v.exportFrom };
  dossier.parties.endUser.sector = v.sector as Dossier["parties"]["endUser"]["sector"] & string;
  dossier.ledger = { window: "w", units: { usPosted: v.usPosted, cnPending: 0n, cnPosted: v.cnPosted } };
  for (const key of v.removed) delete dossier.evidence[key];
  if (v.dropCertifications) dossier.parties.consignee.certifications = [];
  if (v.dropScreening) delete dossier.screening;
  return dossier;
}

describe("evaluation properties", () => {
  it("writes a decision's JSON from its rule set's pieces as JSON.stringify writes it, to the byte", () => {
    let held = 0;
    fc.assert(
      fc.property(variationArb, (v) => {
        const { decision, json } = evaluator.evaluateWithJson(build(v), v.at, v.scenarios);
        expect(json).toBe(JSON.stringify(decision));
        if (decision.decision !== "approve") held += 1;
      }),
      { numRuns: 1000 },
    );
    expect(held).toBeGreaterThan(100);
  });

  it("same input, same decision and same hash", () => {
    fc.assert(
      fc.property(variationArb, (v) => {
        const first = evaluator.evaluate(build(v), v.at, v.scenarios);
        const second = evaluator.evaluate(build(v), v.at, v.scenarios);
        expect(second).toEqual(first);
      }),
      { numRuns: 300 },
    );
  });

  it("a fail never yields approve, and the decision follows the truth table", () => {
    fc.assert(
      fc.property(variationArb, (v) => {
        const decision = evaluator.evaluate(build(v), v.at, v.scenarios);
        const statuses = new Set(decision.findings.map((f) => f.status));
        if (statuses.has("fail")) expect(decision.decision).toBe("deny");
        else if (statuses.has("pending")) expect(decision.decision).toBe("hold");
        else expect(decision.decision).toBe("approve");
      }),
      { numRuns: 500 },
    );
  });

  it("supplying a missing piece of evidence never turns hold into deny", () => {
    const complete = approvable();
    let checked = 0;
    fc.assert(
      fc.property(variationArb, fc.constantFrom(...evidenceKeys), (v, key) => {
        // Evidence is supplied as it should be: for this product, lot and consignee.
        const variation = { ...v, product: "nvidia-h200-sxm", removed: [...new Set([...v.removed, key])] };
        const without = build(variation);
        const before = evaluator.evaluate(without, v.at, v.scenarios);
        fc.pre(before.decision === "hold");
        const supplied = structuredClone(without);
        const evidence = structuredClone(complete.evidence[key]);
        if (key === "cnImportApproval" && evidence && "approvedUnits" in evidence) {
          evidence.approvedUnits = evidence.usedUnits + supplied.quantityUnits;
        }
        if (key === "payment" && evidence && "paidCents" in evidence)
          evidence.paidCents = supplied.valueCents;
        Object.assign(supplied.evidence, { [key]: evidence });
        expect(evaluator.evaluate(supplied, v.at, v.scenarios).decision).not.toBe("deny");
        checked += 1;
      }),
      { numRuns: 300 },
    );
    // The property must not hold vacuously: most generated cases reach the assertion.
    expect(checked).toBeGreaterThan(100);
  });
});
