// The custody and diversion report over the demo store's custody story (60 chips at three sites,
// the last 6 answering from near Singapore), a second round of heartbeats from two sites, an alert
// closed by the regulator, and a sweep that finds the third site's chips silent: every figure equal
// to the custody routes' figures for the same window, a golden CSV, the importer's and the Chinese
// authority's cut, a closed window answered with the same bytes, the Chinese names in the PDF.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, expect, it } from "vitest";
import { sqlCustodyStore } from "../../src/adapters/db/custody/store.ts";
import { createToken } from "../../src/adapters/db/tokens.ts";
import { type ServerHandle, startServer } from "../../src/adapters/http/serve.ts";
import { HeartbeatIngest } from "../../src/app/custody/ingest.ts";
import { playHeartbeat } from "../../src/app/custody/play.ts";
import { demoSites, deviceKeyOf, landmarkKeys, seedCustodyDemo } from "../../src/app/custody/seed-custody.ts";
import { seedDemo } from "../../src/app/seed/demo.ts";
import { custodyRules, httpDeps, reportService, shipmentContextOn } from "../../src/compose.ts";
import { verifyReport } from "../../src/core/reports/signature.ts";
import { counterFactory } from "../http/support.ts";
import { forEachDriver } from "../support/drivers.ts";
import { checkpointNow } from "../support/log.ts";

const chips = 60;
const prefix = "ord-alibaba-1-H200-";
const serials = Array.from({ length: chips }, (_, i) => `${prefix}${i + 1}`);
/** The first two sites' chips (1–40) answer again on 5 February; the Shanghai third falls silent. */
const heardAgain = serials.slice(0, 40);
const february = "from=2026-02-01&to=2026-02-28";
const firstWeek = "from=2026-02-01&to=2026-02-07";
let now = new Date("2026-02-02T09:00:00Z");
const clock = () => now;

type Roles =
  | "admin"
  | "us-regulator"
  | "importer"
  | "importer-other"
  | "cn-authority"
  | "exporter"
  | "auditor";

interface JsonReport {
  checkpoint: { size: number };
  tables: { id: string; rows: (string | number | null)[][] }[];
}

