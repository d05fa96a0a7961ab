// A mistyped SLUICE_DATA_DIR must not silently become an empty, valid store: commands that only read
// or write an existing store refuse a directory that does not exist or holds no store (exit 2,
// nothing created); `sluice db migrate` is one of the commands that may create one.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStore, storeConfigFromEnv } from "../src/adapters/db/open.ts";
import { runCli } from "./support/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "sluice-data-dir-"));

describe("a data directory that holds no store", () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is refused by openStore from the environment, and created only when asked", async () => {
    const missing = join(dir, "typo");
    const env = { SLUICE_DATA_DIR: missing, DATABASE_URL: "" };
    await expect(openStore(storeConfigFromEnv(env))).rejects.toThrow(
      /^data directory `.*typo` \(SLUICE_DATA_DIR, default `\.sluice`\): does not exist; create one with/,
    );
    expect(existsSync(missing)).toBe(false);
    const empty = join(dir, "empty");
    mkdirSync(empty);
    await expect(openStore(storeConfigFromEnv({ SLUICE_DATA_DIR: empty }))).rejects.toThrow(
      /: holds no store; /,
    );
    expect(readdirSync(empty)).toEqual([]);
    const created = await openStore(storeConfigFromEnv({ SLUICE_DATA_DIR: empty }, true));
    await created.close();
    const reopened = await openStore(storeConfigFromEnv({ SLUICE_DATA_DIR: empty }));
    expect((await reopened.query<{ n: number }>("SELECT 1 AS n")).rows).toEqual([{ n: 1 }]);
    await reopened.close();
  });

  it("makes `orders list` and `audit verify` exit 2 with a clear error; `db migrate` creates it", {
    timeout: 300_000,
  }, () => {
    const env = { SLUICE_DATA_DIR: join(dir, "mistyped"), DATABASE_URL: "" };
    for (const args of [
      ["orders", "list"],
      ["audit", "verify"],
    ]) {
      const result = runCli(args, { env });
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toMatch(/^error: data directory `.*mistyped` .*: does not exist; /);
    }
    expect(existsSync(env.SLUICE_DATA_DIR)).toBe(false);
    const migrated = runCli(["db", "migrate"], { env });
    expect(migrated.code).toBe(0);
    expect(JSON.parse(runCli(["orders", "list", "--json"], { env }).stdout)).toEqual({ orders: [] });
  });
});
