// The reports page in Chromium over the demo story on a real server: each role is offered the
// report kinds its policy lets it read; a US regulator downloads the cap report as CSV and the
// file's bytes equal the API's, with its checkpoint and signing key shown and the signature
// checked in the browser; a report altered in flight is shown as failing its signature.
import { readFile } from "node:fs/promises";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "../../src/app/seed/demo.ts";
import { shipmentContextOn } from "../../src/compose.ts";
import { allowedRoles, type Role } from "../../src/core/authorization/policy.ts";
import { reportKinds } from "../../src/core/reports/model.ts";
import { ensureWebBuilt } from "../../src/web-build.ts";
import { reportKindNames } from "../../web/src/lib/report-kinds.ts";
import { type Api, clock, startApi } from "../http/support.ts";
import { forEachDriver } from "../support/drivers.ts";
import { checkpointNow } from "../support/log.ts";
import { launchChromium, screenshot, seriousViolations, signIn, skipBrowser } from "./browser.ts";

const kindsOf = (role: Role): string[] =>
  reportKinds.filter((kind) =>
    (allowedRoles[`reports.${kind}.read` as keyof typeof allowedRoles] as readonly string[]).includes(role),
  );

describe.skipIf(skipBrowser)("reports page in Chromium", () => {
  forEachDriver(
    "reports page",
    (env) => {
      let api: Api;
      let browser: Browser;
      beforeAll(async () => {
        await ensureWebBuilt();
        await seedDemo(shipmentContextOn(env.store(), { clock }));
        await checkpointNow(env.store());
        api = await startApi(env.store(), "reports-web");
        browser = await launchChromium();
      }, 180_000);
      afterAll(async () => {
        await browser?.close();
        await api?.server.close();
      });

      async function openReports(role: Role): Promise<Page> {
        const context = await browser.newContext({
          viewport: { width: 1280, height: 900 },
          acceptDownloads: true,
        });
        const page = await context.newPage();
        await signIn(page, api.server.url, api.tokens[role], role);
        await page.getByRole("link", { name: /Reports/ }).click();
        return page;
      }

      async function ask(page: Page, kind: string, format: string): Promise<void> {
        await page.getByRole("radio", { name: new RegExp(reportKindNames[kind as "cap"].label) }).check();
        await page.getByLabel("From").fill("2026-01-01");
        await page.getByLabel("To", { exact: true }).fill("2026-02-28");
        await page.getByLabel("Format").selectOption(format);
        await page.getByRole("button", { name: "Get the report" }).click();
        await page.getByTestId("report-result").waitFor();
      }

      it("offers each role the kinds its policy lets it read", async () => {
        for (const role of ["us-regulator", "exporter", "cn-authority", "auditor"] as const) {
          const page = await openReports(role);
          const radios = page.getByRole("radio");
          await radios.first().waitFor();
          const values = await radios.evaluateAll((els) =>
            els.map((el) => (el as unknown as { value: string }).value),
          );
          expect(values, role).toEqual(kindsOf(role));
          await page.context().close();
        }
      });

      it("us-regulator: downloads the cap report as CSV, the bytes equal the API's, signature valid", async () => {
        const page = await openReports("us-regulator");
        await ask(page, "cap", "csv");
        const fromApi = await api.request("/v1/reports/cap?from=2026-01-01&to=2026-02-28&format=csv", {
          token: api.tokens["us-regulator"],
        });
        expect(fromApi.status).toBe(200);
        const apiBytes = Buffer.from(await fromApi.arrayBuffer());
        expect(await page.getByTestId("report-signature").getAttribute("data-verdict")).toBe("valid");
        const [download] = await Promise.all([
          page.waitForEvent("download"),
          page.getByTestId("report-file").click(),
        ]);
        expect(download.suggestedFilename()).toBe("sluice-cap-2026-01-01-2026-02-28.csv");
        const saved = await readFile(await download.path());
        expect(saved.equals(apiBytes)).toBe(true);
        const key = (await (await api.request("/v1/reports/key")).json()) as { keyId: string };
        expect(await page.getByTestId("report-key").textContent()).toBe(key.keyId);
        const [, size, root] =
          /size=(\d+); root=(\S+)/.exec(fromApi.headers.get("x-sluice-checkpoint") ?? "") ?? [];
        const checkpoint = (await page.getByTestId("report-checkpoint").textContent())?.replace(
          /(\d),(?=\d)/g,
          "$1",
        );
        expect(checkpoint).toBe(`${size} entries, root ${root}`);
        expect(await seriousViolations(page)).toEqual([]);
        await screenshot(page, "reports");
        await page.context().close();
      });

      it("exporter: a report altered in flight fails its signature check in the page", async () => {
        const page = await openReports("exporter");
        await page.route("**/v1/reports/decisions?**", async (route) => {
          const response = await route.fetch();
          const body = (await response.body()).toString("utf8").replace("decisions", "decisionz");
          await route.fulfill({ response, body });
        });
        await ask(page, "decisions", "json");
        expect(await page.getByTestId("report-signature").getAttribute("data-verdict")).toBe(
          "digest_mismatch",
        );
        await page.context().close();
      });
    },
    ["pglite"],
  );
});
