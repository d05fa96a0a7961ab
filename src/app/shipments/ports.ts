// The ports of the orders-and-shipments use cases (src/app/shipments/service.ts): the rows they
// read and write (ShipmentRepository), the cap ledger, the evidence and screening they consult, and
// the audit log, all bound to one unit of work (ShipmentRepos, run by a Transactor), plus the
// reference data, clock and ids (ShipmentContext). Implemented on SQL in
// src/adapters/db/shipments/; the use cases never see a transaction handle or SQL.
import type { AuditActor } from "../../core/audit/actor.ts";
import type { OrderScope } from "../../core/authorization/policy.ts";
import type { Product } from "../../core/catalog/catalog.ts";
import type { Dossier, DossierInput, LedgerFigures, PartyRole } from "../../core/dossier/schema.ts";
import type { Decision } from "../../core/evaluation/types.ts";
import type { CapPolicy } from "../../core/ledger/cap-policy.ts";
import type { ReserveStatus, SettleStatus } from "../../core/ledger/ledger.ts";
import type { IsoDate } from "../../core/shared.ts";
import type {
  LicenceInput,
  OrderInput,
  OrderStatus,
  PartyInput,
  SerialRange,
  ShipmentInput,
  ShipmentStatus,
} from "../../core/shipments/model.ts";
import type { AuditLog } from "../audit/ports.ts";
import type { Catalog } from "../evaluation/catalog.ts";
import type { Evaluator } from "../evaluation/evaluator.ts";
import type { ReserveInput } from "../ledger/ports.ts";
import type { Clock, IdSource, Transactor } from "../ports.ts";

export interface OrderRow {
  id: string;
  status: OrderStatus;
  doc: OrderInput;
  evidence: Record<string, unknown>;
  /** Bumped by every change of the row (status, evidence): the order's ETag over HTTP. */
  version: number;
}

export interface DecisionRecord {
  id: string;
  orderId: string;
  shipmentId: string | null;
  purpose: "application" | "release";
  dossier: Dossier;
  digest: string;
  decision: Decision;
}

export interface DecisionRow {
  id: string;
  orderId: string;
  orderStatus: OrderStatus;
  result: Decision;
  dossier: unknown;
}

export interface LicenceRow {
  id: string;
  input: { applicationId: string; expiresOn: string };
  orderId: string;
  grantedUnits: bigint;
  usedUnits: bigint;
  grantedValueCents: bigint;
  usedValueCents: bigint;
  expiresOn: string;
}

export interface ShipmentRow {
  id: string;
  orderId: string;
  licenceId: string | null;
  quantityUnits: number;
  valueCents: bigint;
  status: ShipmentStatus;
  reservationId: string | null;
  serials: SerialRange[];
  evidence: Record<string, unknown>;
  version: number;
  input: { orderId: string; quantityUnits: number; serials: SerialRange[] };
}

/** A shipment event (release, ship, cancel, expire, revert) as recorded. */
export interface ShipmentEvent {
  id: string;
  shipmentId: string;
  action: string;
  from: string;
  to: string;
  details: unknown;
}

/** The shipment path's rows, inside the unit of work. Instants are the caller's (the server's clock). */
export interface ShipmentRepository {
  loadParty(id: string): Promise<PartyInput | undefined>;
  listParties(after: string, limit: number): Promise<PartyInput[]>;
  insertParty(party: PartyInput, at: Date): Promise<void>;
  /** Records the catalog entry an order names, once (the first order's snapshot stays). */
  ensureProduct(product: Product, at: Date): Promise<void>;
  loadOrder(id: string): Promise<OrderRow | undefined>;
  /** Orders after `after` in id order, only those the scope lets its principal see. */
  listOrders(after: string, limit: number, scope?: OrderScope): Promise<OrderRow[]>;
  insertOrder(order: OrderInput, at: Date): Promise<void>;
  updateOrderStatus(id: string, status: OrderStatus, at: Date): Promise<void>;
  /** The order's new version, or undefined when `ifVersion` is given and the order is not at it. */
  updateOrderEvidence(
    id: string,
    evidence: unknown,
    at: Date,
    ifVersion?: number,
  ): Promise<number | undefined>;
  insertDecision(record: DecisionRecord, at: Date): Promise<void>;
  loadDecision(id: string): Promise<DecisionRow | undefined>;
  /** An order's decisions, oldest first. */
  listDecisions(orderId: string): Promise<DecisionRow[]>;
  loadLicence(id: string): Promise<LicenceRow | undefined>;
  loadLicenceForOrder(orderId: string): Promise<LicenceRow | undefined>;
  insertLicence(
    licence: LicenceInput & { grantedUnits: number; grantedValueCents: bigint },
    orderId: string,
    at: Date,
  ): Promise<void>;
  /** Uses units and value of a licence; false (nothing written) when it has not that much left. */
  writeDownLicence(id: string, units: bigint, valueCents: bigint): Promise<boolean>;
  restoreLicence(id: string, units: bigint, valueCents: bigint): Promise<void>;
  loadShipment(id: string): Promise<ShipmentRow | undefined>;
  /** Shipments after `after` in id order, optionally of one order or of orders a party receives. */
  listShipments(
    orderId: string | null,
    after: string,
    limit: number,
    scope?: OrderScope,
  ): Promise<ShipmentRow[]>;
  shipmentsWithReservations(reservationIds: readonly string[]): Promise<ShipmentRow[]>;
  insertShipment(shipment: ShipmentInput, licenceId: string, valueCents: bigint, at: Date): Promise<void>;
  /** Units of the order's shipments that are not cancelled. */
  liveShipmentUnits(orderId: string): Promise<number>;
  /** A serial of `ranges` already in another shipment, if any. */
  findSerialOverlap(ranges: readonly SerialRange[]): Promise<{ serial: string; shipmentId: string } | null>;
  moveShipment(
    shipment: ShipmentRow,
    status: ShipmentStatus,
    changes: { reservationId?: string | null },
    at: Date,
  ): Promise<void>;
  updateShipmentEvidence(
    id: string,
    evidence: unknown,
    at: Date,
    ifVersion?: number,
  ): Promise<number | undefined>;
  shipmentVersion(id: string): Promise<number | undefined>;
  eventExists(id: string): Promise<boolean>;
  insertEvent(event: ShipmentEvent, at: Date): Promise<void>;
}