forEachDriver("custody and diversion report", (env) => {
  let server: ServerHandle;
  const tokens = {} as Record<Roles, string>;
  const keyPath = join(mkdtempSync(join(tmpdir(), "sluice-custody-report-")), "report-key.pem");
  const call = (path: string, role: Roles = "admin", init: RequestInit = {}) =>
    fetch(`${server.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${tokens[role]}`, "content-type": "application/json" },
    });
  const report = async (query: string, role: Roles = "us-regulator") => {
    const response = await call(`/v1/reports/custody?${query}`, role);
    expect(response.status, await response.clone().text()).toBe(200);
    return {
      bytes: new Uint8Array(await response.arrayBuffer()),
      signature: response.headers.get("x-sluice-report-signature") ?? "",
    };
  };
  const json = async (query: string, role: Roles = "us-regulator") =>
    JSON.parse(Buffer.from((await report(query, role)).bytes).toString("utf8")) as JsonReport;
  const table = (r: JsonReport, id: string) => r.tables.find((t) => t.id === id)?.rows ?? [];
  let sweptSilent = -1;

  beforeAll(async () => {
    const store = env.store();
    now = new Date("2026-02-02T09:00:00Z");
    await seedDemo(shipmentContextOn(store, { clock }));
    const custody = sqlCustodyStore(store);
    await seedCustodyDemo(custody, clock, custodyRules, chips, 6);
    const factory = counterFactory(`cust-${env.driver}`);
    const parties: Partial<Record<Roles, string>> = {
      importer: "alibaba-cloud",
      "importer-other": "tencent-cloud",
      exporter: "nvidia",
    };
    for (const role of Object.keys({
      ...parties,
      admin: 1,
      "us-regulator": 1,
      "cn-authority": 1,
      auditor: 1,
    }))
      tokens[role as Roles] = (
        await createToken(store, clock, factory, {
          role: role === "importer-other" ? "importer" : (role as Exclude<Roles, "importer-other">),
          label: role,
          ...(parties[role as Roles] ? { partyId: parties[role as Roles] as string } : {}),
        })
      ).secret;
    server = await startServer({
      port: 0,
      evaluateThreads: 0,
      deps: httpDeps(store, {
        clock,
        tokenFactory: factory,
        logError: () => {},
        reports: reportService(store, clock, keyPath),
      }),
    });
    // 5 February: the Zhangbei and Ulanqab chips answer again from their sites.
    now = new Date("2026-02-05T09:00:00Z");
    const landmarks = landmarkKeys();
    const heartbeats = heardAgain.map((serial, i) =>
      playHeartbeat(landmarks, {
        serial,
        deviceKey: deviceKeyOf(serial),
        at: demoSites[i < 20 ? 0 : 1] ?? demoSites[0],
        round: `feb5-${serial}`,
        when: now,
      }),
    );
    const actor = { id: "test:landmarks", role: "landmark-operator" as const, partyId: null };
    const ingest = new HeartbeatIngest({ store: custody, clock, newId: uuidv7, rules: custodyRules });
    expect((await ingest.ingest(heartbeats, actor, "test")).counts).toEqual({ accepted: 40 });
    // 6 February: the regulator closes one of the Singapore alerts.
    now = new Date("2026-02-06T12:00:00Z");
    const open = (await (await call("/v1/alerts?limit=500", "us-regulator")).json()) as {
      alerts: { id: string; serial: string }[];
    };
    const first = [...open.alerts].sort((a, b) => (a.serial < b.serial ? -1 : 1))[0];
    const closed = await call(`/v1/alerts/${first?.id}/status`, "us-regulator", {
      method: "POST",
      body: JSON.stringify({ status: "closed", reason: "chip returned to Ulanqab, re-verified on site" }),
    });
    expect(closed.status).toBe(200);
    // 11 February: the sweep finds the Shanghai third silent for more than seven days.
    now = new Date("2026-02-11T10:00:00Z");
    const swept = await call("/v1/alerts/sweep", "us-regulator", { method: "POST", body: "{}" });
    expect(swept.status).toBe(200);
    sweptSilent = ((await swept.json()) as { silent: number }).silent;
    await checkpointNow(store); // the reports name a signed log checkpoint
    now = new Date("2026-02-11T11:00:00Z");
  }, 300_000);
  afterAll(async () => {
    await server?.close();
  });

  it("gives every figure the custody routes give for the same window", async () => {
    const r = await json(february); // open: silence judged now, as the sweep did
    type Serial = {
      importerId: string;
      siteId: string | null;
      state: string;
      daily: {
        day: string;
        heartbeats: number;
        verified: number;
        inconsistent: number;
        unprovable: number;
        impossible: number;
      }[];
    };
    const shown: Serial[] = [];
    for (const serial of serials) shown.push((await (await call(`/v1/serials/${serial}`)).json()) as Serial);
    const perSite = new Map<string, number[]>();
    for (const s of shown) {
      const key = `${s.importerId}/${s.siteId}`;
      const sum = perSite.get(key) ?? [0, 0, 0, 0, 0, 0, 0];
      sum[0] = (sum[0] ?? 0) + 1;
      if (s.state === "installed") sum[1] = (sum[1] ?? 0) + 1;
      for (const d of s.daily.filter((d) => d.day >= "2026-02-01" && d.day <= "2026-02-28")) {
        sum[2] = (sum[2] ?? 0) + d.heartbeats;
        sum[3] = (sum[3] ?? 0) + d.verified;
        sum[4] = (sum[4] ?? 0) + d.inconsistent;
        sum[5] = (sum[5] ?? 0) + d.unprovable;
        sum[6] = (sum[6] ?? 0) + d.impossible;
      }
      perSite.set(key, sum);
    }
    const chipsTable = table(r, "chips");
    // The lot's serials not yet installed anywhere: the lot's count (the import's replay answers it).
    const lot = (await (
      await call("/v1/serials/import", "exporter", {
        method: "POST",
        body: JSON.stringify({ shipmentId: "ord-alibaba-1-s1" }),
      })
    ).json()) as { status: string; serials: number };
    expect(lot.status).toBe("exists");
    perSite.set("alibaba-cloud/null", [lot.serials - chips, 0, 0, 0, 0, 0, 0]);
    expect(Object.fromEntries(chipsTable.map((row) => [`${row[0]}/${row[2]}`, [row[3], row[4]]]))).toEqual(
      Object.fromEntries([...perSite.entries()].map(([k, v]) => [k, [v[0], v[1]]])),
    );
    const verdicts = table(r, "verdicts").filter((row) => row[0] !== "all");
    expect(Object.fromEntries(verdicts.map((row) => [`${row[0]}/${row[1]}`, row.slice(3, 8)]))).toEqual(
      Object.fromEntries(
        [...perSite.entries()].filter(([, v]) => (v[2] ?? 0) > 0).map(([k, v]) => [k, v.slice(2, 7)]),
      ),
    );
    expect(sweptSilent).toBe(20);
    expect(chipsTable.reduce((n, row) => n + Number(row[7]), 0)).toBe(sweptSilent);
    expect(table(r, "silent").length).toBe(sweptSilent);

    const alerts = (
      (await (await call("/v1/alerts?limit=500")).json()) as {
        alerts: {
          id: string;
          kind: string;
          status: string;
          openedAt: string;
          updatedAt: string | null;
          report: { category: string; serial: string | null };
        }[];
      }
    ).alerts;
    const counts = new Map<string, [number, number]>();
    for (const a of alerts) {
      const c = counts.get(a.kind) ?? [0, 0];
      if (a.openedAt >= "2026-02-01") c[0]++;
      if (a.status === "closed" && (a.updatedAt ?? "") >= "2026-02-01") c[1]++;
      counts.set(a.kind, c);
    }
    expect(Object.fromEntries(table(r, "alerts").map((row) => [row[0], [row[1], row[2]]]))).toEqual(
      Object.fromEntries(counts),
    );
    expect(Object.fromEntries(counts)).toMatchObject({ location_inconsistent: [6, 1], silent: [20, 0] });
    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
    expect(
      table(r, "diversion")
        .map((row) => ({ id: String(row[0]), category: row[2], serial: row[4] }))
        .sort(byId),
    ).toEqual(
      alerts.map((a) => ({ id: a.id, category: a.report.category, serial: a.report.serial })).sort(byId),
    );
  });

  it("answers a golden CSV for a closed week, the same bytes when asked again", async () => {
    const first = await report(`${firstWeek}&format=csv`);
    const text = Buffer.from(first.bytes).toString("utf8");
    const stable = text
      .replace(/^(report,1,checkpoint_root_hash,).*$/m, "$1<root>")
      .replace(/^(report,1,checkpoint_note,)("(?:[^"]|"")*"|.*)$/m, "$1<note>")
      .replace(/^(report,1,issuer,).*$/m, "$1<token>")
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<uuid>");
    const file = join(import.meta.dirname, "golden", "custody-demo.csv");
    if (process.env.SLUICE_UPDATE_GOLDEN === "1") writeFileSync(file, stable);
    expect(stable).toBe(readFileSync(file, "utf8"));
    now = new Date("2026-02-20T08:00:00Z");
    const again = await report(`${firstWeek}&format=csv`, "auditor");
    expect(Buffer.from(again.bytes).equals(Buffer.from(first.bytes))).toBe(true);
    expect(again.signature).toBe(first.signature);
    const key = (await (await call("/v1/reports/key")).json()) as { publicKeyPem: string };
    expect(verifyReport(again.bytes, again.signature, key.publicKeyPem)).toBe("valid");
    expect(stable).toMatch(/^report,1,checkpoint_size,[1-9]\d*\r$/m);
    now = new Date("2026-02-11T11:00:00Z");
  });

  it("cuts the importer's and the Chinese authority's report to their chips; others are forbidden", async () => {
    // Installed chips (the lot's other serials are registered, at no site yet).
    const chipsOf = async (role: Roles) =>
      table(await json(february, role), "chips").reduce((n, row) => n + Number(row[4]), 0);
    expect(await chipsOf("us-regulator")).toBe(chips);
    expect(await chipsOf("importer")).toBe(chips);
    expect(await chipsOf("cn-authority")).toBe(chips);
    const other = await json(february, "importer-other");
    expect(await chipsOf("importer-other")).toBe(0);
    expect(table(other, "diversion")).toEqual([]);
    expect((await call(`/v1/reports/custody?${february}`, "exporter")).status).toBe(403);
  });

  it("prints the importer's Chinese name and the Chinese headings in the PDF (pdftotext)", async () => {
    const { bytes } = await report(`${february}&format=pdf`, "cn-authority");
    const dir = mkdtempSync(join(tmpdir(), "sluice-custody-pdf-"));
    writeFileSync(join(dir, "custody.pdf"), bytes);
    const text = execFileSync("pdftotext", [join(dir, "custody.pdf"), "-"], { encoding: "utf8" });
    // `SLUICE_UPDATE_SCREENSHOTS=1`: page 1 as docs/screenshots/report-custody.png (docs/reports.md).
    if (process.env.SLUICE_UPDATE_SCREENSHOTS === "1" && env.driver === "pglite") {
      const png = join(import.meta.dirname, "..", "..", "docs", "screenshots", "report-custody");
      execFileSync("pdftoppm", [
        "-png",
        "-r",
        "100",
        "-f",
        "1",
        "-l",
        "1",
        "-singlefile",
        join(dir, "custody.pdf"),
        png,
      ]);
    }
    expect(text).toContain("阿里云计算有限公司");
    expect(text).toContain("监管链与转移");
    expect(text).toContain("Chip Security Act");
    expect(text).toMatch(/page 1 of \d+/);
  });
});
