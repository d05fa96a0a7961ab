// Runs one describe block on every store driver: embedded PGlite (a fresh temporary data directory)
// and the PostgreSQL server of TEST_DATABASE_URL (a fresh schema, dropped afterwards, so parallel
// test files never collide). Without a reachable server: with CI=true the PostgreSQL block FAILS;
// otherwise it is reported as skipped, with the reason printed.
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, it } from "vitest";
import { listMigrations } from "../../src/adapters/db/migrate.ts";
import { openStore, type StoreConfig } from "../../src/adapters/db/open.ts";
import type { Store, StoreDriver } from "../../src/adapters/db/store.ts";

export const testDatabaseUrl = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const ci = process.env.CI === "true" || process.env.CI === "1";

async function probe(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: testDatabaseUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

export const postgresUnavailable = await probe();
if (postgresUnavailable && !ci) {
  console.warn(`postgres tests skipped: ${testDatabaseUrl} unreachable (${postgresUnavailable})`);
}

/** A connection string whose sessions use `schema` first. */
export function urlWithSchema(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set("options", `-c search_path=${schema}`);
  return parsed.toString();
}

export interface DriverEnv {
  driver: StoreDriver;
  /** The store opened for this block (valid inside tests). */
  store(): Store;
  /** Configuration to open more stores on the same data (other processes, reopen after a crash). */
  config(): StoreConfig & { env: Record<string, string> };
}

let template: Promise<string> | undefined;

/**
 * A migrated, cleanly closed PGlite data directory, built once per set of migrations and copied for
 * each test block: initialising a new directory costs seconds (16 s on a loaded 2-core machine),
 * copying one well under a second.
 */
function pgliteTemplate(): Promise<string> {
  template ??= (async () => {
    const digest = createHash("sha256");
    for (const migration of listMigrations()) digest.update(migration.version).update(migration.sql);
    const path = join(tmpdir(), `sluice-template-${digest.digest("hex").slice(0, 16)}`);
    if (existsSync(join(path, "ready"))) return path;
    const building = mkdtempSync(join(tmpdir(), "sluice-template-build-"));
    const store = await openStore({ dataDir: building });
    await store.close();
    writeFileSync(join(building, "ready"), "");
    try {
      renameSync(building, path);
    } catch {
      rmSync(building, { recursive: true, force: true }); // another worker made it first
    }
    return path;
  })();
  return template;
}

export async function createScratch(driver: StoreDriver): Promise<{
  config: StoreConfig & { env: Record<string, string> };
  dispose: () => Promise<void>;
}> {
  if (driver === "pglite") {
    const dataDir = mkdtempSync(join(tmpdir(), "sluice-test-"));
    cpSync(await pgliteTemplate(), dataDir, { recursive: true });
    return {
      config: { dataDir, env: { SLUICE_DATA_DIR: dataDir, DATABASE_URL: "" } },
      dispose: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const schema = `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const databaseUrl = urlWithSchema(testDatabaseUrl, schema);
  return {
    config: { databaseUrl, env: { DATABASE_URL: databaseUrl } },
    dispose: async () => {
      const client = new pg.Client({ connectionString: testDatabaseUrl });
      await client.connect();
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
    },
  };
}

export function forEachDriver(name: string, body: (env: DriverEnv) => void, drivers?: StoreDriver[]): void {
  for (const driver of drivers ?? (["pglite", "postgres"] as const)) {
    if (driver === "postgres" && postgresUnavailable && ci) {
      describe(`${name} [postgres]`, () => {
        it("needs the PostgreSQL server (CI=true)", () => {
          throw new Error(`${testDatabaseUrl} unreachable: ${postgresUnavailable}`);
        });
      });
      continue;
    }
    describe.skipIf(driver === "postgres" && postgresUnavailable !== undefined)(`${name} [${driver}]`, () => {
      let store: Store | undefined;
      let scratch: Awaited<ReturnType<typeof createScratch>> | undefined;
      beforeAll(async () => {
        scratch = await createScratch(driver);
        store = await openStore({ ...scratch.config, poolSizeMax: 8 });
      });
      afterAll(async () => {
        await store?.close();
        await scratch?.dispose();
      });
      body({
        driver,
        store: () => {
          if (!store) throw new Error("store not open");
          return store;
        },
        config: () => {
          if (!scratch) throw new Error("store not open");
          return scratch.config;
        },
      });
    });
  }
}
