// The moves of a planned shipment: release (re-evaluate, write down the licence and the import
// approval, reserve China quota), ship (post the reservation), cancel and revert (void it, restore
// the licence and the approval) and the sweep that expires unshipped releases. Each is one
// serializable unit of work with its audit entries; a replayed event id answers `exists`.
import { quote, requireVersion } from "../../core/errors.ts";
import type { Decision } from "../../core/evaluation/types.ts";
import type { CapPolicy } from "../../core/ledger/cap-policy.ts";
import { isLedgerSuccess } from "../../core/ledger/refusals.ts";
import type { IsoDate } from "../../core/shared.ts";
import { type ShipmentAction, type ShipmentStatus, shipmentTransition } from "../../core/shipments/model.ts";
import type { ReleaseStatus } from "../../core/shipments/release.ts";
import { approvalRequired } from "../evidence/shipment-hooks.ts";
import type { OrderRow, ShipmentContext, ShipmentRepos, ShipmentRow } from "./ports.ts";
import {
  buildDossier,
  conflict,
  decisionSummary,
  illegal,
  isoDay,
  requireOrder,
  requireShipment,
} from "./steps.ts";

export interface SettleResult {
  status: "shipped" | "cancelled" | "reverted" | "exists";
}

export interface ReleaseResult {
  /** Each refusal its own status: a ledger refusal is the ledger's (src/core/shipments/release.ts). */
  status: ReleaseStatus;
  shipmentStatus: ShipmentStatus;
  decisionId?: string;
  decision?: Decision;
  reservationId?: string;
}

export class ShipmentMoves {
  constructor(protected readonly context: ShipmentContext) {}

  /**
   * A write: one serializable unit of work (retried on a serialization conflict). Release, ship and
   * cancel all read and write the cap ledger's account, so they queue on it rather than abort.
   */
  protected tx<T>(work: (repos: ShipmentRepos) => Promise<T>): Promise<T> {
    return this.context.transactor.run(work, { isolation: "serializable", queueKey: "cap-ledger" });
  }

