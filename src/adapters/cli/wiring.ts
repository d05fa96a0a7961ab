// What the CLI needs from outside the CLI adapter, as a port: the composition root
// (src/compose.ts) implements it and src/adapters/cli/main.ts hands it to the program, so no
// command imports the HTTP or database adapters for it (docs/architecture.md's import rule).
// Each `with…` opens the configured store (DATABASE_URL, else SLUICE_DATA_DIR) for one run of a
// command, hands it the feature's port and closes the store afterwards.

import type { AuditEntryReader } from "../../app/audit/ports.ts";
import type { TokenStore } from "../../app/authorization/ports.ts";
import type { CustodyStore, HeartbeatBus } from "../../app/custody/ports.ts";
import type { ReferenceSource } from "../../app/evaluation/ports.ts";
import type { EvidenceReportSource } from "../../app/evidence/reports.ts";
import type { EvidenceService } from "../../app/evidence/service.ts";
import type { CapLedger, UsPostingBatches } from "../../app/ledger/ports.ts";
import type { Clock } from "../../app/ports.ts";
import type { ReportService } from "../../app/reports/service.ts";
import type { ReversalResult } from "../../app/reversals/reverse.ts";
import type { ScreeningContextFor, ScreeningFiles } from "../../app/screening/ports.ts";
import type { ShipmentContext } from "../../app/shipments/ports.ts";
import type { SimulationFiles, StoredDecisionReader } from "../../app/simulation/ports.ts";
import type { AuditActor } from "../../core/audit/actor.ts";
import type { VerifyResult } from "../../core/audit/chain.ts";
import type { ReversibleKind } from "../../core/evidence/reversals.ts";
import type { ReconcileReport } from "../../core/log/reconcile.ts";
import type { ScreeningIndex } from "../../core/screening/name-index.ts";

export interface ServeRequest {
  readonly port: number;
  readonly hostname: string;
  /** --evaluate-threads as typed (validated by the server's wiring). */
  readonly evaluateThreads: string | undefined;
}

/** A running API server on the configured store. */
export interface RunningServer {
  readonly url: string;
  readonly evaluateThreads: number;
  readonly storeDriver: string;
  readonly storeLocation: string;
  /** Stops the server and closes its store. */
  close(): Promise<void>;
}

/** `sluice db status`: where the store is, its migrations, the audit head and the ledger's rows. */
export interface StoreStatus {
  readonly driver: string;
  readonly location: string;
  readonly applied: { version: string; name: string; appliedAt: Date }[];
  readonly pending: { version: string; name: string }[];
  readonly auditHead: { seq: number; hash: string };
  readonly counts: { accounts: bigint; reservations: bigint; postings: bigint } | undefined;
}

/** The cap ledger as the ledger commands use it: the port and bulk US postings. */
export type CliLedger = CapLedger & UsPostingBatches;

export interface CliWiring {
  /** The catalog and the rulebooks every evaluating command reads (buildProgram hands them to reference.ts). */
  readonly reference: ReferenceSource;
  /** `sluice simulate`: the scenario and rulebook files it names. */
  readonly simulationFiles: SimulationFiles;
  /** `sluice serve`: serves the HTTP API on the configured store. */
  serve(request: ServeRequest): Promise<RunningServer>;
  /** `sluice db migrate`: applies pending migrations to the configured store. */
  migrate(): Promise<{ driver: string; location: string; applied: string[] }>;
  /** `sluice db status` of the configured store. */
  storeStatus(): Promise<StoreStatus>;
  /** `sluice audit reconcile`: the log replayed against the configured store's tables (#15). */
  reconcile(): Promise<ReconcileReport>;
  /** `sluice tokens …`: the API tokens of the configured store, stamped by the system's clock. */
  withTokens<T>(run: (tokens: TokenStore) => Promise<T>): Promise<T>;
  /** The ledger commands: the cap ledger of the configured store, stamped by `clock`. */
  withLedger<T>(clock: Clock, run: (ledger: CliLedger) => Promise<T>): Promise<T>;
  /** `sluice audit verify`: the configured store's chain re-hashed, against `expectHead` if given. */
  verifyAudit(expectHead?: { seq: number; hash: string }): Promise<VerifyResult>;
  /** `sluice audit list|show`: the configured store's audit entries. */
  withAuditEntries<T>(run: (entries: AuditEntryReader) => Promise<T>): Promise<T>;
  /** `sluice log export`: integrates what is pending, then writes checkpoints and entries to `out`. */
  exportLog(out: string): Promise<{ size: number; checkpoints: number }>;
  /** `sluice log keygen`: a new signer key as text (type 1: a log's key, 4: a witness's). */
  newSignerKey(name: string, type: 1 | 4): string;
  /**
   * The evidence and lab commands: the evidence use cases on the configured store acting as
   * `actor` on `clock`, with the shipment use cases on the same store (a lab revocation reverts
   * releases through them) acting as `actor` on the system's clock; the store is closed afterwards.
   */
  withEvidence<T>(
    actor: AuditActor,
    clock: Clock,
    run: (evidence: EvidenceService, shipments: ShipmentContext) => Promise<T>,
  ): Promise<T>;
  /** `sluice duty totals`, `sluice payments forfeitures` on the configured store. */
  withEvidenceReports<T>(run: (source: EvidenceReportSource) => Promise<T>): Promise<T>;
  /** `sluice payments|duty|approvals|customs reverse` on the configured store, as `actor` (#13). */
  reverse(
    kind: ReversibleKind,
    id: string,
    input: unknown,
    actor: AuditActor,
    clock: () => Date,
  ): Promise<ReversalResult>;
  /** `sluice simulate --from-store`: runs with the configured store's decisions, then closes it (#19). */
  withStoredDecisions<T>(run: (reader: StoredDecisionReader) => Promise<T>): Promise<T>;
  /** The custody commands (#16): the custody store port on the configured store, closed afterwards. */
  withCustodyStore<T>(run: (store: CustodyStore) => Promise<T>): Promise<T>;
  /** `sluice heartbeats consume|simulate --target nats`: the heartbeat bus (NATS_URL). */
  heartbeatBus(): Promise<HeartbeatBus>;
  /** `sluice report KIND`: runs `use` with the report service on the configured store (#18). */
  withReports<T>(clock: () => Date, use: (reports: ReportService) => Promise<T>): Promise<T>;
  /** `sluice report verify`: the public key (PEM) of `keyFile`, or of the report key in use. */
  reportPublicKeyPem(keyFile?: string): string;
  /** The screening commands: screening on the configured store at `clock`, as a principal or the system. */
  withScreening<T>(clock: Clock, run: (screening: ScreeningContextFor) => Promise<T>): Promise<T>;
  /** `sluice screen|match|lists --bundled`, the simulator: the index over the bundled lists. */
  screeningIndex(): ScreeningIndex;
  /** `sluice lists import|diff`: the list files a command names (read before any store is opened). */
  screeningFiles(): ScreeningFiles;
  /** The shipment commands: the use cases' ports on the configured store as `actor` on `clock`, then closed. */
  withShipments<T>(
    actor: AuditActor,
    clock: Clock,
    run: (shipments: ShipmentContext) => Promise<T>,
  ): Promise<T>;
}
