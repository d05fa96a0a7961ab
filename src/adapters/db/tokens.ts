// API tokens in the store: create (the secret is returned once, only its SHA-256 is kept), list,
// read, relabel (optimistic concurrency on `version`), revoke, and authenticate a presented secret.
// Every change is one transaction with its audit entry. Ids and secrets come from a port so tests
// can make them deterministic; the clock is a port too. sqlTokenStore is the TokenStore port
// (src/app/authorization/ports.ts) over these functions.

import { randomBytes } from "node:crypto";
import { v7 as uuidv7 } from "uuid";
import type { TokenFactory, TokenPage, TokenStore } from "../../app/authorization/ports.ts";
import {
  hashSecret,
  parseTokenInput,
  type TokenInput,
  type TokenRecord,
  tokenInputSchema,
  tokenLabelLengthMax,
  tokenLabelSchema,
  tokenSecretBytes,
  tokenSecretPrefix,
} from "../../app/authorization/tokens.ts";
import type { Clock } from "../../app/ports.ts";
import { type AuditActor, systemActor } from "../../core/audit/actor.ts";
import { isRole, type Principal } from "../../core/authorization/policy.ts";
import { notFound, quote, VersionMismatch } from "../../core/errors.ts";
import { appendAudit } from "./audit.ts";
import type { Store, Tx } from "./store.ts";

// What tests, benches and older callers import from here; the definitions are the application's.
export {
  type Clock,
  hashSecret,
  parseTokenInput,
  type TokenFactory,
  type TokenInput,
  type TokenPage,
  type TokenRecord,
  tokenInputSchema,
  tokenLabelLengthMax,
  tokenLabelSchema,
  tokenSecretBytes,
  tokenSecretPrefix,
};

export const systemTokenFactory: TokenFactory = {
  newId: () => uuidv7(),
  newSecret: () => `${tokenSecretPrefix}${randomBytes(tokenSecretBytes).toString("base64url")}`,
};

/** Token acts of the system itself (the demo tokens issued at start, the CLI on the local store). */
const tokenSystemActor = (): AuditActor => systemActor("sluice tokens", uuidv7());

interface TokenRow {
  id: string;
  role: string;
  party_id: string | null;
  label: string;
  version: number;
  created_at: Date;
  revoked_at: Date | null;
}

const columns = "id, role, party_id, label, version, created_at, revoked_at";

