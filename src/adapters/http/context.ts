// What the HTTP app is built from (its ports) and what a request carries through the middleware:
// the authenticated principal and the request's idempotency context. src/compose.ts builds the
// production deps (httpDeps) over an open store; tests override single ports (the clock, the token
// factory). Every route reads a port: none sees the database.
import type { AuditActor, AuditEntryReader } from "../../app/audit/ports.ts";
import type { AuditChainSnapshots } from "../../app/audit/snapshot.ts";
import type { OrderOwnership, TokenFactory, TokenStore } from "../../app/authorization/ports.ts";
import type { CustodyStore } from "../../app/custody/ports.ts";
import type { Catalog } from "../../app/evaluation/catalog.ts";
import type { Evaluator } from "../../app/evaluation/evaluator.ts";
import type { EvidenceReportSource } from "../../app/evidence/reports.ts";
import type { EvidenceService } from "../../app/evidence/service.ts";
import type { ReadinessProbe } from "../../app/health/ports.ts";
import type { IdempotencyStore, WriteTransaction } from "../../app/idempotency/ports.ts";
import type { LabTestFailureService } from "../../app/lab-tests/record-failure.ts";
import type { QuotaView } from "../../app/ledger/quota-view.ts";
import type { LogReader } from "../../app/log/ports.ts";
import type { ReconcileSource } from "../../app/log/reconcile.ts";
import type { EvidenceListReader, OverviewReader } from "../../app/overview/ports.ts";
import type { Clock, Transactor } from "../../app/ports.ts";
import type { ReportService } from "../../app/reports/service.ts";
import type { ReversalRepos } from "../../app/reversals/ports.ts";
import type { ScreeningContextFor } from "../../app/screening/ports.ts";
import type { ShipmentListing } from "../../app/shipments/listing.ts";
import type { ShipmentContext, ShipmentRepos } from "../../app/shipments/ports.ts";
import type { StoredDecisionReader } from "../../app/simulation/ports.ts";
import type { Principal } from "../../core/authorization/policy.ts";
import type { Rulebook } from "../../core/rulebook/schema.ts";
import type { ScreeningIndex } from "../../core/screening/name-index.ts";
import type { Authenticator } from "./auth.ts";
import type { EvaluationRunner } from "./evaluate-pool.ts";
import type { Idempotency } from "./idempotency.ts";

/**
 * Work added to each shipment write's transaction after the use case, with its result: the
 * Idempotency-Key response is recorded there, so both commit together or not at all.
 */
export type ShipmentCommitHook = (
  work: WriteTransaction,
  repos: ShipmentRepos,
  result: unknown,
) => Promise<void>;

export interface AppDeps {
  /**
   * The shipment use cases' ports (built once by src/compose.ts), acting as `actor`, with `hook`
   * run before each write commits.
   */
  shipments(actor: AuditActor, hook?: ShipmentCommitHook): ShipmentContext;
  /** The evidence use cases acting as `actor` (src/compose.ts wires them on the store). */
  evidence(actor: AuditActor): EvidenceService;
  evaluator: Evaluator;
  catalog: Catalog;
  rulebooks: readonly Rulebook[];
  /** The screening index over the bundled lists; built on first use (it takes a moment). */
  screening: () => ScreeningIndex;
  /** Stored list versions, party screenings and dispositions, as the request's principal. */
  screenings: ScreeningContextFor;
  /** The cap ledger as the quota routes read it. */
  quota: QuotaView;
  /** Custody, heartbeats and alerts on the store (issue #16; src/compose.ts wires the SQL one). */
  custody: CustodyStore;
  /** The orders' and shipments' lists, searched and filtered (GET /v1/orders, /v1/shipments). */
  shipmentListing: ShipmentListing;
  clock: Clock;
  /** Makes the ids and secrets of tokens created through POST /v1/tokens (tests pin them). */
  tokenFactory: TokenFactory;
  /** API tokens: authentication and the /v1/tokens routes. */
  tokens: TokenStore;
  /** Idempotency-Key records (idempotency.ts). */
  idempotencyRecords: IdempotencyStore;
  /** The parties of orders named in request bodies (ownership.ts). */
  ownership: OrderOwnership;
  /** GET /readyz: the store answers and is migrated. */
  readiness: ReadinessProbe;
  /** The audit chain in one snapshot, for GET /v1/audit/verify. */
  auditChain: AuditChainSnapshots;
  /** GET /v1/overview, /v1/decisions, /v1/licences. */
  overview: OverviewReader;
  /** GET /v1/labs, /v1/certificates, /v1/duty-entries. */
  evidenceLists: EvidenceListReader;
  /** Reads audit entries for GET /v1/audit/entries (#13). */
  auditEntries: AuditEntryReader;
  /** The transparency log's read side (without a key: /v1/log/key 503). */
  log: LogReader;
  /** How long a looked-up token is trusted before it is looked up again (revocations elsewhere). */
  tokenCacheTtlMs?: number;
  /** How long an Idempotency-Key's response is replayed (default 24 h); then the key is new again. */
  idempotencyTtlMs?: number;
  /** How long the claim of a request that never finished blocks its key (default 2 min). */
  idempotencyInFlightMaxMs?: number;
  /** Least time between two sweeps of expired idempotency records (default 1 min). */
  idempotencySweepIntervalMs?: number;
  /** Where unexpected errors are reported (default: console.error). */
  logError?: (error: unknown) => void;
  /** The built web app served at `/` (default web/dist; absent: the API alone). */
  webRoot?: string;
  /** Where POST /v1/evaluate runs (default: inline with `evaluator`; the server gives a pool). */
  evaluation?: EvaluationRunner;
  /** The regulator reports (src/compose.ts wires them); without it /v1/reports answers 503. */
  reports?: ReportService;
  /** Failed lab tests (src/compose.ts wires them); without it POST /v1/lab-test-failures answers 503. */
  labTestFailures?: LabTestFailureService;
  /** What GET /v1/audit/reconcile reads (src/compose.ts wires it; without it: 503, issue #15 item 6). */
  reconcile?: ReconcileSource;
  /** Reversals of evidence records, as one principal (src/compose.ts wires them; without: 503, #13). */
  reversals?: (actor: AuditActor) => Transactor<ReversalRepos>;
  /** Duty totals and forfeiture lists (src/compose.ts wires them; without: 503). */
  evidenceReports?: EvidenceReportSource;
  /** The stored decisions the counterfactual re-decides (src/compose.ts wires them; without: 503). */
  storedDecisions?: StoredDecisionReader;
}

/** Deps plus the services createApp builds from them, as route modules see them. */
export interface AppServices extends AppDeps {
  authenticator: Authenticator;
  evaluation: EvaluationRunner;
}

export interface AppEnv {
  Variables: {
    principal: Principal;
    /** The request's id, answered in X-Request-Id and named by its audit entries (actor.ts). */
    requestId: string;
    /** Present on POST requests that sent an Idempotency-Key. */
    idempotency: Idempotency | undefined;
  };
}
