// What recording a failed lab test needs, as repositories bound to one unit of work (issue #14's
// port pattern: `Transactor<LabTestRepos>` from src/app/ports.ts): the lab registry entry that
// checks the signature, the lot's serial ranges, the failures on record, and the audit log bound to
// the acting principal. Implemented on SQL in src/adapters/db/lab-tests.

import type { FailureLab } from "../../core/lab-tests/failure.ts";
import type { SerialRange } from "../../core/shipments/model.ts";
import type { AuditActor, AuditLog } from "../audit/ports.ts";
import type { Transactor } from "../ports.ts";

export interface LabRegistry {
  find(labId: string): Promise<FailureLab | null>;
}

export interface LotRanges {
  /** The serial ranges of a shipment's lot, or null when there is no such shipment. */
  rangesOf(shipmentId: string): Promise<SerialRange[] | null>;
}

export interface LabTestFailureRow {
  id: string;
  shipmentId: string;
  labId: string;
  hash: string;
  canonicalText: string;
  signature: string;
  testedOn: string;
  recordedBy: string;
  recordedAt: Date;
}

export interface LabTestFailures {
  /** The hash of the failure on record under `id`, if any. */
  hashOf(id: string): Promise<string | null>;
  insert(row: LabTestFailureRow): Promise<void>;
}

export interface LabTestRepos {
  labs: LabRegistry;
  lots: LotRanges;
  failures: LabTestFailures;
  audit: AuditLog;
}

/** A unit of work attributed to `actor` (its audit entries name it). */
export type LabTestTransactorFor = (actor: AuditActor) => Transactor<LabTestRepos>;
