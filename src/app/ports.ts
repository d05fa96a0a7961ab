// The ports every feature's use cases share: the time and the ids they stamp on what they record.
// Use cases never read the global clock (`new Date()`) or draw ids themselves (`randomUUID()`): the
// composition root (src/compose.ts) gives them the system's, tests give them pinned ones, so an
// act's time is always the server's and a replay can fix both.

/** The server's clock: the instant an act is recorded. */
export type Clock = () => Date;

/** A source of fresh ids for records the application creates (UUIDv7 in production). */
export type IdSource = () => string;

/** How a unit of work runs: its isolation and how many attempts a serialization conflict gets. */
export interface WorkOptions {
  isolation?: "serializable" | "repeatable read" | "read committed";
  /** Attempts in all, first one included, before a serialization failure is reported. */
  attemptsMax?: number;
  /**
   * Units with the same key contend for the same rows (the cap ledger's account): an adapter may
   * run them one after another rather than let them abort each other. Never needed for correctness.
   */
  queueKey?: string;
}

/**
 * Runs `work` as one unit (one database transaction in the SQL adapters) with a feature's
 * repositories bound to it, so everything the use case checks and writes commits or rolls back
 * together. `work` must be re-runnable: a serialization conflict runs it again. Each feature
 * declares its `Repos` in its own `ports.ts`; the adapters build them on their transaction.
 */
export interface Transactor<Repos> {
  run<T>(work: (repos: Repos) => Promise<T>, options?: WorkOptions): Promise<T>;
}
