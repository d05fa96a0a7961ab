// Use cases of the shipment path: parties, orders, applications (evaluate and record the
// decision), licences, shipments (their moves in ./moves.ts) and the reads of all of them. Each
// write validates first, then applies in one SERIALIZABLE transaction with its audit entry; a
// replayed client id answers `exists` or `exists_with_different_<field>` and changes nothing.

import type { OrderScope } from "../../core/authorization/policy.ts";
import { evidenceSchema } from "../../core/dossier/schema.ts";
import { badInput, notFound, quote, SluiceError, VersionMismatch } from "../../core/errors.ts";
import type { Decision } from "../../core/evaluation/types.ts";
import { refuseRecordedEvidence } from "../../core/evidence/provenance.ts";
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
  serialCount,
  shipmentInputSchema,
} from "../../core/shipments/model.ts";
import { parseInput } from "../../core/validation.ts";
import { ShipmentMoves } from "./moves.ts";
import type { DecisionRow, OrderRow, ShipmentRepos, ShipmentRow } from "./ports.ts";
import {
  buildDossier,
  conflict,
  decisionSummary,
  illegal,
  isoDay,
  requireOrder,
  requireShipment,
} from "./steps.ts";

export type { ReleaseResult, SettleResult } from "./moves.ts";

export type CreateStatus = "created" | "exists" | `exists_with_different_${string}`;

export interface ApplyResult {
  decisionId: string;
  orderStatus: OrderStatus;
  decision: Decision;
}

/** The shipment path's use cases: its writes here, the shipment moves in ./moves.ts, and its reads. */
export class ShipmentService extends ShipmentMoves {
  /** A read: one unit of work at the store's default isolation, nothing written. */
  private read<T>(work: (repos: ShipmentRepos) => Promise<T>): Promise<T> {
    return this.context.transactor.run(work);
  }

  party(id: string): Promise<PartyInput | undefined> {
    return this.read((repos) => repos.shipments.loadParty(id));
  }

  parties(after: string, limit: number): Promise<PartyInput[]> {
    return this.read((repos) => repos.shipments.listParties(after, limit));
  }

  order(id: string): Promise<OrderRow | undefined> {
    return this.read((repos) => repos.shipments.loadOrder(id));
  }

  orders(after: string, limit: number, scope?: OrderScope): Promise<OrderRow[]> {
    return this.read((repos) => repos.shipments.listOrders(after, limit, scope));
  }

  decision(id: string): Promise<DecisionRow | undefined> {
    return this.read((repos) => repos.shipments.loadDecision(id));
  }

  decisions(orderId: string): Promise<DecisionRow[]> {
    return this.read((repos) => repos.shipments.listDecisions(orderId));
  }

  shipment(id: string): Promise<ShipmentRow | undefined> {
    return this.read((repos) => repos.shipments.loadShipment(id));
  }

  /** A shipment with its order (read together), for checking who may see it. */
  shipmentWithOrder(id: string): Promise<{ shipment: ShipmentRow; order: OrderRow | undefined } | undefined> {
    return this.read(async (repos) => {
      const shipment = await repos.shipments.loadShipment(id);
      return shipment && { shipment, order: await repos.shipments.loadOrder(shipment.orderId) };
    });
  }

  shipments(
    orderId: string | null,
    after: string,
    limit: number,
    scope?: OrderScope,
  ): Promise<ShipmentRow[]> {
    return this.read((repos) => repos.shipments.listShipments(orderId, after, limit, scope));
  }

  shipmentVersion(id: string): Promise<number | undefined> {
    return this.read((repos) => repos.shipments.shipmentVersion(id));
  }

  async addParty(input: unknown): Promise<{ status: CreateStatus; party: PartyInput }> {
    const party = parseInput(partyInputSchema, input, "party");
    return this.tx(async (repos) => {
      const stored = await repos.shipments.loadParty(party.id);
      if (stored) return { status: compareReplay(stored, party, Object.keys(party)), party: stored };
      await repos.shipments.insertParty(party, this.context.clock());
      await this.audit(repos, "party.created", party);
      // Screened when created; re-screened when a list version lands (src/app/screening/rescreen.ts).
      const at = this.context.clock();
      await repos.screening.screenParty(party, { at, reason: "party_created" });
      return { status: "created", party };
    });
  }

