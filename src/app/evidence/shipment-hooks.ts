// The evidence the shipment path acts on inside its own unit of work (src/adapters/db/shipments/
// context.ts binds these to the same transaction as the release, cancel or denial): writing a
// shipment down on the consignee's import approval and giving it back, forfeiting an order's paid
// cash, and the released shipments that rely on a lab. Each takes the repos of that unit of work.

import { notFound, quote } from "../../core/errors.ts";
import type { Decision } from "../../core/evaluation/types.ts";
import {
  type ApprovalInput,
  checkWriteDown,
  type WriteDownStatus,
  writeDownStatuses,
} from "../../core/evidence/approvals.ts";
import { type ForfeitureReason, forfeitableCents, forfeitureReasons } from "../../core/evidence/payments.ts";
import type { IsoDate } from "../../core/shared.ts";
import type { EvidenceRepos } from "./ports.ts";

/** The evidence repository and audit log of the caller's unit of work (no shipment reads needed). */
type HookRepos = Pick<EvidenceRepos, "evidence" | "audit">;

export interface HookTime {
  /** The calendar day of the event (validity windows are checked against it). */
  on: IsoDate;
  /** The instant recorded in rows and the audit entry. */
  at: Date;
}

/** Released (not yet shipped) shipments whose certificate is this lab's and no other lab's. */
export const shipmentsRelyingOnLab = (
  repos: Pick<EvidenceRepos, "evidence">,
  labId: string,
): Promise<string[]> => repos.evidence.shipmentsRelyingOnLab(labId);

/** True when the release decision passed an import-approval rule: its units must be written down. */
export const approvalRequired = (decision: Pick<Decision, "findings">): boolean =>
  decision.findings.some((finding) => finding.kind === "import-approval" && finding.status === "pass");

/**
 * Writes `units` of a shipment down on an import approval of the order's consignee, with an audit
 * entry; a refusal changes nothing. The approval used is the first (soonest-expiring) that allows
 * it; when none does, the status of the candidate that came closest is returned.
 */
export async function writeDownApproval(
  repos: EvidenceRepos,
  orderId: string,
  shipmentId: string,
  units: number,
  time: HookTime,
): Promise<{ status: WriteDownStatus; approvalId?: string }> {
  const live = await repos.evidence.liveWriteDown(shipmentId);
  if (live) return { status: "exists", approvalId: live.approvalId };
  const order = await repos.shipments.loadOrder(orderId);
  if (!order) throw notFound(`order ${quote(orderId)}`);
  const endUser = await repos.shipments.loadParty(order.doc.endUserId);
  let closest: { status: WriteDownStatus; approvalId?: string } = { status: "no_approval" };
  for (const approval of await repos.evidence.approvalsOf(order.doc.consigneeId)) {
    const status = checkWriteDown(approval.doc, approval.usedUnits, units, time.on, endUser?.sector);
    if (status === "ok") return applyWriteDown(repos, approval.doc, { orderId, shipmentId, units }, time);
    if (writeDownStatuses.indexOf(status) > writeDownStatuses.indexOf(closest.status))
      closest = { status, approvalId: approval.doc.id };
  }
  return closest;
}

async function applyWriteDown(
  repos: HookRepos,
  approval: ApprovalInput,
  lot: { orderId: string; shipmentId: string; units: number },
  time: HookTime,
) {
  const { orderId, shipmentId, units } = lot;
  if (!(await repos.evidence.useApprovalUnits(approval.id, units)))
    return { status: "approval_exhausted" as const, approvalId: approval.id };
  const id = `${shipmentId}:approval:${(await repos.evidence.countWriteDowns(shipmentId)) + 1}`;
  await repos.evidence.insertWriteDown({ id, approvalId: approval.id, orderId, shipmentId, units }, time.at);
  await repos.audit.append(
    "approval.written_down",
    { writeDownId: id, approvalId: approval.id, orderId, shipmentId, units, on: time.on },
    time.at,
  );
  return { status: "ok" as const, approvalId: approval.id };
}

/** Gives a shipment's units back to its approval (cancellation, reverted release). */
export async function restoreApproval(
  repos: HookRepos,
  shipmentId: string,
  time: Omit<HookTime, "on">,
): Promise<{ status: "restored" | "nothing_to_restore"; approvalId?: string }> {
  const live = await repos.evidence.liveWriteDown(shipmentId);
  if (!live) return { status: "nothing_to_restore" };
  await repos.evidence.markWriteDownRestored(live.id, time.at);
  await repos.evidence.returnApprovalUnits(live.approvalId, live.units);
  await repos.audit.append(
    "approval.restored",
    { writeDownId: live.id, approvalId: live.approvalId, shipmentId, units: live.units },
    time.at,
  );
  return { status: "restored", approvalId: live.approvalId };
}

/**
 * Forfeits the order's paid cash not forfeited yet (after a denial or revocation): one forfeiture
 * entry with an audit entry, never a refund. Nothing paid (or all forfeited) → `nothing_to_forfeit`.
 */
export async function forfeitPayments(
  repos: HookRepos,
  orderId: string,
  reason: string,
  options: { at: Date; id?: string; on?: IsoDate },
): Promise<{
  status: "forfeited" | "nothing_to_forfeit" | "exists";
  forfeitureId?: string;
  amountCents: bigint;
}> {
  const kind = (forfeitureReasons as readonly string[]).includes(reason)
    ? (reason as ForfeitureReason)
    : "other";
  if (options.id) {
    const stored = await repos.evidence.loadDoc("forfeitures", options.id);
    if (stored)
      return { status: "exists", forfeitureId: options.id, amountCents: BigInt(String(stored.amount_cents)) };
  }
  const amount = forfeitableCents(await repos.evidence.paymentTotals(orderId));
  if (amount <= 0n) return { status: "nothing_to_forfeit", amountCents: 0n };
  const id = options.id ?? `${orderId}:forfeit:${(await repos.evidence.countForfeitures(orderId)) + 1}`;
  const on = options.on ?? options.at.toISOString().slice(0, 10);
  await repos.evidence.insertForfeiture({ id, orderId, amountCents: amount, reason, on }, options.at);
  await repos.audit.append(
    "payment.forfeited",
    { forfeitureId: id, orderId, amountCents: amount, reason, kind, on },
    options.at,
  );
  return { status: "forfeited", forfeitureId: id, amountCents: amount };
}
