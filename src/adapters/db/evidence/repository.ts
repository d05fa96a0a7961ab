// The evidence use cases' ports on SQL: the EvidenceRepository of src/app/evidence/ports.ts over
// ./rows.ts (reads) and ./writes.ts (writes) on one transaction, the repos of a unit of work (with
// the shipment path's reads and the audit log bound to the acting principal), and the Transactor
// and EvidenceContext the composition root (src/compose.ts) builds per store and principal.
import type { AuditActor } from "../../../app/audit/ports.ts";
import type { Evaluator } from "../../../app/evaluation/evaluator.ts";
import type { EvidenceContext, EvidenceRepos, EvidenceRepository } from "../../../app/evidence/ports.ts";
import type { Clock, Transactor, WorkOptions } from "../../../app/ports.ts";
import { type AuditAppender, auditAs } from "../audit.ts";
import { sqlShipmentRepository } from "../shipments/repository.ts";
import type { Store, Tx } from "../store.ts";
import * as rows from "./rows.ts";
import * as writes from "./writes.ts";

export function sqlEvidenceRepository(tx: Tx): EvidenceRepository {
  return {
    loadLab: (id) => rows.loadLab(tx, id),
    labKeyInUse: (keyId) => rows.labKeyInUse(tx, keyId),
    insertLab: (lab, keyId, at) => writes.insertLab(tx, lab, keyId, at),
    revokeLab: (labId, revocation, version) => writes.revokeLab(tx, labId, revocation, version),
    lapseCertificates: (labId) => writes.lapseCertificates(tx, labId),
    shipmentsRelyingOnLab: (labId) => rows.shipmentsRelyingOnLab(tx, labId),
    loadCertificate: (id) => rows.loadCertificate(tx, id),
    certificateByHash: (hash) => rows.certificateByHash(tx, hash),
    certificateForShipment: (shipmentId) => rows.certificateForShipment(tx, shipmentId),
    insertCertificate: (certificate, at) => writes.insertCertificate(tx, certificate, at),
    loadDutyEntry: (by) => rows.loadDutyEntry(tx, by),
    insertDutyEntry: (entry, duty, at, by) => writes.insertDutyEntry(tx, entry, duty, at, by),
    insertDutyPayment: (payment, at, by) => writes.insertDutyPayment(tx, payment, at, by),
    paymentTotals: (orderId) => rows.paymentTotals(tx, orderId),
    insertInvoice: (invoice, at, by) => writes.insertInvoice(tx, invoice, at, by),
    insertPayment: (payment, at, by) => writes.insertPayment(tx, payment, at, by),
    countForfeitures: (orderId) => rows.countForfeitures(tx, orderId),
    insertForfeiture: (forfeiture, at) => writes.insertForfeiture(tx, forfeiture, at),
    loadApproval: (id) => rows.loadApproval(tx, id),
    approvalsOf: (importerId) => rows.approvalsOf(tx, importerId),
    insertApproval: (approval, at, by) => writes.insertApproval(tx, approval, at, by),
    useApprovalUnits: (approvalId, units) => writes.useApprovalUnits(tx, approvalId, units),
    returnApprovalUnits: (approvalId, units) => writes.returnApprovalUnits(tx, approvalId, units),
    countWriteDowns: (shipmentId) => rows.countWriteDowns(tx, shipmentId),
    insertWriteDown: (writeDown, at) => writes.insertWriteDown(tx, writeDown, at),
    liveWriteDown: (shipmentId) => rows.liveWriteDown(tx, shipmentId),
    markWriteDownRestored: (id, at) => writes.markWriteDownRestored(tx, id, at),
    insertDomesticPurchase: (purchase, at) => writes.insertDomesticPurchase(tx, purchase, at),
    domesticPurchaseTotals: (importerId) => rows.domesticPurchaseTotals(tx, importerId),
    insertCustomsEvent: (event, at, by) => writes.insertCustomsEvent(tx, event, at, by),
    loadDoc: (table, id) => rows.loadDoc(tx, table, id),
  };
}

/** The repos of one unit of work on `tx`, the audit entries appended by `appendAudit`. */
export function sqlEvidenceRepos(tx: Tx, appendAudit: AuditAppender): EvidenceRepos {
  return {
    evidence: sqlEvidenceRepository(tx),
    shipments: sqlShipmentRepository(tx),
    audit: { append: (kind, payload, at) => appendAudit(tx, kind, payload, at) },
  };
}

/**
 * Units of work on `store`: a serializable one (every write) takes the audit chain's lock up
 * front, as the shipment path's writes do; reads run at the isolation they ask for.
 */
export function sqlEvidenceTransactor(store: Store, appendAudit: AuditAppender): Transactor<EvidenceRepos> {
  return {
    run<T>(work: (repos: EvidenceRepos) => Promise<T>, options: WorkOptions = {}): Promise<T> {
      const writes = options.isolation === "serializable";
      return store.transaction((tx) => work(sqlEvidenceRepos(tx, appendAudit)), {
        ...(options.isolation ? { isolation: options.isolation } : {}),
        ...(options.attemptsMax === undefined ? {} : { attemptsMax: options.attemptsMax }),
        ...(writes ? { lockAuditChain: true } : {}),
      });
    },
  };
}

export interface EvidenceContextOptions {
  evaluator: Evaluator;
  clock: Clock;
  /** The principal that acts: the audit entries and the records' authors name it. */
  actor?: AuditActor;
  /** The audit appender (default: the actor's); a context without either writes as given. */
  appendAudit?: AuditAppender;
}

/** The evidence use cases' ports over `store`, acting as `actor` (or through `appendAudit`). */
export function sqlEvidenceContext(store: Store, options: EvidenceContextOptions): EvidenceContext {
  const appendAudit = options.appendAudit ?? (options.actor ? auditAs(options.actor) : undefined);
  if (!appendAudit) throw new Error("an evidence context needs an actor or an audit appender");
  return {
    transactor: sqlEvidenceTransactor(store, appendAudit),
    evaluator: options.evaluator,
    clock: options.clock,
    ...(options.actor ? { actor: options.actor } : {}),
  };
}
