import { describe, expect, it } from "vitest";
import { loadRulebooks } from "../../src/adapters/files/reference-data.ts";
import { SluiceError } from "../../src/core/errors.ts";
import { checkLibrary, inForceOn, parseRulebook, selectRules } from "../../src/core/rulebook/load.ts";

const library = loadRulebooks();

const minimal = (rules: string, extra = "") => `id: test-book
version: 1
title: test
jurisdiction: us-bis
citation: { source: test, status: P }
effective: { from: 2026-01-15, to: null }
${extra}
rules:
${rules}`;

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SluiceError);
    return (error as SluiceError).message;
  }
  throw new Error("expected an error");
}

describe("shipped rulebooks", () => {
  it("load and validate together", () => {
    expect(library.length).toBeGreaterThanOrEqual(13);
    expect(() => checkLibrary(library)).not.toThrow();
  });

  it("ship the January 2026 timeline and the scenario books", () => {
    const ids = library.map((book) => book.id);
    for (const id of [
      "us-bis-2023-11-17",
      "us-bis-2026-01-15",
      "us-cbp-2026-01-15",
      "exporter-terms-2026-01-08",
      "cn-import-2026-01-13",
      "cn-customs-2026-01-14",
      "cn-import-2026-01-28",
      "scenario-safe-chips-act",
      "scenario-gain-ai-act",
      "scenario-cap-25",
      "scenario-h20-revenue-share-15",
      "scenario-domestic-ratio-1-to-1",
    ]) {
      expect(ids).toContain(id);
    }
  });

  it("give every rule a citation with a status, and annotate every rule resting on an [U] or [D] fact", () => {
    for (const book of library) {
      for (const rule of book.rules) {
        expect(["P", "S", "U", "D"]).toContain(rule.citation.status);
        if (rule.citation.status === "U" || rule.citation.status === "D") {
          const statuses = Object.values(rule.annotations ?? {}).map((a) => a.status);
          expect(
            statuses.some((s) => s === "U" || s === "D"),
            rule.id,
          ).toBe(true);
        }
      }
    }
  });

  it("make the disputed volume-cap facts parameters with their status", () => {
    const cap = library.flatMap((b) => b.rules).find((r) => r.id === "us-bis-2026.c6-volume-cap");
    expect(cap?.annotations?.measure?.status).toBe("D");
    expect(cap?.annotations?.window?.status).toBe("U");
    expect(cap?.annotations?.scope?.status).toBe("U");
  });
});

describe("selectRules", () => {
  const booksOn = (at: string, scenarios: string[] = []) =>
    selectRules(library, at, scenarios).books.map((b) => b.id);

  it("switches from presumption of denial to case-by-case on 15 Jan 2026", () => {
    expect(booksOn("2026-01-14")).toContain("us-bis-2023-11-17");
    expect(booksOn("2026-01-14")).not.toContain("us-bis-2026-01-15");
    expect(booksOn("2026-01-15")).toContain("us-bis-2026-01-15");
    expect(booksOn("2026-01-15")).not.toContain("us-bis-2023-11-17");
  });

  it("adds scenarios only when asked, and applies their overrides", () => {
    expect(booksOn("2026-02-01")).not.toContain("scenario-cap-25");
    const selection = selectRules(library, "2026-02-01", ["scenario-cap-25"]);
    const cap = selection.rules.find((entry) => entry.rule.id === "us-bis-2026.c6-volume-cap");
    expect(cap?.rule.kind === "ratio-cap" && cap.rule.params.ratioPercent).toBe(25);
    expect(cap?.overriddenBy?.bookId).toBe("scenario-cap-25");
  });

  it("rejects an unknown scenario with the list of known ones", () => {
    expect(errorOf(() => selectRules(library, "2026-02-01", ["scenario-nope"]))).toMatch(
      /scenario `scenario-nope`: unknown scenario; known: .*scenario-cap-25/,
    );
  });

  it("inForceOn treats both ends as inclusive", () => {
    const book = library.find((b) => b.id === "cn-customs-2026-01-14");
    expect(
      book && [
        inForceOn(book, "2026-01-13"),
        inForceOn(book, "2026-01-14"),
        inForceOn(book, "2026-01-27"),
        inForceOn(book, "2026-01-28"),
      ],
    ).toEqual([false, true, true, false]);
  });
});

describe("a broken rulebook gets an error naming the file, the path inside it and what is wrong", () => {
  const rule = `  - id: r.one
    kind: prepayment
    summary: s
    citation: { source: x, status: S }
    params: { requiredPercent: 100, collateralAccepted: false }`;

  it("accepts the minimal book", () => {
    expect(parseRulebook(minimal(rule), "ok.yaml").rules[0]?.id).toBe("r.one");
  });

  it.each([
    [
      "a YAML syntax error",
      minimal(rule).replace("title: test", "title: [unclosed"),
      /rulebook `bad.yaml` line \d+/,
    ],
    [
      "an unknown kind",
      minimal(rule.replace("kind: prepayment", "kind: vibes")),
      /at `rules\[0\]\.kind` \(line 10\): unknown rule kind/,
    ],
    [
      "a misspelt parameter",
      minimal(rule.replace("requiredPercent", "requiredPercnt")),
      /at `rules\[0\]\.params` \(line 13\): unknown field `requiredPercnt`/,
    ],
    ["a missing field", minimal(rule.replace("    summary: s\n", "")), /at `rules\[0\]\.summary`.*: missing/],
    [
      "a bad date",
      minimal(rule).replace("from: 2026-01-15", "from: 2026-02-30"),
      /at `effective\.from`.*calendar date/,
    ],
    [
      "a bad status",
      minimal(rule.replace("status: S", "status: maybe")),
      /at `rules\[0\]\.citation\.status`/,
    ],
    [
      "a percentage over 100",
      minimal(rule.replace("requiredPercent: 100", "requiredPercent: 101")),
      /at `rules\[0\]\.params\.requiredPercent`/,
    ],
    [
      "dates in the wrong order",
      minimal(rule).replace("to: null", "to: 2026-01-01"),
      /`to` is before `from`/,
    ],
    ["a duplicate rule id", minimal(`${rule}\n${rule}`), /duplicate rule id `r\.one`/],
    [
      "overrides in a non-scenario book",
      minimal(rule, "overrides: [{ rule: r.one, params: {}, note: n }]"),
      /only scenario books/,
    ],
  ])("%s", (_name, text, pattern) => {
    const message = errorOf(() => parseRulebook(text, "bad.yaml"));
    expect(message).toContain("rulebook `bad.yaml`");
    expect(message).toMatch(pattern);
  });

  it("an override with parameters that do not fit the target rule", () => {
    const scenario = parseRulebook(
      minimal(
        "  []",
        "scenario: true\noverrides: [{ rule: us-bis-2026.c6-volume-cap, params: { ratioPercent: 150 }, note: n }]",
      )
        .replace("id: test-book", "id: test-scenario")
        .replace("rules:\n  []", "rules: []"),
      "scenario.yaml",
    );
    expect(errorOf(() => checkLibrary([...library, scenario]))).toMatch(
      /`scenario\.yaml` at `overrides\[0\]`\.params\.ratioPercent/,
    );
  });

  it("an override of a rule that does not exist", () => {
    const scenario = parseRulebook(
      minimal("  []", "scenario: true\noverrides: [{ rule: no.such-rule, params: {}, note: n }]").replace(
        "rules:\n  []",
        "rules: []",
      ),
      "scenario.yaml",
    );
    expect(errorOf(() => checkLibrary([...library, scenario]))).toMatch(/no rule `no\.such-rule`/);
  });
});
