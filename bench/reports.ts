// A year's cap and decisions reports over 100,000 China shipments: the time to issue each report
// (its figures read in one snapshot) and to render it as PDF and CSV, the PDF's size, and the
// process's peak memory (max RSS and the largest heap seen). The year's records are written
// straight into the tables with SQL (generate_series), not through the use cases: the bench
// measures reading and rendering, not writing. The issue's goal: the PDF within 5 s.
// Run: node --import tsx bench/reports.ts [--shipments N] [--driver postgres|pglite]
//   (TEST_DATABASE_URL as for the tests; a fresh schema, dropped afterwards)
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { openStore, type StoreConfig } from "../src/adapters/db/open.ts";
import type { Store } from "../src/adapters/db/store.ts";
import { reportService } from "../src/compose.ts";
import type { ReportFormat, ReportKind } from "../src/core/reports/model.ts";

const { values } = parseArgs({
  options: {
    shipments: { type: "string", default: "100000" },
    driver: { type: "string", default: "postgres" },
  },
});
const shipments = Number(values.shipments);
const shipmentsPerOrder = 10;
const databaseUrl = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";

let heapPeakBytes = 0;
const sampler = setInterval(() => {
  heapPeakBytes = Math.max(heapPeakBytes, process.memoryUsage().heapUsed);
}, 10);

