// `sluice locate FILE --json`: the contract of the issue (verdict, each disc's radius, the site's
// distance, the margin), text output, stdin, and bad input refused with one line and exit 2.
import { describe, expect, it } from "vitest";
import { runCli, runCliInProcess } from "./support/cli.ts";

describe("sluice locate", () => {
  it("verifies a site inside every disc with a small one (--json)", async () => {
    const result = await runCliInProcess(["locate", "examples/locate/zhangbei-verified.json", "--json"]);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out.verdict).toBe("verified");
    expect(out.observations).toHaveLength(3);
    expect(out.observations[0]).toEqual({
      landmark: "beijing",
      lat: 39.9042,
      lon: 116.4074,
      rttMs: 2.5,
      radiusKm: 374.741,
      siteDistanceKm: expect.any(Number),
      marginKm: expect.any(Number),
      siteInside: true,
    });
    expect(out.observations[0].marginKm).toBeCloseTo(
      out.observations[0].radiusKm - out.observations[0].siteDistanceKm,
      2,
    );
    expect(out.params).toEqual({ speedKmPerMs: 299.792458, verifiedRadiusKmMax: 500 });
  });

  it("says inconsistent for a chip that answers Singapore fast, with the margin outside", async () => {
    const result = await runCliInProcess([
      "locate",
      "examples/locate/zhangbei-near-singapore.json",
      "--json",
    ]);
    const out = JSON.parse(result.stdout);
    expect(out.verdict).toBe("inconsistent");
    expect(out.marginKm).toBeLessThan(-4000);
    expect(out.observations[0].siteInside).toBe(false);
  });

  it("applies --speed fibre (tighter discs, so a slow honest path can look inconsistent) and --verified-radius-km", async () => {
    const file = "examples/locate/zhangbei-verified.json";
    const fibre = JSON.parse((await runCliInProcess(["locate", file, "--json", "--speed", "fibre"])).stdout);
    expect(fibre.params.speedKmPerMs).toBeCloseTo(199.861639, 6);
    expect(fibre.observations[0].radiusKm).toBeCloseTo(249.827, 3);
    expect(fibre.verdict).toBe("inconsistent");
    const strict = JSON.parse(
      (await runCliInProcess(["locate", file, "--json", "--verified-radius-km", "200"])).stdout,
    );
    expect(strict.verdict).toBe("unprovable");
  });

  it("prints a readable verdict without --json, reading stdin", () => {
    const input = JSON.stringify({
      site: { lat: 0, lon: 0 },
      observations: [{ landmark: "a", lat: 0, lon: 0, rttMs: 1 }],
    });
    const result = runCli(["locate", "-"], { stdin: input });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^verified: the site is inside every disc/);
    expect(result.stdout).toContain("disc 150 km");
  });

  it.each([
    [["locate", "examples/locate/nope.json"], "error: file `examples/locate/nope.json`: no such file"],
    [["locate", "examples/locate/zhangbei-verified.json", "--speed", "warp"], "error: --speed `warp`"],
    [
      ["locate", "examples/locate/zhangbei-verified.json", "--verified-radius-km", "-5"],
      "error: --verified-radius-km `-5`",
    ],
    [["locate", "examples/h200-timeline.json"], "error: locate input `examples/h200-timeline.json` at"],
  ])("refuses bad input with one line and exit 2: %s", async (args, line) => {
    const result = await runCliInProcess([...args]);
    expect(result.code).toBe(2);
    expect(result.stderr.startsWith(line)).toBe(true);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stdout).toBe("");
  });
});
