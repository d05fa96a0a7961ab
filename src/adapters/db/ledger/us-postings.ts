// US postings in bulk: inserting many in one statement, the staged batch import (COPY into a
// staging table on PostgreSQL, multi-row inserts on PGlite, then one set-based statement per batch)
// and the replay check that finds rows already posted with other values.
import type { CapPolicy } from "../../../core/ledger/cap-policy.ts";
import type { Store, Tx } from "../store.ts";
import { ensureAccounts, type UsPostingRow, withinSql } from "./rows.ts";
import type { UsPostInput } from "./types.ts";

/** Inserts postings (many rows in one statement) and creates their accounts if missing. */
export async function insertUsPostings(
  tx: Tx,
  postings: readonly (UsPostInput & { amount: bigint; accountIds: string[] })[],
  policy: CapPolicy,
  now: Date,
): Promise<Set<string>> {
  await ensureAccounts(tx, [...new Set(postings.flatMap((posting) => posting.accountIds))], policy);
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO ledger_us_postings (id, product_id, units, amount, shipped_on, account_ids, customer, posted_at)
     SELECT p.id, p.product_id, p.units, p.amount, p.shipped_on, string_to_array(p.account_ids, '|'), p.customer, $8
     FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::date[], $6::text[], $7::text[])
       AS p (id, product_id, units, amount, shipped_on, account_ids, customer)
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [
      postings.map((p) => p.id),
      postings.map((p) => p.productId),
      postings.map((p) => p.units),
      postings.map((p) => p.amount),
      postings.map((p) => p.shippedOn),
      postings.map((p) => p.accountIds.join("|")),
      postings.map((p) => p.customer ?? null),
      now,
    ],
  );
  return new Set(rows.map((row) => row.id));
}

export type StagedPosting = UsPostInput & { amount: bigint; accountIds: string[] };

/** Account ids of a batch, each once (rows of a batch share few accounts). */
export function distinctAccountIds(rows: readonly StagedPosting[]): string[] {
  const seen = new Set<string>();
  let last: string[] | undefined;
  for (const row of rows) {
    if (row.accountIds === last) continue;
    last = row.accountIds;
    for (const id of row.accountIds) seen.add(id);
  }
  return [...seen];
}

/** COPY text format: backslash, tab and line breaks escaped, null as \N. */
const copyText = (value: string) =>
  /[\\\t\n\r]/.test(value)
    ? value.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r")
    : value;

const stageColumns = "id, product_id, units, amount, shipped_on, account_ids, customer";

/**
 * Where the apply statement reads the batch from. PostgreSQL: the session's staging table (created
 * on first use, emptied at commit), filled by COPY. PGlite's socket server does not speak the COPY
 * sub-protocol, so there the batch travels as arrays in the statement itself. The account ids travel
 * joined by `|`, which no account id contains (see accountIdsFor).
 */
export async function stageUsPostings(
  tx: Tx,
  rows: readonly StagedPosting[],
  driver: string,
): Promise<{ source: string; params: unknown[] }> {
  if (driver !== "postgres") {
    return {
      source: `unnest($3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::date[], $8::text[], $9::text[])
               AS s (${stageColumns})`,
      params: [
        rows.map((p) => p.id),
        rows.map((p) => p.productId),
        rows.map((p) => p.units),
        rows.map((p) => p.amount),
        rows.map((p) => p.shippedOn),
        rows.map((p) => p.accountIds.join("|")),
        rows.map((p) => p.customer ?? null),
      ],
    };
  }
  await tx.query(
    `CREATE TEMP TABLE IF NOT EXISTS us_postings_stage (id text NOT NULL, product_id text NOT NULL,
       units bigint NOT NULL, amount bigint NOT NULL, shipped_on date NOT NULL, account_ids text NOT NULL,
       customer text) ON COMMIT DELETE ROWS`,
  );
  let data = "";
  for (const p of rows) {
    const customer = p.customer === undefined ? "\\N" : copyText(p.customer);
    data += `${copyText(p.id)}\t${copyText(p.productId)}\t${p.units}\t${p.amount}\t${p.shippedOn}\t${copyText(p.accountIds.join("|"))}\t${customer}\n`;
  }
  await tx.copyFrom(`COPY us_postings_stage (${stageColumns}) FROM STDIN`, data);
  return { source: "us_postings_stage s", params: [] };
}

/**
 * One statement over the staged batch: inserts the postings not stored yet, adds their amounts per
 * account (unblocking where headroom returns), records one movement per account, and returns the
 * count and digest of the rows it inserted (see docs/ledger.md for the digest's exact input) and the
 * amount added to each account (decimal strings), which the audit entry carries for replay.
 */
