// Use cases of the shipment path over the store: parties, orders, applications (evaluate and
// record the decision), licences, shipments and their release, shipment and cancellation. Each
// write validates first, then applies in one SERIALIZABLE transaction with its audit entry; a
// replayed client id answers `exists` or `exists_with_different_<field>` and changes nothing.

import type { Tx } from "../adapters/db/store.ts";
import {
  type Dossier,
  type DossierInput,
  dossierDigest,
  evidenceSchema,
  type Party,
  parseDossier,
} from "../core/dossier/schema.ts";
import { badInput, notFound, quote, requireVersion, SluiceError, VersionMismatch } from "../core/errors.ts";
import type { Decision } from "../core/evaluation/types.ts";
import { documentSections, refuseRecordedEvidence } from "../core/evidence/provenance.ts";
import type { IsoDate } from "../core/shared.ts";
import {
  compareReplay,
  type LicenceInput,
  licenceInputSchema,
  type OrderInput,
  type OrderStatus,
  orderAllows,
  orderInputSchema,
  orderStatusAfter,
  type PartyInput,
  partyInputSchema,
  type ShipmentAction,
  type ShipmentStatus,
  serialCount,
  shipmentInputSchema,
  shipmentTransition,
} from "../core/shipments/model.ts";
import { parseInput } from "../core/validation.ts";
import {
  approvalRequired,
  evidenceView,
  forfeitPayments,
  restoreApprovalTx,
  writeDownApprovalTx,
} from "./evidence.ts";
import { screenParty } from "./screening-store.ts";
import type { ShipmentContext } from "./shipment-context.ts";
import { capPolicyInForce, ledgerView } from "./shipment-ledger.ts";
import * as rows from "./shipment-rows.ts";

export type CreateStatus = "created" | "exists" | `exists_with_different_${string}`;

export interface ApplyResult {
  decisionId: string;
  orderStatus: OrderStatus;
  decision: Decision;
}

export interface SettleResult {
  status: "shipped" | "cancelled" | "reverted" | "exists";
}

export interface ReleaseResult {
  status:
    | "released"
    | "exists"
    | "decision_hold"
    | "decision_deny"
    | "exceeds_cap"
    | "licence_exhausted"
    | "licence_expired"
    | "import_approval_refused";
  shipmentStatus: ShipmentStatus;
  decisionId?: string;
  decision?: Decision;
  reservationId?: string;
}

const conflict = (what: string, why: string, code: string) => new SluiceError("conflict", what, why, code);
const illegal = (what: string, from: string, action: string) =>
  conflict(what, `cannot ${action} from status ${quote(from)}`, "illegal_transition");

export class ShipmentService {
  /**
   * `beforeCommit` runs inside each write's transaction after the write, with its result: the HTTP
   * adapter records the Idempotency-Key response there, so both commit together or not at all.
   */
  constructor(
    private readonly context: ShipmentContext,
    private readonly beforeCommit?: (tx: Tx, result: unknown) => Promise<void>,
  ) {}

