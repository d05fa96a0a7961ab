// The lock of an embedded data directory: a file `sluice.lock` holding the pid of the process that
// has the PGlite files open and the socket it serves them on. PGlite itself lets two processes open
// one directory and lose writes, so every opener goes through this lock. A lock whose pid is dead
// is stale and is taken over. Assumes a local filesystem with atomic exclusive create (O_EXCL).
import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { quote, SluiceError } from "../../core/errors.ts";

export const lockFileName = "sluice.lock";

export interface LockContent {
  pid: number;
  parentPid: number;
  socket: string;
  startedAt: string;
}

export const lockPath = (dataDir: string): string => join(dataDir, lockFileName);

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return sqlErrno(error) === "EPERM";
  }
  return !isZombie(pid);
}

/** A killed process whose parent died too may stay a zombie until reaped: it holds no files. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return false;
  }
}

const sqlErrno = (error: unknown): string | undefined =>
  typeof error === "object" && error !== null && "code" in error ? String(error.code) : undefined;

export function readLock(dataDir: string): LockContent | undefined {
  try {
    return JSON.parse(readFileSync(lockPath(dataDir), "utf8")) as LockContent;
  } catch {
    return undefined;
  }
}

export const inUseError = (dataDir: string, pid: number): SluiceError =>
  new SluiceError("locked", `data directory ${quote(dataDir)}`, `in use by process ${pid}`);

/**
 * Creates the lock for this process or throws `in use by process N`. A stale lock (dead pid, or
 * unreadable content) is moved aside by rename, so of two processes taking over the same stale lock
 * only one succeeds in the exclusive create that follows.
 */
export function acquireLock(dataDir: string, content: LockContent): void {
  const path = lockPath(dataDir);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, "wx", 0o600);
      writeSync(fd, JSON.stringify(content));
      closeSync(fd);
      return;
    } catch (error) {
      if (sqlErrno(error) !== "EEXIST") throw error;
    }
    const holder = readLock(dataDir);
    if (holder && isAlive(holder.pid) && holder.pid !== process.pid) throw inUseError(dataDir, holder.pid);
    try {
      renameSync(path, `${path}.stale-${process.pid}`);
      unlinkSync(`${path}.stale-${process.pid}`);
    } catch {
      // Someone else moved it first; try the exclusive create again.
    }
  }
  const holder = readLock(dataDir);
  throw inUseError(dataDir, holder?.pid ?? -1);
}

/** Rewrites the lock (e.g. once the socket is known); only its owner calls this. */
export function updateLock(dataDir: string, content: LockContent): void {
  const path = lockPath(dataDir);
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, "w", 0o600);
  writeSync(fd, JSON.stringify(content));
  closeSync(fd);
  renameSync(temporary, path);
}

export function releaseLock(dataDir: string): void {
  const holder = readLock(dataDir);
  if (holder?.pid !== process.pid) return;
  try {
    unlinkSync(lockPath(dataDir));
  } catch {
    // Already gone.
  }
}
