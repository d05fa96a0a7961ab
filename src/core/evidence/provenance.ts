// Who may assert each kind of evidence, and through which route (issue #13, docs/trust.md). A fact
// enters only through the route of its authority and is stored as a record with its author and
// the server's time; an order's or shipment's evidence document (PUT …/evidence) may carry only
// what its writer, the exporter, is the authority for. Pure data and one check.

import type { Role } from "../authorization/policy.ts";
import { badInput } from "../errors.ts";

export interface Provenance {
  /** The authority, as people say it. */
  authority: string;
  /** The role that writes it (admin aside). */
  role: Role;
  /** Where it is recorded: the HTTP route and the CLI command. */
  route: string;
  command: string;
  /** The audit entry kind its record writes. */
  auditKind: string;
}

/** Evidence sections that only their authority records, through their own route. */
export const recordedEvidence = {
  labCertificate: {
    authority: "a qualified lab (signed certificate)",
    role: "lab",
    route: "POST /v1/certificates",
    command: "sluice lab submit",
    auditKind: "certificate.accepted",
  },
  dutyEntry: {
    authority: "US customs (CBP)",
    role: "us-customs",
    route: "POST /v1/duty-entries, POST /v1/duty-entries/{id}/payments",
    command: "sluice duty enter|pay",
    auditKind: "duty.entered, duty.paid",
  },
  cnImportApproval: {
    authority: "the Chinese import authority (MOFCOM)",
    role: "cn-authority",
    route: "POST /v1/import-approvals",
    command: "sluice approvals add",
    auditKind: "approval.recorded",
  },
  payment: {
    authority: "the exporter (its invoice and the prepayment received)",
    role: "exporter",
    route: "POST /v1/invoices, POST /v1/payments",
    command: "sluice payments invoice|pay",
    auditKind: "payment.invoiced, payment.received",
  },
  domesticPurchases: {
    authority: "the importer",
    role: "importer",
    route: "POST /v1/domestic-purchases",
    command: "sluice approvals domestic",
    auditKind: "domestic.purchased",
  },
} as const satisfies Record<string, Provenance>;
export type RecordedEvidenceKind = keyof typeof recordedEvidence;

/** What an evidence document may still carry: the exporter's own statements. */
export const documentEvidenceKinds = ["usBuyerNotice", "revenueShare"] as const;

/**
 * Refuses an evidence document that carries a section only its authority records (a duty entry in
 * the exporter's PUT, say). The error names the field, its authority and its route; nothing is
 * written.
 */
export function refuseRecordedEvidence(evidence: object, where: string): void {
  for (const [field, provenance] of Object.entries(recordedEvidence)) {
    if (!(field in evidence) || (evidence as Record<string, unknown>)[field] === undefined) continue;
    throw badInput(
      `${where} at \`${field}\``,
      `asserted only by ${provenance.authority}, as a record through ${provenance.route} (\`${provenance.command}\`), never in an evidence document`,
      "evidence_not_yours",
    );
  }
}

/** One fact a standalone dossier carries that only its authority records (see `assertedFacts`). */
export interface AssertedFact {
  /** The dossier's evidence field, e.g. `dutyEntry`. */
  field: RecordedEvidenceKind;
  /** Who records it when it is recorded, and where. */
  authority: string;
  recordedThrough: string;
}

/**
 * The evidence sections of a dossier that are the word of the dossier's author, not records of
 * their authority: in a standalone evaluation (`POST /v1/evaluate`, `sluice evaluate FILE`) every
 * section only an authority records is a claim, and the decision lists them so nobody reads it as
 * a release decision built from records.
 */
export function assertedFacts(evidence: object | undefined): AssertedFact[] {
  const facts: AssertedFact[] = [];
  for (const [field, provenance] of Object.entries(recordedEvidence) as [
    RecordedEvidenceKind,
    Provenance,
  ][]) {
    if ((evidence as Record<string, unknown> | undefined)?.[field] === undefined) continue;
    facts.push({ field, authority: provenance.authority, recordedThrough: provenance.route });
  }
  return facts;
}

/** An evidence document as a decision may use it: the sections only authorities record are dropped. */
export function documentSections(evidence: Record<string, unknown> | undefined): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const kind of documentEvidenceKinds) if (evidence?.[kind] !== undefined) kept[kind] = evidence[kind];
  return kept;
}
