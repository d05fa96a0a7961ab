// The stored decisions for the counterfactual (StoredDecisionReader): the `decisions` table read
// page by page in id order (ids are UUIDv7, so that is the order they were made), with the dossier
// as decided and the findings' statuses.
import type { StoredDecision, StoredDecisionReader } from "../../../app/simulation/ports.ts";
import type { Store } from "../store.ts";

interface DecisionRow {
  id: string;
  order_id: string;
  shipment_id: string | null;
  purpose: StoredDecision["purpose"];
  evaluated_on: string;
  scenarios: string[];
  decision: StoredDecision["decision"];
  deciding_rule_ids: string[];
  dossier: unknown;
  findings: StoredDecision["findings"] | null;
}

export class SqlStoredDecisionReader implements StoredDecisionReader {
  constructor(private readonly store: Store) {}

  async decisions(page: { after: string | null; limit: number }): Promise<StoredDecision[]> {
    const { rows } = await this.store.query<DecisionRow>(
      `SELECT id, order_id, shipment_id, purpose, to_char(evaluated_on, 'YYYY-MM-DD') AS evaluated_on,
              scenarios, decision, deciding_rule_ids, dossier,
              (SELECT json_agg(json_build_object('ruleId', f.value->>'ruleId', 'status', f.value->>'status',
                        'message', f.value->>'message') ORDER BY f.n)
                 FROM jsonb_array_elements(result->'findings') WITH ORDINALITY AS f(value, n)) AS findings
         FROM decisions
        WHERE $1::text IS NULL OR id > $1::text COLLATE "C"
        ORDER BY id COLLATE "C"
        LIMIT $2`,
      [page.after, page.limit],
    );
    return rows.map((row) => ({
      id: row.id,
      orderId: row.order_id,
      shipmentId: row.shipment_id,
      purpose: row.purpose,
      evaluatedOn: row.evaluated_on,
      scenarios: row.scenarios,
      decision: row.decision,
      decidingRuleIds: row.deciding_rule_ids,
      dossier: row.dossier,
      findings: row.findings ?? [],
    }));
  }
}
