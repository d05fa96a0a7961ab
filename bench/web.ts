// Web app benchmark. Prints, and appends to bench/RESULTS.md (unless --no-record):
// - the first page's JavaScript, gzip: every script index.html loads at start (the entry module
//   and its modulepreloads), gzipped at level 9 (budget ≤ 400 KB), and the CSS beside it;
// - the time until the overview shows its numbers (the cap gauges' figures and the shipment
//   counts) with --shipments shipments (default 10,000) and --alerts cap alerts (default 100) in
//   the store: the demo story seeded, then shipment rows copied from a seeded one and alert rows
//   inserted in SQL (the records a year of use would leave; no ledger rule is exercised here).
//   Measured in Debian's Chromium from navigation to the figures on screen, --runs times after one
//   warm-up (a fresh browser context each run: no cache, a new sign-in), median and range.
// Run: node --import tsx bench/web.ts [--shipments 10000] [--alerts 100] [--runs 5] [--no-record]
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { openStore } from "../src/adapters/db/open.ts";
import type { Store } from "../src/adapters/db/store.ts";
import { createToken, systemTokenFactory } from "../src/adapters/db/tokens.ts";
import { startServer } from "../src/adapters/http/serve.ts";
import { ensureBundledLists } from "../src/app/screening/versions.ts";
import { seedDemo } from "../src/app/seed/demo.ts";
import { httpDeps, screeningOn, shipmentContextOn } from "../src/compose.ts";
import { ensureWebBuilt } from "../src/web-build.ts";
import { launchChromium } from "../test/web/browser.ts";

const { values } = parseArgs({
  options: {
    shipments: { type: "string", default: "10000" },
    alerts: { type: "string", default: "100" },
    runs: { type: "string", default: "5" },
    "no-record": { type: "boolean", default: false },
  },
});
const shipmentCount = Number(values.shipments);
const alertCount = Number(values.alerts);
const runs = Number(values.runs);
const dist = fileURLToPath(new URL("../web/dist/", import.meta.url));

function firstPageSizes(): { jsRaw: number; jsGzip: number; cssGzip: number; files: string[] } {
  const html = readFileSync(join(dist, "index.html"), "utf8");
  const scripts = [
    ...html.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="\/([^"]+\.js)"/g),
  ].map((m) => m[1] ?? "");
  const styles = [...html.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="\/([^"]+\.css)"/g)].map(
    (m) => m[1] ?? "",
  );
  const size = (files: string[], zip: boolean) =>
    files.reduce((sum, file) => {
      const bytes = readFileSync(join(dist, file));
      return sum + (zip ? gzipSync(bytes, { level: 9 }).length : bytes.length);
    }, 0);
  return {
    jsRaw: size(scripts, false),
    jsGzip: size(scripts, true),
    cssGzip: size(styles, true),
    files: [...scripts, ...styles],
  };
}

async function fillStore(store: Store): Promise<void> {
  const at = new Date();
  await ensureBundledLists(screeningOn(store, () => at)());
  await seedDemo(shipmentContextOn(store, { clock: () => at }));
  // Copies of a planned shipment (new ids, same order), and cap alerts on the first account.
  await store.query(
    `INSERT INTO shipments (id, order_id, licence_id, quantity_units, value_cents, status, reservation_id, serials, evidence, version, created_at, updated_at)
     SELECT 'bench-s-' || lpad(n::text, 6, '0'), s.order_id, s.licence_id, s.quantity_units, s.value_cents,
            (ARRAY['planned','released','shipped','cancelled','expired'])[1 + n % 5], NULL, s.serials, s.evidence, 1, now(), now()
       FROM generate_series(1, $1::int) AS n, (SELECT * FROM shipments ORDER BY id LIMIT 1) s`,
    [shipmentCount],
  );
  await store.query(
    `INSERT INTO ledger_alerts (id, account_id, kind, raised_at, details)
     SELECT 'bench-alert-' || n, a.id, 'us_reversal_breaks_cap', now() - (n || ' minutes')::interval,
            jsonb_build_object('usPosted', '1000', 'chinaTotal', '600')
       FROM generate_series(1, $1::int) AS n, (SELECT id FROM ledger_accounts ORDER BY id LIMIT 1) a`,
    [alertCount],
  );
}

async function timeOverview(baseUrl: string, token: string): Promise<number[]> {
  const browser = await launchChromium();
  const times: number[] = [];
  try {
    for (let run = 0; run <= runs; run++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${baseUrl}/`);
      await page.getByLabel("API token").fill(token);
      // Sign-in lands on the overview: timed from the click to the figures on screen.
      const started = performance.now();
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByTestId("headroom").first().waitFor();
      await page.getByTestId("shipments-planned").waitFor();
      await page.getByTestId("alert-count").waitFor();
      const elapsed = performance.now() - started;
      if (run > 0) times.push(elapsed); // run 0 warms the server's caches and the browser
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return times;
}

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

await ensureWebBuilt();
const sizes = firstPageSizes();
const dataDir = mkdtempSync(join(tmpdir(), "sluice-bench-web-"));
const store = await openStore({ dataDir });
try {
  const seedStarted = performance.now();
  await fillStore(store);
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const { secret } = await createToken(store, () => new Date(), systemTokenFactory, {
    role: "admin",
    label: "bench",
  });
  const server = await startServer({ deps: httpDeps(store), port: 0 });
  const times = await timeOverview(server.url, secret);
  await server.close();
  const load = loadavg()
    .map((x) => x.toFixed(2))
    .join(", ");
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const lines = [
    `first page JS: ${kb(sizes.jsRaw)} raw, ${kb(sizes.jsGzip)} gzip (budget 400 KB); CSS ${kb(sizes.cssGzip)} gzip; files ${sizes.files.join(", ")}`,
    `overview figures on screen with ${shipmentCount} extra shipments and ${alertCount} alerts (embedded database, seeded in ${seedSeconds.toFixed(1)} s): median ${median(times).toFixed(0)} ms over ${times.length} runs (${times.map((t) => t.toFixed(0)).join(", ")} ms)`,
  ];
  for (const line of lines) console.log(line);
  if (!values["no-record"]) {
    const command = `node --import tsx bench/web.ts --shipments ${shipmentCount} --alerts ${alertCount} --runs ${runs}`;
    appendFileSync(
      fileURLToPath(new URL("RESULTS.md", import.meta.url)),
      `\n## Web app: first page size and time to the overview's numbers (${new Date().toISOString().slice(0, 16)} UTC)\n\nMachine: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}; load average ${load}.\nCommand: \`${command}\`\n\n${lines.map((l) => `- ${l}`).join("\n")}\n`,
    );
  }
} finally {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
}
