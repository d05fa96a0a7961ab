// What the web app's overview and list pages read: aggregates over the record (decisions by
// outcome, orders and shipments by state, the cap's movements by day) and lists of licences and
// decisions. Read-only ports; the SQL is in src/adapters/db/overview/. `partyId` non-null limits a
// read to the objects linked to that party (an importer's view), as the policy's scopeOf says.

export const decisionOutcomes = ["approve", "hold", "deny"] as const;
export type DecisionOutcome = (typeof decisionOutcomes)[number];

export interface CountByKey {
  key: string;
  count: number;
}

/** One day of the cap's movements in one account: the balances at the end of that day. */
export interface VolumeDay {
  day: string;
  usPosted: bigint;
  cnPending: bigint;
  cnPosted: bigint;
}

export interface DecisionSummary {
  id: string;
  orderId: string;
  shipmentId: string | null;
  purpose: "application" | "release";
  evaluatedOn: string;
  decision: DecisionOutcome;
  decidingRuleIds: string[];
  decidedAt: string;
}

export interface LicenceSummary {
  id: string;
  orderId: string;
  decisionId: string;
  grantedUnits: bigint;
  usedUnits: bigint;
  grantedValueCents: bigint;
  usedValueCents: bigint;
  expiresOn: string;
  grantedAt: string;
}

export interface DecisionFilter {
  outcome: DecisionOutcome | null;
  after: string;
  limit: number;
  partyId: string | null;
}

export interface LabSummary {
  id: string;
  name: string;
  headquartersCountry: string;
  keyId: string;
  qualifiedFrom: string;
  qualifiedTo: string | null;
  revokedOn: string | null;
}

export interface CertificateSummary {
  id: string;
  shipmentId: string;
  labId: string;
  hash: string;
  testedOn: string;
  status: "ok" | "lab_revoked";
  submittedAt: string;
}

export interface DutyEntrySummary {
  id: string;
  shipmentId: string;
  enteredOn: string;
  htsCode: string;
  band: number | null;
  enteredValueCents: bigint;
  ratePercent: number;
  exemptionKind: string | null;
  dutyOwedCents: bigint;
  dutyPaidCents: bigint;
}

/** A page request: ids after `after`, at most `limit`; `labId` non-null keeps one lab's rows. */
export interface ListWindow {
  after: string;
  limit: number;
}

export interface EvidenceListReader {
  listLabs(window: ListWindow, labId: string | null): Promise<LabSummary[]>;
  listCertificates(
    window: ListWindow,
    labId: string | null,
    shipmentId?: string,
  ): Promise<CertificateSummary[]>;
  listDutyEntries(window: ListWindow): Promise<DutyEntrySummary[]>;
}

export interface OverviewReader {
  decisionsByOutcome(partyId: string | null): Promise<CountByKey[]>;
  ordersByStatus(partyId: string | null): Promise<CountByKey[]>;
  shipmentsByStatus(partyId: string | null): Promise<CountByKey[]>;
  /** Day by day, oldest first, at most `daysMax` days ending with the latest movement. */
  volumeHistory(accountId: string, daysMax: number): Promise<VolumeDay[]>;
  listDecisions(filter: DecisionFilter): Promise<DecisionSummary[]>;
  listLicences(after: string, limit: number, partyId: string | null): Promise<LicenceSummary[]>;
}
