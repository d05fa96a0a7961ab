// The map and simulator pages in Chromium, over the demo story with its custody seed (a fleet whose
// last range answers from near Singapore) on a real server: a US regulator opens a
// location_inconsistent alert on the map, reads its evidence, sees its discs drawn (RTT/2 × c),
// acknowledges then closes it (recorded with who and why) and looks a chip up by serial; an
// importer sees no actions; an exporter runs the shipped scenario and reads the comparison table
// and the labs' peak (units waiting at month end) as the API answers them. Both pages pass axe-core (no serious or critical
// violation) and are saved as docs/screenshots/map.png and simulator.png. The page's embedded
// scenario is checked equal to scenarios/h200-china-2026-2027.yaml.
import { readFileSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { sqlCustodyStore } from "../../src/adapters/db/custody/store.ts";
import { seedCustodyDemo } from "../../src/app/custody/seed-custody.ts";
import { ensureBundledLists } from "../../src/app/screening/versions.ts";
import { seedDemo } from "../../src/app/seed/demo.ts";
import { custodyRules, screeningOn, shipmentContextOn } from "../../src/compose.ts";
import type { Role } from "../../src/core/authorization/policy.ts";
import { ensureWebBuilt } from "../../src/web-build.ts";
import { discsOf, lightKmPerMs } from "../../web/src/lib/discs.ts";
import { shippedScenario } from "../../web/src/lib/scenario.ts";
import { type Api, clock, startApi } from "../http/support.ts";
import { forEachDriver } from "../support/drivers.ts";
import { launchChromium, screenshot, seriousViolations, signIn, skipBrowser } from "./browser.ts";

interface AlertJson {
  id: string;
  kind: string;
  serial: string;
  status: string;
  updatedBy: string | null;
  reason: string | null;
  evidence: { observations: { landmarkId: string; rttMs: number }[] };
}

it("the simulator's embedded scenario is the shipped YAML", () => {
  const yaml = parse(
    readFileSync(new URL("../../scenarios/h200-china-2026-2027.yaml", import.meta.url), "utf8"),
  );
  expect(shippedScenario).toEqual(yaml);
});

it("a disc's radius is RTT/2 × c in km", () => {
  const discs = discsOf([{ landmarkId: "lm-a", rttMs: 10 }], [{ id: "lm-a", lat: 1, lon: 2 }]);
  expect(discs).toEqual([{ landmarkId: "lm-a", lat: 1, lon: 2, radiusKm: 5 * lightKmPerMs }]);
});

describe.skipIf(skipBrowser)("map and simulator in Chromium", () => {
  forEachDriver(
    "pages",
    (env) => {
      let api: Api;
      let browser: Browser;
      let base: string;
      beforeAll(async () => {
        await ensureWebBuilt();
        await ensureBundledLists(screeningOn(env.store(), clock)());
        await seedDemo(shipmentContextOn(env.store(), { clock }));
        await seedCustodyDemo(sqlCustodyStore(env.store()), clock, custodyRules, 60, 6);
        api = await startApi(env.store(), "web2");
        base = api.server.url;
        browser = await launchChromium();
      }, 240_000);
      afterAll(async () => {
        await browser?.close();
        await api?.server.close();
      });

      async function open(role: Role): Promise<{ context: BrowserContext; page: Page }> {
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        const page = await context.newPage();
        await signIn(page, base, api.tokens[role], role);
        return { context, page };
      }

      const json = async <T>(path: string, role: Role = "admin"): Promise<T> =>
        (await (await api.request(path, { token: api.tokens[role] })).json()) as T;

      it("us-regulator: opens an alert on the map, sees its discs, acknowledges and closes it", async () => {
        const { context, page } = await open("us-regulator");
        const errors: string[] = [];
        page.on("pageerror", (error) => errors.push(error.message));
        await page.getByRole("link", { name: /Map/ }).click();
        await page.waitForURL(/\/map$/);
        const { alerts } = await json<{ alerts: AlertJson[] }>("/v1/alerts", "us-regulator");
        const alert = alerts.find((a) => a.kind === "location_inconsistent");
        expect(alert, "a location_inconsistent alert in the seed").toBeDefined();
        if (!alert) return;
        const list = page.getByRole("list", { name: "alerts" });
        await list.locator("li").first().waitFor();
        expect(await list.locator("li").count()).toBe(alerts.length);
        // The map marks the sites, the landmarks and the alerted chips.
        expect(await page.locator("svg.world .site").count()).toBe(3);
        expect(await page.locator("svg.world .landmark").count()).toBe(8);
        expect(await page.locator("svg.world .chip.alert").count()).toBeGreaterThan(0);
        await list.locator(`li[data-alert="${alert.id}"] button`).click();
        const detail = page.getByTestId("alert-detail");
        await detail.waitFor();
        expect(await detail.getAttribute("data-alert")).toBe(alert.id);
        expect(await detail.textContent()).toContain(alert.serial);
        expect(await detail.textContent()).toContain("chip located other than at its licensed location");
        const observations = alert.evidence.observations;
        expect(observations.length).toBeGreaterThan(0);
        expect(await page.locator("svg.world path.disc").count()).toBe(observations.length);
        for (const o of observations) {
          const radius = await detail
            .locator(`tr[data-landmark="${o.landmarkId}"] td:last-child`)
            .textContent();
          expect(radius?.replaceAll(",", "")).toBe(String(Math.round((o.rttMs / 2) * lightKmPerMs)));
        }
        expect(await page.locator("main .error").count()).toBe(0);
        await accessible(page, "map");
        await screenshot(page, "map");
        // Acknowledge with a reason: the server records who and why.
        await detail.getByLabel("Reason").fill("asked the importer for the site's network path");
        await detail.getByRole("button", { name: "Acknowledge" }).click();
        await expect
          .poll(async () => (await page.getByTestId("alert-updated").textContent()) ?? "")
          .toContain("asked the importer");
        const stored = await json<AlertJson>(`/v1/alerts/${alert.id}`, "us-regulator");
        expect(stored.status).toBe("acknowledged");
        expect(stored.updatedBy).toBe(api.tokenIds["us-regulator"]);
        expect(stored.reason).toBe("asked the importer for the site's network path");
        expect(await page.getByTestId("alert-updated").textContent()).toContain(api.tokenIds["us-regulator"]);
        // Then closed, with another reason; a closed alert offers no more actions.
        await detail.getByLabel("Reason").fill("importer moved the range back: checked on site");
        await detail.getByRole("button", { name: "Close", exact: true }).click();
        await expect
          .poll(async () => (await page.getByTestId("alert-updated").textContent()) ?? "")
          .toMatch(/^closed/);
        expect((await json<AlertJson>(`/v1/alerts/${alert.id}`, "us-regulator")).status).toBe("closed");
        expect(await detail.getByRole("button", { name: "Close", exact: true }).count()).toBe(0);
        // The status filter lists the closed one alone.
        await page.getByRole("button", { name: "closed", exact: true }).click();
        expect(await list.locator("li").count()).toBe(1);
        await page.getByRole("button", { name: "all", exact: true }).click();
        // A chip looked up by serial joins the map with its latest verdict (an honest one: verified).
        const chipsBefore = await page.locator("svg.world .chip").count();
        const honest = await json<{ serial: string; lastVerdict: string }>(
          "/v1/serials/ord-alibaba-1-H200-1",
          "us-regulator",
        );
        await page.getByLabel("Chip serial").fill(honest.serial);
        await page.getByRole("button", { name: "Look up" }).click();
        await expect
          .poll(async () => (await page.getByTestId("serial-found").textContent()) ?? "")
          .toContain(`latest verdict ${honest.lastVerdict}`);
        expect(honest.lastVerdict).toBe("verified");
        expect(await page.locator("svg.world .chip").count()).toBe(chipsBefore + 1);
        expect(errors).toEqual([]);
        await context.close();
      });

      it("importer: sees the map without the acknowledge controls", async () => {
        const { context, page } = await open("importer");
        await page.goto(`${base}/map`);
        const list = page.getByRole("list", { name: "alerts" });
        await list.locator("li button").first().click();
        await page.getByTestId("alert-detail").waitFor();
        expect(await page.getByRole("button", { name: "Acknowledge", exact: true }).count()).toBe(0);
        expect(await page.getByRole("button", { name: "Close", exact: true }).count()).toBe(0);
        await context.close();
      });

      it("exporter: runs the shipped scenario and reads the comparison as the API answers it", {
        timeout: 180_000,
      }, async () => {
        const { context, page } = await open("exporter");
        await page.getByRole("link", { name: /Simulator/ }).click();
        await page.waitForURL(/\/simulations$/);
        await page.getByRole("button", { name: "Run" }).click();
        const summary = page.getByTestId("sim-summary");
        await summary.waitFor({ timeout: 120_000 });
        expect(await summary.textContent()).toContain(
          `24 months × ${shippedScenario.rulebooks.length} rulebook sets`,
        );
        const answer = await (
          await api.request("/v1/simulations", {
            method: "POST",
            token: api.tokens.exporter,
            headers: { "content-type": "application/json", "idempotency-key": crypto.randomUUID() },
            body: { scenario: shippedScenario },
          })
        ).json();
        const totals = (answer as { totals: { rulebookSet: string; approvedUnits: number }[] }).totals;
        expect(totals.length).toBe(shippedScenario.rulebooks.length);
        for (const t of totals)
          expect(
            (await page.getByTestId(`approved-${t.rulebookSet}`).textContent())?.replaceAll(",", ""),
          ).toBe(String(t.approvedUnits));
        expect(await page.locator(".chart canvas").count()).toBe(4);
        // The lab chart's set is the first one; its peak is the API's most units waiting at month end.
        const { rulebookSets, series } = answer as {
          rulebookSets: { id: string }[];
          series: { rulebookSet: string; month: string; labWaitingUnits: number }[];
        };
        const waiting = series.filter((m) => m.rulebookSet === rulebookSets[0]?.id);
        const peak = waiting.reduce((most, m) => (m.labWaitingUnits > most.labWaitingUnits ? m : most));
        expect(peak.labWaitingUnits).toBeGreaterThan(0);
        expect((await page.getByTestId("lab-peak").textContent())?.replaceAll(",", "")).toBe(
          `Most waiting: ${peak.labWaitingUnits} units at the end of ${peak.month}`,
        );
        await page.getByRole("button", { name: "cap-25", exact: true }).click();
        await expect.poll(() => page.getByRole("heading", { name: /Cap at 25 %/ }).count()).toBe(1);
        await accessible(page, "simulator");
        await screenshot(page, "simulator");
        await context.close();
      });

      async function accessible(page: Page, name: string): Promise<void> {
        expect(await seriousViolations(page), name).toEqual([]);
      }
    },
    ["pglite"],
  );
});
