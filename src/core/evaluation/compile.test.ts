// Tests of the compiled rule set's pieces: applicability checks (order and reasons), remedy
// templates split once and filled per finding, money formatting without a regex, and rules that
// fail closed whether they break when compiled or when run.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { approvable, sharedEvaluator as evaluator } from "../../../test/support/dossiers.ts";
import type { Rule, Rulebook } from "../rulebook/schema.ts";
import { applicabilityChecks, CompiledRule, compiled, fillTemplate, splitTemplate } from "./compile.ts";
import { inapplicability } from "./evaluate.ts";
import { formatCents } from "./kinds.ts";
import type { Subject } from "./types.ts";

const subject = (change: (dossier: Subject["dossier"]) => void = () => {}): Subject => {
  const dossier = approvable();
  change(dossier);
  return { dossier, dossierDigest: "d", product: evaluator.productById("nvidia-h200-sxm"), at: "2026-02-01" };
};

describe("applicability", () => {
  it("applies when every criterion is met, and when there are none", () => {
    const when = { destinations: ["CN"], eccn: ["3A090.a" as const], stages: ["release" as const] };
    expect(inapplicability(when, subject())).toBeNull();
    expect(inapplicability(undefined, subject())).toBeNull();
  });

  it("reports the first criterion not met, in the documented order", () => {
    const when = { destinations: ["SG"], productIds: ["other"], stages: ["application" as const] };
    expect(inapplicability(when, subject())).toBe("destination CN not covered");
    expect(inapplicability({ productIds: ["other"], stages: ["application"] }, subject())).toBe(
      "product nvidia-h200-sxm not covered",
    );
    expect(inapplicability({ stages: ["application"] }, subject())).toBe(
      "checked at application, not at release",
    );
  });

  it("names the end user's sector, or says it is unstated", () => {
    const when = { endUserSectors: ["university" as const] };
    expect(inapplicability(when, subject())).toBe("end user sector cloud-provider not covered");
    const unstated = subject((dossier) => {
      delete dossier.parties.endUser.sector;
    });
    expect(inapplicability(when, unstated)).toBe("end user sector unstated not covered");
  });
});

describe("remedy templates", () => {
  it("fills known names, keeps unknown ones and text that is not a name", () => {
    const parts = splitTemplate("cut {n} {unit}{other} {not a name} {}");
    expect(fillTemplate(parts, { n: "5", unit: "units" })).toBe("cut 5 units{other} {not a name} {}");
    expect(fillTemplate(splitTemplate("no names"), {})).toBe("no names");
    expect(fillTemplate(splitTemplate("{a}{b}"), { a: "1", b: "2" })).toBe("12");
  });
});

describe("formatCents", () => {
  const reference = (cents: bigint): string => {
    const abs = cents < 0n ? -cents : cents;
    const dollars = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return `${cents < 0n ? "-" : ""}US$${dollars}.${String(abs % 100n).padStart(2, "0")}`;
  };

  it("groups dollars by thousands and always shows two cent digits", () => {
    expect([0n, 5n, 100n, 123456n, 100000000n, -99999n].map(formatCents)).toEqual([
      "US$0.00",
      "US$0.05",
      "US$1.00",
      "US$1,234.56",
      "US$1,000,000.00",
      "-US$999.99",
    ]);
  });

  it("agrees with the regex formulation on either side of 2⁵³ cents (number and bigint arithmetic)", () => {
    const safe = BigInt(Number.MAX_SAFE_INTEGER);
    for (const cents of [safe - 1n, safe, safe + 1n, safe + 101n, -safe, -safe - 1n])
      expect(formatCents(cents)).toBe(reference(cents));
    expect(formatCents(safe)).toBe("US$90,071,992,547,409.91");
  });

  it("agrees with the regex formulation on any amount", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
          fc.bigInt({ min: -(2n ** 54n), max: 2n ** 54n }),
          fc.bigInt({ min: -(10n ** 9n), max: 10n ** 9n }),
        ),
        (cents) => {
          expect(formatCents(cents)).toBe(reference(cents));
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe("a compiled rule", () => {
  const book = { id: "b", jurisdiction: "us-bis" } as Rulebook;
  const rule = (params: unknown) =>
    ({ id: "r", kind: "route", summary: "s", citation: { source: "t", status: "P" }, params }) as Rule;

  it("fails closed per decision when its parameters break the kind on compiling", () => {
    const broken = new CompiledRule({ rule: rule(null), book }, 0);
    const finding = broken.run(subject(), null);
    expect(finding).toMatchObject({ ruleId: "r", status: "fail", error: true });
    expect(finding.message).toMatch(/could not be evaluated .*failing closed/);
  });

  it("builds a new finding for every decision", () => {
    const route = new CompiledRule({ rule: rule({ exportFromAllowed: ["US"] }), book }, 0);
    const first = route.run(subject(), null);
    expect(first).toEqual({
      ruleId: "r",
      bookId: "b",
      jurisdiction: "us-bis",
      kind: "route",
      status: "pass",
      message: "exported from US",
      citation: { source: "t", status: "P" },
      measured: "US",
      required: "US",
    });
    expect(route.run(subject(), null)).not.toBe(first);
  });

  it("reports why it does not apply instead of running its predicate", () => {
    const broken = new CompiledRule({ rule: rule(null), book }, 0);
    expect(broken.run(subject(), "destination SG not covered")).toMatchObject({
      status: "not_applicable",
      message: "destination SG not covered",
    });
  });
});

describe("a compiled rule set", () => {
  it("checks each distinct applicability once, and every rule points at its own", () => {
    const ruleSet = evaluator.rulesFor("2026-02-01");
    const { rules, conditions } = compiled(ruleSet);
    expect(conditions.length).toBeLessThan(rules.length);
    ruleSet.rules.forEach((entry, index) => {
      const checks = conditions[rules[index]?.conditionIndex ?? -1];
      expect(checks?.length).toBe(applicabilityChecks(entry.rule.when).length);
    });
    expect(compiled(ruleSet)).toBe(compiled(ruleSet));
  });
});
