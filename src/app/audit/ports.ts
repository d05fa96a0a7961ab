// The audit log as the use cases see it (issue #13). Writing: an `AuditLog` is bound to the
// principal that acts (its token, role, party, route or command, request id: AuditActor) and to the
// unit of work, so a use case cannot forget or forge who did it. Reading: `AuditEntryReader` pages through entries
// with filters, for the auditor and the regulator; the transparency-log branch (#15) re-implements
// it over its own storage.
import type { AuditActor } from "../../core/audit/actor.ts";
import type { AuditEntry } from "../../core/audit/chain.ts";

/**
 * Appends an entry inside the caller's open unit of work, attributed to the bound actor: the form
 * the features not yet on `AuditLog` still use. `Unit` is the adapter's transaction handle, opaque
 * here (the SQL adapter instantiates it with its `Tx`).
 */
export type AuditAppender<Unit> = (unit: Unit, kind: string, payload: unknown, at: Date) => Promise<unknown>;

/** Filters of a listing; every one optional, combined with AND. */
export interface AuditEntryFilter {
  /** Exact kind (`shipment.released`) or a prefix ending in `.` (`shipment.`). */
  kind?: string;
  /** An object id the payload names in one of its id fields (id, orderId, shipmentId …). */
  objectId?: string;
  /** The token id of the principal that acted. */
  tokenId?: string;
  /** The role that acted (`system` for the system itself). */
  role?: string;
  /** Instants, ISO 8601: from inclusive, to exclusive. */
  from?: string;
  to?: string;
}

/** Entries with seq greater than `afterSeq`, oldest first; at most `limit`. */
export interface AuditEntryReader {
  list(filter: AuditEntryFilter, afterSeq: number, limit: number): Promise<AuditEntry[]>;
  get(seq: number): Promise<AuditEntry | undefined>;
}

/** Re-exported for use cases that build actors. */
export type { AuditActor };

/**
 * The audit log inside one unit of work, already bound to the acting principal: what a feature's
 * `Repos` carries instead of a transaction handle (see `Transactor` in src/app/ports.ts).
 */
export interface AuditLog {
  append(kind: string, payload: unknown, at: Date): Promise<unknown>;
}
