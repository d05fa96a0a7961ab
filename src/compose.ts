// The one composition root: it wires the application's ports to their adapters for the server
// (src/main.ts), the CLI (src/adapters/cli/main.ts), the tests and the benchmarks alike. Only this
// file, src/main.ts, src/demo.ts and the CLI's main.ts may import any adapter (see
// docs/architecture.md and test/architecture). Adapters that are slow to load (the database
// drivers, the HTTP server) are imported on use, so CLI commands that need neither start without them.
import { v7 as uuidv7 } from "uuid";
import type { CliWiring, RunningServer, ServeRequest, StoreStatus } from "./adapters/cli/wiring.ts";
import { SqlLedger } from "./adapters/db/ledger/sql-ledger.ts";
import { sqlReconcileSource } from "./adapters/db/log/reconcile.ts";
import { SqlReportStore } from "./adapters/db/reports/snapshot.ts";
import { sqlShipmentListing } from "./adapters/db/shipments/listing.ts";
import type { Store } from "./adapters/db/store.ts";
import { systemTokenFactory } from "./adapters/db/tokens.ts";
import type { AppDeps } from "./adapters/http/context.ts";
import {
  loadOrCreateReportKey,
  publicKeyPemOf,
  reportKeyPath,
  reportSigner,
} from "./adapters/keys/report-key.ts";
import { pdfRenderer } from "./adapters/pdf/report-pdf.ts";
import { type Catalog, loadCatalog } from "./app/catalog.ts";
import { Evaluator } from "./app/evaluate.ts";
import type { LogReader } from "./app/log/ports.ts";
import { reconcileLog } from "./app/log/reconcile.ts";
import type { Clock, IdSource } from "./app/ports.ts";
import { ReportService } from "./app/reports/service.ts";
import { loadRulebooks } from "./app/rulebooks.ts";
import { bundledIndex } from "./app/screening.ts";
import type { Rulebook } from "./core/rulebook/schema.ts";
import type { ScreeningIndex } from "./core/screening/name-index.ts";

/** The system's clock: the server's time for every act it records. */
export const systemClock: Clock = () => new Date();

/** Fresh record ids: UUIDv7 (time-ordered, generated in the application, see DESIGN.md). */
export const uuidV7Ids: IdSource = () => uuidv7();

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
    screening: () => bundledIndex(),
  };
}

/** The HTTP app's ports over an open store: reference data, the ledger's quota view, the clock. */
export function httpDeps(store: Store, overrides: Partial<AppDeps> = {}): AppDeps {
  const clock = overrides.clock ?? systemClock;
  return {
    store,
    ...referenceData(),
    quota: new SqlLedger(store, clock),
    shipmentListing: sqlShipmentListing(store),
    clock,
    tokenFactory: systemTokenFactory,
    reconcile: sqlReconcileSource(store), // issue #15 item 6: GET /v1/audit/reconcile
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

/** What the CLI's commands are given instead of importing other adapters. */
export function cliWiring(): CliWiring {
  return {
    serve: serveApi,
    migrate: migrateStore,
    storeStatus,
    // issue #15 item 6: `sluice audit reconcile` on the configured store
    reconcile: () => withConfiguredStore((store) => reconcileLog(sqlReconcileSource(store))),
  };
}

/** The regulator reports over a store, signed with the report key (issue #18). */
export function reportService(store: Store, clock: Clock, keyPath: string = reportKeyPath()): ReportService {
  return new ReportService({
    store: new SqlReportStore(store),
    signer: reportSigner(loadOrCreateReportKey(keyPath)),
    pdf: pdfRenderer,
    clock,
  });
}

/** The public key (PEM) of a key file, or of the report key in use when none is named. */
export const reportPublicKeyPem = (keyFile: string = reportKeyPath()): string => publicKeyPemOf(keyFile);
