// Heartbeats on SQL: the per-serial context read before verification, one transaction per ingest
// batch (ids and nonces claimed with ON CONFLICT DO NOTHING, so two consumers racing on one
// heartbeat store it once; raw rows into the day's partition, each with the chip's previous
// position for the clone sweep; daily summary; serials' last heartbeat and position; the batch row
// and its `heartbeats.batch` audit entry with the Merkle root), the day partitions (created on
// first use, dropped after the retention period).
import type { AcceptedHeartbeat, Actor, SerialContext } from "../../../app/custody/ports.ts";
import { appendAudit } from "../audit.ts";
import { type Store, sqlState, type Tx } from "../store.ts";
import { auditActorOf } from "./audit-actor.ts";
import { serialColumns, serialOf } from "./registry.ts";

export async function serialContexts(
  store: Store,
  serials: readonly string[],
): Promise<Map<string, SerialContext>> {
  const contexts = new Map<string, SerialContext>();
  if (serials.length === 0) return contexts;
  const { rows } = await store.query<
    Parameters<typeof serialOf>[0] & { lat: number | null; lon: number | null }
  >(
    `SELECT ${serialColumns
      .split(", ")
      .map((c) => `s.${c}`)
      .join(", ")}, c.lat, c.lon
     FROM serials_custody s LEFT JOIN custody_sites c ON c.id = s.site_id WHERE s.serial = ANY($1)`,
    [serials],
  );
  for (const row of rows)
    contexts.set(row.serial, {
      ...serialOf(row),
      site: row.lat === null || row.lon === null ? null : { lat: row.lat, lon: row.lon },
    });
  return contexts;
}

export async function knownIds(store: Store, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const { rows } = await store.query<{ id: string; content_sha256: string }>(
    "SELECT id, content_sha256 FROM heartbeat_ids WHERE id = ANY($1)",
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r.content_sha256]));
}

const dayOf = (at: Date): string => at.toISOString().slice(0, 10);
const partitionName = (day: string): string => `heartbeats_p${day.replaceAll("-", "")}`;
const catalogRace = new Set(["23505", "42P07", "42710", "40001", "40P01"]);

/** Creates the day's partition unless it exists (two processes at once: the loser retries). */
export async function ensurePartition(store: Store, day: string, known: Set<string>): Promise<void> {
  if (known.has(day)) return;
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  for (let attempt = 1; ; attempt++) {
    try {
      await store.query(
        `CREATE TABLE IF NOT EXISTS ${partitionName(day)} PARTITION OF heartbeats FOR VALUES FROM ('${day}') TO ('${next}')`,
      );
      known.add(day);
      return;
    } catch (error) {
      if (attempt >= 5 || !catalogRace.has(sqlState(error) ?? "")) throw error;
    }
  }
}

