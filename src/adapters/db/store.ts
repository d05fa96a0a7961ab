// The store contract used by application code, and its one implementation over the `pg` driver.
// Both drivers (PostgreSQL server, embedded PGlite in a child process) speak the PostgreSQL wire
// protocol, so there is one SQL path: a `pg` pool. Assumes PostgreSQL 15 SQL; int8 columns are
// returned as bigint, timestamps as Date.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFromStdin } from "pg-copy-streams";

export const isolationLevels = ["serializable", "repeatable read", "read committed"] as const;
export type IsolationLevel = (typeof isolationLevels)[number];

export type Row = Record<string, unknown>;
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

/** A connection inside an open transaction. */
export interface Tx {
  query<R = Row>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Runs `COPY … FROM STDIN` with `data` (already in COPY text format); returns the rows copied. */
  copyFrom(sql: string, data: string): Promise<number>;
}

export interface TransactionOptions {
  isolation?: IsolationLevel;
  /** Attempts in all, first one included, before a serialization failure is reported. */
  attemptsMax?: number;
  /**
   * No longer has an effect: it took the audit chain's table lock so that writers queued behind
   * the single chain head. Since the transparency log (migration 0110) writers share no log row
   * (src/adapters/db/log/integrate.ts), so the lock would only serialize them for nothing.
   */
  lockAuditChain?: boolean;
}

export interface StoreStats {
  transactions: number;
  /** Attempts that were rolled back on 40001/40P01 and run again. */
  retries: number;
  serializationFailures: number;
  deadlocks: number;
  /** Transactions that still failed after attemptsMax attempts. */
  retriesExhausted: number;
}

export const storeDrivers = ["postgres", "pglite"] as const;
export type StoreDriver = (typeof storeDrivers)[number];

export interface Store {
  readonly driver: StoreDriver;
  /** Where the data lives: a redacted URL or a data directory. */
  readonly location: string;
  /** One statement in its own implicit transaction. */
  query<R = Row>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Runs `fn` in a transaction, retried on 40001/40P01 up to attemptsMax; `fn` must be re-runnable. */
  transaction<T>(fn: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T>;
  readonly stats: StoreStats;
  close(): Promise<void>;
}

export const serializationFailure = "40001";
export const deadlockDetected = "40P01";
export const attemptsMaxDefault = 40;
const backoffBaseMs = 1;
const backoffCapMs = 50;

export const sqlState = (error: unknown): string | undefined =>
  typeof error === "object" && error !== null && "code" in error && typeof error.code === "string"
    ? error.code
    : undefined;

const int8 = 20;
const numeric = 1700;
/** int8 and integral numerics (SUM of bigints) become bigint; everything else as pg does it. */
const typeParsers = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === int8) return (value: string) => BigInt(value);
    if (oid === numeric) return (value: string) => (/^-?\d+$/.test(value) ? BigInt(value) : Number(value));
    return format === "binary" ? pg.types.getTypeParser(oid, "binary") : pg.types.getTypeParser(oid, "text");
  },
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface PgStoreOptions {
  driver: StoreDriver;
  location: string;
  connectionString: string;
  poolSizeMax: number;
  /** Run when the store is closed (e.g. stop the PGlite child). */
  onClose?: () => Promise<void>;
}

/** The store over a `pg` pool: used for the PostgreSQL server and for the PGlite child's socket. */
export class PgStore implements Store {
  readonly driver: StoreDriver;
  readonly location: string;
  readonly stats: StoreStats = {
    transactions: 0,
    retries: 0,
    serializationFailures: 0,
    deadlocks: 0,
    retriesExhausted: 0,
  };
  readonly #pool: pg.Pool;
  readonly #onClose: (() => Promise<void>) | undefined;
  #closed = false;

  constructor(options: PgStoreOptions) {
    this.driver = options.driver;
    this.location = options.location;
    this.#onClose = options.onClose;
    this.#pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSizeMax,
      types: typeParsers,
    });
    // An idle client losing its server must not crash the process; the next query reports it.
    this.#pool.on("error", () => {});
  }

  async query<R = Row>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    const result = await this.#pool.query(text, params as unknown[] | undefined);
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
  }

  async transaction<T>(fn: (tx: Tx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const attemptsMax = options.attemptsMax ?? attemptsMaxDefault;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#attempt(fn, options);
      } catch (error) {
        const code = sqlState(error);
        const retryable = code === serializationFailure || code === deadlockDetected;
        if (!retryable) throw error;
        if (code === serializationFailure) this.stats.serializationFailures++;
        else this.stats.deadlocks++;
        if (attempt >= attemptsMax) {
          this.stats.retriesExhausted++;
          throw error;
        }
        this.stats.retries++;
        // Jittered exponential backoff: contenders spread out instead of colliding again.
        const ceilingMs = Math.min(backoffCapMs, backoffBaseMs * 2 ** attempt);
        await sleep(Math.random() * ceilingMs);
      }
    }
  }

  async #attempt<T>(fn: (tx: Tx) => Promise<T>, options: TransactionOptions): Promise<T> {
    const client = await this.#pool.connect();
    let broken = false;
    try {
      const isolation = options.isolation ?? "serializable";
      await client.query(`BEGIN ISOLATION LEVEL ${isolation.toUpperCase()}`);
      const tx: Tx = {
        query: async <R>(text: string, params?: readonly unknown[]) => {
          const result = await client.query(text, params as unknown[] | undefined);
          return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
        },
        copyFrom: async (sql: string, data: string) => {
          const stream = client.query(copyFromStdin(sql));
          await pipeline(Readable.from([data]), stream);
          return stream.rowCount;
        },
      };
      const value = await fn(tx);
      await client.query("COMMIT");
      this.stats.transactions++;
      return value;
    } catch (error) {
      try {
        await client.query("ROLLBACK");
      } catch {
        broken = true;
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
    await this.#onClose?.();
  }
}
