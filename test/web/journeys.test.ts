// One journey per role through the web app in Chromium, over the demo story on a real server:
// sign in, the navigation the policy gives the role, the overview's numbers equal the API's,
// a held decision's remedy, a replay side by side, a screening hit dismissed by a reviewer
// (recorded with who and why; the second-reviewer queue shows), the shipment gates in order,
// the audit chain verified. Every page is checked with axe-core (no serious or critical
// violation) and saved as a screenshot under docs/screenshots/.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBundledLists } from "../../src/app/screening/versions.ts";
import { seedDemo } from "../../src/app/seed/demo.ts";
import { screeningOn, shipmentContextOn } from "../../src/compose.ts";
import { allowedRoles, type Role, roles } from "../../src/core/authorization/policy.ts";
import { ensureWebBuilt } from "../../src/web-build.ts";
import { pagesFor } from "../../web/src/nav.ts";
import { type Api, clock, startApi } from "../http/support.ts";
import { forEachDriver } from "../support/drivers.ts";
import { checkpointNow } from "../support/log.ts";
import { launchChromium, screenshot, seriousViolations, signIn, skipBrowser } from "./browser.ts";

/** Pages the app has built (the nav rows of features not landed have no page yet). */
const builtPages = [
  "/overview",
  "/pipeline",
  "/decisions",
  "/parties",
  "/evidence",
  "/rulebooks",
  "/audit",
  "/map",
  "/reports",
  "/simulations",
];

const actionsOf = (role: Role): string[] =>
  Object.entries(allowedRoles)
    .filter(([, allowed]) => allowed.includes(role))
    .map(([action]) => action);