  async createOrder(input: unknown): Promise<{ status: CreateStatus; order: OrderInput }> {
    const order = parseInput(orderInputSchema, input, "order");
    this.context.catalog.require(order.productId);
    return this.tx((repos) => this.createOrderTx(repos, order));
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
    return this.tx(async (repos) => {
      let created = 0;
      let existing = 0;
      for (const { order, where, line } of known) {
        let result: Awaited<ReturnType<typeof this.createOrderTx>>;
        try {
          result = await this.createOrderTx(repos, order, where);
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

  private async createOrderTx(repos: ShipmentRepos, order: OrderInput, where = `order ${quote(order.id)}`) {
    const stored = await repos.shipments.loadOrder(order.id);
    if (stored) return { status: compareReplay(stored.doc, order, Object.keys(order)), order: stored.doc };
    const links = [
      ["exporterId", order.exporterId],
      ["consigneeId", order.consigneeId],
      ["endUserId", order.endUserId],
    ] as const;
    for (const [field, id] of links) {
      if (!(await repos.shipments.loadParty(id)))
        throw notFound(`${where} at \`${field}\``, `unknown party ${quote(id)}`);
    }
    await repos.shipments.ensureProduct(this.context.catalog.require(order.productId), this.context.clock());
    await repos.shipments.insertOrder(order, this.context.clock());
    await this.audit(repos, "order.created", order);
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
    return this.tx(async (repos) => {
      const version = await repos.shipments.updateOrderEvidence(
        orderId,
        evidence,
        this.context.clock(),
        ifVersion,
      );
      if (version === undefined) {
        const order = await requireOrder(repos, orderId);
        throw new VersionMismatch(`order ${quote(orderId)}`, ifVersion ?? 0, order.version);
      }
      await this.audit(repos, "order.evidence", { orderId, evidence: parsed });
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
    return this.tx(async (repos) => {
      const version = await repos.shipments.updateShipmentEvidence(
        shipmentId,
        evidence,
        this.context.clock(),
        ifVersion,
      );
      if (version === undefined) {
        const shipment = await requireShipment(repos, shipmentId);
        throw new VersionMismatch(`shipment ${quote(shipmentId)}`, ifVersion ?? 0, shipment.version);
      }
      await this.audit(repos, "shipment.evidence", { shipmentId, evidence: parsed });
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
    return this.tx(async (repos) => {
      const existing = await repos.shipments.loadDecision(decisionId);
      if (existing) return { decisionId, orderStatus: existing.orderStatus, decision: existing.result };
      const order = await requireOrder(repos, orderId);
      if (!orderAllows(order.status, "apply"))
        throw illegal(`order ${quote(orderId)}`, order.status, "apply");
      const { dossier, digest } = await buildDossier(
        this.context,
        repos,
        order,
        null,
        day,
        options.scenarios ?? [],
      );
      const decision = this.context.evaluator.evaluate(
        dossier,
        day,
        options.scenarios ?? [],
        digest,
        "records",
      );
      const orderStatus = orderStatusAfter[decision.decision];
      await repos.shipments.insertDecision(
        { id: decisionId, orderId, shipmentId: null, purpose: "application", dossier, digest, decision },
        now,
      );
      await repos.shipments.updateOrderStatus(orderId, orderStatus, now);
      await this.audit(repos, "application.decided", decisionSummary(decisionId, orderId, decision), now);
      if (decision.decision === "deny") {
        // The exporter's terms: a denial after payment forfeits it, never a silent refund.
        await repos.evidence.forfeitPayments(orderId, "licence-denied", {
          at: now,
          on: day,
          id: `${decisionId}:forfeit`,
        });
      }
      return { decisionId, orderStatus, decision };
    });
  }

  async grantLicence(input: unknown): Promise<{ status: CreateStatus; licenceId: string }> {
    const licence = parseInput(licenceInputSchema, input, "licence");
    return this.tx(async (repos) => {
      const stored = await repos.shipments.loadLicence(licence.id);
      if (stored)
        return {
          status: compareReplay(stored.input, { ...licence }, ["applicationId", "expiresOn"]),
          licenceId: licence.id,
        };
      const decision = await repos.shipments.loadDecision(licence.applicationId);
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
      const order = await requireOrder(repos, decision.orderId);
      if (!orderAllows(order.status, "license"))
        throw illegal(`order ${quote(order.id)}`, order.status, "license");
      const granted: LicenceInput & { grantedUnits: number; grantedValueCents: bigint } = {
        ...licence,
        grantedUnits: licence.grantedUnits ?? order.doc.quantityUnits,
        grantedValueCents: licence.grantedValueCents ?? order.doc.valueCents,
      };
      await repos.shipments.insertLicence(granted, order.id, this.context.clock());
      await repos.shipments.updateOrderStatus(order.id, "licensed", this.context.clock());
      await this.audit(repos, "licence.granted", granted);
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
    return this.tx(async (repos) => {
      const stored = await repos.shipments.loadShipment(shipment.id);
      if (stored)
        return {
          status: compareReplay(stored.input, shipment, ["orderId", "quantityUnits", "serials"]),
          shipmentId: shipment.id,
        };
      const order = await requireOrder(repos, shipment.orderId);
      const licence = await repos.shipments.loadLicenceForOrder(order.id);
      if (!licence) throw conflict(`order ${quote(order.id)}`, "has no licence yet", "not_licensed");

      const clash = await repos.shipments.findSerialOverlap(shipment.serials);
      if (clash)
        throw conflict(
          `shipment ${quote(shipment.id)} at \`serials\``,
          `serial ${clash.serial} is already in shipment ${quote(clash.shipmentId)}`,
          "serial_in_other_shipment",
        );
      // Refused when written, not first at release (#13): the order's live shipments stay within it.
      const planned = await repos.shipments.liveShipmentUnits(order.id);
      if (planned + shipment.quantityUnits > order.doc.quantityUnits)
        throw conflict(
          `shipment ${quote(shipment.id)} at \`quantityUnits\``,
          `${shipment.quantityUnits} units with ${planned} already planned exceed order ${quote(order.id)} of ${order.doc.quantityUnits} units`,
          "exceeds_order_quantity",
        );
      const valueCents =
        (order.doc.valueCents * BigInt(shipment.quantityUnits)) / BigInt(order.doc.quantityUnits);
      await repos.shipments.insertShipment(shipment, licence.id, valueCents, this.context.clock());
      await this.audit(repos, "shipment.planned", { ...shipment, licenceId: licence.id, valueCents });
      return { status: "created", shipmentId: shipment.id };
    });
  }
}