/** Drops whole day partitions before `day` (the retention period), and the ids and nonces kept as long. */
export async function dropPartitionsBefore(store: Store, day: string): Promise<string[]> {
  const { rows } = await store.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace n ON n.oid = p.relnamespace
     WHERE p.relname = 'heartbeats' AND n.nspname = current_schema() ORDER BY 1`,
  );
  const cut = partitionName(day);
  const dropped = rows.map((r) => r.name).filter((name) => /^heartbeats_p\d{8}$/.test(name) && name < cut);
  for (const name of dropped) await store.query(`DROP TABLE ${name}`);
  await store.query("DELETE FROM heartbeat_ids WHERE received_on < $1", [day]);
  await store.query("DELETE FROM heartbeat_nonces WHERE received_on < $1", [day]);
  return dropped;
}

type StoredOutcome = "accepted" | "duplicate" | "id_reused_with_different_content" | "nonce_reused";

/** Claims ids then nonces; returns the heartbeats that won both, and each loser's outcome. */
async function claim(tx: Tx, items: AcceptedHeartbeat[], day: string) {
  const outcomes = new Map<string, StoredOutcome>();
  const firstOfId = new Map<string, AcceptedHeartbeat>();
  for (const item of items) {
    const first = firstOfId.get(item.heartbeat.id);
    if (!first) firstOfId.set(item.heartbeat.id, item);
  }
  const unique = [...firstOfId.values()].sort((a, b) => (a.heartbeat.id < b.heartbeat.id ? -1 : 1));
  const inserted = await tx.query<{ id: string }>(
    `INSERT INTO heartbeat_ids (id, content_sha256, received_on)
     SELECT id, h, $3::date FROM unnest($1::text[], $2::text[]) AS t (id, h) ON CONFLICT (id) DO NOTHING RETURNING id`,
    [unique.map((u) => u.heartbeat.id), unique.map((u) => u.contentSha256), day],
  );
  const claimed = new Set(inserted.rows.map((r) => r.id));
  const taken = unique.filter((u) => !claimed.has(u.heartbeat.id)).map((u) => u.heartbeat.id);
  const stored =
    taken.length === 0
      ? new Map<string, string>()
      : new Map(
          (
            await tx.query<{ id: string; content_sha256: string }>(
              "SELECT id, content_sha256 FROM heartbeat_ids WHERE id = ANY($1)",
              [taken],
            )
          ).rows.map((r) => [r.id, r.content_sha256]),
        );
  for (const item of items) {
    const id = item.heartbeat.id;
    if (claimed.has(id) && firstOfId.get(id) === item) continue;
    const hash = claimed.has(id) ? firstOfId.get(id)?.contentSha256 : stored.get(id);
    outcomes.set(id, hash === item.contentSha256 ? "duplicate" : "id_reused_with_different_content");
  }
  const contenders = unique.filter((u) => claimed.has(u.heartbeat.id));
  const nonceRows = contenders.flatMap((u) =>
    u.heartbeat.observations.map((o) => [o.landmarkId, o.nonce, u.heartbeat.id] as const),
  );
  const got = await tx.query<{ heartbeat_id: string }>(
    `INSERT INTO heartbeat_nonces (landmark_id, nonce, heartbeat_id, received_on)
     SELECT l, n, h, $4::date FROM unnest($1::text[], $2::text[], $3::text[]) AS t (l, n, h)
     ON CONFLICT (landmark_id, nonce) DO NOTHING RETURNING heartbeat_id`,
    [nonceRows.map((r) => r[0]), nonceRows.map((r) => r[1]), nonceRows.map((r) => r[2]), day],
  );
  const noncesWon = new Map<string, number>();
  for (const row of got.rows) noncesWon.set(row.heartbeat_id, (noncesWon.get(row.heartbeat_id) ?? 0) + 1);
  const losers = contenders.filter(
    (u) => (noncesWon.get(u.heartbeat.id) ?? 0) !== u.heartbeat.observations.length,
  );
  if (losers.length > 0) {
    const ids = losers.map((l) => l.heartbeat.id);
    await tx.query("DELETE FROM heartbeat_nonces WHERE heartbeat_id = ANY($1)", [ids]);
    await tx.query("DELETE FROM heartbeat_ids WHERE id = ANY($1)", [ids]);
    for (const id of ids) outcomes.set(id, "nonce_reused");
  }
  const winners = contenders.filter((u) => !losers.includes(u));
  for (const w of winners) outcomes.set(w.heartbeat.id, "accepted");
  return { winners, outcomes };
}

interface Position {
  id: string;
  landmarkId: string;
  radiusKm: number;
  receivedAt: Date;
}

/**
 * Each winner's previous position: the chip's last accepted heartbeat (locked, so two batches of
 * one chip chain one after the other), or the batch's earlier heartbeat of the same chip.
 */
async function previousPositions(tx: Tx, winners: AcceptedHeartbeat[], at: Date) {
  const serials = [...new Set(winners.map((w) => w.heartbeat.serial))].sort();
  const { rows } = await tx.query<{
    serial: string;
    last_heartbeat_id: string | null;
    last_landmark_id: string | null;
    last_radius_km: number | null;
    last_heartbeat_at: Date | null;
  }>(
    `SELECT serial, last_heartbeat_id, last_landmark_id, last_radius_km, last_heartbeat_at FROM serials
     WHERE serial = ANY($1) ORDER BY serial FOR UPDATE`,
    [serials],
  );
  const last = new Map<string, Position>();
  for (const r of rows)
    if (r.last_heartbeat_id && r.last_landmark_id && r.last_radius_km !== null && r.last_heartbeat_at)
      last.set(r.serial, {
        id: r.last_heartbeat_id,
        landmarkId: r.last_landmark_id,
        radiusKm: r.last_radius_km,
        receivedAt: r.last_heartbeat_at,
      });
  const previous = winners.map((w) => {
    const before = last.get(w.heartbeat.serial) ?? null;
    last.set(w.heartbeat.serial, {
      id: w.heartbeat.id,
      landmarkId: w.nearestLandmarkId,
      radiusKm: w.nearestRadiusKm,
      receivedAt: at,
    });
    return before;
  });
  return { previous, last: serials.map((serial) => last.get(serial) as Position) };
}

async function insertRaw(
  tx: Tx,
  winners: AcceptedHeartbeat[],
  previous: (Position | null)[],
  batch: { id: string; day: string; at: Date },
) {
  await tx.query(
    `INSERT INTO heartbeats (received_on, id, serial, received_at, batch_id, leaf_index, verdict, nearest_landmark_id,
       nearest_radius_km, nearest_rtt_ms, body, prev_id, prev_landmark_id, prev_radius_km, prev_received_at)
     SELECT $1::date, id, serial, $2, $3, ord::int - 1, verdict, lm, r, rtt, body::jsonb, p_id, p_lm, p_r, p_at
     FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::float8[], $9::float8[], $10::text[],
       $11::text[], $12::text[], $13::float8[], $14::timestamptz[])
       WITH ORDINALITY AS t (id, serial, verdict, lm, r, rtt, body, p_id, p_lm, p_r, p_at, ord)`,
    [
      batch.day,
      batch.at,
      batch.id,
      winners.map((w) => w.heartbeat.id),
      winners.map((w) => w.heartbeat.serial),
      winners.map((w) => w.verdict),
      winners.map((w) => w.nearestLandmarkId),
      winners.map((w) => w.nearestRadiusKm),
      winners.map((w) => w.nearestRttMs),
      winners.map((w) => JSON.stringify(w.heartbeat)),
      previous.map((p) => p?.id ?? null),
      previous.map((p) => p?.landmarkId ?? null),
      previous.map((p) => p?.radiusKm ?? null),
      previous.map((p) => p?.receivedAt ?? null),
    ],
  );
}

async function updateSummaries(
  tx: Tx,
  winners: AcceptedHeartbeat[],
  last: Position[],
  day: string,
  at: Date,
) {
  const bySerial = new Map<string, { n: number; v: Record<string, number>; min: number; last: string }>();
  for (const w of winners) {
    const s = bySerial.get(w.heartbeat.serial) ?? {
      n: 0,
      v: {},
      min: Number.POSITIVE_INFINITY,
      last: w.verdict,
    };
    s.n += 1;
    s.v[w.verdict] = (s.v[w.verdict] ?? 0) + 1;
    s.min = Math.min(s.min, w.nearestRadiusKm);
    s.last = w.verdict;
    bySerial.set(w.heartbeat.serial, s);
  }
  const serials = [...bySerial.keys()].sort();
  const col = (
    f: (s: { n: number; v: Record<string, number>; min: number; last: string }) => number | string,
  ) =>
    serials.map((k) =>
      f(bySerial.get(k) as { n: number; v: Record<string, number>; min: number; last: string }),
    );
  await tx.query(
    `INSERT INTO heartbeat_daily AS d (serial, day, heartbeats, verified, inconsistent, unprovable, impossible, min_radius_km, first_at, last_at)
     SELECT serial, $1::date, n, a, b, c, e, r, $2, $2
     FROM unnest($3::text[], $4::int[], $5::int[], $6::int[], $7::int[], $8::int[], $9::float8[]) AS t (serial, n, a, b, c, e, r)
     ON CONFLICT (serial, day) DO UPDATE SET heartbeats = d.heartbeats + EXCLUDED.heartbeats,
       verified = d.verified + EXCLUDED.verified, inconsistent = d.inconsistent + EXCLUDED.inconsistent,
       unprovable = d.unprovable + EXCLUDED.unprovable, impossible = d.impossible + EXCLUDED.impossible,
       min_radius_km = least(d.min_radius_km, EXCLUDED.min_radius_km), last_at = EXCLUDED.last_at`,
    [
      day,
      at,
      serials,
      col((s) => s.n),
      col((s) => s.v.verified ?? 0),
      col((s) => s.v.inconsistent ?? 0),
      col((s) => s.v.unprovable ?? 0),
      col((s) => s.v.impossible ?? 0),
      col((s) => s.min),
    ],
  );
  await tx.query(
    `UPDATE serials SET last_heartbeat_at = $1, last_verdict = t.verdict, last_heartbeat_id = t.id,
       last_landmark_id = t.landmark, last_radius_km = t.radius
     FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::float8[]) AS t (serial, verdict, id, landmark, radius)
     WHERE serials.serial = t.serial`,
    [
      at,
      serials,
      col((s) => s.last),
      last.map((p) => p.id),
      last.map((p) => p.landmarkId),
      last.map((p) => p.radiusKm),
    ],
  );
}

export async function storeBatch(
  store: Store,
  partitions: Set<string>,
  batch: {
    id: string;
    source: string;
    accepted: AcceptedHeartbeat[];
    refused: number;
    actor: Actor;
    at: Date;
    merkleRoot: (accepted: AcceptedHeartbeat[]) => string;
  },
) {
  if (batch.accepted.length === 0) return { outcomes: new Map<string, StoredOutcome>(), auditEntryId: null };
  const day = dayOf(batch.at);
  await ensurePartition(store, day, partitions);
  return store.transaction(
    async (tx) => {
      const { winners, outcomes } = await claim(tx, batch.accepted, day);
      if (winners.length === 0) return { outcomes, auditEntryId: null };
      const { previous, last } = await previousPositions(tx, winners, batch.at);
      await insertRaw(tx, winners, previous, { id: batch.id, day, at: batch.at });
      await updateSummaries(tx, winners, last, day, batch.at);
      const root = batch.merkleRoot(winners);
      const entry = await appendAudit(
        tx,
        "heartbeats.batch",
        {
          batchId: batch.id,
          source: batch.source,
          accepted: winners.length,
          refused: batch.refused + batch.accepted.length - winners.length,
          merkleRoot: root,
          receivedOn: day,
          by: batch.actor.id,
          role: batch.actor.role,
        },
        batch.at,
        auditActorOf(batch.actor),
      );
      await tx.query(
        `INSERT INTO heartbeat_batches (id, source, accepted, refused, merkle_root, audit_entry_id, received_by, received_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          batch.id,
          batch.source,
          winners.length,
          batch.refused + batch.accepted.length - winners.length,
          root,
          entry.id,
          batch.actor.id,
          batch.at,
        ],
      );
      return { outcomes, auditEntryId: entry.id };
    },
    { isolation: "read committed" },
  );
}

export async function dailySummary(store: Store, serial: string, days: number): Promise<unknown[]> {
  const { rows } = await store.query(
    `SELECT day::text, heartbeats, verified, inconsistent, unprovable, impossible, min_radius_km AS "minRadiusKm"
     FROM heartbeat_daily WHERE serial = $1 ORDER BY day DESC LIMIT $2`,
    [serial, days],
  );
  return rows;
}
