// Child process that owns an embedded PGlite data directory and serves it over a Unix socket with
// @electric-sql/pglite-socket, so that PGlite's queries (which run on the event loop) never block
// the parent. Started by pglite-driver.ts with an IPC channel; exits when the parent goes away.
// Protocol: argv[2] = data directory; replies {ready, socket} or {failed, message}; accepts {stop}.
import { existsSync, mkdirSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { SluiceError } from "../../core/errors.ts";
import { acquireLock, releaseLock, updateLock } from "./data-dir-lock.ts";

/** Connections served at once; the multiplexer runs one query at a time in any case. */
const connectionsMax = 4;
/** Unix socket paths are limited to about 107 bytes; beyond that we listen on 127.0.0.1. */
const unixPathBytesMax = 100;

/** Resolves once the message has been handed to the IPC channel, so exiting after it is safe. */
const send = (message: object) =>
  new Promise<void>((resolve) => {
    if (!process.send) resolve();
    else process.send(message, undefined, {}, () => resolve());
  });
const failure = (error: unknown) =>
  error instanceof SluiceError
    ? { failed: true, kind: error.kind, what: error.what, why: error.why }
    : { failed: true, message: error instanceof Error ? error.message : String(error) };

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  if (!dataDir) throw new Error("usage: pglite-child <data-dir>");
  mkdirSync(dataDir, { recursive: true });
  const startedAt = new Date().toISOString();
  acquireLock(dataDir, { pid: process.pid, parentPid: process.ppid, socket: "", startedAt });
  let db: PGlite | undefined;
  let server: PGLiteSocketServer | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await server?.stop().catch(() => {});
    await db?.close().catch(() => {});
    releaseLock(dataDir);
    process.exit(code);
  };
  process.on("disconnect", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  process.on("SIGINT", () => void stop(0));
  process.on("message", (message) => {
    if (typeof message === "object" && message !== null && "stop" in message) void stop(0);
  });
  try {
    db = await PGlite.create({ dataDir: join(dataDir, "pgdata") });
    const socketDir = dataDir;
    const socketPath = join(socketDir, ".s.PGSQL.5432");
    const useUnix = Buffer.byteLength(socketPath) <= unixPathBytesMax;
    if (useUnix && existsSync(socketPath)) unlinkSync(socketPath); // left by a crashed owner
    server = useUnix
      ? new PGLiteSocketServer({ db, path: socketPath, maxConnections: connectionsMax })
      : new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: connectionsMax });
    await server.start();
    const socket = useUnix ? `unix:${socketDir}` : `tcp:${server.getServerConn()}`;
    updateLock(dataDir, { pid: process.pid, parentPid: process.ppid, socket, startedAt });
    await send({ ready: true, socket });
  } catch (error) {
    await send(failure(error));
    await stop(1);
  }
}

main().catch(async (error: unknown) => {
  await send(failure(error));
  process.exit(1);
});
