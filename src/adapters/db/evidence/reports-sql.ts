// The SQL behind the evidence reports (src/app/evidence/reports.ts): duty entries summed per day,
// band and exemption claim (reversed entries left out, issue #13), and forfeiture entries in id
// order cut to a party's orders. Each read is one statement, so one snapshot.
import type { EvidenceReportSource } from "../../../app/evidence/reports.ts";
import type { DutyGroup } from "../../../core/evidence/duty.ts";
import type { Store } from "../store.ts";

export function sqlEvidenceReports(store: Store): EvidenceReportSource {
  return {
    async dutyGroups(from, to) {
      const { rows } = await store.query<{
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
        [from, to],
      );
      return rows.map(
        (row): DutyGroup => ({
          enteredOn: row.entered_on,
          band: row.band === 1 || row.band === 2 ? row.band : null,
          exempt: row.exempt,
          entries: Number(row.entries),
          enteredValueCents: BigInt(String(row.entered)),
          dutyOwedCents: BigInt(String(row.owed)),
          dutyPaidCents: BigInt(String(row.paid)),
        }),
      );
    },
    async forfeitures(query) {
      const { rows } = await store.query<{
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
        forfeitedOn: row.forfeited_on,
      }));
    },
  };
}
