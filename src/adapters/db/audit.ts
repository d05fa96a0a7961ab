// The audit log in the database. `appendAudit` writes an entry's bytes (canonical JSON of
// {kind, at, actor, payload}, src/core/log/entry.ts) into log_pending inside the caller's
// transaction: no shared row is read or locked, so business transactions do not serialize on the
// log, and "acknowledged" still means "logged". The integrator (./log/integrate.ts) later gives
// each entry its index, chains it and puts it in the Merkle tree. Reads (`readAudit`,
// `verifyAudit`, `auditHead`) given a Store first integrate what is pending, so they see every
// acknowledged entry.

import { v7 as uuidv7 } from "uuid";
import type { AuditAppender as AppAuditAppender } from "../../app/audit/ports.ts";
import { type AuditActor, systemActor } from "../../core/audit/actor.ts";
import { type AuditEntry, type Json, type VerifyResult, verifyChain } from "../../core/audit/chain.ts";
import { entryBytesMax, entryText } from "../../core/log/entry.ts";
import { integrateAll } from "./log/integrate.ts";
import type { Store, Tx } from "./store.ts";

/** JSON-safe copy: bigints become decimal strings, Dates ISO strings, undefined fields dropped. */
export function toAuditJson(value: unknown): Json {
  return JSON.parse(
    JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) ?? "null",
  ) as Json;
}

/** An entry as written by a business transaction: its bytes, not yet its index. */
export interface PendingEntry {
  id: string;
  kind: string;
  at: string;
  actor: AuditActor;
  payload: Json;
  /** The bytes the Merkle leaf will hash. */
  entry: string;
}

/** The pending rows for entries at one instant by one actor (ids in order: UUIDv7). */
export function pendingEntries(
  items: readonly { kind: string; payload: Json }[],
  at: Date,
  actor: AuditActor,
): PendingEntry[] {
  const iso = at.toISOString();
  return items.map(({ kind, payload }) => {
    const entry = entryText({ kind, at: iso, actor, payload });
    if (entry.length > entryBytesMax) throw new Error(`audit entry ${kind} is over ${entryBytesMax} bytes`);
    return { id: uuidv7(), kind, at: iso, actor, payload, entry };
  });
}

/** Appends one entry in `tx` and returns it. `at` comes from the caller's clock. */
export function appendAudit(
  tx: Tx,
  kind: string,
  payload: unknown,
  at: Date,
  actor: AuditActor,
): Promise<PendingEntry> {
  return appendAuditJson(tx, kind, toAuditJson(payload), at, actor);
}

/**
 * Appends an entry in the caller's transaction, attributed to the bound actor: what code that still
 * runs on a transaction is given (the use cases get an AuditLog, src/app/audit/ports.ts).
 */
export type AuditAppender = AppAuditAppender<Tx>;

/** The appender of one principal: appendAudit with the actor bound (what use cases are given). */
export const auditAs =
  (actor: AuditActor) =>
  (tx: Tx, kind: string, payload: unknown, at: Date): Promise<PendingEntry> =>
    appendAudit(tx, kind, payload, at, actor);

/**
 * The system's own appender (seeder, sweeps, imports run by the integrator): no token, no party.
 * `via` names the command or job; the request id is one UUIDv7 per appender (per run).
 */
export const systemAudit = (via: string) => auditAs(systemActor(via, uuidv7()));

/** appendAudit for a payload that is already plain JSON (no bigint, Date or undefined). */
export async function appendAuditJson(
  tx: Tx,
  kind: string,
  payload: Json,
  at: Date,
  actor: AuditActor,
): Promise<PendingEntry> {
  const [entry] = pendingEntries([{ kind, payload }], at, actor) as [PendingEntry];
  await tx.query("INSERT INTO log_pending (id, entry) VALUES ($1, $2)", [entry.id, entry.entry]);
  return entry;
}

/** Appends several entries, in the given order, with one multi-row insert (batched ledger writes). */
export async function appendAuditMany(
  tx: Tx,
  items: readonly { kind: string; payload: unknown }[],
  at: Date,
  actor: AuditActor,
): Promise<PendingEntry[]> {
  const entries = pendingEntries(
    items.map((item) => ({ kind: item.kind, payload: toAuditJson(item.payload) })),
    at,
    actor,
  );
  if (entries.length === 0) return entries;
  await tx.query("INSERT INTO log_pending (id, entry) SELECT * FROM unnest($1::text[], $2::text[])", [
    entries.map((e) => e.id),
    entries.map((e) => e.entry),
  ]);
  return entries;
}

export interface AuditRow {
  seq: bigint;
  at: string;
  kind: string;
  payload: Json;
  prev_hash: string;
  hash: string;
  actor: Json | null;
}

/** An audit row as an entry (the actor only where one was recorded, so old hashes still hold). */
export const entryOfRow = (row: AuditRow): AuditEntry => ({
  seq: Number(row.seq),
  at: row.at,
  kind: row.kind,
  payload: row.payload,
  prevHash: row.prev_hash,
  hash: row.hash,
  ...(row.actor === null ? {} : { actor: row.actor }),
});

const pageRowsMax = 5000;
const isStore = (s: Store | Tx): s is Store => "transaction" in s;

/** All integrated entries in seq order, read page by page (given a Store: pending ones first integrated). */
export async function readAudit(store: Store | Tx): Promise<AuditEntry[]> {
  if (isStore(store)) await integrateAll(store);
  const entries: AuditEntry[] = [];
  let after = -1n;
  for (;;) {
    const { rows } = await store.query<AuditRow>(
      "SELECT seq, at, kind, payload, prev_hash, hash, actor FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
      [after, pageRowsMax],
    );
    for (const row of rows) entries.push(entryOfRow(row));
    const last = rows.at(-1);
    if (!last || rows.length < pageRowsMax) return entries;
    after = last.seq;
  }
}

export async function auditHead(store: Store | Tx): Promise<{ seq: number; hash: string }> {
  if (isStore(store)) await integrateAll(store);
  const { rows } = await store.query<{ seq: bigint; hash: string }>(
    "SELECT seq, hash FROM audit_head WHERE id = 1",
  );
  const row = rows[0];
  return row ? { seq: Number(row.seq), hash: row.hash } : { seq: 0, hash: "" };
}

/**
 * Verifies the stored chain. The head row is the anchor kept beside the log: entries cut off the
 * end (or appended around the chain) show as a head mismatch unless the head was forged as well;
 * `expectHead` compares with a head published elsewhere. What resists a forged head is the signed
 * checkpoint: `sluice log verify` (src/app/log/verify.ts).
 */
export async function verifyAudit(
  store: Store,
  expectHead?: { seq: number; hash: string },
): Promise<VerifyResult> {
  await integrateAll(store);
  // One snapshot for the log and its head, so concurrent appends cannot look like tampering.
  const { entries, head } = await store.transaction(
    async (tx) => ({ entries: await readAudit(tx), head: await auditHead(tx) }),
    { isolation: "repeatable read" },
  );
  return verifyChain(entries, expectHead ?? head);
}
