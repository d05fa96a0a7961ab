// Text output of the screening commands, and the parsing of their shared options (format, country).
import type { ImportFormat } from "../../../app/screening/lists.ts";
import { importFormats } from "../../../app/screening/lists.ts";
import { badInput, quote } from "../../../core/errors.ts";
import { isCountryCode } from "../../../core/screening/countries.ts";
import type { Hit, NameMatch, ScreenResult } from "../../../core/screening/match.ts";

export const out = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

export function formatOf(value: string): ImportFormat {
  const format = importFormats.find((f) => f === value);
  if (format === undefined)
    throw badInput(`format ${quote(value)}`, `must be one of ${importFormats.join(", ")}`);
  return format;
}

export function countryOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!isCountryCode(value)) throw badInput(`country ${quote(value)}`, "must be an ISO 3166-1 alpha-2 code");
  return value.toUpperCase();
}

export function formatHit(hit: Hit): string {
  const e = hit.explanation;
  const lines = [
    `${hit.score.toFixed(2)}  ${hit.name}  [${hit.listId} ${hit.entryId}]${hit.alert ? "  ALERT" : ""}`,
    `      matched ${e.matchedName.kind} name "${e.matchedName.text}"; list ${e.list.source.list}` +
      `${e.list.source.citation ? `, ${e.list.source.citation}` : ""}; version ${e.list.version.slice(0, 12)}`,
  ];
  for (const p of e.pairs) lines.push(`      ${p.query} → ${p.listed}  ${p.how} ${p.score.toFixed(2)}`);
  if (e.unmatchedQuery.length > 0) lines.push(`      unmatched in query: ${e.unmatchedQuery.join(", ")}`);
  if (e.unmatchedListed.length > 0)
    lines.push(`      unmatched in listed name: ${e.unmatchedListed.join(", ")}`);
  for (const a of e.adjustments) lines.push(`      × ${a.factor}: ${a.reason}`);
  if (e.country.effect !== "not_applied") {
    lines.push(
      `      country ${e.country.query ?? ""} ${e.country.effect} (${e.country.listed.join(", ")}): ${e.country.delta}`,
    );
  }
  const steps = [...new Set([...e.queryNormalization, ...e.listedNormalization])];
  if (steps.length > 0) lines.push(`      normalized: ${steps.join("; ")}`);
  return lines.join("\n");
}

export function formatScreen(result: ScreenResult): string {
  const head = `${result.hits.length} hit(s) for "${result.query}" at threshold ${result.threshold}`;
  const lists = result.listVersions.map((v) => `${v.listId}@${v.contentHash.slice(0, 12)}`).join(", ");
  return [head, ...result.hits.map(formatHit), `screened against: ${lists}`].join("\n");
}

export function formatMatch(a: string, b: string, m: NameMatch): string {
  const lines = [`${m.score.toFixed(2)}${m.alert ? "  ALERT" : ""}  "${a}" ~ "${b}"`];
  for (const p of m.explanation.pairs)
    lines.push(`  ${p.query} → ${p.listed}  ${p.how} ${p.score.toFixed(2)}`);
  for (const x of m.explanation.adjustments) lines.push(`  × ${x.factor}: ${x.reason}`);
  return lines.join("\n");
}
