// The one composition root: it wires the application's ports to their adapters for the server
// (src/main.ts), the CLI (src/adapters/cli/main.ts), the tests and the benchmarks alike. Only this
// file, src/main.ts, src/demo.ts and the CLI's main.ts may import any adapter (see
// docs/architecture.md and test/architecture). Adapters that are slow to load (the database
// drivers, the HTTP server) are imported on use, so CLI commands that need neither start without them.
import { v7 as uuidv7 } from "uuid";
import type { CliWiring, RunningServer, ServeRequest, StoreStatus } from "./adapters/cli/wiring.ts";
import { sqlAuditEntryReader } from "./adapters/db/audit-entries.ts";
import { sqlAuditChainSnapshots } from "./adapters/db/audit-snapshot.ts";
import { sqlCustodyStore } from "./adapters/db/custody/store.ts";
import { sqlEvidenceReports } from "./adapters/db/evidence/reports-sql.ts";
import { sqlEvidenceContext } from "./adapters/db/evidence/repository.ts";
import { sqlIdempotencyStore } from "./adapters/db/idempotency.ts";
import { sqlLabTestTransactor } from "./adapters/db/lab-tests/failures.ts";
import { SqlLedger } from "./adapters/db/ledger/sql-ledger.ts";
import { newSignerKey } from "./adapters/db/log/key.ts";
import { DbLogReader } from "./adapters/db/log/reader.ts";
import { sqlReconcileSource } from "./adapters/db/log/reconcile.ts";
import { SqlEvidenceLists } from "./adapters/db/overview/evidence-lists-sql.ts";
import { SqlOverviewReader } from "./adapters/db/overview/overview-sql.ts";
import { sqlOrderOwnership } from "./adapters/db/ownership.ts";
import { SqlReportStore } from "./adapters/db/reports/snapshot.ts";
import { sqlReversalTransactor } from "./adapters/db/reversals/reversals-sql.ts";
import { sqlScreeningContextFor } from "./adapters/db/screening/repository.ts";
import {
  type ShipmentContextOptions,
  type SqlShipmentContext,
  shipmentContext,
} from "./adapters/db/shipments/context.ts";
import { sqlShipmentListing } from "./adapters/db/shipments/listing.ts";
import { SqlStoredDecisionReader } from "./adapters/db/simulation/stored-decisions.ts";
import type { Store } from "./adapters/db/store.ts";
import { sqlTokenStore, systemTokenFactory } from "./adapters/db/tokens.ts";
import { bundledReferenceData, loadCatalog, loadRulebooks } from "./adapters/files/reference-data.ts";
import { diskScreeningFiles } from "./adapters/files/screening-lists.ts";
import { simulationFiles } from "./adapters/files/simulation-files.ts";
import type { AppDeps } from "./adapters/http/context.ts";
import {
  loadOrCreateReportKey,
  publicKeyPemOf,
  reportKeyPath,
  reportSigner,
} from "./adapters/keys/report-key.ts";
import { pdfRenderer } from "./adapters/pdf/report-pdf.ts";
import { type RulesOn, rulesInForceOf } from "./app/custody/alerts.ts";
import type { Catalog } from "./app/evaluation/catalog.ts";
import { Evaluator } from "./app/evaluation/evaluator.ts";
import { EvidenceService } from "./app/evidence/service.ts";
import { LabTestFailureService } from "./app/lab-tests/record-failure.ts";
import type { LogReader } from "./app/log/ports.ts";
import { reconcileLog } from "./app/log/reconcile.ts";
import type { Clock, IdSource } from "./app/ports.ts";
import { ReportService } from "./app/reports/service.ts";
import { reverseRecord } from "./app/reversals/reverse.ts";
import { bundledIndex } from "./app/screening/lists.ts";
import type { ScreeningContextFor } from "./app/screening/ports.ts";
import type { Rulebook } from "./core/rulebook/schema.ts";
import type { ScreeningIndex } from "./core/screening/name-index.ts";

/** The system's clock: the server's time for every act it records. */
export const systemClock: Clock = () => new Date();

/** Fresh record ids: UUIDv7 (time-ordered, generated in the application, see DESIGN.md). */
export const uuidV7Ids: IdSource = () => uuidv7();