  protected audit(repos: ShipmentRepos, kind: string, payload: unknown, at: Date = this.context.clock()) {
    return repos.audit.append(kind, payload, at);
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
    return this.tx<ReleaseResult>(async (repos) => {
      const shipment = await requireShipment(repos, shipmentId);
      if (await repos.shipments.eventExists(eventId))
        return { status: "exists" as const, shipmentStatus: shipment.status };
      requireVersion(`shipment ${quote(shipmentId)}`, options.ifVersion, shipment.version);
      const step = shipmentTransition(shipment.status, "release");
      if (step.status !== "ok") throw illegal(`shipment ${quote(shipmentId)}`, shipment.status, "release");
      const order = await requireOrder(repos, shipment.orderId);
      const { dossier, digest, policy } = await buildDossier(
        this.context,
        repos,
        order,
        shipment,
        day,
        scenarios,
      );
      const decision = this.context.evaluator.evaluate(dossier, day, scenarios, digest, "records");
      const decisionId = `${eventId}:decision:${this.context.newId()}`;
      await repos.shipments.insertDecision(
        { id: decisionId, orderId: order.id, shipmentId, purpose: "release", dossier, digest, decision },
        now,
      );
      await this.audit(repos, "release.decided", decisionSummary(decisionId, order.id, decision), now);
      if (decision.decision !== "approve") {
        return {
          status: `decision_${decision.decision}`,
          shipmentStatus: shipment.status,
          decisionId,
          decision,
        };
      }
      const refusal = await this.writeDownLicence(repos, shipment, day);
      if (refusal) return { status: refusal, shipmentStatus: shipment.status, decisionId, decision };
      const refused = { shipmentStatus: shipment.status, decisionId, decision };
      const reservationId = await this.reserveAndWriteDown(repos, {
        shipment,
        order,
        policy,
        decision,
        eventId,
        day,
        now,
        refused,
      });
      await repos.shipments.moveShipment(shipment, step.next, { reservationId: reservationId ?? null }, now);
      await repos.shipments.insertEvent(
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
      await this.audit(repos, "shipment.released", { shipmentId, eventId, decisionId, reservationId }, now);
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

  /**
   * Reserves the shipment's China quota (when a cap applies) and writes it down on the import
   * approval on record; a refusal of either rolls the release back (RollbackWith) with its own
   * status. Answers the reservation's id.
   */
  private async reserveAndWriteDown(
    repos: ShipmentRepos,
    release: {
      shipment: ShipmentRow;
      order: OrderRow;
      policy: CapPolicy | null;
      decision: Decision;
      eventId: string;
      day: IsoDate;
      now: Date;
      refused: Omit<ReleaseResult, "status">;
    },
  ): Promise<string | undefined> {
    const { shipment, order, policy, decision, eventId, day, now, refused } = release;
    const shipmentId = shipment.id;
    let reservationId: string | undefined;
    if (policy) {
      reservationId = `${shipmentId}:reservation:${eventId}`;
      const reserved = await repos.ledger.reserve(policy, {
        id: reservationId,
        productId: order.doc.productId,
        units: BigInt(shipment.quantityUnits),
        tppPerUnit: this.context.evaluator.productById(order.doc.productId).classification.tpp,
        holdMs: this.context.reservationHoldMs,
        reference: { shipmentId },
      });
      // Each refusal keeps the ledger's own status (reservations_blocked, outside_window, …).
      if (!isLedgerSuccess(reserved.status)) throw new RollbackWith({ status: reserved.status, ...refused });
    }
    // The Chinese import approval on record is written down by this shipment (none on record:
    // the evaluation has already judged the approval filed as a document).
    const written = approvalRequired(decision)
      ? await repos.evidence.writeDownApproval(order.id, shipmentId, shipment.quantityUnits, {
          on: day,
          at: now,
        })
      : { status: "no_approval" };
    if (!["ok", "exists", "no_approval"].includes(written.status))
      throw new RollbackWith({ status: "import_approval_refused", ...refused });
    return reservationId;
  }

  private async writeDownLicence(
    repos: ShipmentRepos,
    shipment: ShipmentRow,
    at: IsoDate,
  ): Promise<"licence_exhausted" | "licence_expired" | null> {
    const licence = shipment.licenceId ? await repos.shipments.loadLicence(shipment.licenceId) : undefined;
    if (!licence) return "licence_exhausted";
    if (licence.expiresOn < at) return "licence_expired";
    const written = await repos.shipments.writeDownLicence(
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
    return this.tx(async (repos) => {
      const { expired } = await repos.ledger.expire();
      const shipments = await repos.shipments.shipmentsWithReservations(expired);
      for (const shipment of shipments) {
        if (shipment.status !== "released") continue;
        await this.moveAndRecord(
          repos,
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
    return this.tx<SettleResult>(async (repos) => {
      const shipment = await requireShipment(repos, shipmentId);
      if (await repos.shipments.eventExists(eventId)) return { status: "exists" as const };
      requireVersion(`shipment ${quote(shipmentId)}`, ifVersion, shipment.version);
      if (shipment.reservationId && shipment.status === "released") {
        const reservation = shipment.reservationId;
        const settled =
          action === "ship" ? await repos.ledger.post(reservation) : await repos.ledger.void(reservation);
        if (settled.status !== "ok") {
          throw conflict(
            `reservation ${quote(reservation)}`,
            `cannot ${action}: ${settled.status}`,
            settled.status,
          );
        }
      }
      const next = await this.moveAndRecord(repos, shipment, action, eventId, reason);
      return { status: next === "shipped" ? "shipped" : next === "cancelled" ? "cancelled" : "reverted" };
    });
  }

  /** Checks the transition, restores the licence when a release is undone, moves and records it. */
  private async moveAndRecord(
    repos: ShipmentRepos,
    shipment: ShipmentRow,
    action: ShipmentAction,
    eventId: string,
    reason?: string,
  ) {
    const step = shipmentTransition(shipment.status, action);
    if (step.status !== "ok") throw illegal(`shipment ${quote(shipment.id)}`, shipment.status, action);
    const undoesRelease = shipment.status === "released" && action !== "ship";
    if (undoesRelease && shipment.licenceId) {
      await repos.shipments.restoreLicence(
        shipment.licenceId,
        BigInt(shipment.quantityUnits),
        shipment.valueCents,
      );
    }
    if (undoesRelease) await repos.evidence.restoreApproval(shipment.id, { at: this.context.clock() });
    const now = this.context.clock();
    await repos.shipments.moveShipment(shipment, step.next, {}, now);
    const details = reason ? { reason } : {};
    await repos.shipments.insertEvent(
      { id: eventId, shipmentId: shipment.id, action, from: shipment.status, to: step.next, details },
      now,
    );
    await this.audit(repos, `shipment.${happened[action]}`, {
      shipmentId: shipment.id,
      eventId,
      to: step.next,
      ...details,
    });
    return step.next;
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