/** The cap window a day falls in and its figures in the policy's measure (the dossier's `ledger`). */
export interface LedgerView {
  window: string;
  units?: LedgerFigures;
  tpp?: LedgerFigures;
}

/** The cap ledger inside the unit of work: a refused reservation rolls back with the rest. */
export interface ShipmentLedger {
  reserve(policy: CapPolicy, input: ReserveInput): Promise<{ status: ReserveStatus; amount?: bigint }>;
  post(reservationId: string): Promise<{ status: SettleStatus }>;
  void(reservationId: string): Promise<{ status: SettleStatus }>;
  /** Expires reservations whose hold has passed, a bounded batch. */
  expire(): Promise<{ expired: string[] }>;
  /**
   * The ledger as the cap rule sees it for a product on a day (a missing account is empty). The
   * reservation check remains the authority: this view explains, it does not enforce.
   */
  view(policy: CapPolicy, productId: string, at: IsoDate): Promise<LedgerView>;
}

/** The evidence of record the shipment path reads and writes down (src/app/evidence/shipment-hooks.ts). */
export interface ShipmentEvidence {
  /** The evidence sections from the authorities' records for an order (and one of its shipments). */
  view(orderId: string, shipmentId: string | null): Promise<Record<string, unknown>>;
  /** A denial after payment forfeits it (the exporter's terms), never a silent refund. */
  forfeitPayments(
    orderId: string,
    reason: string,
    time: { at: Date; on: IsoDate; id: string },
  ): Promise<unknown>;
  /** Writes a shipment down on the Chinese import approval on record. */
  writeDownApproval(
    orderId: string,
    shipmentId: string,
    units: number,
    time: { at: Date; on: IsoDate },
  ): Promise<{ status: string }>;
  /** Gives back what a shipment used of its import approval (its release was undone). */
  restoreApproval(shipmentId: string, time: { at: Date }): Promise<unknown>;
}

/** Screening of the parties, against the stored lists and the reviewers' dispositions. */
export interface ShipmentScreening {
  /** Screens a party when it is created (re-screened when a list version lands). */
  screenParty(party: PartyInput, options: { at: Date; reason: "party_created" }): Promise<unknown>;
  /** Screens a dossier's parties; returns the dossier's `screening` section. */
  screenParties(
    parties: Record<PartyRole, PartyInput>,
    at: IsoDate,
  ): Promise<NonNullable<DossierInput["screening"]>>;
}

/** Everything one unit of work of the shipment path reads and writes, bound to its transaction. */
export interface ShipmentRepos {
  shipments: ShipmentRepository;
  ledger: ShipmentLedger;
  evidence: ShipmentEvidence;
  screening: ShipmentScreening;
  /** Bound to the principal that acts (HTTP: the token; CLI: the operator; seeder: the system). */
  audit: AuditLog;
}

/** How long a China reservation made at export release holds before it expires unshipped. */
export const reservationHoldMsDefault = 14 * 86_400_000;

/** The ports the shipment use cases run on; built once by the composition root. */
export interface ShipmentContext {
  /** Units of work whose audit entries, reservations and screenings name the bound principal. */
  transactor: Transactor<ShipmentRepos>;
  evaluator: Evaluator;
  catalog: Catalog;
  clock: Clock;
  newId: IdSource;
  reservationHoldMs: number;
  /** The same ports acting as another principal (issue #13: every act is attributed). */
  asActor(actor: AuditActor): ShipmentContext;
  /**
   * The same ports on another clock (the seed's story clock: the ledger's instants follow it),
   * acting as `actor` when one is given.
   */
  withClock(clock: Clock, actor?: AuditActor): ShipmentContext;
}

export type { Dossier };
