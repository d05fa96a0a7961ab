// Browser test support: Debian's Chromium (/usr/bin/chromium, or SLUICE_CHROMIUM) driven by
// playwright-core, the demo story in a fresh store behind a real server with one token per role,
// axe-core injected from node_modules, and screenshots of each page (written to docs/screenshots/
// with SLUICE_UPDATE_SCREENSHOTS=1, else to a temporary folder, so `npm test` leaves the tree
// clean). Without Chromium the suite is skipped with a note, except under CI=true, where launching
// fails the tests (.ci/run installs the chromium package).
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";

export const chromiumPath = process.env.SLUICE_CHROMIUM ?? "/usr/bin/chromium";
const ci = process.env.CI === "true" || process.env.CI === "1";
export const chromiumMissing = !existsSync(chromiumPath);
/** Skip only off CI: under CI=true a missing browser must fail the run. */
export const skipBrowser = chromiumMissing && !ci;
if (skipBrowser) console.warn(`browser tests skipped: ${chromiumPath} not found (apt-get install chromium)`);

export const screenshotDir =
  process.env.SLUICE_UPDATE_SCREENSHOTS === "1"
    ? fileURLToPath(new URL("../../docs/screenshots/", import.meta.url))
    : join(tmpdir(), "sluice-screenshots/");

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
    ],
  });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown }[];
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, not a <script>: the app's CSP forbids inline scripts.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: () => Promise<{ violations: AxeViolation[] }> } })
      .axe;
    return (await axe.run()).violations;
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: `${screenshotDir}${name}.png`, fullPage: true });
}

/** Signs in through the form and waits for the header to name the role. */
export async function signIn(page: Page, baseUrl: string, token: string, role: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel("API token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("who").filter({ hasText: role }).waitFor();
}
