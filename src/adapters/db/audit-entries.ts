// The audit log read entry by entry (issue #13): the SQL behind AuditEntryReader (src/app/audit/
// ports.ts), for GET /v1/audit/entries and `sluice audit list|show`. Filters by kind (exact, or a
// prefix ending in `.`), by an object id named in the payload, by the acting token or role and by
// time; pages by seq. The transparency-log branch re-implements the port over its own storage.
import type { AuditEntryFilter, AuditEntryReader } from "../../app/audit/ports.ts";
import type { AuditEntry, Json } from "../../core/audit/chain.ts";
import { entryOfRow } from "./audit.ts";
import { integrateAll } from "./log/integrate.ts";
import type { Store } from "./store.ts";

/** Payload fields that name the object an entry is about. */
export const auditObjectIdFields = [
  "id",
  "orderId",
  "shipmentId",
  "decisionId",
  "partyId",
  "licenceId",
  "applicationId",
  "entryId",
  "labId",
  "certificateId",
] as const;

const objectIdSql = auditObjectIdFields.map((field) => `payload->>'${field}'`).join(", ");

const columns = "seq, at, kind, payload, prev_hash, hash, actor";

interface Row {
  seq: bigint;
  at: string;
  kind: string;
  payload: Json;
  prev_hash: string;
  hash: string;
  actor: Json | null;
}

export function sqlAuditEntryReader(store: Store): AuditEntryReader {
  return {
    async list(filter: AuditEntryFilter, afterSeq: number, limit: number): Promise<AuditEntry[]> {
      // Acknowledged entries wait in log_pending for their index; give them one before reading.
      await integrateAll(store);
      const { rows } = await store.query<Row>(
        `SELECT ${columns} FROM audit_log
          WHERE seq > $1
            AND ($3::text IS NULL OR kind = $3 OR (right($3, 1) = '.' AND starts_with(kind, $3)))
            AND ($4::text IS NULL OR $4 IN (${objectIdSql}))
            AND ($5::text IS NULL OR actor->>'tokenId' = $5)
            AND ($6::text IS NULL OR actor->>'role' = $6)
            AND ($7::text IS NULL OR at >= $7)
            AND ($8::text IS NULL OR at < $8)
          ORDER BY seq LIMIT $2`,
        [
          afterSeq,
          limit,
          filter.kind ?? null,
          filter.objectId ?? null,
          filter.tokenId ?? null,
          filter.role ?? null,
          filter.from ?? null,
          filter.to ?? null,
        ],
      );
      return rows.map(entryOfRow);
    },
    async get(seq: number): Promise<AuditEntry | undefined> {
      await integrateAll(store);
      const { rows } = await store.query<Row>(`SELECT ${columns} FROM audit_log WHERE seq = $1`, [seq]);
      return rows[0] ? entryOfRow(rows[0]) : undefined;
    },
  };
}