/** The list files screening reads: the bundled lists under data/, and the files a user imports. */
export const screeningFiles = diskScreeningFiles();

/** The screening index over the bundled lists; built on first use (it takes a moment). */
export const bundledScreeningIndex = (): ScreeningIndex => bundledIndex(screeningFiles);

/** Screening on a store (list versions, party screenings, dispositions), as a principal or the system. */
export const screeningOn = (store: Store, clock: Clock = systemClock): ScreeningContextFor =>
  sqlScreeningContextFor(store, { clock, newId: uuidV7Ids, files: screeningFiles });

/** The reference data every evaluation reads: the bundled rulebooks, catalog and lists. */
export interface ReferenceData {
  readonly rulebooks: readonly Rulebook[];
  readonly catalog: Catalog;
  readonly evaluator: Evaluator;
  /** The screening index over the bundled lists; built on first use (it takes a moment). */
  readonly screening: () => ScreeningIndex;
}

export function referenceData(): ReferenceData {
  const rulebooks = loadRulebooks();
  const catalog = loadCatalog();
  return {
    rulebooks,
    catalog,
    evaluator: new Evaluator(rulebooks, catalog),
    screening: bundledScreeningIndex,
  };
}

/** The rules in force on a day with the custody scenarios, from the bundled rulebooks. */
export const custodyRules: RulesOn = rulesInForceOf(() => loadRulebooks());

/**
 * The shipment use cases' ports on `store` (adapters/db/shipments/context.ts) with the bundled
 * catalog and an Evaluator over the bundled rulebooks, unless `overrides` names its own.
 */
export function shipmentContextOn(
  store: Store,
  overrides: Partial<ShipmentContextOptions> = {},
): SqlShipmentContext {
  const catalog = overrides.catalog ?? loadCatalog();
  const evaluator = overrides.evaluator ?? new Evaluator(loadRulebooks(), catalog);
  return shipmentContext(store, { screeningFiles, ...overrides, catalog, evaluator });
}

/**
 * The HTTP app's ports over an open store: reference data, the shipment use cases' ports, tokens,
 * idempotency records, the audit log, the ledger's quota view, the read models, the clock. Overrides
 * replace single ports; the token store is built with the overriding clock and token factory.
 */
export function httpDeps(store: Store, overrides: Partial<AppDeps> = {}): AppDeps {
  const clock = overrides.clock ?? systemClock;
  const tokenFactory = overrides.tokenFactory ?? systemTokenFactory;
  const reference = referenceData();
  // The shipment context is built once per app; each request binds its principal (and its hook).
  const evaluator = overrides.evaluator ?? reference.evaluator;
  const shipments = shipmentContext(store, {
    clock,
    evaluator,
    catalog: overrides.catalog ?? reference.catalog,
    screeningFiles,
  });
  return {
    ...reference,
    shipments: (actor, hook) => {
      const acting = shipments.asActor(actor);
      return hook ? acting.withCommitHook(hook) : acting;
    },
    // Each request's evidence use cases name its principal in their audit entries and records.
    evidence: (actor) => new EvidenceService(sqlEvidenceContext(store, { evaluator, clock, actor })),
    screenings: screeningOn(store, clock),
    quota: new SqlLedger(store, clock),
    custody: sqlCustodyStore(store), // issue #16: the custody routes' store
    shipmentListing: sqlShipmentListing(store),
    clock,
    tokenFactory,
    tokens: sqlTokenStore(store, clock, tokenFactory),
    idempotencyRecords: sqlIdempotencyStore(store),
    ownership: sqlOrderOwnership(store),
    // migrate.ts loads the database driver: imported on use, so the CLI starts without it.
    readiness: async () => (await import("./adapters/db/migrate.ts")).storeReadiness(store)(),
    auditChain: sqlAuditChainSnapshots(store),
    overview: new SqlOverviewReader(store),
    evidenceLists: new SqlEvidenceLists(store),
    auditEntries: sqlAuditEntryReader(store),
    log: new DbLogReader(store),
    reconcile: sqlReconcileSource(store), // issue #15 item 6: GET /v1/audit/reconcile
    reversals: (actor) => sqlReversalTransactor(store, actor), // issue #13: POST …/{id}/reversals
    evidenceReports: sqlEvidenceReports(store), // GET /v1/duty/totals, /v1/forfeitures
    storedDecisions: new SqlStoredDecisionReader(store), // issue #19: the counterfactual's record
    labTestFailures: labTestFailureService(store, clock), // issue #18: failed lab tests
    ...overrides,
  };
}

