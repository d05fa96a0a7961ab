// The overview's reads on SQL (OverviewReader of src/app/overview/ports.ts), over the tables of
// migrations 0001 (ledger) and 0010 (orders, decisions, licences, shipments). Aggregates run in the
// database (GROUP BY), so a store with 10,000 shipments answers a few rows. Party scope follows the
// shipment routes: an order is a party's when it is the consignee or the end user.
import type {
  CountByKey,
  DecisionFilter,
  DecisionOutcome,
  DecisionSummary,
  LicenceSummary,
  OverviewReader,
  VolumeDay,
} from "../../../app/overview/ports.ts";
import type { Store } from "../store.ts";

/** A party-scoped principal's orders: an importer's as consignee or end user, an exporter's own (#13). */
const partyClause = (column: string, param: string) =>
  `(${param}::text IS NULL OR ${column}.consignee_id = ${param} OR ${column}.end_user_id = ${param} OR ${column}.exporter_id = ${param})`;

const iso = (value: unknown): string => (value instanceof Date ? value.toISOString() : String(value));
const day = (value: unknown): string =>
  value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10);

export class SqlOverviewReader implements OverviewReader {
  constructor(private readonly store: Store) {}

  private async counts(sql: string, partyId: string | null): Promise<CountByKey[]> {
    const { rows } = await this.store.query<{ key: string; count: string | number }>(sql, [partyId]);
    return rows.map((row) => ({ key: row.key, count: Number(row.count) }));
  }

  decisionsByOutcome(partyId: string | null): Promise<CountByKey[]> {
    return this.counts(
      `SELECT d.decision AS key, count(*) AS count FROM decisions d JOIN orders o ON o.id = d.order_id
        WHERE ${partyClause("o", "$1")} GROUP BY d.decision ORDER BY d.decision`,
      partyId,
    );
  }

  ordersByStatus(partyId: string | null): Promise<CountByKey[]> {
    return this.counts(
      `SELECT o.status AS key, count(*) AS count FROM orders o
        WHERE ${partyClause("o", "$1")} GROUP BY o.status ORDER BY o.status`,
      partyId,
    );
  }

  shipmentsByStatus(partyId: string | null): Promise<CountByKey[]> {
    return this.counts(
      `SELECT s.status AS key, count(*) AS count FROM shipments s JOIN orders o ON o.id = s.order_id
        WHERE ${partyClause("o", "$1")} GROUP BY s.status ORDER BY s.status`,
      partyId,
    );
  }

  async volumeHistory(accountId: string, daysMax: number): Promise<VolumeDay[]> {
    // Daily sums, then running totals: the balances at the end of each day with a movement.
    const { rows } = await this.store.query<{ day: unknown; us: string; pending: string; posted: string }>(
      `SELECT day,
                sum(us) OVER w AS us, sum(pending) OVER w AS pending, sum(posted) OVER w AS posted
           FROM (SELECT (at AT TIME ZONE 'UTC')::date AS day, sum(d_us_posted) AS us,
                        sum(d_cn_pending) AS pending, sum(d_cn_posted) AS posted
                   FROM ledger_movements WHERE account_id = $1 GROUP BY 1) daily
         WINDOW w AS (ORDER BY day)
         ORDER BY day DESC LIMIT $2`,
      [accountId, daysMax],
    );
    return rows.reverse().map((row) => ({
      day: day(row.day),
      usPosted: BigInt(row.us),
      cnPending: BigInt(row.pending),
      cnPosted: BigInt(row.posted),
    }));
  }

  async listDecisions(filter: DecisionFilter): Promise<DecisionSummary[]> {
    const { rows } = await this.store.query<{
      id: string;
      order_id: string;
      shipment_id: string | null;
      purpose: "application" | "release";
      evaluated_on: unknown;
      decision: DecisionOutcome;
      deciding_rule_ids: string[];
      decided_at: unknown;
    }>(
      `SELECT d.id, d.order_id, d.shipment_id, d.purpose, d.evaluated_on, d.decision,
                d.deciding_rule_ids, d.decided_at
           FROM decisions d JOIN orders o ON o.id = d.order_id
          WHERE ($1::text IS NULL OR d.decision = $1) AND d.id > $2 AND ${partyClause("o", "$4")}
          ORDER BY d.id COLLATE "C" LIMIT $3`,
      [filter.outcome, filter.after, filter.limit, filter.partyId],
    );
    return rows.map((row) => ({
      id: row.id,
      orderId: row.order_id,
      shipmentId: row.shipment_id,
      purpose: row.purpose,
      evaluatedOn: day(row.evaluated_on),
      decision: row.decision,
      decidingRuleIds: row.deciding_rule_ids,
      decidedAt: iso(row.decided_at),
    }));
  }

  async listLicences(after: string, limit: number, partyId: string | null): Promise<LicenceSummary[]> {
    const { rows } = await this.store.query<{
      id: string;
      order_id: string;
      decision_id: string;
      granted_units: string;
      used_units: string;
      granted_value_cents: string;
      used_value_cents: string;
      expires_on: unknown;
      granted_at: unknown;
    }>(
      `SELECT l.id, l.order_id, l.decision_id, l.granted_units, l.used_units, l.granted_value_cents,
                l.used_value_cents, l.expires_on, l.granted_at
           FROM licences l JOIN orders o ON o.id = l.order_id
          WHERE l.id > $1 AND ${partyClause("o", "$3")}
          ORDER BY l.id COLLATE "C" LIMIT $2`,
      [after, limit, partyId],
    );
    return rows.map((row) => ({
      id: row.id,
      orderId: row.order_id,
      decisionId: row.decision_id,
      grantedUnits: BigInt(row.granted_units),
      usedUnits: BigInt(row.used_units),
      grantedValueCents: BigInt(row.granted_value_cents),
      usedValueCents: BigInt(row.used_value_cents),
      expiresOn: day(row.expires_on),
      grantedAt: iso(row.granted_at),
    }));
  }
}
