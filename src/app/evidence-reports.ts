// Reads of the evidence records for reports, shared by the HTTP routes and the CLI: Section 232
// duty totals per window (by band, exemption claims apart, integer cents) and the forfeiture
// entries (an order's, or every order's a principal may see). Who may ask is the policy's business
// (actions `duty.read`, `forfeitures.read`); a party-scoped principal's list is cut to its orders
// here, in the query, so a page never holds someone else's entry.
import { z } from "zod";
import type { Tx } from "../adapters/db/store.ts";
import { badInput } from "../core/errors.ts";
import {
  type DutyGroup,
  type DutyWindowKind,
  type DutyWindowTotals,
  dutyReport,
  dutyWindowKinds,
  dutyWindows,
  dutyWindowsMax,
} from "../core/evidence/duty.ts";
import { type ForfeitureReason, forfeitureReasons } from "../core/evidence/payments.ts";
import { isoDateSchema } from "../core/shared.ts";
import { parseInput } from "../core/validation.ts";

/** The query's fields (the HTTP route declares these); `dutyTotalsQuerySchema` adds from ≤ to. */
export const dutyTotalsQueryFields = z.strictObject({
  from: isoDateSchema,
  to: isoDateSchema,
  by: z.enum(dutyWindowKinds).default("month"),
});

export const dutyTotalsQuerySchema = dutyTotalsQueryFields.refine((query) => query.from <= query.to, {
  message: "`from` must not be after `to`",
  path: ["to"],
});
export type DutyTotalsQuery = z.output<typeof dutyTotalsQuerySchema>;

export interface DutyTotalsReport {
  from: string;
  to: string;
  by: DutyWindowKind;
  windows: DutyWindowTotals[];
}

/**
 * Duty totals of the entries entered in [from, to], per window (`by`: month, quarter, year, or the
 * whole range): entered value, duty owed, paid and outstanding, by band with exemption claims
 * apart. Each entry's duty was rounded half up to the cent when it was entered; totals add those.
 */
export async function dutyTotals(tx: Tx, input: unknown): Promise<DutyTotalsReport> {
  const query = parseInput(dutyTotalsQuerySchema, input, "duty totals query");
  const windows = dutyWindows(query.from, query.to, query.by);
  if (windows.length > dutyWindowsMax)
    throw badInput(
      "duty totals query at `from`, `to`",
      `more than ${dutyWindowsMax} windows by ${query.by}; ask for a shorter range or a longer window`,
      "too_many_windows",
    );
  const { rows } = await tx.query<{
    entered_on: string;
    band: number | null;
    exempt: boolean;
    entries: bigint | number | string;
    entered: bigint | string;
    owed: bigint | string;
    paid: bigint | string;
  }>(
    `SELECT to_char(entered_on, 'YYYY-MM-DD') AS entered_on, band, exemption_kind IS NOT NULL AS exempt,
            COUNT(*) AS entries, SUM(entered_value_cents) AS entered, SUM(duty_owed_cents) AS owed,
            SUM(duty_paid_cents) AS paid
       FROM duty_entries WHERE entered_on BETWEEN $1 AND $2 AND reversed_at IS NULL
      GROUP BY entered_on, band, exemption_kind IS NOT NULL`,
    [query.from, query.to],
  );
  const groups: DutyGroup[] = rows.map((row) => ({
    enteredOn: row.entered_on,
    band: row.band === 1 || row.band === 2 ? row.band : null,
    exempt: row.exempt,
    entries: Number(row.entries),
    enteredValueCents: BigInt(String(row.entered)),
    dutyOwedCents: BigInt(String(row.owed)),
    dutyPaidCents: BigInt(String(row.paid)),
  }));
  return { from: query.from, to: query.to, by: query.by, windows: dutyReport(windows, groups) };
}

export interface ForfeitureView {
  id: string;
  orderId: string;
  amountCents: bigint;
  /** The reason as recorded; `kind` is its class (`other` when it is free text). */
  reason: string;
  kind: ForfeitureReason;
  forfeitedOn: string;
}

export interface ForfeitureQuery {
  /** Only this order's entries. */
  orderId: string | null;
  /** Entries with ids after this one (the page cursor), in id order. */
  after: string;
  limit: number;
  /** A party-scoped principal sees only orders whose consignee or end user is this party. */
  partyId: string | null;
}

const kindOf = (reason: string): ForfeitureReason =>
  (forfeitureReasons as readonly string[]).includes(reason) ? (reason as ForfeitureReason) : "other";

/** Forfeiture entries in id order (byte order, as every list pages), at most `limit`. */
export async function listForfeitures(tx: Tx, query: ForfeitureQuery): Promise<ForfeitureView[]> {
  const { rows } = await tx.query<{
    id: string;
    order_id: string;
    amount_cents: bigint | string;
    reason: string;
    forfeited_on: string;
  }>(
    `SELECT f.id, f.order_id, f.amount_cents, f.reason, to_char(f.forfeited_on, 'YYYY-MM-DD') AS forfeited_on
       FROM forfeitures f JOIN orders o ON o.id = f.order_id
      WHERE ($1::text IS NULL OR f.order_id = $1) AND f.id COLLATE "C" > $2
        AND ($4::text IS NULL OR o.consignee_id = $4 OR o.end_user_id = $4)
      ORDER BY f.id COLLATE "C" LIMIT $3`,
    [query.orderId, query.after, query.limit, query.partyId],
  );
  return rows.map((row) => ({
    id: row.id,
    orderId: row.order_id,
    amountCents: BigInt(String(row.amount_cents)),
    reason: row.reason,
    kind: kindOf(row.reason),
    forfeitedOn: row.forfeited_on,
  }));
}
