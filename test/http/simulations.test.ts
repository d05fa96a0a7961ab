// POST /v1/simulations over real HTTP on both drivers: the per month × rulebook set series the web
// app charts, the same figures as the use case; a bad scenario is a 400 naming the field; the API's
// limits and the refusal of rulebook files; the counterfactual with a proposed rulebook as text.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { forEachDriver } from "../support/drivers.ts";
import { smallScenario } from "./simulation-samples.ts";
import { type Api, startApi, storeFingerprint } from "./support.ts";

forEachDriver("http simulations", (env) => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi(env.store(), `s${env.driver}`);
  });
  afterAll(async () => {
    await api?.server.close();
  });
  const post = (body: unknown, token?: string) =>
    api.request("/v1/simulations", { method: "POST", body, ...(token === undefined ? {} : { token }) });

  it("answers the per month × rulebook set series and totals, writing nothing", async () => {
    const before = await storeFingerprint(env.store());
    const response = await post({ scenario: smallScenario() }, api.tokens["us-regulator"]);
    expect(response.status).toBe(200);
    const report = (await response.json()) as {
      months: string[];
      series: { month: string; rulebookSet: string; approvedUnits: number; dutyCents: string }[];
      totals: { rulebookSet: string; approvedUnits: number }[];
    };
    expect(report.months).toEqual(["2026-03", "2026-04"]);
    expect(report.series.map((m) => [m.rulebookSet, m.month, m.approvedUnits])).toEqual([
      ["history", "2026-03", 5000],
      ["history", "2026-04", 5000],
      ["cap-25", "2026-03", 2500],
      ["cap-25", "2026-04", 2500],
    ]);
    expect(report.series[0]?.dutyCents).toBe("3375000000");
    expect(await storeFingerprint(env.store())).toBe(before);
  });

  it("refuses a bad scenario with 400 naming the field, and the API's limits", async () => {
    const cases: [unknown, RegExp][] = [
      [
        { scenario: { ...smallScenario(), horizon: { from: "2026-3", to: "2026-04" } } },
        /`scenario\.horizon\.from`/,
      ],
      [
        { scenario: { ...smallScenario(), price: { centsPerUnit: 1, source: "nobody" } } },
        /`scenario\.price\.source`.*not a key of `sources`/,
      ],
      [
        { scenario: { ...smallScenario(), horizon: { from: "2026-01", to: "2029-12" } } },
        /more than 36 months/,
      ],
      [
        { scenario: { ...smallScenario(), rulebooks: [{ id: "x", title: "x", files: ["/etc/passwd"] }] } },
        /`rulebooks\[0\]\.files`: files are not read over the API/,
      ],
      [
        { scenario: { ...smallScenario(), rulebooks: [{ id: "x", title: "x", scenarios: ["nope"] }] } },
        /unknown scenario `nope`/,
      ],
      [{}, /exactly one of `scenario` or `counterfactual`/],
      [{ counterfactual: { rulebook: "id: [" } }, /body\.counterfactual\.rulebook/],
    ];
    for (const [body, detail] of cases) {
      const response = await post(body);
      expect(response.status, JSON.stringify(body).slice(0, 120)).toBe(400);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(((await response.json()) as { detail: string }).detail).toMatch(detail);
    }
  });

  it("re-decides the stored record under a proposed rulebook sent as text", async () => {
    const rulebook = readFileSync(new URL("../simulation/fixtures/cap-20.yaml", import.meta.url), "utf8");
    const response = await post({ counterfactual: { rulebook, at: "2026-02-02" } }, api.tokens.auditor);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      proposed: [{ id: "scenario-cap-20", version: 1, scenario: true }],
      at: "2026-02-02",
    });
    expect((await post({ counterfactual: { rulebook } }, api.tokens.importer)).status).toBe(403);
  });
});
