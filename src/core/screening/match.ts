// Screening a name against the index, and matching two names, with an explanation for every hit.
// Candidates come from candidates.ts (the inverted index, the trigram index over the vocabulary
// for typos and glued words, glued query words and acronyms); the best few by a cheap estimate
// are scored token by token (score.ts), then the country qualifier applies.
import { badInput } from "../errors.ts";
import { candidateNames } from "./candidates.ts";
import {
  type IndexedName,
  initialsOf,
  type ListVersionRef,
  type ScreeningIndex,
  tokenWeight,
} from "./name-index.ts";
import { type NormalizedName, normalizeName } from "./normalize.ts";
import { type Adjustment, type MatchKind, type Side, scoreTokens, type TokenScore } from "./score.ts";
import type { EntryType, ListEntry, ListName, SourceCitation } from "./types.ts";
import { entryFingerprint } from "./versions.ts";

/**
 * Alert threshold: a hit at or above it puts the party on hold. Tuned on test/screening/queries.json
 * (see docs/screening.md for the measured precision and recall).
 */
export const alertThreshold = 0.78;
/** Hits reported with `all`: anything at or above this floor. */
export const reportFloor = 0.5;
export const queryLengthMax = 300;
export const hitsMax = 50;
export const countryMatchBonus = 0.03;
export const countryMismatchPenalty = 0.07;

export interface TokenPairExplanation {
  readonly query: string;
  readonly listed: string;
  readonly queryKey: string;
  readonly listedKey: string;
  readonly score: number;
  readonly how: MatchKind;
}

export interface CountryQualifier {
  readonly query?: string;
  readonly listed: readonly string[];
  readonly effect: "match" | "mismatch" | "not_applied";
  readonly delta: number;
}

export interface HitExplanation {
  readonly summary: string;
  readonly matchedName: ListName;
  readonly pairs: readonly TokenPairExplanation[];
  readonly unmatchedQuery: readonly string[];
  readonly unmatchedListed: readonly string[];
  readonly queryNormalization: readonly string[];
  readonly listedNormalization: readonly string[];
  readonly baseScore: number;
  readonly adjustments: readonly Adjustment[];
  readonly country: CountryQualifier;
  readonly list: { readonly listId: string; readonly version: string; readonly source: SourceCitation };
}

export interface Hit {
  readonly listId: string;
  readonly entryId: string;
  /** Fingerprint of the listed entry (versions.ts): a disposition reopens when it changes. */
  readonly entryFingerprint: string;
  /** The entry's primary name. */
  readonly name: string;
  readonly type: EntryType;
  readonly countries: readonly string[];
  readonly score: number;
  readonly alert: boolean;
  readonly explanation: HitExplanation;
}

export interface ScreenOptions {
  /** ISO alpha-2 country of the party, a qualifier. */
  readonly country?: string;
  /** Report everything at or above `reportFloor`, not only alerts. */
  readonly all?: boolean;
  readonly person?: boolean;
  readonly threshold?: number;
}

export interface ScreenResult {
  readonly query: string;
  readonly threshold: number;
  readonly hits: Hit[];
  readonly listVersions: ListVersionRef[];
}

const round = (x: number): number => Math.round(x * 10_000) / 10_000;

function querySide(index: ScreeningIndex, norm: NormalizedName): Side {
  const weights = norm.tokens.map((t) => tokenWeight(index, t));
  return { tokens: norm.tokens, weights, initials: initialsOf(norm.tokens) };
}

function countryQualifier(country: string | undefined, listed: readonly string[]): CountryQualifier {
  if (country === undefined || listed.length === 0) return { listed, effect: "not_applied", delta: 0 };
  return listed.includes(country)
    ? { query: country, listed, effect: "match", delta: countryMatchBonus }
    : { query: country, listed, effect: "mismatch", delta: -countryMismatchPenalty };
}

function pairExplanations(q: Side, c: Side, s: TokenScore): TokenPairExplanation[] {
  const shown = (side: Side, idx: readonly number[]) =>
    idx.map((i) => side.tokens[i]?.display ?? "").join(" ");
  return s.pairings.map((p) => ({
    query: shown(q, p.query),
    listed: shown(c, p.listed),
    queryKey: p.queryKey,
    listedKey: p.listedKey,
    score: round(p.score),
    how: p.how,
  }));
}

function unmatched(side: Side, used: readonly (readonly number[])[]): string[] {
  const set = new Set(used.flat());
  return side.tokens.flatMap((t, i) => (set.has(i) ? [] : [t.display]));
}

function summaryOf(pairs: readonly TokenPairExplanation[], score: number, name: string): string {
  const parts = pairs.map((p) => `${p.query}→${p.listed} (${p.how} ${p.score.toFixed(2)})`);
  return `${score.toFixed(2)} against "${name}": ${parts.join(", ")}`;
}

