// What the report use cases need from the outside: a consistent snapshot of the store (the log
// checkpoint, the figures, and the pinned reports of closed windows, all read in one REPEATABLE READ
// transaction), a signer (the report key, Ed25519), a PDF renderer, and the clock. Implemented in
// src/adapters/db/reports (store), src/adapters/keys (signer) and src/adapters/pdf (renderer).

import type { CustodyFigures } from "../../core/reports/custody.ts";
import type {
  CapFigures,
  ChinaFigures,
  DecisionRow,
  DutyEntryRow,
  ForfeitureRow,
  LabRow,
  PrepaymentOrderRow,
} from "../../core/reports/figures.ts";
import type { Checkpoint, Report, ReportWindow } from "../../core/reports/model.ts";

/**
 * The log checkpoint a report is computed at. The same interface as `latestCheckpoint` of the
 * transparency log (src/app/log/ports.ts, issue #15); until that lands it is the audit chain head.
 */
export interface CheckpointSource {
  latestCheckpoint(): Promise<Checkpoint | undefined>;
}

/**
 * Whose records a report covers: everything, the orders of one exporter, the chips of one importer,
 * or the chips bound for one country (the Chinese authority's custody report).
 */
export interface ReportScope {
  exporterId: string | null;
  importerId: string | null;
  destination: string | null;
}

export interface ReportFigures {
  cap(window: ReportWindow): Promise<CapFigures>;
  decisions(window: ReportWindow, scope: ReportScope): Promise<DecisionRow[]>;
  duty(window: ReportWindow, scope: ReportScope): Promise<DutyEntryRow[]>;
  prepayments(
    window: ReportWindow,
    scope: ReportScope,
  ): Promise<{ orders: PrepaymentOrderRow[]; forfeitures: ForfeitureRow[] }>;
  labTests(window: ReportWindow): Promise<LabRow[]>;
  china(window: ReportWindow): Promise<ChinaFigures>;
  /** The custody figures of [start, end); silence is judged at `asOf` (the end, or now if sooner). */
  custody(
    window: { start: string; end: string; asOf: string },
    scope: ReportScope,
    silentDaysMax: number,
  ): Promise<CustodyFigures>;
}

/** Reports of closed windows, kept as issued (their exact JSON text) so they never change. */
export interface PinnedReports {
  find(key: string): Promise<string | undefined>;
  /** Keeps `reportText` under `key` unless a report is already pinned there (the first one wins). */
  pin(
    key: string,
    report: { kind: string; window: ReportWindow; issuedBy: string; issuedAt: Date },
    reportText: string,
  ): Promise<void>;
}

export interface ReportSnapshot {
  checkpoints: CheckpointSource;
  figures: ReportFigures;
  pinned: PinnedReports;
}

export interface ReportStore {
  /** Runs `read` in one consistent snapshot (re-run from scratch if the store must retry it). */
  inSnapshot<T>(read: (snapshot: ReportSnapshot) => Promise<T>): Promise<T>;
}

/** The report key: detached Ed25519 signatures over a rendered report's bytes. */
export interface ReportSigner {
  /** sha256 (hex) of the public key's SPKI DER. */
  readonly keyId: string;
  readonly publicKeyPem: string;
  /** The signature of `bytes`, base64. */
  sign(bytes: Uint8Array): string;
}

export interface PdfRenderer {
  render(report: Report): Promise<Uint8Array>;
}
