// Evaluates the matcher on test/screening/queries.json: precision and recall at a threshold.
// Recall = expected entries that alert / expected entries; precision = alerting hits that are
// expected or accepted / all alerting hits. Used by quality.test.ts and by docs/screening.md.
import { readFileSync } from "node:fs";
import { screenName } from "../../src/core/screening/match.ts";
import type { ScreeningIndex } from "../../src/core/screening/name-index.ts";

export interface QualityQuery {
  readonly query: string;
  readonly country?: string;
  readonly expect: readonly string[];
  readonly accept?: readonly string[];
  readonly acceptNameContains?: readonly string[];
}

export interface QualityReport {
  readonly queries: number;
  readonly expected: number;
  readonly found: number;
  readonly alerts: number;
  readonly relevantAlerts: number;
  readonly precision: number;
  readonly recall: number;
  readonly misses: { query: string; missing: string[] }[];
  readonly falseAlerts: { query: string; hit: string; name: string; score: number }[];
}

export function loadQualityQueries(): QualityQuery[] {
  const path = new URL("./queries.json", import.meta.url);
  return (JSON.parse(readFileSync(path, "utf8")) as { queries: QualityQuery[] }).queries;
}

export function evaluateQuality(
  index: ScreeningIndex,
  queries: readonly QualityQuery[],
  threshold: number,
): QualityReport {
  let expected = 0;
  let found = 0;
  let alerts = 0;
  let relevantAlerts = 0;
  const misses: QualityReport["misses"] = [];
  const falseAlerts: QualityReport["falseAlerts"] = [];
  for (const q of queries) {
    const result = screenName(index, q.query, {
      threshold,
      ...(q.country === undefined ? {} : { country: q.country }),
    });
    const ids = new Set(result.hits.map((h) => `${h.listId}/${h.entryId}`));
    const missing = q.expect.filter((id) => !ids.has(id));
    expected += q.expect.length;
    found += q.expect.length - missing.length;
    if (missing.length > 0) misses.push({ query: q.query, missing });
    for (const hit of result.hits) {
      alerts++;
      const id = `${hit.listId}/${hit.entryId}`;
      const name = hit.name.toLowerCase();
      const ok =
        q.expect.includes(id) ||
        (q.accept ?? []).includes(id) ||
        (q.acceptNameContains ?? []).some((s) => name.includes(s));
      if (ok) relevantAlerts++;
      else falseAlerts.push({ query: q.query, hit: id, name: hit.name, score: hit.score });
    }
  }
  return {
    queries: queries.length,
    expected,
    found,
    alerts,
    relevantAlerts,
    precision: alerts === 0 ? 1 : relevantAlerts / alerts,
    recall: expected === 0 ? 1 : found / expected,
    misses,
    falseAlerts,
  };
}