function recordOf(row: TokenRow): TokenRecord {
  if (!isRole(row.role)) throw new Error(`api_tokens row ${row.id} has unknown role ${row.role}`);
  return {
    id: row.id,
    role: row.role,
    partyId: row.party_id,
    label: row.label,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

export async function createToken(
  store: Store,
  clock: Clock,
  factory: TokenFactory,
  input: TokenInput,
  /** Runs in the creating transaction (e.g. to record an idempotent response with it). */
  also?: (tx: Tx, token: TokenRecord, at: Date) => Promise<void>,
  /** Who creates it (the admin's request); default: the system (demo tokens at start). */
  actor: AuditActor = tokenSystemActor(),
): Promise<{ token: TokenRecord; secret: string }> {
  const id = factory.newId();
  const secret = factory.newSecret();
  const token = await store.transaction(async (tx) => {
    const now = clock();
    const { rows } = await tx.query<TokenRow>(
      `INSERT INTO api_tokens (id, secret_sha256, role, party_id, label, created_at)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${columns}`,
      [id, hashSecret(secret), input.role, input.partyId ?? null, input.label ?? "", now],
    );
    const row = rows[0];
    if (!row) throw new Error("insert into api_tokens returned no row");
    const record = recordOf(row);
    await appendAudit(
      tx,
      "token.create",
      { id, role: record.role, partyId: record.partyId, label: record.label },
      now,
      actor,
    );
    await also?.(tx, record, now);
    return record;
  });
  return { token, secret };
}

export async function listTokens(store: Store, page: TokenPage): Promise<TokenRecord[]> {
  const { rows } = await store.query<TokenRow>(
    `SELECT ${columns} FROM api_tokens WHERE $1::text IS NULL OR id > $1 ORDER BY id LIMIT $2`,
    [page.after ?? null, page.limit],
  );
  return rows.map(recordOf);
}

export async function getToken(store: Store, id: string): Promise<TokenRecord> {
  const { rows } = await store.query<TokenRow>(`SELECT ${columns} FROM api_tokens WHERE id = $1`, [id]);
  const row = rows[0];
  if (!row) throw notFound(`token ${quote(id)}`);
  return recordOf(row);
}

/**
 * Relabels a token if it is still at `expectedVersion` (optimistic concurrency; undefined: any
 * version): a stale version is a VersionMismatch naming the current one.
 */
export async function relabelToken(
  store: Store,
  clock: Clock,
  id: string,
  label: string,
  expectedVersion: number | undefined,
  actor: AuditActor = tokenSystemActor(),
): Promise<TokenRecord> {
  return store.transaction(async (tx) => {
    const now = clock();
    const { rows } = await tx.query<TokenRow>(
      `UPDATE api_tokens SET label = $2, version = version + 1 WHERE id = $1 AND ($3::integer IS NULL OR version = $3)
       RETURNING ${columns}`,
      [id, label, expectedVersion ?? null],
    );
    const row = rows[0];
    if (!row) {
      const current = await tx.query<{ version: number }>("SELECT version FROM api_tokens WHERE id = $1", [
        id,
      ]);
      const version = current.rows[0]?.version;
      if (version === undefined || expectedVersion === undefined) throw notFound(`token ${quote(id)}`);
      throw new VersionMismatch(`token ${quote(id)}`, expectedVersion, version);
    }
    await appendAudit(tx, "token.update", { id, label, version: row.version }, now, actor);
    return recordOf(row);
  });
}

/** Revokes a token; revoking a revoked token changes nothing and returns it as it is. */
export async function revokeToken(
  store: Store,
  clock: Clock,
  id: string,
  actor: AuditActor = tokenSystemActor(),
): Promise<TokenRecord> {
  return store.transaction(async (tx) => {
    const now = clock();
    const { rows } = await tx.query<TokenRow>(
      `UPDATE api_tokens SET revoked_at = $2, version = version + 1 WHERE id = $1 AND revoked_at IS NULL
       RETURNING ${columns}`,
      [id, now],
    );
    const row = rows[0];
    if (row) {
      await appendAudit(tx, "token.revoke", { id }, now, actor);
      return recordOf(row);
    }
    const existing = await tx.query<TokenRow>(`SELECT ${columns} FROM api_tokens WHERE id = $1`, [id]);
    const current = existing.rows[0];
    if (!current) throw notFound(`token ${quote(id)}`);
    return recordOf(current);
  });
}

/** The principal holding `secret`, if it is a live token. */
export async function principalOf(store: Store, secret: string): Promise<Principal | undefined> {
  const { rows } = await store.query<TokenRow>(
    `SELECT ${columns} FROM api_tokens WHERE secret_sha256 = $1 AND revoked_at IS NULL`,
    [hashSecret(secret)],
  );
  const row = rows[0];
  if (!row) return undefined;
  const record = recordOf(row);
  return { id: record.id, role: record.role, partyId: record.partyId };
}

/** The TokenStore port over `store`, with the clock and the id/secret factory it stamps with. */
export function sqlTokenStore(store: Store, clock: Clock, factory: TokenFactory): TokenStore {
  return {
    create: (input, actor, also) => createToken(store, clock, factory, input, also, actor),
    list: (page) => listTokens(store, page),
    get: (id) => getToken(store, id),
    relabel: (id, label, expectedVersion, actor) =>
      relabelToken(store, clock, id, label, expectedVersion, actor),
    revoke: (id, actor) => revokeToken(store, clock, id, actor),
    principalOf: (secret) => principalOf(store, secret),
  };
}
