import { describe, expect, it } from "vitest";
import { approvable, sharedEvaluator as evaluator } from "../../../test/support/dossiers.ts";
import type { Dossier } from "../dossier/schema.ts";
import type { RuleSet } from "../rulebook/load.ts";
import type { Rule, Rulebook } from "../rulebook/schema.ts";
import { combine, evaluate, noCoverageRuleId, renderTemplate } from "./evaluate.ts";
import { percentOfCents } from "./kinds.ts";
import type { Finding } from "./types.ts";

const at = "2026-02-01";
const decide = (dossier: Dossier, scenarios: string[] = []) => evaluator.evaluate(dossier, at, scenarios);
const finding = (dossier: Dossier, ruleId: string) =>
  decide(dossier).findings.find((f) => f.ruleId === ruleId);

describe("combine: the truth table", () => {
  const f = (status: Finding["status"], ruleId: string = status): Finding =>
    ({ ruleId, status }) as unknown as Finding;
  it.each([
    [[f("fail"), f("pending"), f("pass")], "deny", ["fail"]],
    [[f("pending"), f("pass"), f("not_applicable")], "hold", ["pending"]],
    [[f("pass"), f("not_applicable")], "approve", []],
    [[f("fail", "a"), f("fail", "b")], "deny", ["a", "b"]],
  ] as const)("%j → %s", (findings, decision, deciding) => {
    expect(combine(findings)).toEqual({ decision, decidingRuleIds: deciding });
  });
});

describe("evaluate", () => {
  it("approves the approvable lot with every applicable rule passing and cited", () => {
    const decision = decide(approvable());
    expect(decision.decision).toBe("approve");
    expect(decision.findings.filter((x) => x.status === "pass").length).toBeGreaterThanOrEqual(18);
    expect(decision.rulebooks.map((b) => b.id)).toContain("us-bis-2026-01-15");
    expect(decision.listVersions).toEqual([
      { listId: "ofac-sdn", version: "2021-snapshot" },
      { listId: "bis-entity-list-extract", version: "1" },
    ]);
  });

  it("says which facts a standalone dossier asserts rather than their authority records", () => {
    const dossier = approvable();
    const standalone = decide(dossier);
    const fields = standalone.assertedEvidence?.map((fact) => fact.field) ?? [];
    const claimed = ["labCertificate", "dutyEntry", "cnImportApproval", "payment", "domesticPurchases"];
    expect(fields).toEqual(claimed.filter((field) => (dossier.evidence as Record<string, unknown>)[field]));
    expect(fields).toContain("dutyEntry");
    expect(standalone.assertedEvidence).toContainEqual({
      field: "dutyEntry",
      authority: "US customs (CBP)",
      recordedThrough: "POST /v1/duty-entries, POST /v1/duty-entries/{id}/payments",
    });
    expect(Object.keys(standalone).at(-1)).toBe("assertedEvidence");
    const fromRecords = evaluator.evaluate(dossier, at, [], undefined, "records");
    expect(fromRecords.assertedEvidence).toBeUndefined();
    expect("assertedEvidence" in fromRecords).toBe(false);
    const bare = decide({ ...dossier, evidence: {} } as Dossier);
    expect("assertedEvidence" in bare).toBe(false);
  });

  it("fails closed when a rule cannot be evaluated", () => {
    const broken = {
      id: "broken.rule",
      kind: "threshold",
      summary: "s",
      citation: { source: "t", status: "P" },
      params: { conditions: null },
    };
    const book = {
      id: "broken",
      version: 1,
      jurisdiction: "us-bis",
      scenario: false,
      contentHash: "x",
      rules: [broken],
    } as unknown as Rulebook;
    const ruleSet: RuleSet = {
      at,
      books: [book],
      rules: [{ rule: broken as unknown as Rule, book }],
      digest: "d",
    };
    const product = {
      id: "p",
      name: "p",
      family: null,
      spec: { name: "p", datacenter: true, denseTops: { fp8: 1 }, dramBandwidthGBs: 1 },
      classification: { tpp: 8 },
    };
    const decision = evaluate(
      { dossier: approvable(), dossierDigest: "d", product: product as never, at },
      ruleSet,
    );
    expect(decision.decision).toBe("deny");
    expect(decision.findings[0]).toMatchObject({ ruleId: "broken.rule", status: "fail", error: true });
    expect(decision.findings[0]?.message).toMatch(/could not be evaluated .*failing closed/);
  });

  it("fails closed only the rule that throws, when it sits between rules that run", () => {
    const route = (id: string, params: unknown) =>
      ({
        id,
        kind: "route",
        summary: "s",
        citation: { source: "t", status: "P" },
        params,
      }) as unknown as Rule;
    const rules = [
      route("before", { exportFromAllowed: ["US"] }),
      route("broken", null),
      route("after", { exportFromAllowed: ["US"] }),
    ];
    const book = { id: "b", version: 1, jurisdiction: "us-bis", scenario: false, contentHash: "x", rules };
    const ruleSet: RuleSet = {
      at,
      books: [book as unknown as Rulebook],
      rules: rules.map((rule) => ({ rule, book: book as unknown as Rulebook })),
      digest: "d",
    };
    const dossier = approvable();
    const subject = { dossier, dossierDigest: "d", product: evaluator.productById("nvidia-h200-sxm"), at };
    const decision = evaluate(subject, ruleSet);
    expect(decision.findings.map((f) => [f.ruleId, f.status, f.error])).toEqual([
      ["before", "pass", undefined],
      ["broken", "fail", true],
      ["after", "pass", undefined],
    ]);
    expect(decision.findings[0]?.message).toBe(`exported from ${dossier.route.exportFrom}`);
    expect(decision).toMatchObject({ decision: "deny", decidingRuleIds: ["broken"] });
  });

  it("holds a shipment that no rule covers, with a finding saying so", () => {
    const dossier = approvable();
    dossier.product = {
      spec: { name: "Small NPU", datacenter: false, denseTops: { int8: 100 }, dramBandwidthGBs: 100 },
    };
    dossier.route = { origin: "US", exportFrom: "US", destination: "DE" };
    const decision = decide(dossier);
    expect(decision.decision).toBe("hold");
    expect(decision.decidingRuleIds).toEqual([noCoverageRuleId]);
  });

  it("is deterministic and its input hash changes with the date and the dossier", () => {
    const a = decide(approvable());
    expect(decide(approvable())).toEqual(a);
    expect(evaluator.evaluate(approvable(), "2026-02-02").inputHash).not.toBe(a.inputHash);
    const changed = approvable();
    changed.quantityUnits += 1;
    expect(decide(changed).inputHash).not.toBe(a.inputHash);
  });
});

