// The `sluice evaluate`, `rulebooks` and `rules` commands as a user runs them: exit codes, JSON
// contract, and one-line errors for bad input.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, runCliInProcess } from "./support/cli.ts";
import { exampleJson } from "./support/dossiers.ts";

const oneErrorLine = (stderr: string) => {
  const lines = stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  return lines[0] ?? "";
};

describe("sluice evaluate", () => {
  it("approves with exit 0 and prints the JSON contract", () => {
    const result = runCli(["evaluate", "examples/h200-alibaba-approvable.json", "--json"]);
    expect(result.code).toBe(0);
    const decision = JSON.parse(result.stdout);
    expect(decision.decision).toBe("approve");
    expect(decision.inputHash).toMatch(/^[0-9a-f]{64}$/);
    expect(decision.rulebooks.map((b: { id: string; version: number }) => `${b.id}@${b.version}`)).toContain(
      "us-bis-2026-01-15@2",
    );
    // A standalone dossier asserts its certificate's signature; the finding says Sluice did not check it.
    const lab = decision.findings.find((f: { ruleId: string }) => f.ruleId === "us-bis-2026.c9-lab-test");
    expect(lab).toMatchObject({ status: "pass" });
    expect(lab.message).toMatch(/signature asserted by the dossier, not verified by Sluice/);
    for (const finding of decision.findings) {
      expect(Object.keys(finding)).toEqual(
        expect.arrayContaining(["ruleId", "jurisdiction", "status", "message", "citation"]),
      );
    }
  });

  it("exits 10 on hold and 11 on deny, reading stdin, with --at and --scenario", () => {
    const stdin = JSON.stringify(exampleJson("h200-timeline.json"));
    expect(runCli(["evaluate", "-", "--at", "2026-01-10"], { stdin }).code).toBe(11);
    expect(
      runCli(["evaluate", "-", "--at", "2026-02-01", "--scenario", "scenario-gain-ai-act"], { stdin }).code,
    ).toBe(10);
    const text = runCli(["evaluate", "-", "--at", "2026-02-01"], { stdin });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^APPROVE {2}h200-tsinghua-timeline on 2026-02-01/);
  });

  // The rest runs the same program in process: files instead of stdin.
  const dir = mkdtempSync(join(tmpdir(), "sluice-evaluate-"));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const approvable = exampleJson("h200-alibaba-approvable.json");
  const malformed = file("malformed.json", "{ not json");
  const unknownProduct = file(
    "unknown.json",
    JSON.stringify({ ...approvable, product: { id: "nvidia-h999" } }),
  );
  const missingRoute = file("missing.json", JSON.stringify({ ...approvable, route: undefined }));
  const negative = file("negative.json", JSON.stringify({ ...approvable, quantityUnits: -5 }));

  it.each([
    ["malformed JSON", ["evaluate", malformed], /^error: `.*malformed\.json`: malformed json/],
    ["an unknown product", ["evaluate", unknownProduct], /^error: product `nvidia-h999`: unknown product/],
    ["a missing field", ["evaluate", missingRoute], /^error: dossier `.*missing\.json` at `route`: missing$/],
    [
      "a negative quantity",
      ["evaluate", negative],
      /^error: dossier `.*negative\.json` at `quantityUnits`: .*/,
    ],
    [
      "a bad date",
      ["evaluate", negative, "--at", "2026-13-01"],
      /^error: --at `2026-13-01`: expected a date written YYYY-MM-DD$/,
    ],
    [
      "an unknown scenario",
      ["evaluate", "examples/h200-timeline.json", "--scenario", "nope"],
      /^error: scenario `nope`: unknown scenario/,
    ],
    ["a missing file", ["evaluate", "no-such.json"], /^error: file `no-such.json`: no such file$/],
    [
      "an unknown option",
      ["evaluate", "examples/h200-timeline.json", "--bogus"],
      /^error: unknown option '--bogus'/,
    ],
  ])("rejects %s with exit 2 and one line", async (_name, args, pattern) => {
    const result = await runCliInProcess(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(oneErrorLine(result.stderr)).toMatch(pattern);
  });
});

describe("sluice rulebooks and rules", () => {
  it("lists the books in force on a day as JSON", async () => {
    const result = await runCliInProcess(["rulebooks", "--at", "2026-01-14", "--json"]);
    expect(result.code).toBe(0);
    const ids = JSON.parse(result.stdout).rulebooks.map((b: { id: string }) => b.id);
    expect(ids).toContain("us-bis-2023-11-17");
    expect(ids).toContain("cn-customs-2026-01-14");
    expect(ids).not.toContain("us-bis-2026-01-15");
  });

  it("explains a rule with its parameters' status", async () => {
    const result = await runCliInProcess(["rules", "explain", "us-bis-2026.c6-volume-cap"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/param measure = "units" {2}\[D\]/);
    const unknown = await runCliInProcess(["rules", "explain", "no.such-rule"]);
    expect(unknown.code).toBe(2);
    expect(oneErrorLine(unknown.stderr)).toBe(
      "error: rule `no.such-rule`: unknown rule (see `sluice rules list --all`)",
    );
    const all = JSON.parse((await runCliInProcess(["rules", "list", "--all", "--json"])).stdout);
    expect(all.rules.map((r: { id: string }) => r.id)).toContain("scenario-safe-chips-act.deny-advanced-ics");
  });
});
