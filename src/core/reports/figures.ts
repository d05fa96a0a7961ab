// The rows each report kind is built from, as the store reads them (in one snapshot, up to the
// checkpoint): plain values, money and quantities as bigint. The db adapter fills these; the
// builders (cap.ts, records.ts) turn them into tables. Dates are ISO days (UTC).

export interface CapAccountRow {
  accountId: string;
  ratioPercent: number;
  /** Balances at the end of the window's last day. */
  usPosted: bigint;
  cnPending: bigint;
  cnPosted: bigint;
}

/** Balance changes of one account on one day (the sum of its movements that day). */
export interface CapMovementDay {
  accountId: string;
  day: string;
  dUsPosted: bigint;
  dCnPending: bigint;
  dCnPosted: bigint;
}

/** Reservations made in the window, per exporter, product and state. */
export interface CapExporterRow {
  exporterId: string;
  productId: string;
  state: string;
  reservations: number;
  units: bigint;
  amount: bigint;
}

export interface CapFigures {
  accounts: CapAccountRow[];
  /** Movements of the listed accounts up to the window's end, by day, in day order. */
  movementDays: CapMovementDay[];
  exporters: CapExporterRow[];
}

export interface DecisionRow {
  id: string;
  orderId: string;
  shipmentId: string | null;
  purpose: string;
  evaluatedOn: string;
  decidedOn: string;
  decision: string;
  decidingRuleIds: string[];
  /** The deciding findings' citations and remedies, in deciding-rule order. */
  citations: string[];
  remedies: string[];
}

export interface DutyEntryRow {
  id: string;
  shipmentId: string;
  enteredOn: string;
  htsCode: string;
  band: number | null;
  exemptionKind: string | null;
  enteredValueCents: bigint;
  ratePercent: number;
  dutyOwedCents: bigint;
  dutyPaidCents: bigint;
}

export interface PrepaymentOrderRow {
  orderId: string;
  exporterId: string;
  consigneeId: string;
  orderValueCents: bigint;
  invoicedCents: bigint;
  paidCents: bigint;
  forfeitedCents: bigint;
}

export interface ForfeitureRow {
  id: string;
  orderId: string;
  amountCents: bigint;
  reason: string;
  forfeitedOn: string;
}

export interface LabRow {
  labId: string;
  name: string;
  qualifiedFrom: string;
  revokedOn: string | null;
  lotsTested: number;
  unitsInLots: bigint;
  serialsSampled: number;
  certificatesRevoked: number;
  /** Failed tests the lab recorded for tests in the window, the lots they concern, serials failed. */
  failures: number;
  lotsFailed: number;
  serialsFailed: number;
}

export interface ApprovalRow {
  id: string;
  importerId: string;
  /** The importer's name as the approval writes it (Chinese on a Chinese approval). */
  importerName: string;
  authority: string;
  purpose: string;
  validFrom: string;
  validTo: string;
  approvedUnits: bigint;
  usedUnits: bigint;
}

export interface DomesticRow {
  importerId: string;
  importerName: string;
  /** Units written down on the importer's approvals in the window (live write-downs). */
  importedUnits: bigint;
  /** Domestic accelerators the importer bought in the window. */
  domesticUnits: bigint;
}

export interface CustomsRow {
  id: string;
  shipmentId: string;
  kind: string;
  on: string;
  authority: string;
  reason: string | null;
}

export interface ChinaFigures {
  approvals: ApprovalRow[];
  domestic: DomesticRow[];
  customs: CustomsRow[];
}
