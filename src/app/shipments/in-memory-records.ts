// The records the in-memory shipment context keeps beside its rows, deliberately simple: the
// evidence of record as sections a test sets per order and per shipment (what the authorities'
// records would give; no signatures checked), the import approval written down against the order's
// `cnImportApproval` section, forfeitures of its `payment` section, screening with no hits unless
// configured per party, and the audit log as a list of entries with their actor. They are cloned
// with the rows by each unit of work, so they roll back with it.

import type { AuditActor } from "../../core/audit/actor.ts";
import type { DossierInput, PartyRole } from "../../core/dossier/schema.ts";
import type { IsoDate } from "../../core/shared.ts";
import type { PartyInput } from "../../core/shipments/model.ts";
import type { AuditLog } from "../audit/ports.ts";
import { asJson } from "./in-memory.ts";
import type { ShipmentEvidence, ShipmentScreening } from "./ports.ts";

/** A screening hit as a dossier carries it, without the role (the party's role in each dossier). */
export type ScreeningHit = Omit<NonNullable<NonNullable<DossierInput["screening"]>["hits"]>[number], "party">;

export interface AuditRecord {
  kind: string;
  payload: unknown;
  at: Date;
  actor: AuditActor;
}

export interface RecordTables {
  orderEvidence: Map<string, Record<string, unknown>>;
  shipmentEvidence: Map<string, Record<string, unknown>>;
  /** Live write-downs on the order's import approval, by shipment. */
  approvalWriteDowns: Map<string, { orderId: string; units: number }>;
  forfeitures: Map<string, { orderId: string; amountCents: bigint; reason: string }>;
  screeningHits: Map<string, ScreeningHit[]>;
  screenings: { partyId: string; at: Date; reason: string }[];
  audit: AuditRecord[];
}

export const emptyRecordTables = (): RecordTables => ({
  orderEvidence: new Map(),
  shipmentEvidence: new Map(),
  approvalWriteDowns: new Map(),
  forfeitures: new Map(),
  screeningHits: new Map(),
  screenings: [],
  audit: [],
});

interface ApprovalSection {
  approvedUnits: number;
  usedUnits?: number;
}

const approvalOf = (tables: RecordTables, orderId: string): ApprovalSection | undefined =>
  tables.orderEvidence.get(orderId)?.cnImportApproval as ApprovalSection | undefined;

const writtenDown = (tables: RecordTables, orderId: string): number =>
  [...tables.approvalWriteDowns.values()]
    .filter((writeDown) => writeDown.orderId === orderId)
    .reduce((sum, writeDown) => sum + writeDown.units, 0);

/** The audit log bound to `actor`, appending to `tables`. */
export function recordAudit(tables: RecordTables, actor: AuditActor): AuditLog {
  return {
    append: async (kind, payload, at) => {
      tables.audit.push({ kind, payload: asJson(payload), at, actor });
      return undefined;
    },
  };
}

/** The evidence of record: the sections set for the order and the shipment, the approval's use added. */
export function recordEvidence(tables: RecordTables, audit: AuditLog): ShipmentEvidence {
  return {
    view: async (orderId, shipmentId) => {
      const sections = structuredClone({
        ...tables.orderEvidence.get(orderId),
        ...(shipmentId === null ? {} : tables.shipmentEvidence.get(shipmentId)),
      });
      const approval = sections.cnImportApproval as ApprovalSection | undefined;
      if (approval) approval.usedUnits = (approval.usedUnits ?? 0) + writtenDown(tables, orderId);
      return sections;
    },
    forfeitPayments: async (orderId, reason, time) => {
      if (tables.forfeitures.has(time.id)) return { status: "exists", forfeitureId: time.id };
      const payment = tables.orderEvidence.get(orderId)?.payment as { paidCents?: string } | undefined;
      const forfeited = [...tables.forfeitures.values()]
        .filter((forfeiture) => forfeiture.orderId === orderId)
        .reduce((sum, forfeiture) => sum + forfeiture.amountCents, 0n);
      const amountCents = BigInt(payment?.paidCents ?? 0) - forfeited;
      if (amountCents <= 0n) return { status: "nothing_to_forfeit", amountCents: 0n };
      tables.forfeitures.set(time.id, { orderId, amountCents, reason });
      const entry = { forfeitureId: time.id, orderId, amountCents, reason, on: time.on };
      await audit.append("payment.forfeited", entry, time.at);
      return { status: "forfeited", forfeitureId: time.id, amountCents };
    },
    writeDownApproval: async (orderId, shipmentId, units, time) => {
      if (tables.approvalWriteDowns.has(shipmentId)) return { status: "exists" };
      const approval = approvalOf(tables, orderId);
      if (!approval) return { status: "no_approval" };
      const used = (approval.usedUnits ?? 0) + writtenDown(tables, orderId);
      if (used + units > approval.approvedUnits) return { status: "approval_exhausted" };
      tables.approvalWriteDowns.set(shipmentId, { orderId, units });
      await audit.append("approval.written_down", { orderId, shipmentId, units, on: time.on }, time.at);
      return { status: "ok" };
    },
    restoreApproval: async (shipmentId, time) => {
      const live = tables.approvalWriteDowns.get(shipmentId);
      if (!live) return { status: "nothing_to_restore" };
      tables.approvalWriteDowns.delete(shipmentId);
      await audit.append("approval.restored", { shipmentId, units: live.units }, time.at);
      return { status: "restored" };
    },
  };
}

/**
 * The list version every in-memory screening names: a dossier's screening must say what it was
 * screened against, and here that is an empty list (hits come only from RecordTables.screeningHits).
 */
export const inMemoryScreeningList = { listId: "in-memory", version: "empty" } as const;

/** Screening with no hits unless some are configured for a party (RecordTables.screeningHits). */
export function recordScreening(tables: RecordTables): ShipmentScreening {
  return {
    screenParty: async (party, options) => {
      tables.screenings.push({ partyId: party.id, at: options.at, reason: options.reason });
      return { hits: structuredClone(tables.screeningHits.get(party.id) ?? []) };
    },
    screenParties: async (parties, at: IsoDate) => {
      const roles = Object.entries(parties) as [PartyRole, PartyInput][];
      const hits = roles.flatMap(([role, party]) =>
        (tables.screeningHits.get(party.id) ?? []).map((hit) => ({ party: role, ...structuredClone(hit) })),
      );
      return { screenedOn: at, listVersions: [{ ...inMemoryScreeningList }], hits };
    },
  };
}