/** The transparency log of a serving process: its reader, and the integrator that signs (issue #15). */
export interface RunningLog {
  readonly name: string;
  readonly reader: LogReader;
  stop(): Promise<void>;
}

/**
 * Starts the log beside a server: integrates what is pending (the seeded story included) and signs
 * a checkpoint, then keeps integrating, signing and sending checkpoints to the configured
 * witnesses while serving. Every serving process runs one; the lease lets one at a time integrate
 * (docs/log.md).
 */
export async function startLog(store: Store, clock: Clock = systemClock): Promise<RunningLog> {
  const [{ integrateAll }, { loadLogSigner }, { DbLogReader }, { startIntegrator }, witnessing] =
    await Promise.all([
      import("./adapters/db/log/integrate.ts"),
      import("./adapters/db/log/key.ts"),
      import("./adapters/db/log/reader.ts"),
      import("./adapters/db/log/runner.ts"),
      import("./adapters/db/log/witnesses.ts"),
    ]);
  const signer = loadLogSigner();
  const witnesses = witnessing.witnessesFromEnv(process.env.SLUICE_LOG_WITNESSES);
  const reader = new DbLogReader(store, {
    verifier: signer,
    witnessQuorum: Number(process.env.SLUICE_LOG_WITNESS_QUORUM || witnesses.length),
  });
  const pusher = new witnessing.WitnessPusher(store, reader, witnesses);
  await integrateAll(store, { signer, now: clock });
  const integrator = startIntegrator(store, {
    signer,
    now: clock,
    onSigned: async (size) => void (await pusher.push(size)),
  });
  return { name: signer.name, reader, stop: () => integrator.stop() };
}

/** `sluice serve`: opens the configured store and serves the API on it until closed. */
async function serveApi(request: ServeRequest): Promise<RunningServer> {
  const [{ startServer }, { evaluateThreadsOf }, { openStore, storeConfigFromEnv }] = await Promise.all([
    import("./adapters/http/serve.ts"),
    import("./adapters/http/evaluate-pool.ts"),
    import("./adapters/db/open.ts"),
  ]);
  const evaluateThreads = evaluateThreadsOf(request.evaluateThreads);
  const store = await openStore(storeConfigFromEnv(process.env, true)); // serve may create the store
  const log = await startLog(store);
  const server = await startServer({
    deps: httpDeps(store, { log: log.reader }),
    port: request.port,
    hostname: request.hostname,
    evaluateThreads,
  });
  return {
    url: server.url,
    evaluateThreads: server.evaluateThreads,
    storeDriver: store.driver,
    storeLocation: store.location,
    close: async () => {
      await server.close();
      await log.stop();
      await store.close();
    },
  };
}

