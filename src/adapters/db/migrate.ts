// Schema migrations: numbered SQL files in ./migrations, applied in order on open and recorded in
// schema_migrations. Safe when several processes migrate one database at once: the whole run holds
// an exclusive lock on schema_migrations, so one process applies and the others then see it done.
// No advisory locks (portable to PostgreSQL-compatible distributed engines).

import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ReadinessProbe } from "../../app/health/ports.ts";
import { type Store, sqlState } from "./store.ts";

const migrationsDir = fileURLToPath(new URL("./migrations/", import.meta.url));

export interface Migration {
  version: string;
  name: string;
  sql: string;
}

export function listMigrations(): Migration[] {
  return readdirSync(migrationsDir)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: file.slice(0, 4),
      name: file.slice(5, -4),
      sql: readFileSync(`${migrationsDir}${file}`, "utf8"),
    }));
}

/**
 * Two sessions creating the same table at once can collide in the catalog: a unique violation in
 * pg_type (23505), "relation already exists" (42P07), or "type … already exists" (42710, the
 * table's row type, seen in CI); retry those, and serialization failures and deadlocks.
 */
const catalogRace = new Set(["23505", "42P07", "42710", "40001", "40P01"]);

async function ensureMigrationsTable(store: Store): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await store.query(
        `CREATE TABLE IF NOT EXISTS schema_migrations (
           version text PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      return;
    } catch (error) {
      if (attempt >= 5 || !catalogRace.has(sqlState(error) ?? "")) throw error;
    }
  }
}

export interface MigrationStatus {
  applied: { version: string; name: string; appliedAt: Date }[];
  pending: { version: string; name: string }[];
}

export async function migrationStatus(store: Store): Promise<MigrationStatus> {
  const exists = await store.query<{ present: boolean }>(
    "SELECT to_regclass('schema_migrations') IS NOT NULL AS present",
  );
  const applied = exists.rows[0]?.present
    ? (
        await store.query<{ version: string; name: string; applied_at: Date }>(
          "SELECT version, name, applied_at FROM schema_migrations ORDER BY version",
        )
      ).rows.map((row) => ({ version: row.version, name: row.name, appliedAt: row.applied_at }))
    : [];
  const done = new Set(applied.map((row) => row.version));
  const pending = listMigrations()
    .filter((migration) => !done.has(migration.version))
    .map(({ version, name }) => ({ version, name }));
  return { applied, pending };
}

/** The ReadinessProbe of GET /readyz (src/app/health/ports.ts) over `store`. */
export const storeReadiness =
  (store: Store): ReadinessProbe =>
  async () => {
    const status = await migrationStatus(store);
    return {
      driver: store.driver,
      appliedMigrations: status.applied.length,
      pendingMigrations: status.pending.map((migration) => migration.version),
    };
  };

/** Applies pending migrations in one transaction; returns the versions applied by this call. */
export async function migrate(store: Store): Promise<string[]> {
  await ensureMigrationsTable(store);
  const migrations = listMigrations();
  return store.transaction(
    async (tx) => {
      await tx.query("LOCK TABLE schema_migrations IN ACCESS EXCLUSIVE MODE");
      const { rows } = await tx.query<{ version: string }>("SELECT version FROM schema_migrations");
      const done = new Set(rows.map((row) => row.version));
      const applied: string[] = [];
      for (const migration of migrations) {
        if (done.has(migration.version)) continue;
        await tx.query(migration.sql);
        await tx.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [
          migration.version,
          migration.name,
        ]);
        applied.push(migration.version);
      }
      return applied;
    },
    { isolation: "read committed", attemptsMax: 5 },
  );
}
