// The audit page against the real transparency log (the demo story, a checkpoint signed with the
// test log key and cosigned by a real witness, quorum 1), in Chromium: the checkpoint's signature
// is verified in the browser, its size, time and witnesses equal the API's, and an entry's
// inclusion proof verifies; a tampered proof, entry or checkpoint (rewritten in flight with
// page.route) shows the failure. The overview's checkpoint tile equals GET /v1/log/checkpoint.json.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWitness } from "../../src/adapters/cli/commands/witness.ts";
import { DbLogReader } from "../../src/adapters/db/log/reader.ts";
import { WitnessPusher } from "../../src/adapters/db/log/witnesses.ts";
import { seedDemo } from "../../src/app/seed/demo.ts";
import { shipmentContextOn } from "../../src/compose.ts";
import type { Role } from "../../src/core/authorization/policy.ts";
import { ensureWebBuilt } from "../../src/web-build.ts";
import { type Api, clock, startApi } from "../http/support.ts";
import { forEachDriver } from "../support/drivers.ts";
import { checkpointNow, testLogSigner, testWitnessSigner } from "../support/log.ts";
import { launchChromium, screenshot, seriousViolations, signIn, skipBrowser } from "./browser.ts";

interface CheckpointJson {
  size: number;
  signedAt: string;
  witnessed: boolean;
  cosigners: string[];
  witnessQuorum: number;
}

/** Flips the low bit of the first byte of a base64 value. */
function flipFirstByte(base64: string): string {
  const bytes = Buffer.from(base64, "base64");
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  return bytes.toString("base64");
}

