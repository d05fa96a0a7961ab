// Screening with the store: seeding the bundled lists on a fresh store (OFAC SDN 2021 + CSL sample
// + Entity List extract, 9,134 entries), importing one more version, building the index from the
// stored entries, creating and screening parties (one transaction each, as on party creation),
// re-screening all of them after a new version, and building the dossier view.
// Usage: node --import tsx bench/screening-store.ts [pglite|postgres] [parties]
// (postgres: TEST_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test, in a scratch schema).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../src/adapters/db/open.ts";
import { screeningSystemAudit, sqlScreeningRepos } from "../src/adapters/db/screening/repository.ts";
import { warmActiveLists } from "../src/app/screening/active-index.ts";
import { screenParty } from "../src/app/screening/parties.ts";
import { rescreenAll } from "../src/app/screening/rescreen.ts";
import { ensureBundledLists, importListVersion } from "../src/app/screening/versions.ts";
import { partyScreeningView } from "../src/app/screening/views.ts";
import { bundledScreeningIndex, screeningFiles, screeningOn } from "../src/compose.ts";
import { createScratch } from "../test/support/drivers.ts";

const driver = process.argv[2] === "postgres" ? "postgres" : "pglite";
const partiesCount = Number(process.argv[3] ?? 300);
const at = new Date("2026-02-01T12:00:00Z");

/** Wall time and this process's CPU time per phase (the machine is shared: CPU time is the fairer figure). */
const lap = (() => {
  let t = performance.now();
  let cpu = process.cpuUsage();
  return (what: string, extra = "") => {
    const now = performance.now();
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    console.log(
      `${what.padEnd(58)} ${(now - t).toFixed(0).padStart(7)} ms wall ${cpuMs.toFixed(0).padStart(6)} ms cpu${extra ? `  ${extra}` : ""}`,
    );
    t = now;
    cpu = process.cpuUsage();
  };
})();

/**
 * Party names: listed entity names (a third: alerts), names the imported version will list (one in
 * 50: new alerts after the import) and ordinary company names (clear).
 */
function partyNames(n: number): string[] {
  const listed = bundledScreeningIndex()
    .entries.filter((e) => e.type === "entity")
    .map((e) => e.names[0]?.text ?? "x");
  lap("(bundled index for party names, not part of the figures)");
  const plain = [
    "Shenzhen Bright Future Trading",
    "Nordic Cloud Services",
    "Acme Compute",
    "Lotus Data Park",
  ];
  return Array.from({ length: n }, (_, i) =>
    i % 3 === 0
      ? (listed[(i * 37) % listed.length] ?? "x")
      : i % 50 === 1
        ? `Bench Listed Entity ${i % 200} Holdings`
        : `${plain[i % plain.length]} ${i}`,
  );
}

const scratch = await createScratch(driver);
const names = partyNames(partiesCount);
const store = await openStore({ ...scratch.config, poolSizeMax: 4 });
lap(`open + migrate (${driver})`);
const screening = screeningOn(store, () => at)();
try {
  const seeded = await ensureBundledLists(screening);
  lap(
    "seed bundled lists (parse, fingerprint, store)",
    `${seeded.reduce((n, v) => n + v.entryCount, 0)} entries`,
  );
  await warmActiveLists(screening);
  lap("index from stored entries (load + build)");
  await warmActiveLists(screening);
  lap("index again (cached)");
  for (let i = 0; i < names.length; i++) {
    await store.transaction(
      async (tx) => {
        const party = { id: `p-${String(i).padStart(5, "0")}`, name: names[i] ?? "x", country: "CN" };
        await tx.query(
          "INSERT INTO parties (id, name, country, doc, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
          [party.id, party.name, party.country, JSON.stringify(party), at],
        );
        await screenParty(sqlScreeningRepos(tx, screeningSystemAudit), screeningFiles, party, { at });
      },
      { lockAuditChain: true },
    );
  }
  lap(`create + screen ${names.length} parties (one transaction each)`);
  const dir = mkdtempSync(join(tmpdir(), "bench-lists-"));
  const file = join(dir, "extra.csv");
  writeFileSync(
    file,
    `id,name,aliases,country,address,source\n${Array.from({ length: 200 }, (_, i) => `x-${i},Bench Listed Entity ${i} Holdings,,CN,,bench`).join("\n")}\n`,
  );
  const imported = await importListVersion(screening, file, "custom", { listId: "bench" });
  lap("import a 200-entry version", imported.status);
  const report = await rescreenAll(screening);
  lap(
    `rescreen all parties (index rebuild included)`,
    JSON.stringify(report).replace(/"indexKey":"[^"]*",/, ""),
  );
  const again = await rescreenAll(screening);
  lap("rescreen again (nothing changed: skipped)", `screened ${again.screened}`);
  for (let i = 0; i < 100; i++)
    await screening.transactor.run((repos) =>
      partyScreeningView(repos, { exporter: "p-00001", consignee: "p-00000", endUser: "p-00003" }, at),
    );
  lap("100 dossier views (3 parties each)");
  const size = await store.query<{ entries: bigint; screenings: bigint }>(
    "SELECT pg_total_relation_size('list_entries') AS entries, pg_total_relation_size('party_screenings') AS screenings",
  );
  const mib = (b: bigint | undefined) => `${(Number(b ?? 0n) / 2 ** 20).toFixed(1)} MiB`;
  console.log(
    `list_entries ${mib(size.rows[0]?.entries)}, party_screenings ${mib(size.rows[0]?.screenings)}; heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`,
  );
} finally {
  await store.close();
  await scratch.dispose();
}