async function scratch(driver: string): Promise<{ config: StoreConfig; drop: () => Promise<void> }> {
  if (driver === "pglite") {
    const dataDir = mkdtempSync(join(tmpdir(), "sluice-bench-reports-"));
    return { config: { dataDir }, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const schema = `bench_reports_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = new URL(databaseUrl);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return {
    config: { databaseUrl: url.toString(), poolSizeMax: 4 },
    drop: async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
    },
  };
}

/**
 * 2026's records: a US posting per day (the cap's credit), `shipments` China shipments spread over
 * the year (a reservation, then its post, each a ledger movement), their orders, an application
 * decision per order and a release decision per shipment (1 in 10 held by the cap, with a citation
 * and a remedy), all in one cumulative 50 % account.
 */
async function writeYear(store: Store): Promise<void> {
  const orders = Math.ceil(shipments / shipmentsPerOrder);
  const day = (n: string) => `(DATE '2026-01-01' + (${n} % 365))`;
  const account = "units/product:nvidia-h200-sxm/since:2026-01-01";
  // US end use at 2.2 × China's volume: the cap runs at about 45 % of 50 %, tight most days.
  const usPerPosting = Math.ceil((shipments * 10 * 22) / 10 / 3650);
  const held = `{"findings":[{"ruleId":"us-bis-2026.c6-volume-cap","citation":{"source":"91 FR 1684, 15 CFR 742.6(a)(6)(iii) (cap at 50 % of US end use)","status":"S"},"remedy":{"summary":"ship more to US end users, or wait for the window to roll"}}]}`;
  const statements = [
    `INSERT INTO products (id, name, vendor, spec, entry_hash, doc, recorded_at)
       VALUES ('nvidia-h200-sxm', 'H200 SXM', 'NVIDIA', '{}', repeat('0', 64), '{}', now())`,
    `INSERT INTO parties (id, name, country, doc, created_at, updated_at)
       SELECT 'party-' || g, 'Importer ' || g, 'CN', '{}'::jsonb, now(), now() FROM generate_series(1, 50) g
       UNION ALL SELECT 'nvidia', 'NVIDIA Corporation', 'US', '{}', now(), now()`,
    `INSERT INTO orders (id, product_id, quantity_units, value_cents, exporter_id, consignee_id, end_user_id, status, doc, created_at, updated_at)
       SELECT 'ord-' || g, 'nvidia-h200-sxm', 100, 270000000, 'nvidia', 'party-' || (g % 50 + 1), 'party-' || (g % 50 + 1),
              'licensed', '{}', now(), now() FROM generate_series(1, ${orders}) g`,
    `INSERT INTO shipments (id, order_id, quantity_units, value_cents, status, serials, created_at, updated_at)
       SELECT 'shp-' || g, 'ord-' || (g / ${shipmentsPerOrder} + 1), 10, 27000000, 'shipped', '[]', now(), now()
         FROM generate_series(0, ${shipments - 1}) g`,
    `INSERT INTO decisions (id, order_id, shipment_id, purpose, evaluated_on, scenarios, decision, deciding_rule_ids, dossier, dossier_digest, result, input_hash, decided_at)
       SELECT 'app-' || g, 'ord-' || g, NULL, 'application', ${day("g")}, '{}', 'approve', '{}', '{}', '', '{"findings":[]}', '', ${day("g")}::timestamp AT TIME ZONE 'UTC'
         FROM generate_series(1, ${orders}) g`,
    `INSERT INTO decisions (id, order_id, shipment_id, purpose, evaluated_on, scenarios, decision, deciding_rule_ids, dossier, dossier_digest, result, input_hash, decided_at)
       SELECT 'rel-' || g, 'ord-' || (g / ${shipmentsPerOrder} + 1), 'shp-' || g, 'release', ${day("g")}, '{}',
              CASE WHEN g % 10 = 0 THEN 'hold' ELSE 'approve' END,
              CASE WHEN g % 10 = 0 THEN ARRAY['us-bis-2026.c6-volume-cap'] ELSE '{}' END, '{}', '',
              CASE WHEN g % 10 = 0 THEN '${held}'::jsonb ELSE '{"findings":[]}'::jsonb END, '',
              ${day("g")}::timestamp AT TIME ZONE 'UTC' + interval '12 hours'
         FROM generate_series(0, ${shipments - 1}) g`,
    `INSERT INTO ledger_accounts (id, ratio_percent, us_posted, cn_pending, cn_posted)
       VALUES ('${account}', 50, ${3650 * usPerPosting}, 0, ${shipments * 10})`,
    `INSERT INTO ledger_reservations (id, product_id, units, amount, account_ids, state, reserved_at, expires_at, settled_at, reference)
       SELECT 'res-' || g, 'nvidia-h200-sxm', 10, 10, ARRAY['${account}'], 'posted', ${day("g")}::timestamp AT TIME ZONE 'UTC',
              ${day("g")}::timestamp AT TIME ZONE 'UTC' + interval '30 days', ${day("g")}::timestamp AT TIME ZONE 'UTC',
              jsonb_build_object('shipmentId', 'shp-' || g)
         FROM generate_series(0, ${shipments - 1}) g`,
    `INSERT INTO ledger_movements (id, account_id, op, ref_id, d_us_posted, d_cn_pending, d_cn_posted, at)
       SELECT 'us-' || g, '${account}', 'us_post', 'us-' || g, ${usPerPosting}, 0, 0, ${day("g")}::timestamp AT TIME ZONE 'UTC'
         FROM generate_series(0, 365 * 10 - 1) g
       UNION ALL SELECT 'mr-' || g, '${account}', 'reserve', 'res-' || g, 0, 10, 0, ${day("g")}::timestamp AT TIME ZONE 'UTC' + interval '1 hour'
         FROM generate_series(0, ${shipments - 1}) g
       UNION ALL SELECT 'mp-' || g, '${account}', 'post', 'res-' || g, 0, -10, 10, ${day("g")}::timestamp AT TIME ZONE 'UTC' + interval '2 hours'
         FROM generate_series(0, ${shipments - 1}) g`,
    "ANALYZE",
  ];
  for (const sql of statements) await store.query(sql);
}

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
/** CPU time (user + system) of this process since `start`, ms: steadier than wall time on a loaded machine. */
const cpuMs = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

async function main(): Promise<void> {
  const { config, drop } = await scratch(values.driver ?? "postgres");
  const store = await openStore(config);
  const keyDir = mkdtempSync(join(tmpdir(), "sluice-bench-key-"));
  try {
    const setupStart = process.hrtime.bigint();
    await writeYear(store);
    const setupMs = ms(setupStart);
    let now = new Date("2027-01-05T09:00:00Z"); // the year is closed: the first issue pins it
    const reports = reportService(store, () => now, join(keyDir, "key.pem"));
    const principal = { id: "bench", role: "auditor" as const, partyId: null };
    const year = { from: "2026-01-01", to: "2026-12-31" };
    console.log(
      `bench/reports: ${shipments} shipments, driver ${values.driver}, setup ${(setupMs / 1000).toFixed(1)} s, load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
    );
    console.log(
      "| report | ask | issue ms | issue cpu ms | render ms | render cpu ms | total ms | bytes | rows |",
    );
    console.log("|---|---|---|---|---|---|---|---|---|");
    for (const kind of ["cap", "decisions"] as ReportKind[]) {
      for (const [ask, format] of [
        ["first (computed, pinned)", "pdf"],
        ["again (pinned)", "pdf"],
        ["again (pinned)", "csv"],
      ] as [string, ReportFormat][]) {
        const start = process.hrtime.bigint();
        const issueCpu = process.cpuUsage();
        const report = await reports.issue(principal, kind, year);
        const issueMs = ms(start);
        const issueCpuMs = cpuMs(issueCpu);
        const renderStart = process.hrtime.bigint();
        const renderCpu = process.cpuUsage();
        const rendered = await reports.render(report, format);
        const renderMs = ms(renderStart);
        const renderCpuMs = cpuMs(renderCpu);
        const rows = report.tables.reduce((sum, t) => sum + t.rows.length, 0);
        console.log(
          `| ${kind} ${format} | ${ask} | ${issueMs.toFixed(0)} | ${issueCpuMs.toFixed(0)} | ${renderMs.toFixed(0)} | ${renderCpuMs.toFixed(0)} | ${(issueMs + renderMs).toFixed(0)} | ${rendered.bytes.length} | ${rows} |`,
        );
        now = new Date(now.getTime() + 60_000);
      }
    }
    clearInterval(sampler);
    const maxRssMiB = process.resourceUsage().maxRSS / 1024;
    console.log(
      `peak memory of this process: max RSS ${maxRssMiB.toFixed(0)} MiB, largest heap seen ${(heapPeakBytes / 2 ** 20).toFixed(0)} MiB`,
    );
  } finally {
    clearInterval(sampler);
    await store.close();
    await drop();
    rmSync(keyDir, { recursive: true, force: true });
  }
}

await main();
