// Custody events on SQL: the snapshot a custody event is checked against (the stored custody ranges
// its ranges meet, counted by state and site; the site, its permit, the site change), read in the
// writing SERIALIZABLE transaction, and the change itself (the ranges split or merged by
// custody-ranges.ts: O(ranges), not O(chips); the event row, its audit entry);
// and a serial's history (the events of its lot whose ranges hold it).
import canonicalize from "canonicalize";
import type { CustodyEventInput } from "../../../app/custody/inputs.ts";
import type { EventRecord, EventSnapshot, SerialRecord, SerialState } from "../../../app/custody/ports.ts";
import {
  applyCustody,
  type CustodySpan,
  coveredCustody,
  unionSpans,
} from "../../../core/custody/custody-ranges.ts";
import type { SerialRange } from "../../../core/shipments/model.ts";
import { appendAudit } from "../audit.ts";
import type { Store, Tx } from "../store.ts";
import { auditActorOf } from "./audit-actor.ts";
import { shipmentFacts, site } from "./registry.ts";

/** jsonb keeps its own key order: compare canonical texts (RFC 8785). */
const sameJson = (a: unknown, b: unknown): boolean =>
  canonicalize(JSON.parse(JSON.stringify(a))) === canonicalize(JSON.parse(JSON.stringify(b)));

type StoredSpan = CustodySpan<SerialState>;

/**
 * The lot's stored ranges that meet or touch the request's (touching ones too, so that an event can
 * merge its stretch with an alike neighbour), locked for the writing transaction.
 */
async function spansNear(tx: Tx, shipmentId: string, request: readonly SerialRange[]): Promise<StoredSpan[]> {
  const covers = unionSpans(request);
  const { rows } = await tx.query<{
    prefix: string;
    first: string | number;
    last: string | number;
    state: SerialState;
    site_id: string | null;
  }>(
    `SELECT prefix, first, last, state, site_id FROM serial_ranges s WHERE shipment_id = $1 AND EXISTS (
       SELECT 1 FROM unnest($2::text[], $3::bigint[], $4::bigint[]) AS r (prefix, first, last)
       WHERE s.prefix = r.prefix AND s.first <= r.last + 1 AND r.first <= s.last + 1)
     ORDER BY prefix, first FOR UPDATE`,
    [shipmentId, covers.map((r) => r.prefix), covers.map((r) => r.first), covers.map((r) => r.last)],
  );
  return rows.map((r) => ({
    prefix: r.prefix,
    first: Number(r.first),
    last: Number(r.last),
    state: r.state,
    siteId: r.site_id,
  }));
}

async function eventSnapshot(tx: Tx, input: CustodyEventInput): Promise<EventSnapshot> {
  const shipment = await shipmentFacts(tx, input.shipmentId);
  const empty = {
    shipment,
    registered: 0,
    states: {},
    siteIds: [],
    site: null,
    sitePermitted: false,
    siteChange: null,
  };
  if (!shipment) return empty;
  const covered = coveredCustody(await spansNear(tx, input.shipmentId, input.serials), input.serials);
  const siteRecord = input.siteId ? await site(tx, input.siteId) : null;
  const permitted =
    input.siteId && shipment.licenceId
      ? (
          await tx.query("SELECT 1 FROM licence_sites WHERE licence_id = $1 AND site_id = $2", [
            shipment.licenceId,
            input.siteId,
          ])
        ).rowCount === 1
      : false;
  const change = input.siteChangeId
    ? (
        await tx.query<{ doc: EventSnapshot["siteChange"] & object; approved_by: string }>(
          "SELECT doc, approved_by FROM site_changes WHERE id = $1",
          [input.siteChangeId],
        )
      ).rows[0]
    : undefined;
  return {
    shipment,
    registered: covered.registered,
    states: covered.states,
    siteIds: covered.siteIds,
    site: siteRecord,
    sitePermitted: permitted,
    siteChange: change ? { ...change.doc, approvedBy: change.approved_by } : null,
  };
}

async function writeEvent(tx: Tx, record: EventRecord): Promise<void> {
  const { input } = record;
  const stored = await spansNear(tx, input.shipmentId, input.serials);
  const after = applyCustody(stored, input.serials, { state: record.toState, siteId: record.siteId });
  await tx.query(
    `DELETE FROM serial_ranges WHERE shipment_id = $1 AND (prefix, first) IN
       (SELECT * FROM unnest($2::text[], $3::bigint[]))`,
    [input.shipmentId, stored.map((s) => s.prefix), stored.map((s) => s.first)],
  );
  await tx.query(
    `INSERT INTO serial_ranges (shipment_id, prefix, first, last, state, site_id)
     SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::text[])`,
    [
      input.shipmentId,
      after.map((s) => s.prefix),
      after.map((s) => s.first),
      after.map((s) => s.last),
      after.map((s) => s.state),
      after.map((s) => s.siteId),
    ],
  );
  await tx.query(
    `INSERT INTO custody_events (id, shipment_id, kind, ranges, serial_count, from_state, to_state, site_id, doc,
       content_sha256, recorded_by, role, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      input.id,
      input.shipmentId,
      input.kind,
      JSON.stringify(input.serials),
      record.serialCount,
      record.fromStates.join(","),
      record.toState,
      record.siteId,
      JSON.stringify(input),
      record.contentSha256,
      record.actor.id,
      record.actor.role,
      record.at,
    ],
  );
  await appendAudit(
    tx,
    "custody.event",
    {
      event: input,
      serials: record.serialCount,
      from: record.fromStates,
      to: record.toState,
      by: record.actor.id,
      role: record.actor.role,
    },
    record.at,
    auditActorOf(record.actor),
  );
}

export async function applyEvent<S extends string>(
  store: Store,
  input: CustodyEventInput,
  decide: (snapshot: EventSnapshot) => { status: S; record?: EventRecord },
): Promise<{ status: S | "exists" | "exists_with_different_content" }> {
  return store.transaction(async (tx) => {
    const prior = await tx.query<{ content_sha256: string; doc: unknown }>(
      "SELECT content_sha256, doc FROM custody_events WHERE id = $1",
      [input.id],
    );
    if (prior.rows[0])
      return { status: sameJson(prior.rows[0].doc, input) ? "exists" : "exists_with_different_content" };
    const decision = decide(await eventSnapshot(tx, input));
    if (decision.record) await writeEvent(tx, decision.record);
    return { status: decision.status };
  });
}

export async function eventsOf(store: Store, record: SerialRecord) {
  const { rows } = await store.query<{
    doc: CustodyEventInput;
    from_state: string;
    to_state: string;
    recorded_by: string;
    role: string;
    recorded_at: Date;
  }>(
    "SELECT doc, from_state, to_state, recorded_by, role, recorded_at FROM custody_events WHERE shipment_id = $1 ORDER BY recorded_at, id",
    [record.shipmentId],
  );
  const number = (range: SerialRange) =>
    record.serial.startsWith(range.prefix) ? Number(record.serial.slice(range.prefix.length)) : Number.NaN;
  return rows
    .filter((row) =>
      row.doc.serials.some((range) => {
        const n = number(range);
        return n >= range.first && n <= range.last;
      }),
    )
    .map((row) => ({
      input: row.doc,
      fromState: row.from_state,
      toState: row.to_state,
      recordedBy: row.recorded_by,
      role: row.role,
      recordedAt: row.recorded_at.toISOString(),
    }));
}
