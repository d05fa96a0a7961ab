import { v7 as uuidv7 } from "uuid";
import type { Catalog } from "../../../app/evaluation/catalog.ts";
import type { Evaluator } from "../../../app/evaluation/evaluator.ts";
import type { EvidenceContext } from "../../../app/evidence/ports.ts";
import { forfeitPayments, restoreApproval, writeDownApproval } from "../../../app/evidence/shipment-hooks.ts";
import { evidenceView } from "../../../app/evidence/view.ts";
import type { Clock, IdSource, WorkOptions } from "../../../app/ports.ts";
import { screen } from "../../../app/screening/lists.ts";
import { screenDossierParties, screenParty } from "../../../app/screening/parties.ts";
import type { ScreeningFiles } from "../../../app/screening/ports.ts";
import {
  reservationHoldMsDefault,
  type ShipmentContext,
  type ShipmentRepos,
} from "../../../app/shipments/ports.ts";
import type { AuditActor } from "../../../core/audit/actor.ts";
import type { DossierInput, PartyRole } from "../../../core/dossier/schema.ts";
import type { ScreeningIndex } from "../../../core/screening/name-index.ts";
import type { IsoDate } from "../../../core/shared.ts";
import type { PartyInput } from "../../../core/shipments/model.ts";
import { type AuditAppender, auditAs, systemAudit } from "../audit.ts";
import { sqlEvidenceContext, sqlEvidenceRepository } from "../evidence/repository.ts";
import { KeyedQueue } from "../keyed-queue.ts";
import { SqlLedger } from "../ledger/sql-ledger.ts";
import { screeningSystemAudit, sqlScreeningRepos } from "../screening/repository.ts";
import type { Store, Tx } from "../store.ts";
import { ledgerView, sqlShipmentRepository } from "./repository.ts";

/** Screens a dossier's parties in the caller's transaction; returns the dossier's `screening`. */
export type PartyScreener = (
  tx: Tx,
  parties: Record<PartyRole, PartyInput>,
  at: IsoDate,
) => Promise<NonNullable<DossierInput["screening"]>>;

/**
 * Screening against the bundled lists, with no memory of reviewers' dispositions: every alert
 * stays open. For tests that need no stored lists; the default is the store-backed screener
 * (stored list versions, party screenings, dispositions — src/app/screening/parties.ts).
 */
export const bundledListScreener =
  (index: ScreeningIndex): PartyScreener =>
  async (_tx, parties, at) => {
    const hits: NonNullable<DossierInput["screening"]>["hits"] = [];
    let versions: { listId: string; version: string }[] = [];
    for (const [role, party] of Object.entries(parties) as [PartyRole, PartyInput][]) {
      const result = screen(index, party.name, { country: party.country });
      versions = result.listVersions.map((v) => ({ listId: v.listId, version: v.contentHash.slice(0, 16) }));
      for (const hit of result.hits) {
        const explanation = hit.explanation.summary;
        hits.push({
          party: role,
          listId: hit.listId,
          entryId: hit.entryId,
          name: hit.name,
          score: hit.score,
          explanation,
        });
      }
    }
    return { screenedOn: at, listVersions: versions, hits };
  };

/**
 * Work a driving adapter adds to each write's transaction after the use case, with its result: the
 * HTTP adapter records the Idempotency-Key response there, so both commit together or not at all.
 */
export type CommitHook = (tx: Tx, repos: ShipmentRepos, result: unknown) => Promise<void>;

/** The SQL shipment context: the app's ports plus what tests and the seed reach on the store. */
export interface SqlShipmentContext extends ShipmentContext {
  store: Store;
  ledger: SqlLedger;
  /** Bound to the principal that acts (HTTP: the token; CLI: the operator; seeder: the system). */
  appendAudit: AuditAppender;
  screenParties: PartyScreener;
  /** The evidence use cases' ports on the same store, clock and audit appender (the seed's). */
  evidence: EvidenceContext;
  screeningFiles: ScreeningFiles;
  asActor(actor: AuditActor): SqlShipmentContext;
  withClock(clock: Clock, actor?: AuditActor): SqlShipmentContext;
  /** The same ports with `hook` run before each write commits. */
  withCommitHook(hook: CommitHook): SqlShipmentContext;
}

export interface ShipmentContextOptions {
  clock: Clock;
  newId: IdSource;
  evaluator: Evaluator;
  catalog: Catalog;
  ledger: SqlLedger;
  appendAudit: AuditAppender;
  screenParties: PartyScreener;
  /** The list files the store-backed screener seeds a fresh store from and reads the lexicon of. */
  screeningFiles: ScreeningFiles;
  reservationHoldMs: number;
  beforeCommit: CommitHook;
  /** Shared by every context derived from one (asActor, withClock, withCommitHook): one per app. */
  writeQueue: KeyedQueue;
}

