// What the CLI needs from outside the CLI adapter, as a port: the composition root
// (src/compose.ts) implements it and src/adapters/cli/main.ts hands it to the program, so no
// command imports the HTTP or database adapters for it (docs/architecture.md's import rule).

import type { Clock } from "../../app/ports.ts";
import type { ShipmentContext } from "../../app/shipments/ports.ts";
import type { AuditActor } from "../../core/audit/actor.ts";
import type { ReconcileReport } from "../../core/log/reconcile.ts";
import type { withStore } from "./ledger-context.ts";

/** The store a command opened (withStore): the CLI hands it back to the wiring, never looks inside. */
export type OpenedStore = Parameters<Parameters<typeof withStore>[0]>[0];

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

export interface CliWiring {
  /** `sluice serve`: serves the HTTP API on the configured store. */
  serve(request: ServeRequest): Promise<RunningServer>;
  /** `sluice db migrate`: applies pending migrations to the configured store. */
  migrate(): Promise<{ driver: string; location: string; applied: string[] }>;
  /** `sluice db status` of the configured store. */
  storeStatus(): Promise<StoreStatus>;
  /** `sluice audit reconcile`: the log replayed against the configured store's tables (#15). */
  reconcile(): Promise<ReconcileReport>;
  /** The shipment use cases' ports on an opened store, acting as `actor` on `clock`. */
  shipments(store: OpenedStore, actor: AuditActor, clock: Clock): ShipmentContext;
}
