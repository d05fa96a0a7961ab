// The reservation side of the volume-cap ledger inside the caller's transaction: reserve China
// quota, settle a reservation (post: pending becomes posted; void: released), expire those whose
// hold has passed. Each decides with the pure core, applies the deltas under the guarded UPDATE and
// appends its audit entry; SqlLedger (sql-ledger.ts) runs them in SERIALIZABLE transactions.
import type { AuditActor } from "../../../core/audit/actor.ts";
import type { CapPolicy } from "../../../core/ledger/cap-policy.ts";
import {
  decideReserve,
  decideSettle,
  deriveReserve,
  type Reservation,
  type ReservationState,
  type ReserveStatus,
  type SettleStatus,
} from "../../../core/ledger/ledger.ts";
import { appendAudit } from "../audit.ts";
import type { Tx } from "../store.ts";
import {
  applyDeltas,
  ensureAccounts,
  guardDisagreement,
  loadAccounts,
  loadReservation,
  type ReservationRow,
  reservationFromRow,
} from "./rows.ts";
import { expireBatchMax, type ReserveInput } from "./types.ts";

/** Reserves China quota for a shipment at `now`, held for `input.holdMs`. */
export async function reserveInTx(
  tx: Tx,
  policy: CapPolicy,
  input: ReserveInput,
  now: Date,
  actor: AuditActor,
): Promise<{ status: ReserveStatus; amount?: bigint }> {
  const request = { ...input, reservedAt: now, expiresAt: new Date(now.getTime() + input.holdMs) };
  const derived = deriveReserve(policy, request);
  if (!derived.amount || !derived.accountIds) return { status: derived.status };
  const shaped = { amount: derived.amount, accountIds: derived.accountIds };
  const existing = await loadReservation(tx, input.id);
  const accounts = existing ? new Map() : await loadAccounts(tx, shaped.accountIds);
  const status = decideReserve(policy.ratioPercent, request, shaped, existing, accounts);
  if (status !== "ok") return { status };
  await tx.query(
    `INSERT INTO ledger_reservations
       (id, product_id, units, amount, account_ids, state, reserved_at, expires_at, reference)
     VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8)`,
    [
      input.id,
      input.productId,
      input.units,
      shaped.amount,
      shaped.accountIds,
      now,
      request.expiresAt,
      input.reference === undefined ? null : JSON.stringify(input.reference),
    ],
  );
  if (shaped.accountIds.length > accounts.size) await ensureAccounts(tx, shaped.accountIds, policy);
  const moved = await applyDeltas(tx, {
    ...shaped,
    dUs: 0n,
    dPending: shaped.amount,
    dPosted: 0n,
    guardAccountId: shaped.accountIds[0] ?? null,
    op: "reserve",
    refId: input.id,
    at: now,
  });
  if (moved !== shaped.accountIds.length) throw guardDisagreement("reserve", input.id);
  await appendAudit(
    tx,
    "ledger.reserve",
    {
      id: input.id,
      productId: input.productId,
      units: input.units,
      amount: shaped.amount,
      accountIds: shaped.accountIds,
      expiresAt: request.expiresAt.toISOString(),
    },
    now,
    actor,
  );
  return { status, amount: shaped.amount };
}

/** Posts or voids a pending reservation at `now`. */
export async function settleInTx(
  tx: Tx,
  kind: "post" | "void",
  id: string,
  now: Date,
  actor: AuditActor,
): Promise<{ status: SettleStatus }> {
  const reservation = await loadReservation(tx, id);
  const status = decideSettle(kind, reservation, now);
  if (status !== "ok" || !reservation) return { status };
  await finishReservation(tx, actor, reservation, kind === "post" ? "posted" : "voided", now);
  return { status };
}

/** A reservation leaves pending (posted, voided or expired): its state, the deltas, the audit entry. */
async function finishReservation(
  tx: Tx,
  actor: AuditActor,
  reservation: Reservation,
  state: ReservationState,
  now: Date,
): Promise<void> {
  await tx.query("UPDATE ledger_reservations SET state = $2, settled_at = $3 WHERE id = $1", [
    reservation.id,
    state,
    now,
  ]);
  const op = state === "posted" ? "post" : state === "voided" ? "void" : "expire";
  const dPosted = state === "posted" ? reservation.amount : 0n;
  const moved = await applyDeltas(tx, {
    accountIds: reservation.accountIds,
    dUs: 0n,
    dPending: -reservation.amount,
    dPosted,
    guardAccountId: null,
    op,
    refId: reservation.id,
    at: now,
  });
  if (moved !== reservation.accountIds.length) throw guardDisagreement(op, reservation.id);
  await appendAudit(tx, `ledger.${op}`, { id: reservation.id, amount: reservation.amount }, now, actor);
}

/** Expires pending reservations whose hold has passed at `now`, oldest first, at most expireBatchMax. */
export async function expireInTx(tx: Tx, now: Date, actor: AuditActor): Promise<{ expired: string[] }> {
  const { rows } = await tx.query<ReservationRow>(
    `SELECT * FROM ledger_reservations WHERE state = 'pending' AND expires_at <= $1
     ORDER BY expires_at, id COLLATE "C" LIMIT $2`,
    [now, expireBatchMax],
  );
  for (const row of rows) await finishReservation(tx, actor, reservationFromRow(row), "expired", now);
  return { expired: rows.map((row) => row.id) };
}