/** The repositories of one unit of work, bound to `tx` and to the context's principal. */
function reposOn(tx: Tx, parts: Omit<SqlShipmentContext, "transactor">): ShipmentRepos {
  const { appendAudit, ledger } = parts;
  const shipments = sqlShipmentRepository(tx);
  const audit = { append: (kind: string, payload: unknown, at: Date) => appendAudit(tx, kind, payload, at) };
  // The evidence hooks run in this same transaction: one unit of work with the shipment's move.
  const evidence = { evidence: sqlEvidenceRepository(tx), shipments, audit };
  return {
    shipments,
    ledger: {
      reserve: (policy, input) => ledger.reserveTx(tx, policy, input),
      post: (id) => ledger.postTx(tx, id),
      void: (id) => ledger.voidTx(tx, id),
      expire: () => ledger.expireTx(tx),
      view: (policy, productId, at) => ledgerView(tx, policy, productId, at),
    },
    evidence: {
      view: async (orderId, shipmentId) => ({ ...(await evidenceView(evidence, orderId, shipmentId)) }),
      forfeitPayments: (orderId, reason, time) => forfeitPayments(evidence, orderId, reason, time),
      writeDownApproval: (orderId, shipmentId, units, time) =>
        writeDownApproval(evidence, orderId, shipmentId, units, time),
      restoreApproval: (shipmentId, time) => restoreApproval(evidence, shipmentId, time),
    },
    screening: {
      screenParty: (party, options) =>
        screenParty(sqlScreeningRepos(tx, appendAudit), parts.screeningFiles, party, options),
      screenParties: (parties, at) => parts.screenParties(tx, parties, at),
    },
    audit,
  };
}

/**
 * The shipment path's screener over the stored lists, in the caller's transaction, at `clock()`
 * (screenDossierParties), its audit entries appended by `appendAudit`.
 */
export const storeListScreener =
  (options: { clock: Clock; appendAudit?: AuditAppender; files: ScreeningFiles }): PartyScreener =>
  (tx, parties) => {
    const appendAudit = options.appendAudit ?? screeningSystemAudit;
    return screenDossierParties(sqlScreeningRepos(tx, appendAudit), options.files, parties, options.clock());
  };

/**
 * The shipment context over `store`. The shipment path's writes are its serializable units: they
 * take the audit chain's lock up front (each writes audit entries) and run the commit hook.
 */
export function shipmentContext(
  store: Store,
  overrides: Partial<ShipmentContextOptions> &
    Pick<ShipmentContextOptions, "evaluator" | "catalog" | "screeningFiles">,
): SqlShipmentContext {
  const clock = overrides.clock ?? (() => new Date());
  const appendAudit = overrides.appendAudit ?? systemAudit("sluice (system)");
  const files = overrides.screeningFiles;
  const options: ShipmentContextOptions = {
    clock,
    newId: overrides.newId ?? uuidv7,
    evaluator: overrides.evaluator,
    catalog: overrides.catalog,
    ledger: overrides.ledger ?? new SqlLedger(store, clock),
    appendAudit,
    screenParties: overrides.screenParties ?? storeListScreener({ clock, appendAudit, files }),
    screeningFiles: files,
    reservationHoldMs: overrides.reservationHoldMs ?? reservationHoldMsDefault,
    beforeCommit: overrides.beforeCommit ?? (async () => {}),
    writeQueue: overrides.writeQueue ?? new KeyedQueue(),
  };
  const parts: Omit<SqlShipmentContext, "transactor"> = {
    ...options,
    store,
    evidence: sqlEvidenceContext(store, {
      evaluator: options.evaluator,
      clock,
      appendAudit: options.appendAudit,
    }),
    // Every act is attributed (issue #13): the audit appender, the screener and the ledger name `actor`.
    asActor: (actor) => {
      const bound = auditAs(actor);
      return shipmentContext(store, {
        ...options,
        appendAudit: bound,
        ledger: new SqlLedger(store, options.clock, { actor }),
        screenParties: storeListScreener({ clock: options.clock, appendAudit: bound, files }),
      });
    },
    withClock: (next, actor) => {
      const bound = actor ? auditAs(actor) : options.appendAudit;
      return shipmentContext(store, {
        ...options,
        clock: next,
        appendAudit: bound,
        ledger: new SqlLedger(store, next),
        screenParties: storeListScreener({ clock: next, appendAudit: bound, files }),
      });
    },
    withCommitHook: (hook) => shipmentContext(store, { ...options, beforeCommit: hook }),
  };
  const transactor = {
    run<T>(work: (repos: ShipmentRepos) => Promise<T>, workOptions: WorkOptions = {}): Promise<T> {
      const writes = workOptions.isolation === "serializable";
      const unit = () =>
        store.transaction(
          async (tx) => {
            const repos = reposOn(tx, parts);
            const result = await work(repos);
            if (writes) await options.beforeCommit(tx, repos, result);
            return result;
          },
          {
            ...(workOptions.isolation ? { isolation: workOptions.isolation } : {}),
            ...(workOptions.attemptsMax === undefined ? {} : { attemptsMax: workOptions.attemptsMax }),
            ...(writes ? { lockAuditChain: true } : {}),
          },
        );
      const key = workOptions.queueKey;
      return key === undefined ? unit() : options.writeQueue.run(key, unit);
    },
  };
  return { ...parts, transactor };
}