describe.skipIf(skipBrowser)("web app in Chromium", () => {
  forEachDriver(
    "journeys",
    (env) => {
      let api: Api;
      let browser: Browser;
      let base: string;
      beforeAll(async () => {
        await ensureWebBuilt();
        await ensureBundledLists(screeningOn(env.store(), clock)());
        await seedDemo(shipmentContextOn(env.store(), { clock }));
        await checkpointNow(env.store()); // the overview's log tile shows a signed checkpoint
        api = await startApi(env.store(), "web");
        base = api.server.url;
        browser = await launchChromium();
      });
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

      async function accessible(page: Page, name: string): Promise<void> {
        expect(await seriousViolations(page), name).toEqual([]);
      }

      it("shows each role the pages its policy allows, and lands on the first", async () => {
        for (const role of roles) {
          const { context, page } = await open(role);
          const expected = pagesFor(actionsOf(role))
            .filter((p) => builtPages.includes(p.path))
            .map((p) => p.label);
          const links = await page
            .getByRole("navigation", { name: "pages" })
            .getByRole("link")
            .allTextContents();
          expect(
            links.map((text) => text.replace(/\s*\S*[\u4e00-\u9fff]+\S*\s*$/u, "").trim()),
            role,
          ).toEqual(expected);
          if (expected.length > 0) {
            await page.waitForURL(
              /\/(overview|pipeline|decisions|parties|evidence|rulebooks|audit|map|reports|simulations)$/,
            );
          }
          await context.close();
        }
      });

      it("admin: the overview's figures equal the API's", async () => {
        const { context, page } = await open("admin");
        await page.goto(`${base}/overview`);
        const quota = await json<{
          items: {
            id: string;
            usPosted: string;
            cnPending: string;
            cnPosted: string;
            headroom: string;
            ratioPercent: number;
          }[];
        }>("/v1/quota");
        expect(quota.items.length).toBeGreaterThan(0);
        for (const account of quota.items) {
          const gauge = page.locator(`figure[data-account="${account.id}"]`);
          const digits = async (id: string) =>
            (await gauge.getByTestId(id).textContent())?.replaceAll(",", "");
          expect(await digits("cn-posted")).toBe(account.cnPosted);
          expect(await digits("cn-pending")).toBe(account.cnPending);
          expect(await digits("headroom")).toBe(account.headroom);
          expect(await digits("cap")).toBe(
            ((BigInt(account.ratioPercent) * BigInt(account.usPosted)) / 100n).toString(),
          );
        }
        const overview = await json<{
          decisionsByOutcome: Record<string, number>;
          shipmentsByStatus: Record<string, number>;
        }>("/v1/overview");
        for (const [outcome, count] of Object.entries(overview.decisionsByOutcome)) {
          expect(await page.getByTestId(`decisions-${outcome}`).textContent()).toBe(String(count));
        }
        for (const [status, count] of Object.entries(overview.shipmentsByStatus)) {
          expect(await page.getByTestId(`shipments-${status}`).textContent()).toBe(String(count));
        }
        await page.locator(".chart canvas").waitFor();
        await accessible(page, "overview");
        await screenshot(page, "overview");
        await context.close();
      });

      it("exporter: opens a held decision, reads its remedy, replays it under an earlier day", async () => {
        const { context, page } = await open("exporter");
        await page.getByRole("link", { name: /Decisions/ }).click();
        await page.getByRole("button", { name: "hold" }).click();
        await page.getByRole("link", { name: "ord-bytedance-1:application" }).click();
        const record = await json<{
          decision: {
            decidingRuleIds: string[];
            findings: { ruleId: string; remedy?: { summary: string } }[];
          };
        }>("/v1/decisions/ord-bytedance-1:application", "exporter");
        const deciding = record.decision.findings.find(
          (f) => f.ruleId === record.decision.decidingRuleIds[0],
        );
        expect(deciding?.remedy?.summary).toBeTruthy();
        const row = page.locator(`tr[data-rule="${deciding?.ruleId}"]`);
        await expect
          .poll(() => row.locator(".remedy").textContent())
          .toContain(deciding?.remedy?.summary ?? "");
        await accessible(page, "decision");
        await screenshot(page, "decision");
        await page.getByLabel("Day", { exact: true }).fill("2026-01-10");
        await page.getByRole("button", { name: "Replay" }).click();
        const summary = page.getByTestId("replay-summary");
        await summary.waitFor();
        expect(await summary.textContent()).toMatch(
          /hold on 2026-02-02 → deny on 2026-01-10: \d+ findings? changed/,
        );
        expect(await page.locator("tr.changed").count()).toBeGreaterThan(0);
        await accessible(page, "decision replay");
        await screenshot(page, "decision-replay");
        await context.close();
      });

      it("compliance reviewer: dismisses a strong screening hit and sees it wait for the second reviewer", async () => {
        const { context, page } = await open("compliance-reviewer");
        await page.getByRole("link", { name: /Parties/ }).click();
        await page.getByRole("button", { name: /Huawei Device/ }).click();
        const hit = page.locator('li.hit[data-entry="el-huawei-device"]');
        await hit.getByLabel("Reason").fill("different legal entity: checked the registry extract");
        await hit.getByRole("button", { name: "Record" }).click();
        // A strong hit on the Entity List: the dismissal is recorded, by the token's principal, and
        // waits for a second reviewer (four eyes) before it clears anything.
        const pending = async () =>
          (
            await json<{ items: { status: string; disposition: { entryId: string; decidedBy: string } }[] }>(
              "/v1/dispositions?party=huawei-device",
            )
          ).items.find(({ disposition: d }) => d.entryId === "el-huawei-device");
        await expect.poll(async () => (await pending())?.status, { timeout: 20_000 }).toMatch(/second/);
        expect((await pending())?.disposition.decidedBy).toBe(api.tokenIds["compliance-reviewer"]);
        await page.reload();
        const queue = page.getByTestId("second-review-queue");
        await queue.getByText("huawei-device / el-huawei-device").waitFor();
        expect(await queue.textContent()).toContain("different legal entity");
        await page.getByRole("button", { name: /Huawei Device/ }).click();
        // Chinese text (the hit's listed name) renders in the bundled font, not a system one.
        expect(await hit.textContent()).toMatch(/[\u4e00-\u9fff]/u);
        const bundled = await page.evaluate(
          `document.fonts.ready.then(() => document.fonts.load('16px "Noto Sans SC"', "华为终端有限公司")).then((faces) => faces.filter((f) => f.status === "loaded").length)`,
        );
        expect(bundled).toBeGreaterThan(0);
        await page.getByTestId("second-review-queue").waitFor();
        await accessible(page, "parties");
        await screenshot(page, "parties-screening");
        await context.close();
      });

      it("importer: sees only its own orders and a shipment's gates in order", async () => {
        const { context, page } = await open("importer");
        await page.getByRole("link", { name: /Pipeline/ }).click();
        const shipments = page.getByRole("table", { name: "shipments" });
        await shipments.locator("tbody tr").first().waitFor();
        const own = await json<{ items: { id: string }[] }>("/v1/shipments", "importer");
        expect(await shipments.locator("tbody tr td:first-child").allTextContents()).toEqual(
          own.items.map((s) => s.id),
        );
        const orders = await page
          .getByRole("table", { name: "orders" })
          .locator("tbody tr td:nth-child(2)")
          .allTextContents();
        expect(new Set(orders)).toEqual(new Set(["alibaba-cloud"]));
        // Search and state filter go to the server (q, status), and the rows are its answer.
        const target = (
          await json<{ items: { id: string; status: string }[] }>("/v1/shipments", "importer")
        ).items.find((s) => /s1$/i.test(s.id));
        expect(target).toBeDefined();
        const state = target?.status ?? "";
        const asked = page.waitForRequest((r) =>
          new RegExp(`/v1/shipments\\?.*q=S1.*status=${state}`).test(r.url()),
        );
        await page.getByLabel("Search shipments").fill("S1");
        await page.getByLabel("State").first().selectOption(state);
        await asked;
        const found = await json<{ items: { id: string }[] }>(
          `/v1/shipments?q=S1&status=${state}`,
          "importer",
        );
        expect(found.items.map((s) => s.id)).toContain(target?.id);
        await expect
          .poll(() => shipments.locator("tbody tr td:first-child").allTextContents())
          .toEqual(found.items.map((s) => s.id));
        await page.getByLabel("Search shipments").fill("");
        await page.getByLabel("State").first().selectOption("");
        await accessible(page, "pipeline");
        await screenshot(page, "pipeline");
        await page.getByRole("link", { name: "ord-alibaba-1-s1" }).click();
        const gates = page.locator("ol.gates > li");
        await gates.first().waitFor();
        expect(await gates.evaluateAll((items) => items.map((li) => li.getAttribute("data-gate")))).toEqual([
          "screening",
          "decision",
          "prepayment",
          "duty",
          "lab-certificate",
          "reservation",
          "release",
          "cn-approval",
          "customs",
          "delivered",
          "installed",
        ]);
        // An importer may not read screenings: that gate says so rather than guessing.
        expect(await page.locator('li[data-gate="screening"]').textContent()).toContain("not visible to you");
        expect(await page.locator('li[data-gate="release"]').textContent()).toContain("passed");
        await accessible(page, "shipment");
        await screenshot(page, "shipment-gates");
        await context.close();
      });

      it("us-regulator: the rulebooks timeline and the audit chain verified in the page", async () => {
        const { context, page } = await open("us-regulator");
        await page.getByRole("link", { name: /Rulebooks/ }).click();
        await page.getByLabel("In force on").fill("2026-01-14");
        const inForce = await json<{ rulebooks: { id: string; scenario: boolean }[] }>(
          "/v1/rulebooks?at=2026-01-14",
          "us-regulator",
        );
        const expected = inForce.rulebooks
          .filter((b) => !b.scenario)
          .map((b) => b.id)
          .sort();
        await expect
          .poll(async () =>
            (
              await page
                .locator(".book.in-force")
                .evaluateAll((els) => els.map((e) => e.getAttribute("data-book")))
            ).sort(),
          )
          .toEqual(expected);
        await accessible(page, "rulebooks");
        await screenshot(page, "rulebooks");
        await page.getByRole("link", { name: /Audit/ }).click();
        const verdict = page.getByTestId("audit-verdict");
        await verdict.waitFor();
        const api_ = await json<{ ok: boolean; count: number }>("/v1/audit/verify", "us-regulator");
        expect(api_.ok).toBe(true);
        expect((await verdict.textContent())?.replaceAll(",", "")).toContain(`${api_.count} entries`);
        await accessible(page, "audit");
        await screenshot(page, "audit");
        await context.close();
      });

      it("customs: licences with their depletion and the duty entries, as the API lists them", async () => {
        const { context, page } = await open("us-customs");
        await page.getByRole("link", { name: /Licences & evidence/ }).click();
        const licences = await json<{ items: { id: string }[] }>("/v1/licences", "us-customs");
        const rows = page.getByRole("table", { name: "licences" }).locator("tbody tr td:first-child");
        await rows.first().waitFor();
        expect(await rows.allTextContents()).toEqual(licences.items.map((l) => l.id));
        const duty = await json<{ items: { id: string }[] }>("/v1/duty-entries", "us-customs");
        if (duty.items.length === 0) await page.getByText("No entries recorded by customs.").waitFor();
        else
          expect(
            await page
              .getByRole("table", { name: "duty entries" })
              .locator("tbody tr td:first-child")
              .allTextContents(),
          ).toEqual(duty.items.map((d) => d.id));
        await accessible(page, "evidence");
        await screenshot(page, "evidence");
        await context.close();
      });

      it("auditor, cn-authority, customs, lab: each reaches its first page without errors", async () => {
        for (const role of ["auditor", "cn-authority", "us-customs", "lab"] as const) {
          const { context, page } = await open(role);
          const errors: string[] = [];
          page.on("pageerror", (error) => errors.push(error.message));
          await page.locator("main .card").first().waitFor();
          await page.locator('[aria-busy="true"]').first().waitFor({ state: "detached" });
          expect(await page.locator("main .error").count(), role).toBe(0);
          expect(errors, role).toEqual([]);
          await accessible(page, role);
          await context.close();
        }
      });

      it("keeps the token for the tab only and signs out", async () => {
        const { context, page } = await open("auditor");
        await page.reload();
        await page.getByTestId("who").filter({ hasText: "auditor" }).waitFor();
        await page.getByRole("button", { name: "Sign out" }).click();
        await page.getByLabel("API token").waitFor();
        expect(await page.evaluate("sessionStorage.length")).toBe(0);
        await page.getByLabel("API token").fill("sluice_not_a_token");
        await page.getByRole("button", { name: "Sign in" }).click();
        expect(await page.getByRole("alert").textContent()).toMatch(/401|token/i);
        await accessible(page, "sign in");
        await screenshot(page, "sign-in");
        await context.close();
      });
    },
    ["pglite"],
  );
});