export async function applyStagedUsPostings(
  tx: Tx,
  staged: { source: string; params: unknown[] },
  batchId: string,
  at: Date,
): Promise<{
  posted: number;
  accounts: number;
  moved: number;
  rowsSha256: string;
  accountAmounts: Record<string, string>;
}> {
  const us = "a.us_posted + d.amount";
  const cn = "a.cn_pending + a.cn_posted";
  const { rows } = await tx.query<{
    posted: bigint;
    accounts: bigint;
    moved: bigint;
    digest: string;
    account_amounts: Record<string, string>;
  }>(
    `WITH ins AS (
       INSERT INTO ledger_us_postings (id, product_id, units, amount, shipped_on, account_ids, customer, posted_at)
       SELECT s.id, s.product_id, s.units, s.amount, s.shipped_on, string_to_array(s.account_ids, '|'), s.customer, $2
       FROM ${staged.source}
       ON CONFLICT (id) DO NOTHING
       RETURNING id, product_id, units, shipped_on, customer, amount, account_ids),
     d AS (SELECT acc AS id, sum(ins.amount)::bigint AS amount FROM ins, unnest(ins.account_ids) AS acc GROUP BY acc),
     upd AS (
       UPDATE ledger_accounts a SET
         us_posted = ${us},
         blocked = a.enforced AND NOT (${withinSql(us, cn)}),
         blocked_cn_max = CASE WHEN NOT a.enforced OR ${withinSql(us, cn)} THEN NULL ELSE LEAST(a.blocked_cn_max, ${cn}) END
       FROM d WHERE a.id = d.id
       RETURNING a.id, d.amount),
     mov AS (
       INSERT INTO ledger_movements (id, account_id, op, ref_id, d_us_posted, d_cn_pending, d_cn_posted, at)
       SELECT 'us_post_batch:' || $1 || ':' || upd.id, upd.id, 'us_post_batch', $1, upd.amount, 0, 0, $2 FROM upd
       RETURNING 1)
     SELECT (SELECT count(*) FROM ins) AS posted, (SELECT count(*) FROM d) AS accounts,
            (SELECT count(*) FROM mov) AS moved,
            (SELECT coalesce(json_object_agg(id, amount::text ORDER BY id COLLATE "C"), '{}'::json) FROM d)
              AS account_amounts,
            (SELECT encode(sha256(convert_to(coalesce(string_agg(
               concat_ws(E'\t', id, product_id, units::text, to_char(shipped_on, 'YYYY-MM-DD'), coalesce(customer, ''), amount::text) || E'\n',
               '' ORDER BY id COLLATE "C"), ''), 'UTF8')), 'hex') FROM ins) AS digest`,
    [batchId, at, ...staged.params],
  );
  const row = rows[0];
  if (!row) throw new Error("us_post_batch: the apply statement returned no row");
  return {
    posted: Number(row.posted),
    accounts: Number(row.accounts),
    moved: Number(row.moved),
    rowsSha256: row.digest,
    accountAmounts: row.account_amounts,
  };
}

/**
 * Ids of stored postings that differ from the given rows, with the first differing field. The rows
 * are looked up in chunks, the chunks concurrently (on the pool's connections).
 */
export async function usPostingConflicts(
  store: Store,
  rows: readonly (UsPostInput & { amount: bigint })[],
): Promise<{ id: string; field: string }[]> {
  const chunkRowsMax = 10_000;
  const chunks: (typeof rows)[] = [];
  for (let start = 0; start < rows.length; start += chunkRowsMax)
    chunks.push(rows.slice(start, start + chunkRowsMax));
  const found = await Promise.all(chunks.map((chunk) => chunkConflicts(store, chunk)));
  return found.flat();
}

async function chunkConflicts(
  store: Store,
  chunk: readonly (UsPostInput & { amount: bigint })[],
): Promise<{ id: string; field: string }[]> {
  const { rows: stored } = await store.query<UsPostingRow>(
    `SELECT id, product_id, units, amount, to_char(shipped_on, 'YYYY-MM-DD') AS shipped_on
     FROM ledger_us_postings WHERE id = ANY($1::text[])`,
    [chunk.map((row) => row.id)],
  );
  if (stored.length === 0) return [];
  const byId = new Map(chunk.map((row) => [row.id, row]));
  const conflicts: { id: string; field: string }[] = [];
  for (const old of stored) {
    const row = byId.get(old.id);
    if (!row) continue;
    const field =
      old.product_id !== row.productId
        ? "product"
        : old.units !== row.units
          ? "units"
          : old.shipped_on !== row.shippedOn
            ? "shipped_on"
            : old.amount !== row.amount
              ? "amount"
              : undefined;
    if (field) conflicts.push({ id: old.id, field });
  }
  return conflicts;
}
