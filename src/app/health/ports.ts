// Readiness as the HTTP edge reports it (GET /readyz): which store answers and its migrations. The
// probe is the database adapter's (src/adapters/db/migrate.ts); it throws when the store does not
// answer, which the route reports as 503.

export interface StoreReadiness {
  /** The store's driver (`postgres`, `pglite`). */
  driver: string;
  appliedMigrations: number;
  /** Versions of the migrations not yet applied, oldest first. */
  pendingMigrations: string[];
}

export type ReadinessProbe = () => Promise<StoreReadiness>;
