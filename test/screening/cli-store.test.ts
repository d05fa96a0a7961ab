// The store-backed screening commands, spawned as a user runs them: lists import (stores, re-screens),
// lists, lists diff of stored versions, screenings run/show, dispositions add/list, and bad input
// (one error line, exit code 2, nothing stored). Runs on the PostgreSQL server only: every spawn
// opens the store, and opening an embedded PGlite directory costs 8–20 s on a shared machine
// (the store functions themselves are tested on both drivers in store.test.ts).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { runCli } from "../support/cli.ts";
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
    const sluice = (args: string[], stdin?: string, now = "2026-02-01T12:00:00Z") =>
      runCli(args, {
        env: { ...config().env, SLUICE_NOW: now },
        ...(stdin ? { stdin } : {}),
      });
    const json = (args: string[], stdin?: string) => {
      const result = sluice([...args, "--json"], stdin);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      return JSON.parse(result.stdout) as Record<string, unknown>;
    };

    it("imports a list (seeding the bundled ones), screens a party, records and lists a disposition", () => {
      const imported = json(["lists", "import", v1, "--format", "custom", "--list-id", "test-list"]);
      expect(imported).toMatchObject({ status: "created", version: { listId: "test-list", entryCount: 1 } });
      const listed = json(["lists"]) as { lists: { listId: string; active: boolean }[] };
      expect(listed.lists.map((v) => v.listId)).toEqual([
        "bis-entity-list-extract",
        "csl",
        "ofac-sdn",
        "test-list",
      ]);
      const party = JSON.stringify({
        id: "aurora",
        name: "Zhongshan Aurora Photonics Co., Ltd.",
        country: "CN",
      });
      expect(sluice(["parties", "add", "-"], party).code).toBe(0);
      const screened = json(["screenings", "run", "aurora"]) as {
        screening: { hits: { entryId: string }[] };
      };
      expect(screened.screening.hits.map((h) => h.entryId)).toEqual(["t-1"]);
      const add = sluice([
        "dispositions",
        "add",
        "--party",
        "aurora",
        "--list",
        "test-list",
        "--entry",
        "t-1",
        "--decision",
        "false-positive",
        "--reason",
        "a florist",
        "--by",
        "alice",
        "--id",
        "fp-1",
      ]);
      expect([add.code, add.stderr]).toEqual([0, ""]);
      expect(add.stdout).toMatch(/^created fp-1: false-positive for party aurora on test-list t-1/);
      const list = json(["dispositions", "list"]) as { dispositions: { status: string }[] };
      expect(list.dispositions.map((d) => d.status)).toEqual(["active"]);
    });

    it("a new version re-screens every party and reopens the disposition; stored versions diff", () => {
      const imported = sluice(
        ["lists", "import", v2, "--format", "custom", "--list-id", "test-list"],
        undefined,
        "2026-02-02T12:00:00Z",
      );
      expect(imported.code).toBe(0);
      expect(imported.stdout).toMatch(
        /^created test-list@[0-9a-f]{64}: 2 entries, 2 names \(supersedes test-list@/,
      );
      expect(imported.stdout).toContain(
        "re-screened 1 of 1 parties: 1 with alerts, 0 new alert(s), 1 open (no disposition in force)",
      );
      const list = json(["dispositions", "list", "--party", "aurora"]) as {
        dispositions: { status: string }[];
      };
      expect(list.dispositions.map((d) => d.status)).toEqual(["reopened_entry_changed"]);
      const listed = (json(["lists"]) as { lists: { id: string; listId: string; active: boolean }[] }).lists;
      expect(listed.map((v) => [v.listId, v.active])).toEqual([
        ["bis-entity-list-extract", true],
        ["csl", true],
        ["ofac-sdn", true],
        ["test-list", false],
        ["test-list", true],
      ]);
      const versions = listed.filter((v) => v.listId === "test-list");
      const diff = json(["lists", "diff", versions[0]?.id ?? "", versions[1]?.id.slice(0, 20) ?? ""]) as {
        added: { entryId: string }[];
        changed: { entryId: string; fields: string[] }[];
      };
      expect(diff.added.map((e) => e.entryId)).toEqual(["t-3"]);
      expect(diff.changed).toMatchObject([{ entryId: "t-1", fields: ["addresses"] }]);
    });

    it("bad input: one error line, exit code 2, nothing stored", async () => {
      const before = await store().query<{ n: bigint }>("SELECT count(*) AS n FROM dispositions");
      const noReason = sluice(
        ["dispositions", "add", "--party", "aurora", "--list", "test-list", "--entry", "t-1"].concat([
          "--decision",
          "maybe",
          "--reason",
          "x",
        ]),
      );
      expect([noReason.code, noReason.stderr]).toEqual([
        2,
        "error: decision `maybe`: must be false-positive or true-match\n",
      ]);
      const noHit = sluice(
        ["dispositions", "add", "--party", "aurora", "--list", "test-list", "--entry", "t-9"].concat([
          "--decision",
          "true-match",
          "--reason",
          "x",
        ]),
      );
      expect([noHit.code, noHit.stderr]).toEqual([
        2,
        "error: hit on `test-list` entry `t-9` for party `aurora`: not among the alerts of the party's latest screening\n",
      ]);
      const unknown = sluice(["lists", "diff", "deadbeefdeadbeef", "test-list@"]);
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
