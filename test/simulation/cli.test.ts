// `sluice simulate` as a user runs it: the comparison table, --json byte for byte twice, --csv and
// --chart files, a rulebook set from a file, --from-store on a seeded PostgreSQL store (through the
// composition root's reader), and one-line errors with exit 2 for bad input.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { openStore } from "../../src/adapters/db/open.ts";
import { seedDemo } from "../../src/app/seed/demo.ts";
import { shipmentContextOn } from "../../src/compose.ts";
import { smallScenario } from "../http/simulation-samples.ts";
import { repoRoot, runCli, runCliInProcess } from "../support/cli.ts";
import { createScratch } from "../support/drivers.ts";

const dir = mkdtempSync(join(tmpdir(), "sluice-simulate-"));
const scenarioFile = join(dir, "small.yaml");
writeFileSync(
  scenarioFile,
  stringify({
    ...smallScenario(),
    rulebooks: [
      ...smallScenario().rulebooks,
      {
        id: "cap-20",
        title: "cap at 20 % (file)",
        files: [join(repoRoot, "test/simulation/fixtures/cap-20.yaml")],
      },
    ],
  }),
);

describe("sluice simulate", () => {
  it("prints the comparison table, and the same JSON bytes twice", async () => {
    const table = await runCliInProcess(["simulate", scenarioFile]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^history\s+10,000\s/m);
    expect(table.stdout).toMatch(/^cap-25\s+5,000\s/m);
    expect(table.stdout).toMatch(/^cap-20\s+4,000\s/m);
    const first = await runCliInProcess(["simulate", scenarioFile, "--json"]);
    const second = await runCliInProcess(["simulate", scenarioFile, "--json"]);
    expect(first.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    const report = JSON.parse(first.stdout) as { rulebookSets: { id: string; scenarios: string[] }[] };
    expect(report.rulebookSets.map((s) => [s.id, s.scenarios])).toEqual([
      ["history", []],
      ["cap-25", ["scenario-cap-25"]],
      ["cap-20", ["scenario-cap-20"]],
    ]);
  });

  it("writes months.csv, totals.csv and SVG charts", async () => {
    const out = join(dir, "out");
    const result = await runCliInProcess(["simulate", scenarioFile, "--csv", out, "--chart", out]);
    expect(result.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      "approved.svg",
      "backlog.svg",
      "domestic.svg",
      "duty.svg",
      "headroom.svg",
      "held.svg",
      "labs.svg",
      "months.csv",
      "totals.csv",
    ]);
    const months = readFileSync(join(out, "months.csv"), "utf8").trim().split("\n");
    expect(months[0]).toMatch(/^month,rulebookSet,requestedUnits,approvedUnits,/);
    expect(months).toHaveLength(1 + 2 * 3);
    expect(months[1]).toMatch(/^2026-03,history,5000,5000,0,0,,,10000,5000,50,5000,0,/);
    const svg = readFileSync(join(out, "approved.svg"), "utf8");
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain("cap-20");
  });

  it("--from-store re-decides the configured store's decisions (the wiring's reader)", {
    timeout: 120_000,
  }, async () => {
    const scratch = await createScratch("postgres");
    try {
      const store = await openStore({ ...scratch.config, create: true });
      await seedDemo(shipmentContextOn(store, { clock: () => new Date("2026-02-02T09:00:00Z") }));
      await store.close();
      const args = ["simulate", "--from-store", "--rulebook", "test/simulation/fixtures/cap-20.yaml"];
      const result = runCli([...args, "--json"], { env: scratch.config.env });
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout) as { flips: { orderId: string; after: string }[] };
      expect(report.flips.map((f) => [f.orderId, f.after])).toEqual([
        ["ord-tencent-2", "hold"],
        ["ord-tsinghua-1", "hold"],
      ]);
    } finally {
      await scratch.dispose();
    }
  });

  it("refuses bad input with one line and exit 2", async () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(
      bad,
      stringify({ ...smallScenario(), labs: { count: -1, unitsPerMonthPerLab: 1, source: "t" } }),
    );
    const cases: [string[], RegExp][] = [
      [["simulate", bad], /^error: scenario `.*bad\.yaml` at `labs\.count`: too small/],
      [["simulate", join(dir, "none.yaml")], /^error: scenario `.*none\.yaml`: cannot be read/],
      [["simulate", scenarioFile, "--seed", "x"], /^error: --seed `x`: expected a whole number/],
      [["simulate"], /^error: scenario: missing/],
      [["simulate", "--from-store", "--at", "2026-13-01"], /^error: --at `2026-13-01`: expected a date/],
      [
        ["simulate", scenarioFile, "--at", "2026-01-01"],
        /^error: --rulebook and --at: belong to --from-store/,
      ],
    ];
    for (const [args, line] of cases) {
      const result = await runCliInProcess(args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr.trim()).toMatch(line);
    }
  });
});
