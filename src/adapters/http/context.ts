// What the HTTP app is built from (its ports) and what a request carries through the middleware:
// the authenticated principal and the request's idempotency context. src/compose.ts builds the
// production deps (httpDeps); tests override the clock, token factory and store.
import type { AuditEntryReader } from "../../app/audit/ports.ts";
import type { Catalog } from "../../app/catalog.ts";
import type { Evaluator } from "../../app/evaluate.ts";
import type { QuotaView } from "../../app/ledger/quota-view.ts";
import type { LogReader } from "../../app/log/ports.ts";
import type { ReconcileSource } from "../../app/log/reconcile.ts";
import type { ReportService } from "../../app/reports/service.ts";
import type { ShipmentListing } from "../../app/shipments/listing.ts";
import type { Principal } from "../../core/policy/policy.ts";
import type { Rulebook } from "../../core/rulebook/schema.ts";
import type { ScreeningIndex } from "../../core/screening/name-index.ts";
import type { Store } from "../db/store.ts";
import type { Clock, TokenFactory } from "../db/tokens.ts";
import type { Authenticator } from "./auth.ts";
import type { EvaluationRunner } from "./evaluate-pool.ts";
import type { Idempotency } from "./idempotency.ts";

export interface AppDeps {
  store: Store;
  evaluator: Evaluator;
  catalog: Catalog;
  rulebooks: readonly Rulebook[];
  /** The screening index over the bundled lists; built on first use (it takes a moment). */
  screening: () => ScreeningIndex;
  /** The cap ledger as the quota routes read it. */
  quota: QuotaView;
  /** The orders' and shipments' lists, searched and filtered (GET /v1/orders, /v1/shipments). */
  shipmentListing: ShipmentListing;
  clock: Clock;
  tokenFactory: TokenFactory;
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
  /** Reads audit entries for GET /v1/audit/entries (default: the store's audit_log, #13). */
  auditEntries?: AuditEntryReader;
  /** Where POST /v1/evaluate runs (default: inline with `evaluator`; the server gives a pool). */
  evaluation?: EvaluationRunner;
  /** The transparency log's read side (default: over `store`, without a key: /v1/log/key 503). */
  log?: LogReader;
  /** The regulator reports (src/compose.ts wires them); without it /v1/reports answers 503. */
  reports?: ReportService;
  /** What GET /v1/audit/reconcile reads (src/compose.ts wires it; without it: 503, issue #15 item 6). */
  reconcile?: ReconcileSource;
}

/** Deps plus the services createApp builds from them, as route modules see them. */
export interface AppServices extends AppDeps {
  authenticator: Authenticator;
  auditEntries: AuditEntryReader;
  evaluation: EvaluationRunner;
  log: LogReader;
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
