// The screening ports on SQL: the ScreeningRepository of one transaction (rows.ts underneath), the
// unit of work with the audit log bound to the acting principal, and the screening context over a
// store that src/compose.ts hands to the HTTP routes and the CLI commands. The shipment context
// (../shipments/context.ts) binds the same repository to its own transaction.

import type { Clock, IdSource, Transactor, WorkOptions } from "../../../app/ports.ts";
import type {
  ScreeningContext,
  ScreeningContextFor,
  ScreeningFiles,
  ScreeningRepos,
  ScreeningRepository,
} from "../../../app/screening/ports.ts";
import type { AuditActor } from "../../../core/audit/actor.ts";
import { type AuditAppender, auditAs, systemAudit } from "../audit.ts";
import type { Store, Tx } from "../store.ts";
import * as rows from "./rows.ts";

/** The screening tables as the app's repository, bound to `tx`. */
export const sqlScreeningRepository = (tx: Tx): ScreeningRepository => ({
  loadVersions: (options) => rows.loadVersions(tx, options),
  loadVersion: (id) => rows.loadVersion(tx, id),
  storedListIds: () => rows.storedListIds(tx),
  insertVersion: (version, meta) => rows.insertVersion(tx, version, meta),
  activateVersion: (id, listId, at) => rows.activateVersion(tx, id, listId, at),
  loadEntries: (versionIds) => rows.loadEntries(tx, versionIds),
  loadScreenedParty: (id) => rows.loadScreenedParty(tx, id),
  partiesPage: (after, limit) => rows.partiesPage(tx, after, limit),
  insertScreening: (screening) => rows.insertScreening(tx, screening),
  latestScreenings: (partyIds) => rows.latestScreenings(tx, partyIds),
  loadDispositions: (partyIds) => rows.loadDispositions(tx, partyIds),
  loadDisposition: (id) => rows.loadDisposition(tx, id),
  insertDisposition: (disposition) => rows.insertDisposition(tx, disposition),
});

/** One unit of work of screening on `tx`, its audit entries appended by `appendAudit`. */
export const sqlScreeningRepos = (tx: Tx, appendAudit: AuditAppender): ScreeningRepos => ({
  screening: sqlScreeningRepository(tx),
  audit: { append: (kind, payload, at) => appendAudit(tx, kind, payload, at) },
});

/** Units of work on `store`, each one transaction; writes (serializable) take the audit chain's lock. */
export function sqlScreeningTransactor(store: Store, appendAudit: AuditAppender): Transactor<ScreeningRepos> {
  return {
    run: <T>(work: (repos: ScreeningRepos) => Promise<T>, options: WorkOptions = {}): Promise<T> =>
      store.transaction((tx) => work(sqlScreeningRepos(tx, appendAudit)), {
        ...(options.isolation ? { isolation: options.isolation } : {}),
        ...(options.attemptsMax === undefined ? {} : { attemptsMax: options.attemptsMax }),
        ...(options.isolation === "serializable" ? { lockAuditChain: true } : {}),
      }),
  };
}

/** Screening acts nobody asked for (a bundled list seeded, a re-screen) are the system's own. */
export const screeningSystemAudit = systemAudit("sluice screening");

export interface SqlScreeningOptions {
  readonly clock: Clock;
  readonly newId: IdSource;
  readonly files: ScreeningFiles;
}

/** The screening context over `store`, attributed to the actor given (the system's without one). */
export const sqlScreeningContextFor =
  (store: Store, options: SqlScreeningOptions): ScreeningContextFor =>
  (actor?: AuditActor): ScreeningContext => ({
    ...options,
    transactor: sqlScreeningTransactor(store, actor ? auditAs(actor) : screeningSystemAudit),
  });
