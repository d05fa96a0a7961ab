// Custody events on SQL: the snapshot a custody event is checked against (the serials of its ranges
// by state and site, the site, its permit, the site change), read in the writing SERIALIZABLE
// transaction, and the change itself (serials' state and site, the event row, its audit entry);
// and a serial's history (the events of its lot whose ranges hold it).
import canonicalize from "canonicalize";
import type { CustodyEventInput } from "../../../app/custody/inputs.ts";
import type { EventRecord, EventSnapshot, SerialRecord, SerialState } from "../../../app/custody/ports.ts";
import type { SerialRange } from "../../../core/shipments/model.ts";
import { appendAudit } from "../audit.ts";
import type { Store, Tx } from "../store.ts";
import { auditActorOf } from "./audit-actor.ts";
import { shipmentFacts, site } from "./registry.ts";

/** jsonb keeps its own key order: compare canonical texts (RFC 8785). */
const sameJson = (a: unknown, b: unknown): boolean =>
  canonicalize(JSON.parse(JSON.stringify(a))) === canonicalize(JSON.parse(JSON.stringify(b)));

/** The WHERE clause selecting a request's ranges of one shipment ($1 shipment, then ranges as arrays). */
const inRanges = `shipment_id = $1 AND EXISTS (
  SELECT 1 FROM unnest($2::text[], $3::bigint[], $4::bigint[]) AS r (prefix, first, last)
  WHERE serials.prefix = r.prefix AND serials.num BETWEEN r.first AND r.last)`;
const rangeParams = (shipmentId: string, ranges: readonly SerialRange[]) => [
  shipmentId,
  ranges.map((r) => r.prefix),
  ranges.map((r) => r.first),
  ranges.map((r) => r.last),
];

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
  const { rows } = await tx.query<{ state: SerialState; site_id: string | null; n: bigint }>(
    `SELECT state, site_id, count(*) AS n FROM serials WHERE ${inRanges} GROUP BY state, site_id`,
    rangeParams(input.shipmentId, input.serials),
  );
  const states: Partial<Record<SerialState, number>> = {};
  for (const row of rows) states[row.state] = (states[row.state] ?? 0) + Number(row.n);
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
    registered: rows.reduce((sum, row) => sum + Number(row.n), 0),
    states,
    siteIds: rows.map((r) => r.site_id),
    site: siteRecord,
    sitePermitted: permitted,
    siteChange: change ? { ...change.doc, approvedBy: change.approved_by } : null,
  };
}

async function writeEvent(tx: Tx, record: EventRecord): Promise<void> {
  const { input } = record;
  await tx.query(
    `UPDATE serials SET state = $5, site_id = CASE WHEN $6::text IS NULL THEN site_id ELSE $6 END WHERE ${inRanges}`,
    [...rangeParams(input.shipmentId, input.serials), record.toState, record.siteId],
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