describe("volume cap", () => {
  const withLedger = (us: bigint, pending: bigint, posted: bigint, quantity = 1000) => {
    const dossier = approvable();
    dossier.quantityUnits = quantity;
    dossier.ledger = { window: "w", units: { usPosted: us, cnPending: pending, cnPosted: posted } };
    if (dossier.evidence.cnImportApproval) dossier.evidence.cnImportApproval.approvedUnits = 1_000_000;
    return dossier;
  };
  const cap = "us-bis-2026.c6-volume-cap";

  it("passes exactly at 50 %", () => {
    expect(finding(withLedger(4000n, 500n, 500n), cap)?.status).toBe("pass");
  });

  it("holds one unit over, sizing the shortfall and the US volume that would free it", () => {
    const over = finding(withLedger(4000n, 500n, 501n), cap);
    expect(over).toMatchObject({ status: "pending", measured: "2001", unit: "units" });
    expect(over?.remedy?.details).toEqual({ shortfall: "1", measure: "units", usVolumeNeeded: "2" });
    expect(over?.remedy?.summary).toBe(
      "cut this lot by 1 units, or wait until 2 more units have shipped to US end users",
    );
  });

  it("holds when there is no ledger view for the measure", () => {
    const dossier = approvable();
    delete dossier.ledger;
    expect(finding(dossier, cap)?.status).toBe("pending");
  });
});