describe.skipIf(skipBrowser)("audit log in Chromium", () => {
  forEachDriver(
    "audit log browser",
    (env) => {
      let api: Api;
      let browser: Browser;
      let witness: Awaited<ReturnType<typeof startWitness>>;
      beforeAll(async () => {
        await ensureWebBuilt();
        await seedDemo(shipmentContextOn(env.store(), { clock }));
        witness = await startWitness({
          signer: testWitnessSigner,
          logs: [testLogSigner],
          stateFile: join(mkdtempSync(join(tmpdir(), "sluice-web-witness-")), "state.json"),
          port: 0,
          now: clock,
        });
        const reader = new DbLogReader(env.store(), { verifier: testLogSigner, witnessQuorum: 1 });
        const size = await checkpointNow(env.store());
        const pusher = new WitnessPusher(env.store(), reader, [{ url: witness.url, key: testWitnessSigner }]);
        expect(await pusher.push(size)).toEqual([testWitnessSigner.name]);
        api = await startApi(env.store(), "audit-web", { log: reader });
        browser = await launchChromium();
      }, 180_000);
      afterAll(async () => {
        await browser?.close();
        await api?.server.close();
        await witness?.close();
      });

      async function open(role: Role, path: string): Promise<Page> {
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        const page = await context.newPage();
        await signIn(page, api.server.url, api.tokens[role], role);
        await page.goto(`${api.server.url}${path}`);
        return page;
      }

      const checkpointJson = async (): Promise<CheckpointJson> =>
        (await (await api.request("/v1/log/checkpoint.json")).json()) as CheckpointJson;

      /** Proves the first listed entry (seq 1, log index 0) and answers the verdict shown. */
      async function proveFirstEntry(page: Page): Promise<string | null> {
        const row = page.locator('table[aria-label="audit entries"] tr[data-seq="1"]');
        await row.getByRole("button", { name: "Prove entry 1 is in the log" }).click();
        const result = row.getByTestId("inclusion-result");
        await result.waitFor();
        return result.getAttribute("data-verdict");
      }

      it("us-regulator: the checkpoint verifies in the browser, its figures equal the API's, an entry is proved", async () => {
        const page = await open("us-regulator", "/audit");
        const status = await checkpointJson();
        expect(status).toMatchObject({
          witnessed: true,
          witnessQuorum: 1,
          cosigners: [testWitnessSigner.name],
        });
        const signature = page.getByTestId("checkpoint-signature");
        await signature.waitFor();
        expect(await signature.getAttribute("data-verdict")).toBe("verified");
        const size = await page.getByTestId("checkpoint-size").textContent();
        expect(size?.replaceAll(",", "")).toBe(`${status.size} entries`);
        expect(await page.getByTestId("checkpoint-signed-at").getAttribute("datetime")).toBe(status.signedAt);
        const witnessed = page.getByTestId("checkpoint-witnessed");
        expect(await witnessed.getAttribute("data-witnessed")).toBe("true");
        expect(await witnessed.textContent()).toContain(
          `1 of 1 required cosignatures (${testWitnessSigner.name})`,
        );
        expect(await page.getByTestId("checkpoint-age").textContent()).toMatch(/ago/);
        expect(await proveFirstEntry(page)).toBe("verified");
        expect(await page.locator('tr[data-seq="1"] pre').textContent()).toContain('"kind"');
        expect(await seriousViolations(page)).toEqual([]);
        await screenshot(page, "audit-log");
        await page.context().close();
      });

      it("shows the failure when the proof, the entry or the checkpoint is tampered with in flight", async () => {
        const page = await open("auditor", "/audit");
        await page.getByTestId("checkpoint-signature").waitFor();
        await page.route("**/v1/log/proofs/inclusion**", async (route) => {
          const original = (await (await route.fetch()).json()) as { hashes: string[] };
          const [first, ...rest] = original.hashes;
          expect(first).toBeDefined();
          await route.fulfill({ json: { hashes: [flipFirstByte(first ?? ""), ...rest] } });
        });
        expect(await proveFirstEntry(page)).toBe("not_included");
        expect(
          await page.locator('tr[data-seq="1"] [data-testid="inclusion-result"]').textContent(),
        ).toContain("root mismatch");
        await screenshot(page, "audit-log-tampered");
        await page.unroute("**/v1/log/proofs/inclusion**");

        await page.reload();
        await page.route("**/v1/log/entries/0", async (route) => {
          const body = (await (await route.fetch()).body()).toString("utf8");
          await route.fulfill({
            body: body.replace('"kind":"', '"kind":"x'),
            contentType: "application/octet-stream",
          });
        });
        expect(await proveFirstEntry(page)).toBe("not_included");
        await page.unroute("**/v1/log/entries/0");

        await page.route("**/v1/log/checkpoint", async (route) => {
          const note = await (await route.fetch()).text();
          const [origin, size, ...rest] = note.split("\n");
          await route.fulfill({
            body: [origin, String(Number(size) + 1), ...rest].join("\n"),
            contentType: "text/plain",
          });
        });
        await page.reload();
        const signature = page.getByTestId("checkpoint-signature");
        await signature.waitFor();
        expect(await signature.getAttribute("data-verdict")).toBe("checkpoint_unsigned");
        expect(await proveFirstEntry(page)).toBe("checkpoint_unsigned");
        await page.context().close();
      });

      it("admin: the overview's checkpoint tile equals the API's size, time and witnesses", async () => {
        const page = await open("admin", "/overview");
        const status = await checkpointJson();
        const size = page.getByTestId("checkpoint-size");
        await size.waitFor();
        expect((await size.textContent())?.replaceAll(",", "")).toBe(`${status.size} entries`);
        expect(await page.getByTestId("checkpoint-signed-at").getAttribute("datetime")).toBe(status.signedAt);
        expect(await page.getByTestId("checkpoint-witnessed").getAttribute("data-witnessed")).toBe(
          String(status.witnessed),
        );
        const shownAge = await page.getByTestId("checkpoint-age").textContent();
        const days = Math.floor((Date.now() - Date.parse(status.signedAt)) / 86_400_000);
        if (days >= 1)
          expect(shownAge).toMatch(new RegExp(`\\(${days.toLocaleString("en-US")} days? ago\\)`));
        else expect(shownAge).toMatch(/ago/);
        await page.context().close();
      });
    },
    ["pglite"],
  );
});