  private tx<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.context.store.transaction(
      async (tx) => {
        const result = await fn(tx);
        await this.beforeCommit?.(tx, result);
        return result;
      },
      { isolation: "serializable", lockAuditChain: true },
    );
  }

  async addParty(input: unknown): Promise<{ status: CreateStatus; party: PartyInput }> {
    const party = parseInput(partyInputSchema, input, "party");
    return this.tx(async (tx) => {
      const stored = await rows.loadParty(tx, party.id);
      if (stored) return { status: compareReplay(stored, party, Object.keys(party)), party: stored };
      await rows.insertParty(tx, party, this.context.clock());
      await this.audit(tx, "party.created", party);
      // Screened when created; re-screened when a list version lands (src/app/screening-store.ts).
      const at = this.context.clock();
      await screenParty(tx, party, { at, reason: "party_created", appendAudit: this.context.appendAudit });
      return { status: "created", party };
    });
  }

  async createOrder(input: unknown): Promise<{ status: CreateStatus; order: OrderInput }> {
    const order = parseInput(orderInputSchema, input, "order");
    this.context.catalog.require(order.productId);
    return this.tx((tx) => this.createOrderTx(tx, order));
  }

  /**
   * Creates many orders in ONE transaction (a bulk import): all of them, or — on an unknown party,
   * a product not in the catalog or a replay with other fields — none. `where` names each input
   * (e.g. `orders.csv line 7`) in errors.
   */
  /**
   * Creates the orders in one transaction. Without `skipBadLines` the first unknown product, unknown
   * party or conflicting replay aborts it all; with it, such lines are answered in `skipped` (checked
   * before that line writes anything) and the others are created.
   */
  async createOrders(
    inputs: readonly { order: OrderInput; where: string; line?: number }[],
    options: { skipBadLines?: boolean | undefined } = {},
  ): Promise<{ created: number; existing: number; skipped: { line: number; why: string }[] }> {
    const skipped: { line: number; why: string }[] = [];
    const skip = (line: number | undefined, error: SluiceError): void => {
      skipped.push({ line: line ?? 0, why: error.message });
    };
    const known = inputs.filter(({ order, where, line }) => {
      if (this.context.catalog.get(order.productId)) return true;
      const error = notFound(`${where}: product ${quote(order.productId)}`, "unknown product");
      if (!options.skipBadLines) throw error;
      skip(line, error);
      return false;
    });
    return this.tx(async (tx) => {
      let created = 0;
      let existing = 0;
      for (const { order, where, line } of known) {
        let result: Awaited<ReturnType<typeof this.createOrderTx>>;
        try {
          result = await this.createOrderTx(tx, order, where);
        } catch (error) {
          if (!options.skipBadLines || !(error instanceof SluiceError) || error.kind !== "not_found")
            throw error;
          skip(line, error);
          continue;
        }
        if (result.status === "created") created += 1;
        else if (result.status === "exists") existing += 1;
        else {
          const error = conflict(`${where}: order ${quote(order.id)}`, result.status, result.status);
          if (!options.skipBadLines) throw error;
          skip(line, error);
        }
      }
      return { created, existing, skipped };
    });
  }

  private async createOrderTx(tx: Tx, order: OrderInput, where = `order ${quote(order.id)}`) {
    const stored = await rows.loadOrder(tx, order.id);
    if (stored) return { status: compareReplay(stored.doc, order, Object.keys(order)), order: stored.doc };
    const links = [
      ["exporterId", order.exporterId],
      ["consigneeId", order.consigneeId],
      ["endUserId", order.endUserId],
    ] as const;
    for (const [field, id] of links) {
      if (!(await rows.loadParty(tx, id)))
        throw notFound(`${where} at \`${field}\``, `unknown party ${quote(id)}`);
    }
    await rows.ensureProduct(tx, this.context.catalog.require(order.productId), this.context.clock());
    await rows.insertOrder(tx, order, this.context.clock());
    await this.audit(tx, "order.created", order);
    return { status: "created" as CreateStatus, order };
  }

  /**
   * Attaches (replaces) the evidence on file for an order; validated as the dossier's `evidence`.
   * With `ifVersion`, only if the order is still at that version (else a VersionMismatch, nothing
   * written); answers the order's new version.
   */
  async setOrderEvidence(
    orderId: string,
    evidence: unknown,
    ifVersion?: number,
  ): Promise<{ version: number }> {
    const parsed = parseInput(evidenceSchema, evidence, `evidence for order ${quote(orderId)}`);
    refuseRecordedEvidence(parsed, `evidence for order ${quote(orderId)}`);
    return this.tx(async (tx) => {
      const version = await rows.updateOrderEvidence(tx, orderId, evidence, this.context.clock(), ifVersion);
      if (version === undefined) {
        const order = await this.requireOrder(tx, orderId);
        throw new VersionMismatch(`order ${quote(orderId)}`, ifVersion ?? 0, order.version);
      }
      await this.audit(tx, "order.evidence", { orderId, evidence: parsed });
      return { version };
    });
  }

  /** Attaches (replaces) the evidence on file for one shipment (its lab certificate, duty entry …), as setOrderEvidence. */
  async setShipmentEvidence(
    shipmentId: string,
    evidence: unknown,
    ifVersion?: number,
  ): Promise<{ version: number }> {
    const parsed = parseInput(evidenceSchema, evidence, `evidence for shipment ${quote(shipmentId)}`);
    refuseRecordedEvidence(parsed, `evidence for shipment ${quote(shipmentId)}`);
    return this.tx(async (tx) => {
      const version = await rows.updateShipmentEvidence(
        tx,
        shipmentId,
        evidence,
        this.context.clock(),
        ifVersion,
      );
      if (version === undefined) {
        const shipment = await this.requireShipment(tx, shipmentId);
        throw new VersionMismatch(`shipment ${quote(shipmentId)}`, ifVersion ?? 0, shipment.version);
      }
      await this.audit(tx, "shipment.evidence", { shipmentId, evidence: parsed });
      return { version };
    });
  }

  /**
   * Builds the dossier from the store, evaluates it under the rules in force on the server's day,
   * records the decision. There is no `at`: a state change takes the clock (one act, one instant:
   * the decision, its record and its audit entry share `now`).
   */
  async apply(orderId: string, options: { id?: string; scenarios?: string[] } = {}): Promise<ApplyResult> {
    const decisionId = options.id ?? this.context.newId();
    const now = this.context.clock();
    const day = isoDay(now);
    return this.tx(async (tx) => {
      const existing = await rows.loadDecision(tx, decisionId);
      if (existing) return { decisionId, orderStatus: existing.orderStatus, decision: existing.result };
      const order = await this.requireOrder(tx, orderId);
      if (!orderAllows(order.status, "apply"))
        throw illegal(`order ${quote(orderId)}`, order.status, "apply");
      const { dossier, digest } = await this.buildDossier(tx, order, null, day, options.scenarios ?? []);
      const decision = this.context.evaluator.evaluate(
        dossier,
        day,
        options.scenarios ?? [],
        digest,
        "records",
      );
      const orderStatus = orderStatusAfter[decision.decision];
      await rows.insertDecision(
        tx,
        { id: decisionId, orderId, shipmentId: null, purpose: "application", dossier, digest, decision },
        now,
      );
      await rows.updateOrderStatus(tx, orderId, orderStatus, now);
      await this.audit(tx, "application.decided", decisionSummary(decisionId, orderId, decision), now);
      if (decision.decision === "deny") {
        // The exporter's terms: a denial after payment forfeits it, never a silent refund.
        const time = { at: now, appendAudit: this.context.appendAudit, on: day };
        await forfeitPayments(tx, orderId, "licence-denied", { ...time, id: `${decisionId}:forfeit` });
      }
      return { decisionId, orderStatus, decision };
    });
  }

  async grantLicence(input: unknown): Promise<{ status: CreateStatus; licenceId: string }> {
    const licence = parseInput(licenceInputSchema, input, "licence");
    return this.tx(async (tx) => {
      const stored = await rows.loadLicence(tx, licence.id);
      if (stored)
        return {
          status: compareReplay(stored.input, { ...licence }, ["applicationId", "expiresOn"]),
          licenceId: licence.id,
        };
      const decision = await rows.loadDecision(tx, licence.applicationId);
      if (!decision) throw notFound(`application ${quote(licence.applicationId)}`);
      if (decision.result.decision !== "approve") {
        throw conflict(
          `application ${quote(licence.applicationId)}`,
          `was decided ${quote(decision.result.decision)}, not approve`,
          "not_approved",
        );
      }
      // A licence is granted from the server's day on: one that has already expired grants nothing.
      const today = isoDay(this.context.clock());
      if (licence.expiresOn < today)
        throw badInput(
          `licence ${quote(licence.id)} at \`expiresOn\``,
          `${quote(licence.expiresOn)} has passed (today is ${today}): a licence is granted from today`,
          "licence_expired",
        );
      const order = await this.requireOrder(tx, decision.orderId);
      if (!orderAllows(order.status, "license"))
        throw illegal(`order ${quote(order.id)}`, order.status, "license");
      const granted: LicenceInput & { grantedUnits: number; grantedValueCents: bigint } = {
        ...licence,
        grantedUnits: licence.grantedUnits ?? order.doc.quantityUnits,
        grantedValueCents: licence.grantedValueCents ?? order.doc.valueCents,
      };
      await rows.insertLicence(tx, granted, order.id, this.context.clock());
      await rows.updateOrderStatus(tx, order.id, "licensed", this.context.clock());
      await this.audit(tx, "licence.granted", granted);
      return { status: "created", licenceId: licence.id };
    });
  }

  async planShipment(input: unknown): Promise<{ status: CreateStatus; shipmentId: string }> {
    const shipment = parseInput(shipmentInputSchema, input, "shipment");
    if (serialCount(shipment.serials) !== shipment.quantityUnits) {
      throw badInput(
        `shipment ${quote(shipment.id)} at \`serials\``,
        `${serialCount(shipment.serials)} serials for ${shipment.quantityUnits} units`,
      );
    }
    return this.tx(async (tx) => {
      const stored = await rows.loadShipment(tx, shipment.id);
      if (stored)
        return {
          status: compareReplay(stored.input, shipment, ["orderId", "quantityUnits", "serials"]),
          shipmentId: shipment.id,
        };
      const order = await this.requireOrder(tx, shipment.orderId);
      const licence = await rows.loadLicenceForOrder(tx, order.id);
      if (!licence) throw conflict(`order ${quote(order.id)}`, "has no licence yet", "not_licensed");

      const clash = await rows.findSerialOverlap(tx, shipment.serials);
      if (clash)
        throw conflict(
          `shipment ${quote(shipment.id)} at \`serials\``,
          `serial ${clash.serial} is already in shipment ${quote(clash.shipmentId)}`,
          "serial_in_other_shipment",
        );
      // Refused when written, not first at release (#13): the order's live shipments stay within it.
      const planned = await rows.liveShipmentUnits(tx, order.id);
      if (planned + shipment.quantityUnits > order.doc.quantityUnits)
        throw conflict(
          `shipment ${quote(shipment.id)} at \`quantityUnits\``,
          `${shipment.quantityUnits} units with ${planned} already planned exceed order ${quote(order.id)} of ${order.doc.quantityUnits} units`,
          "exceeds_order_quantity",
        );
      const valueCents =
        (order.doc.valueCents * BigInt(shipment.quantityUnits)) / BigInt(order.doc.quantityUnits);
      await rows.insertShipment(tx, shipment, licence.id, valueCents, this.context.clock());
      await this.audit(tx, "shipment.planned", { ...shipment, licenceId: licence.id, valueCents });
      return { status: "created", shipmentId: shipment.id };
    });
  }

  /**
   * Re-evaluates the shipment under the rules in force on the server's day, writes down the licence
   * and reserves quota. One act, one instant: the decision, the licence check, the reservation's
   * window and every audit entry take the same `now` from the clock.
   */
  async release(
    shipmentId: string,
    options: { eventId?: string; scenarios?: string[]; ifVersion?: number } = {},
  ): Promise<ReleaseResult> {
    const eventId = options.eventId ?? `${shipmentId}:release`;
    const scenarios = options.scenarios ?? [];
    const now = this.context.clock();
    const day = isoDay(now);
    return this.tx<ReleaseResult>(async (tx) => {
      const shipment = await this.requireShipment(tx, shipmentId);
      if (await rows.eventExists(tx, eventId))
        return { status: "exists" as const, shipmentStatus: shipment.status };
      requireVersion(`shipment ${quote(shipmentId)}`, options.ifVersion, shipment.version);
      const step = shipmentTransition(shipment.status, "release");
      if (step.status !== "ok") throw illegal(`shipment ${quote(shipmentId)}`, shipment.status, "release");
      const order = await this.requireOrder(tx, shipment.orderId);
      const { dossier, digest, policy } = await this.buildDossier(tx, order, shipment, day, scenarios);
      const decision = this.context.evaluator.evaluate(dossier, day, scenarios, digest, "records");
      const decisionId = `${eventId}:decision:${this.context.newId()}`;
      await rows.insertDecision(
        tx,
        { id: decisionId, orderId: order.id, shipmentId, purpose: "release", dossier, digest, decision },
        now,
      );
      await this.audit(tx, "release.decided", decisionSummary(decisionId, order.id, decision), now);
      if (decision.decision !== "approve") {
        return {
          status: `decision_${decision.decision}`,
          shipmentStatus: shipment.status,
          decisionId,
          decision,
        };
      }
      const refusal = await this.writeDownLicence(tx, shipment, day);
      if (refusal) return { status: refusal, shipmentStatus: shipment.status, decisionId, decision };
      let reservationId: string | undefined;
      if (policy) {
        reservationId = `${shipmentId}:reservation:${eventId}`;
        const reserved = await this.context.ledger.reserveTx(tx, policy, {
          id: reservationId,
          productId: order.doc.productId,
          units: BigInt(shipment.quantityUnits),
          tppPerUnit: this.context.evaluator.productById(order.doc.productId).classification.tpp,
          holdMs: this.context.reservationHoldMs,
          reference: { shipmentId },
        });
        if (reserved.status !== "ok")
          throw new RollbackWith({
            status: "exceeds_cap",
            shipmentStatus: shipment.status,
            decisionId,
            decision,
          });
      }
      // The Chinese import approval on record is written down by this shipment (none on record:
      // the evaluation has already judged the approval filed as a document).
      const time = { on: day, at: now, appendAudit: this.context.appendAudit };
      const written = approvalRequired(decision)
        ? await writeDownApprovalTx(tx, order.id, shipmentId, shipment.quantityUnits, time)
        : { status: "no_approval" };
      if (!["ok", "exists", "no_approval"].includes(written.status)) {
        throw new RollbackWith({
          status: "import_approval_refused",
          shipmentStatus: shipment.status,
          decisionId,
          decision,
        });
      }
      await rows.moveShipment(tx, shipment, step.next, { reservationId: reservationId ?? null }, now);
      await rows.insertEvent(
        tx,
        {
          id: eventId,
          shipmentId,
          action: "release",
          from: shipment.status,
          to: step.next,
          details: { decisionId, reservationId },
        },
        now,
      );
      await this.audit(tx, "shipment.released", { shipmentId, eventId, decisionId, reservationId }, now);
      return {
        status: "released",
        shipmentStatus: step.next,
        decisionId,
        decision,
        ...(reservationId ? { reservationId } : {}),
      };
    }).catch((error: unknown) => {
      if (error instanceof RollbackWith) return error.result;
      throw error;
    });
  }

  private async writeDownLicence(
    tx: Tx,
    shipment: rows.ShipmentRow,
    at: IsoDate,
  ): Promise<ReleaseResult["status"] | null> {
    const licence = shipment.licenceId ? await rows.loadLicence(tx, shipment.licenceId) : undefined;
    if (!licence) return "licence_exhausted";
    if (licence.expiresOn < at) return "licence_expired";
    const written = await rows.writeDownLicence(
      tx,
      licence.id,
      BigInt(shipment.quantityUnits),
      shipment.valueCents,
    );
    return written ? null : "licence_exhausted";
  }

  /** With `ifVersion`, only if the shipment is still at that version (a replayed event answers exists). */
  async ship(
    shipmentId: string,
    options: { eventId?: string; ifVersion?: number } = {},
  ): Promise<SettleResult> {
    return this.settle(shipmentId, "ship", options.eventId ?? `${shipmentId}:ship`, {
      ifVersion: options.ifVersion,
    });
  }

  async cancel(
    shipmentId: string,
    options: { eventId?: string; reason?: string; ifVersion?: number } = {},
  ): Promise<SettleResult> {
    return this.settle(shipmentId, "cancel", options.eventId ?? `${shipmentId}:cancel`, options);
  }

  /** Undoes a release (its lab was revoked, say): voids the quota, restores the licence, back to planned. */
  async revertRelease(
    shipmentId: string,
    options: { eventId?: string; reason: string },
  ): Promise<SettleResult> {
    return this.settle(
      shipmentId,
      "revert",
      options.eventId ?? `${shipmentId}:revert:${this.context.newId()}`,
      {
        reason: options.reason,
      },
    );
  }

  /**
   * Expires reservations whose hold has passed (in the ledger) and moves their shipments from
   * released to expired, restoring their licences. They can be released again.
   */
  async expireReleases(): Promise<{ expired: string[] }> {
    return this.tx(async (tx) => {
      const { expired } = await this.context.ledger.expireTx(tx);
      const shipments = await rows.shipmentsWithReservations(tx, expired);
      for (const shipment of shipments) {
        if (shipment.status !== "released") continue;
        await this.moveAndRecord(
          tx,
          shipment,
          "expire",
          `${shipment.id}:expire:${shipment.reservationId}`,
          "reservation expired",
        );
      }
      return { expired: shipments.map((shipment) => shipment.id) };
    });
  }

  private settle(
    shipmentId: string,
    action: "ship" | "cancel" | "revert",
    eventId: string,
    { reason, ifVersion }: { reason?: string | undefined; ifVersion?: number | undefined },
  ) {
    return this.tx<SettleResult>(async (tx) => {
      const shipment = await this.requireShipment(tx, shipmentId);
      if (await rows.eventExists(tx, eventId)) return { status: "exists" as const };
      requireVersion(`shipment ${quote(shipmentId)}`, ifVersion, shipment.version);
      if (shipment.reservationId && shipment.status === "released") {
        const reservation = shipment.reservationId;
        const ledger = this.context.ledger;
        const settled =
          action === "ship" ? await ledger.postTx(tx, reservation) : await ledger.voidTx(tx, reservation);
        if (settled.status !== "ok") {
          throw conflict(
            `reservation ${quote(reservation)}`,
            `cannot ${action}: ${settled.status}`,
            settled.status,
          );
        }
      }
      const next = await this.moveAndRecord(tx, shipment, action, eventId, reason);
      return { status: next === "shipped" ? "shipped" : next === "cancelled" ? "cancelled" : "reverted" };
    });
  }

  /** Checks the transition, restores the licence when a release is undone, moves and records it. */
  private async moveAndRecord(
    tx: Tx,
    shipment: rows.ShipmentRow,
    action: ShipmentAction,
    eventId: string,
    reason?: string,
  ) {
    const step = shipmentTransition(shipment.status, action);
    if (step.status !== "ok") throw illegal(`shipment ${quote(shipment.id)}`, shipment.status, action);
    const undoesRelease = shipment.status === "released" && action !== "ship";
    if (undoesRelease && shipment.licenceId) {
      await rows.restoreLicence(tx, shipment.licenceId, BigInt(shipment.quantityUnits), shipment.valueCents);
    }
    if (undoesRelease)
      await restoreApprovalTx(tx, shipment.id, {
        at: this.context.clock(),
        appendAudit: this.context.appendAudit,
      });
    const now = this.context.clock();
    await rows.moveShipment(tx, shipment, step.next, {}, now);
    const details = reason ? { reason } : {};
    await rows.insertEvent(
      tx,
      { id: eventId, shipmentId: shipment.id, action, from: shipment.status, to: step.next, details },
      now,
    );
    await this.audit(tx, `shipment.${happened[action]}`, {
      shipmentId: shipment.id,
      eventId,
      to: step.next,
      ...details,
    });
    return step.next;
  }

  private async requireOrder(tx: Tx, id: string): Promise<rows.OrderRow> {
    const order = await rows.loadOrder(tx, id);
    if (!order) throw notFound(`order ${quote(id)}`);
    return order;
  }

  private async requireShipment(tx: Tx, id: string): Promise<rows.ShipmentRow> {
    const shipment = await rows.loadShipment(tx, id);
    if (!shipment) throw notFound(`shipment ${quote(id)}`);
    return shipment;
  }

  /**
   * The dossier for an order (or one of its shipments): parties, evidence on file and, when a
   * volume cap applies on that day, the ledger view of the cap's window.
   */
  private async buildDossier(
    tx: Tx,
    order: rows.OrderRow,
    shipment: rows.ShipmentRow | null,
    at: IsoDate,
    scenarios: string[],
  ) {
    // One query at a time: the transaction's connection runs queries in order anyway.
    const exporter = await rows.loadParty(tx, order.doc.exporterId);
    const consignee = await rows.loadParty(tx, order.doc.consigneeId);
    const endUser = await rows.loadParty(tx, order.doc.endUserId);
    if (!exporter || !consignee || !endUser) throw new Error(`order ${order.id} refers to a missing party`);
    const input: DossierInput = {
      id: shipment ? `${order.id}/${shipment.id}` : order.id,
      stage: shipment ? "release" : "application",
      submittedOn: at,
      product: { id: order.doc.productId },
      quantityUnits: shipment ? shipment.quantityUnits : order.doc.quantityUnits,
      valueCents: (shipment ? shipment.valueCents : order.doc.valueCents).toString(),
      route: order.doc.route,
      endUse: order.doc.endUse,
      parties: { exporter: asParty(exporter), consignee: asParty(consignee), endUser: asParty(endUser) },
      exporterStatements: {
        ...(order.doc.usShippedUnits !== undefined ? { usShippedUnits: order.doc.usShippedUnits } : {}),
        ...(shipment ? { shipmentId: shipment.id } : {}),
      },
      // Certificates, duty entries, payments, approvals and domestic purchases come only from their
      // authorities' records; a document on file (even one from before PUT refused them) counts
      // only for the exporter's own statements (documentSections, docs/trust.md).
      evidence: {
        ...documentSections(order.evidence),
        ...documentSections(shipment?.evidence),
        ...(await evidenceView(tx, order.id, shipment?.id ?? null)),
      } as DossierInput["evidence"],
    };
    input.screening = await this.context.screenParties(tx, { exporter, consignee, endUser }, at);
    const dossier: Dossier = parseDossier(input, input.id);
    const subject = {
      dossier,
      dossierDigest: "",
      product: this.context.evaluator.productById(order.doc.productId),
      at,
    };
    const policy = capPolicyInForce(this.context.evaluator.rulesFor(at, scenarios), subject);
    if (policy) dossier.ledger = await ledgerView(tx, policy, order.doc.productId, at);
    return { dossier, digest: dossierDigest(dossier), policy };
  }

  private audit(tx: Tx, kind: string, payload: unknown, at: Date = this.context.clock()) {
    return this.context.appendAudit(tx, kind, payload, at);
  }
}

/** Audit entry kinds say what happened. */
const happened: Record<ShipmentAction, string> = {
  release: "released",
  ship: "shipped",
  cancel: "cancelled",
  expire: "expired",
  revert: "reverted",
};

/** Thrown inside a transaction to roll it back and answer with a result instead of an error. */
class RollbackWith extends Error {
  constructor(readonly result: ReleaseResult) {
    super("rollback");
  }
}

const asParty = (party: PartyInput): Party => party as Party;

/** The server's day of an instant (UTC), the day rules are taken in force on. */
const isoDay = (at: Date): IsoDate => at.toISOString().slice(0, 10) as IsoDate;

function decisionSummary(decisionId: string, orderId: string, decision: Decision) {
  return {
    decisionId,
    orderId,
    decision: decision.decision,
    at: decision.at,
    decidingRuleIds: decision.decidingRuleIds,
    inputHash: decision.inputHash,
    rulebooks: decision.rulebooks.map((book) => `${book.id}@${book.version}`),
  };
}