describe("money", () => {
  it("rounds percentages of cents half up", () => {
    expect([percentOfCents(2n, 25), percentOfCents(1n, 50), percentOfCents(3n, 15)]).toEqual([1n, 1n, 0n]);
  });

  it("holds a prepayment short by one cent, and names the cent", () => {
    const dossier = approvable();
    dossier.evidence.payment = {
      invoicedCents: dossier.valueCents,
      paidCents: dossier.valueCents - 1n,
      collateralCents: 0n,
    };
    const result = finding(dossier, "exporter-terms-2026.prepayment");
    expect(result).toMatchObject({ status: "pending", message: "prepayment short by US$0.01" });
    expect(result?.remedy?.details).toEqual({ shortfallCents: "1" });
  });

  it("holds an entry whose duty is short by one cent", () => {
    const dossier = approvable();
    const entry = dossier.evidence.dutyEntry;
    if (!entry) throw new Error("fixture has a duty entry");
    entry.dutyPaidCents = percentOfCents(entry.enteredValueCents, 25) - 1n;
    expect(finding(dossier, "us-cbp-2026.section-232-duty")?.status).toBe("pending");
  });

  it("fails an exemption claim on a lot exported to China", () => {
    const dossier = approvable();
    const entry = dossier.evidence.dutyEntry;
    if (!entry) throw new Error("fixture has a duty entry");
    entry.exemption = { kind: "us-data-center", certificateRef: "X" };
    expect(finding(dossier, "us-cbp-2026.section-232-duty")?.status).toBe("fail");
  });
});

describe("lab certificate", () => {
  const lab = "us-bis-2026.c9-lab-test";
  const certified = (change: (cert: NonNullable<Dossier["evidence"]["labCertificate"]>) => void) => {
    const dossier = approvable();
    const cert = dossier.evidence.labCertificate;
    if (!cert) throw new Error("fixture has a certificate");
    change(cert);
    return finding(dossier, lab);
  };

  it.each([
    [
      "a revoked lab",
      (c: { lab: { revokedOn?: string } }) => (c.lab.revokedOn = "2026-01-31"),
      /revoked on 2026-01-31/,
    ],
    [
      "a test outside the US",
      (c: { testCountry: string }) => (c.testCountry = "MX"),
      /tested in MX, not in US/,
    ],
    [
      "a lab headquartered abroad",
      (c: { lab: { headquartersCountry: string } }) => (c.lab.headquartersCountry = "CN"),
      /headquartered in CN/,
    ],
    [
      "measured TPP above the box",
      (c: { measured: { denseTops: object } }) => (c.measured.denseTops = { fp8: 2700 }),
      /outside the box/,
    ],
    [
      "measured TPP far from the declared one",
      (c: { measured: { denseTops: object } }) => (c.measured.denseTops = { fp8: 1500 }),
      /differs from the declared/,
    ],
    [
      "a certificate for another shipment",
      (c: { shipmentId?: string }) => (c.shipmentId = "SHP-OTHER"),
      /is for shipment SHP-OTHER/,
    ],
    [
      "a lab not yet qualified on the test date",
      (c: { lab: { qualifiedFrom: string } }) => (c.lab.qualifiedFrom = "2026-01-30"),
      /not qualified on 2026-01-29/,
    ],
  ])("fails %s", (_name, change, message) => {
    const result = certified(change as never);
    expect(result?.status).toBe("fail");
    expect(result?.message).toMatch(message);
    expect(result?.remedy?.summary).toBeTruthy();
  });
});

describe("import approval", () => {
  const rule = "cn-import-2026-01-28.import-approval";
  it("fails when exhausted by this lot", () => {
    const dossier = approvable();
    const approval = dossier.evidence.cnImportApproval;
    if (!approval) throw new Error("fixture has an approval");
    approval.usedUnits = approval.approvedUnits - dossier.quantityUnits + 1;
    expect(finding(dossier, rule)).toMatchObject({
      status: "fail",
      required: `≤ ${approval.approvedUnits} units`,
    });
  });
  it("fails when it names another importer", () => {
    const dossier = approvable();
    if (dossier.evidence.cnImportApproval) dossier.evidence.cnImportApproval.importer = "Someone Else Ltd";
    expect(finding(dossier, rule)?.status).toBe("fail");
  });
});

describe("renderTemplate", () => {
  it("fills known names and leaves unknown ones visible", () => {
    expect(renderTemplate("cut {n} {unit} {other}", { n: "5", unit: "units" })).toBe("cut 5 units {other}");
  });
});
