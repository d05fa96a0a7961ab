// The store-backed screening commands as a user runs them: lists import (stores, re-screens), lists,
// lists diff of stored versions, screenings run, dispositions add/list, and bad input (one error
// line, exit code 2, nothing stored). In process (one real spawn for the exit code), on the
// PostgreSQL server only: every command opens the store, the test holds the PGlite directory's
// lock, and opening PGlite costs 8–20 s on a shared machine (the store functions themselves are
// tested on both drivers in store.test.ts).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { runCli, runCliInProcess } from "../support/cli.ts";
import { forEachDriver } from "../support/drivers.ts";

const dir = mkdtempSync(join(tmpdir(), "sluice-cli-lists-"));
const header = "id,name,aliases,country,address,source\n";
const v1 = join(dir, "v1.csv");
const v2 = join(dir, "v2.csv");
writeFileSync(v1, `${header}t-1,Zhongshan Aurora Photonics Co Ltd,,CN,"Zhongshan, Guangdong",test\n`);
writeFileSync(
  v2,
  `${header}t-1,Zhongshan Aurora Photonics Co Ltd,,CN,"Foshan, Guangdong",test\nt-3,Kestrel Lattice Systems Ltd,,SG,,test\n`,
);

forEachDriver(
  "sluice lists, screenings, dispositions",
  ({ store, config }) => {
    /** Runs the CLI in this process with the test store's environment and a pinned clock. */
    const sluice = async (args: string[], now = "2026-02-01T12:00:00Z") => {
      const saved = { ...process.env };
      Object.assign(process.env, config().env, { SLUICE_NOW: now });
      try {
        return await runCliInProcess(args);
      } finally {
        for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
        Object.assign(process.env, saved);
      }
    };
    const json = async (args: string[]) => {
      const result = await sluice([...args, "--json"]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      return JSON.parse(result.stdout) as Record<string, unknown>;
    };

    const addArgs = (entry: string, decision: string) =>
      ["dispositions", "add", "--party", "aurora", "--list", "test-list", "--entry", entry].concat([
        "--decision",
        decision,
        "--reason",
        "a florist",
      ]);

    it("imports a list (seeding the bundled ones), screens a party, records and lists a disposition", async () => {
      const imported = await json(["lists", "import", v1, "--format", "custom", "--list-id", "test-list"]);
      expect(imported).toMatchObject({ status: "created", version: { listId: "test-list", entryCount: 1 } });
      const party = { id: "aurora", name: "Zhongshan Aurora Photonics Co., Ltd.", country: "CN" };
      await store().query(
        "INSERT INTO parties (id, name, country, doc, created_at, updated_at) VALUES ($1, $2, $3, $4, now(), now())",
        [party.id, party.name, party.country, JSON.stringify(party)],
      );
      const screened = (await json(["screenings", "run", "aurora"])) as {
        screening: { hits: { entryId: string }[] };
      };
      expect(screened.screening.hits.map((h) => h.entryId)).toEqual(["t-1"]);
      const add = await sluice([...addArgs("t-1", "false-positive"), "--id", "fp-1"]);
      expect([add.code, add.stderr]).toEqual([0, ""]);
      expect(add.stdout).toMatch(/^created fp-1: false-positive for party aurora on test-list t-1/);
      const list = (await json(["dispositions", "list"])) as { dispositions: { status: string }[] };
      expect(list.dispositions.map((d) => d.status)).toEqual(["active"]);
    });

    it("a new version re-screens every party and reopens the disposition; stored versions diff", async () => {
      const imported = await sluice(
        ["lists", "import", v2, "--format", "custom", "--list-id", "test-list"],
        "2026-02-02T12:00:00Z",
      );
      expect([imported.code, imported.stderr]).toEqual([0, ""]);
      expect(imported.stdout).toMatch(
        /^created test-list@[0-9a-f]{64}: 2 entries, 2 names \(supersedes test-list@/,
      );
      expect(imported.stdout).toContain(
        "re-screened 1 of 1 parties: 1 with alerts, 0 new alert(s), 1 open (no disposition in force)",
      );
      const list = (await json(["dispositions", "list", "--party", "aurora"])) as {
        dispositions: { status: string }[];
      };
      expect(list.dispositions.map((d) => d.status)).toEqual(["reopened_entry_changed"]);
      const listed = ((await json(["lists"])) as { lists: { id: string; listId: string; active: boolean }[] })
        .lists;
      expect(listed.map((v) => [v.listId, v.active])).toEqual([
        ["bis-entity-list-extract", true],
        ["csl", true],
        ["ofac-sdn", true],
        ["test-list", false],
        ["test-list", true],
      ]);
      const versions = listed.filter((v) => v.listId === "test-list");
      const diff = (await json([
        "lists",
        "diff",
        versions[0]?.id ?? "",
        versions[1]?.id.slice(0, 20) ?? "",
      ])) as {
        added: { entryId: string }[];
        changed: { entryId: string; fields: string[] }[];
      };
      expect(diff.added.map((e) => e.entryId)).toEqual(["t-3"]);
      expect(diff.changed).toMatchObject([{ entryId: "t-1", fields: ["addresses"] }]);
    });

    it("bad input: one error line, exit code 2, nothing stored", async () => {
      const before = await store().query<{ n: bigint }>("SELECT count(*) AS n FROM dispositions");
      // One real process: the exit code and the single error line as a shell sees them.
      const spawned = runCli(addArgs("t-1", "maybe"), { env: config().env });
      expect([spawned.code, spawned.stderr]).toEqual([
        2,
        "error: decision `maybe`: must be false-positive or true-match\n",
      ]);
      const noHit = await sluice(addArgs("t-9", "true-match"));
      expect([noHit.code, noHit.stderr]).toEqual([
        2,
        "error: hit on `test-list` entry `t-9` for party `aurora`: not among the alerts of the party's latest screening\n",
      ]);
      const unknown = await sluice(["lists", "diff", "deadbeefdeadbeef", "test-list@"]);
      expect([unknown.code, unknown.stderr]).toEqual([
        2,
        "error: list version `deadbeefdeadbeef`: not found\n",
      ]);
      const after = await store().query<{ n: bigint }>("SELECT count(*) AS n FROM dispositions");
      expect(after.rows[0]?.n).toBe(before.rows[0]?.n);
    });
  },
  ["postgres"],
);
