// The audit log in the database: `appendAudit` adds an entry to the hash chain inside the caller's
// transaction (the single-row chain head is read and updated there, so concurrent appends
// serialize), and `verifyAudit` reads the log in seq order and verifies it (src/core/audit).

import { v7 as uuidv7 } from "uuid";
import { type AuditActor, systemActor } from "../../core/audit/actor.ts";
import {
  type AuditEntry,
  type Json,
  nextEntry,
  type VerifyResult,
  verifyChain,
} from "../../core/audit/chain.ts";
import type { Store, Tx } from "./store.ts";

/** JSON-safe copy: bigints become decimal strings, Dates ISO strings, undefined fields dropped. */
export function toAuditJson(value: unknown): Json {
  return JSON.parse(
    JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) ?? "null",
  ) as Json;
}

/**
 * Appends one entry in `tx` and returns it. `at` comes from the caller's clock; `actor` names who
 * acted (src/core/audit/actor.ts) and is covered by the entry's hash.
 */
export function appendAudit(
  tx: Tx,
  kind: string,
  payload: unknown,
  at: Date,
  actor: AuditActor,
): Promise<AuditEntry> {
  return appendAuditJson(tx, kind, toAuditJson(payload), at, actor);
}

/** The appender of one principal: appendAudit with the actor bound (what use cases are given). */
export const auditAs =
  (actor: AuditActor) =>
  (tx: Tx, kind: string, payload: unknown, at: Date): Promise<AuditEntry> =>
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
): Promise<AuditEntry> {
  const head = await tx.query<{ seq: bigint; hash: string }>(
    "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE",
  );
  const row = head.rows[0];
  if (!row) throw new Error("audit_head row missing: database not migrated");
  const entry = nextEntry({ seq: Number(row.seq), hash: row.hash }, at.toISOString(), kind, payload, {
    ...actor,
  });
  await tx.query(
    `WITH ins AS (INSERT INTO audit_log (seq, at, kind, payload, prev_hash, hash, actor)
                  VALUES ($1, $2, $3, $4, $5, $6, $7))
     UPDATE audit_head SET seq = $1, hash = $6 WHERE id = 1`,
    [
      entry.seq,
      entry.at,
      entry.kind,
      JSON.stringify(entry.payload),
      entry.prevHash,
      entry.hash,
      JSON.stringify(entry.actor),
    ],
  );
  return entry;
}

/**
 * Appends several entries, chained in the given order, with one multi-row insert: used by batched
 * ledger writes. Same guarantees as appendAudit.
 */
export async function appendAuditMany(
  tx: Tx,
  items: readonly { kind: string; payload: unknown }[],
  at: Date,
  actor: AuditActor,
): Promise<AuditEntry[]> {
  const head = await tx.query<{ seq: bigint; hash: string }>(
    "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE",
  );
  const row = head.rows[0];
  if (!row) throw new Error("audit_head row missing: database not migrated");
  let previous = { seq: Number(row.seq), hash: row.hash };
  const entries: AuditEntry[] = [];
  for (const item of items) {
    const entry = nextEntry(previous, at.toISOString(), item.kind, toAuditJson(item.payload), { ...actor });
    entries.push(entry);
    previous = entry;
  }
  await tx.query(
    `INSERT INTO audit_log (seq, at, kind, payload, prev_hash, hash, actor)
     SELECT e.seq, e.at, e.kind, e.payload::jsonb, e.prev_hash, e.hash, $7::jsonb
     FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
       AS e (seq, at, kind, payload, prev_hash, hash)`,
    [
      entries.map((e) => e.seq),
      entries.map((e) => e.at),
      entries.map((e) => e.kind),
      entries.map((e) => JSON.stringify(e.payload)),
      entries.map((e) => e.prevHash),
      entries.map((e) => e.hash),
      JSON.stringify(actor),
    ],
  );
  await tx.query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1", [previous.seq, previous.hash]);
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

/** All entries in seq order, read page by page. */
export async function readAudit(store: Store | Tx): Promise<AuditEntry[]> {
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
  const { rows } = await store.query<{ seq: bigint; hash: string }>(
    "SELECT seq, hash FROM audit_head WHERE id = 1",
  );
  const row = rows[0];
  return row ? { seq: Number(row.seq), hash: row.hash } : { seq: 0, hash: "" };
}

/**
 * Verifies the stored chain. The head row is the anchor kept beside the log: entries cut off the
 * end (or appended around the chain) show as a head mismatch unless the head was forged as well;
 * `expectHead` compares with a head published elsewhere.
 */
export async function verifyAudit(
  store: Store,
  expectHead?: { seq: number; hash: string },
): Promise<VerifyResult> {
  // One snapshot for the log and its head, so concurrent appends cannot look like tampering.
  const { entries, head } = await store.transaction(
    async (tx) => ({ entries: await readAudit(tx), head: await auditHead(tx) }),
    { isolation: "repeatable read" },
  );
  return verifyChain(entries, expectHead ?? head);
}
