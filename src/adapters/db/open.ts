// Opens the store chosen by configuration: DATABASE_URL selects a PostgreSQL server; otherwise the
// embedded PGlite database in SLUICE_DATA_DIR (default ./.sluice), served by a child process over
// a socket so that its queries never block this process. Migrations run on open.
import { type ChildProcess, fork } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type ErrorKind, errorKinds, quote, SluiceError } from "../../core/errors.ts";
import { migrate } from "./migrate.ts";
import { PgStore, type Store } from "./store.ts";

export const dataDirDefault = ".sluice";
/** PGlite may take a while to initialise a new directory on a busy machine. */
const childStartMaxMs = 120_000;
const childStopMaxMs = 30_000;
/** Connections to a PostgreSQL server; ledger benchmarks raise it. */
export const postgresPoolSizeDefault = 16;

export interface StoreConfig {
  /** PostgreSQL connection string; when absent, the embedded database is used. */
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  poolSizeMax?: number;
  /** Skip migrations on open (for `sluice db status`). */
  migrate?: boolean;
  /**
   * `false`: an embedded data directory must already hold a store (a mistyped `SLUICE_DATA_DIR`
   * must not silently become an empty, valid one). Only the commands that create a store (`npm
   * start`, `sluice serve`, `sluice db migrate`) say `true`; absent (tests' scratch configs) opens
   * or creates as before.
   */
  create?: boolean;
}

/** The store named by the environment; it must already exist unless `create` (see StoreConfig). */
export function storeConfigFromEnv(env: NodeJS.ProcessEnv = process.env, create = false): StoreConfig {
  return { databaseUrl: env.DATABASE_URL || undefined, dataDir: env.SLUICE_DATA_DIR || undefined, create };
}

/** PGlite writes pgdata/PG_VERSION when it initialises a data directory: its presence means a store. */
export function requireExistingDataDir(dataDir: string): void {
  const what = `data directory ${quote(dataDir)} (SLUICE_DATA_DIR, default ${quote(dataDirDefault)})`;
  const remedy = "create one with `npm start`, `sluice serve` or `sluice db migrate`, or fix the path";
  if (!existsSync(dataDir)) throw new SluiceError("not_found", what, `does not exist; ${remedy}`, "no_store");
  if (!existsSync(join(dataDir, "pgdata", "PG_VERSION")))
    throw new SluiceError("not_found", what, `holds no store; ${remedy}`, "no_store");
}

export async function openStore(config: StoreConfig = storeConfigFromEnv()): Promise<Store> {
  if (!config.databaseUrl && config.create === false)
    requireExistingDataDir(resolve(config.dataDir ?? dataDirDefault));
  const store = config.databaseUrl
    ? openPostgres(config.databaseUrl, config.poolSizeMax ?? postgresPoolSizeDefault)
    : await openPglite(resolve(config.dataDir ?? dataDirDefault));
  if (config.migrate !== false) {
    try {
      await migrate(store);
    } catch (error) {
      await store.close();
      throw error;
    }
  }
  return store;
}

/** The URL with any password replaced, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "postgres://…";
  }
}

export function openPostgres(databaseUrl: string, poolSizeMax: number): Store {
  return new PgStore({
    driver: "postgres",
    location: redactUrl(databaseUrl),
    connectionString: databaseUrl,
    poolSizeMax,
  });
}

const childModule = fileURLToPath(new URL("./pglite-child.ts", import.meta.url));
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

type ChildReply =
  | { ready: true; socket: string }
  | { failed: true; kind?: ErrorKind; what?: string; why?: string; message?: string };

function waitForReply(child: ChildProcess, dataDir: string): Promise<{ socket: string }> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new SluiceError("unavailable", `data directory ${quote(dataDir)}`, "database did not start"));
    }, childStartMaxMs);
    child.once("message", (reply: ChildReply) => {
      clearTimeout(timer);
      if ("ready" in reply) return resolvePromise({ socket: reply.socket });
      const kind = reply.kind && errorKinds.includes(reply.kind) ? reply.kind : "unavailable";
      const what = reply.what ?? `data directory ${quote(dataDir)}`;
      reject(new SluiceError(kind, what, reply.why ?? `cannot open (${reply.message ?? "unknown"})`));
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new SluiceError("unavailable", `data directory ${quote(dataDir)}`, `database exited (${code})`));
    });
  });
}

/** Connection string for the child's socket: `unix:<dir>` or `tcp:<host>:<port>`. */
export function socketConnectionString(socket: string): string {
  if (socket.startsWith("unix:")) {
    return `postgres://postgres@localhost/postgres?host=${encodeURIComponent(socket.slice(5))}&port=5432`;
  }
  return `postgres://postgres@${socket.slice(4)}/postgres`;
}

/**
 * Starts the PGlite child for `dataDir` and connects to it with a pool of ONE connection: the
 * socket multiplexer interleaves other connections' protocol messages between statements outside
 * an explicit transaction, and PGlite runs one query at a time anyway (see docs/storage.md).
 */
export async function openPglite(dataDir: string): Promise<Store> {
  const child = fork(childModule, [dataDir], {
    execArgv: ["--import", tsxLoader],
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const { socket } = await waitForReply(child, dataDir);
  const exited = new Promise<void>((resolvePromise) => {
    if (child.exitCode !== null) resolvePromise();
    else child.once("exit", () => resolvePromise());
  });
  const stopChild = async () => {
    if (child.connected) child.send({ stop: true });
    const timer = setTimeout(() => child.kill("SIGKILL"), childStopMaxMs);
    await exited;
    clearTimeout(timer);
  };
  return new PgStore({
    driver: "pglite",
    location: dataDir,
    connectionString: socketConnectionString(socket),
    poolSizeMax: 1,
    onClose: stopChild,
  });
}