interface Scored {
  readonly name: IndexedName;
  readonly side: Side;
  readonly result: TokenScore;
  readonly score: number;
  readonly country: CountryQualifier;
}

const fingerprints = new WeakMap<ListEntry, string>();

/** Entry fingerprints, computed once per entry (a sha256 of canonical JSON is not free). */
function fingerprintOf(entry: ListEntry): string {
  let fingerprint = fingerprints.get(entry);
  if (fingerprint === undefined) {
    fingerprint = entryFingerprint(entry);
    fingerprints.set(entry, fingerprint);
  }
  return fingerprint;
}

function hitOf(index: ScreeningIndex, q: Side, qNorm: NormalizedName, s: Scored, threshold: number): Hit {
  const entry = index.entries[s.name.entry];
  if (entry === undefined) throw new Error("index entry out of range");
  const matchedName = entry.names[s.name.nameIndex] ?? { text: "", kind: "primary" };
  const pairs = pairExplanations(q, s.side, s.result);
  return {
    listId: entry.listId,
    entryId: entry.entryId,
    entryFingerprint: fingerprintOf(entry),
    name: entry.names[0]?.text ?? "",
    type: entry.type,
    countries: entry.countries,
    score: round(s.score),
    alert: s.score >= threshold,
    explanation: {
      summary: summaryOf(pairs, s.score, matchedName.text),
      matchedName,
      pairs,
      unmatchedQuery: unmatched(
        q,
        s.result.pairings.map((p) => p.query),
      ),
      unmatchedListed: unmatched(
        s.side,
        s.result.pairings.map((p) => p.listed),
      ),
      queryNormalization: qNorm.steps,
      listedNormalization: s.name.norm.steps,
      baseScore: round(s.result.base),
      adjustments: s.result.adjustments,
      country: s.country,
      list: {
        listId: entry.listId,
        version: index.versions.get(entry.listId)?.contentHash ?? "",
        source: entry.source,
      },
    },
  };
}

function validQuery(query: string): string {
  const trimmed = query.trim();
  if (trimmed === "") throw badInput("name", "is empty");
  if (trimmed.length > queryLengthMax) throw badInput("name", `longer than ${queryLengthMax} characters`);
  return trimmed;
}

/** Screens one name; returns the hits (best per entry), best first. */
export function screenName(index: ScreeningIndex, query: string, options: ScreenOptions = {}): ScreenResult {
  const text = validQuery(query);
  const country = options.country?.toUpperCase();
  const threshold = options.threshold ?? alertThreshold;
  const floor = options.all === true ? reportFloor : threshold;
  const qNorm = normalizeName(text, index.lexicon, { person: options.person === true, stripBranches: true });
  const q = querySide(index, qNorm);
  const bestByEntry = new Map<number, Scored>();
  for (const id of candidateNames(index, q, q.initials ?? [])) {
    const name = index.names[id];
    const entry = name === undefined ? undefined : index.entries[name.entry];
    if (name === undefined || entry === undefined) continue;
    const side = { tokens: name.norm.tokens, weights: name.weights, initials: name.initials };
    const result = scoreTokens(q, side);
    if (result.score <= 0) continue;
    const qualifier = countryQualifier(country, entry.countries);
    const score = Math.max(0, Math.min(1, result.score + qualifier.delta));
    const prev = bestByEntry.get(name.entry);
    if (prev === undefined || score > prev.score)
      bestByEntry.set(name.entry, { name, side, result, score, country: qualifier });
  }
  const kept = [...bestByEntry.values()].filter((s) => s.score >= floor).sort((a, b) => b.score - a.score);
  return {
    query: text,
    threshold,
    hits: kept.slice(0, hitsMax).map((s) => hitOf(index, q, qNorm, s, threshold)),
    listVersions: [...index.versions.values()],
  };
}

export interface NameMatch {
  readonly score: number;
  readonly alert: boolean;
  readonly explanation: Omit<HitExplanation, "matchedName" | "list" | "country">;
}

/** Matches two names directly, with the index's IDF weights (so common words weigh less). */
export function matchNames(index: ScreeningIndex, a: string, b: string): NameMatch {
  const aNorm = normalizeName(validQuery(a), index.lexicon);
  const bNorm = normalizeName(validQuery(b), index.lexicon);
  const qa = querySide(index, aNorm);
  const qb = querySide(index, bNorm);
  const result = scoreTokens(qa, qb);
  const pairs = pairExplanations(qa, qb, result);
  return {
    score: round(result.score),
    alert: result.score >= alertThreshold,
    explanation: {
      summary: summaryOf(pairs, result.score, b),
      pairs,
      unmatchedQuery: unmatched(
        qa,
        result.pairings.map((p) => p.query),
      ),
      unmatchedListed: unmatched(
        qb,
        result.pairings.map((p) => p.listed),
      ),
      queryNormalization: aNorm.steps,
      listedNormalization: bNorm.steps,
      baseScore: round(result.base),
      adjustments: result.adjustments,
    },
  };
}
