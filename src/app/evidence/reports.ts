// Reads of the evidence records for reports, shared by the HTTP routes and the CLI: Section 232
// duty totals per window (by band, exemption claims apart, integer cents) and the forfeiture
// entries (an order's, or every order's a principal may see). Who may ask is the policy's business
// (actions `duty.read`, `forfeitures.read`); a party-scoped principal's list is cut to its orders
// here, in the query, so a page never holds someone else's entry. The records are read through the
// `EvidenceReportSource` port (its SQL: src/adapters/db/evidence/reports-sql.ts); reversed records
// (issue #13) are not read.
import { z } from "zod";
import { badInput } from "../../core/errors.ts";
import {
  type DutyGroup,
  type DutyWindowKind,
  type DutyWindowTotals,
  dutyReport,
  dutyWindowKinds,
  dutyWindows,
  dutyWindowsMax,
} from "../../core/evidence/duty.ts";
import { type ForfeitureReason, forfeitureReasons } from "../../core/evidence/payments.ts";
import { isoDateSchema } from "../../core/shared.ts";
import { parseInput } from "../../core/validation.ts";

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
export async function dutyTotals(source: EvidenceReportSource, input: unknown): Promise<DutyTotalsReport> {
  const query = parseInput(dutyTotalsQuerySchema, input, "duty totals query");
  const windows = dutyWindows(query.from, query.to, query.by);
  if (windows.length > dutyWindowsMax)
    throw badInput(
      "duty totals query at `from`, `to`",
      `more than ${dutyWindowsMax} windows by ${query.by}; ask for a shorter range or a longer window`,
      "too_many_windows",
    );
  const groups = await source.dutyGroups(query.from, query.to);
  return { from: query.from, to: query.to, by: query.by, windows: dutyReport(windows, groups) };
}

/** What the reports read from the records (one snapshot per call; reversed records left out). */
export interface EvidenceReportSource {
  /** Live duty entries entered in [from, to], summed per day, band and exemption claim. */
  dutyGroups(from: string, to: string): Promise<DutyGroup[]>;
  /** Forfeiture entries as recorded, in id order (byte order), cut as the query says. */
  forfeitures(query: ForfeitureQuery): Promise<Omit<ForfeitureView, "kind">[]>;
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
export async function listForfeitures(
  source: EvidenceReportSource,
  query: ForfeitureQuery,
): Promise<ForfeitureView[]> {
  const rows = await source.forfeitures(query);
  return rows.map((row) => ({ ...row, kind: kindOf(row.reason) }));
}