/** Opens the configured store for one command and closes it afterwards; only `create` may make one. */
async function withConfiguredStore<T>(run: (store: Store) => Promise<T>, create = false): Promise<T> {
  const { openStore, storeConfigFromEnv } = await import("./adapters/db/open.ts");
  const store = await openStore(storeConfigFromEnv(process.env, create));
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

async function storeStatus(): Promise<StoreStatus> {
  const [{ migrationStatus }, { auditHead }, { ledgerRowCounts }] = await Promise.all([
    import("./adapters/db/migrate.ts"),
    import("./adapters/db/audit.ts"),
    import("./adapters/db/ledger/rows.ts"),
  ]);
  return withConfiguredStore(async (store) => {
    const status = await migrationStatus(store);
    const head = await auditHead(store);
    const counts = await ledgerRowCounts(store);
    return { driver: store.driver, location: store.location, ...status, auditHead: head, counts };
  });
}

async function migrateStore(): Promise<{ driver: string; location: string; applied: string[] }> {
  const { migrate } = await import("./adapters/db/migrate.ts");
  return withConfiguredStore(
    async (store) => ({
      driver: store.driver,
      location: store.location,
      applied: await migrate(store),
    }),
    true,
  );
}

async function exportLog(out: string): Promise<{ size: number; checkpoints: number }> {
  const [{ integrateAll }, { writeExport }] = await Promise.all([
    import("./adapters/db/log/integrate.ts"),
    import("./adapters/db/log/export.ts"),
  ]);
  return withConfiguredStore(async (store) => {
    await integrateAll(store);
    return writeExport(store, out);
  });
}

/** What the CLI's commands are given instead of importing other adapters. */
export function cliWiring(): CliWiring {
  return {
    reference: bundledReferenceData,
    simulationFiles,
    serve: serveApi,
    migrate: migrateStore,
    storeStatus,
    // issue #15 item 6: `sluice audit reconcile` on the configured store
    reconcile: () => withConfiguredStore((store) => reconcileLog(sqlReconcileSource(store))),
    withTokens: (run) =>
      withConfiguredStore((store) => run(sqlTokenStore(store, systemClock, systemTokenFactory))),
    withLedger: (clock, run) => withConfiguredStore((store) => run(new SqlLedger(store, clock))),
    verifyAudit: async (expectHead) => {
      const { verifyAudit } = await import("./adapters/db/audit.ts");
      return withConfiguredStore((store) => verifyAudit(store, expectHead));
    },
    withAuditEntries: (run) => withConfiguredStore((store) => run(sqlAuditEntryReader(store))),
    exportLog,
    newSignerKey,
    withEvidence: (actor, clock, run) =>
      withConfiguredStore((store) => {
        const shipments = shipmentContextOn(store, { clock: systemClock }).asActor(actor);
        const evidence = new EvidenceService(
          sqlEvidenceContext(store, { evaluator: shipments.evaluator, clock, actor }),
        );
        return run(evidence, shipments);
      }),
    withEvidenceReports: (run) => withConfiguredStore((store) => run(sqlEvidenceReports(store))),
    // issue #13: reversal of a mistaken evidence record by the local store's operator
    reverse: (kind, id, input, actor, clock) =>
      withConfiguredStore((store) =>
        reverseRecord({ transactor: sqlReversalTransactor(store, actor), clock, actor }, kind, id, input),
      ),
    // issue #19: `sluice simulate --from-store` reads the configured store's decisions
    withStoredDecisions: (run) => withConfiguredStore((store) => run(new SqlStoredDecisionReader(store))),
    // issue #16: custody commands on the configured store, heartbeats over NATS
    withCustodyStore: (run) => withConfiguredStore((store) => run(sqlCustodyStore(store))),
    heartbeatBus: async () => (await import("./adapters/nats/heartbeats.ts")).openHeartbeatBus(),
    // issue #18: `sluice report` on the configured store, and the key `report verify` checks with
    withReports: (clock, use) => withConfiguredStore((store) => use(reportService(store, clock))),
    reportPublicKeyPem: (keyFile) => reportPublicKeyPem(keyFile),
    withShipments: (actor, clock, run) =>
      withConfiguredStore((store) => run(shipmentContextOn(store, { clock }).asActor(actor))),
    // `sluice lists|dispositions|screenings` on the configured store, `sluice screen|match` without one
    withScreening: (clock, run) => withConfiguredStore((store) => run(screeningOn(store, clock))),
    screeningIndex: bundledScreeningIndex,
    screeningFiles: () => screeningFiles,
  };
}

/** Recording failed lab tests on a store (issue #18): each unit of work attributed to its actor. */
export const labTestFailureService = (store: Store, clock: Clock = systemClock): LabTestFailureService =>
  new LabTestFailureService({ transactorFor: (actor) => sqlLabTestTransactor(store, actor), clock });

/** The regulator reports over a store, signed with the report key (issue #18). */
export function reportService(store: Store, clock: Clock, keyPath: string = reportKeyPath()): ReportService {
  return new ReportService({
    store: new SqlReportStore(store),
    signer: reportSigner(loadOrCreateReportKey(keyPath)),
    pdf: pdfRenderer,
    clock,
    rules: custodyRules,
  });
}

/** The public key (PEM) of a key file, or of the report key in use when none is named. */
export const reportPublicKeyPem = (keyFile: string = reportKeyPath()): string => publicKeyPemOf(keyFile);
