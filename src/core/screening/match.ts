// Screening a name against the index, and matching two names, with an explanation for every hit.
// Candidates come from the inverted index (exact keys, translations, pinyin), the trigram index
// over the vocabulary (typos, glued words), glued query words and acronyms; the best few by a
// cheap estimate are scored token by token (score.ts), then the country qualifier applies.
import { badInput } from "../errors.ts";
import {
  deletionKeyLengthMax,
  deletionVariants,
  type IndexedName,
  initialsOf,
  type ListVersionRef,
  type ScreeningIndex,
  tokenWeight,
  trigrams,
} from "./name-index.ts";
import { type NormalizedName, normalizeName } from "./normalize.ts";
import {
  type Adjustment,
  acronymLengthMin,
  type MatchKind,
  type Side,
  scoreTokens,
  type TokenScore,
} from "./score.ts";
import { editDistance, typoAllowance } from "./similarity.ts";
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
/** Names fully scored per query, chosen by a cheap estimate. */
export const candidatesScoredMax = 20;
/** Candidates whose estimate is below this share of the best estimate are not scored. */
export const candidateEstimateShareMin = 0.3;
/** Keys more frequent than this are not used to find candidates (their names come via rarer keys). */
export const blockingDocumentFrequencyMax = 2500;
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

/** Per-index scratch arrays, reused across queries (screening is synchronous, so never shared). */
interface Scratch {
  /** Fuzzy vocabulary lookups by key, kept across queries (party names share words); bounded. */
  readonly nearByKey: Map<string, Int32Array>;
  readonly gramCounts: Int32Array;
  readonly gramTouched: Int32Array;
  readonly estimate: Float64Array;
  readonly estimateTouched: Int32Array;
}
const scratchByIndex = new WeakMap<ScreeningIndex, Scratch>();

function scratchOf(index: ScreeningIndex): Scratch {
  let scratch = scratchByIndex.get(index);
  if (scratch === undefined) {
    scratch = {
      nearByKey: new Map(),
      gramCounts: new Int32Array(index.vocab.length),
      gramTouched: new Int32Array(index.vocab.length),
      estimate: new Float64Array(index.names.length),
      estimateTouched: new Int32Array(index.names.length),
    };
    scratchByIndex.set(index, scratch);
  }
  return scratch;
}

/**
 * Words at least this frequent are not looked up fuzzily: their misspellings add little evidence,
 * and names containing them are still found through the query's other words.
 */
export const fuzzyLookupDocumentFrequencyMax = 50;

/** Trigram lists longer than this (" co", "ing") are skipped when looking for near words. */
export const gramPostingsScannedMax = 3000;

/**
 * Vocabulary keys within typo distance of `key`, or containing it / contained in it (glued words).
 * Each edit destroys at most three trigrams, so a word within the allowance shares at least
 * `grams - 3 × allowance` of them; that bound filters before the edit distance is computed.
 */
function fuzzyVocab(index: ScreeningIndex, key: string, scratch: Scratch, out: number[]): void {
  const { gramCounts, gramTouched } = scratch;
  let touched = 0;
  const grams = trigrams(key);
  for (const gram of grams) {
    const ids = index.gramPostings.get(gram);
    if (ids === undefined || ids.length > gramPostingsScannedMax) continue;
    for (const v of ids) {
      if (gramCounts[v] === 0) gramTouched[touched++] = v;
      gramCounts[v] = (gramCounts[v] ?? 0) + 1;
    }
  }
  const allowance = typoAllowance(key.length);
  const nearMin = Math.max(1, grams.length - 3 * allowance);
  for (let t = 0; t < touched; t++) {
    const v = gramTouched[t] ?? 0;
    const shared = gramCounts[v] ?? 0;
    gramCounts[v] = 0;
    const word = index.vocab[v] ?? "";
    const gluedCandidate =
      word.length >= 4 && key.length >= 4 && shared * 2 >= Math.min(grams.length, word.length + 2);
    const nearCandidate = allowance > 0 && shared >= nearMin;
    if (!gluedCandidate && !nearCandidate) continue;
    const near =
      nearCandidate &&
      word !== key &&
      Math.abs(word.length - key.length) <= allowance &&
      editDistance(key, word, allowance) <= allowance;
    const glued = gluedCandidate && word !== key && (key.includes(word) || word.includes(key));
    if (near || glued) out.push(v);
  }
}

/** Remembered fuzzy lookups per index, at most this many keys (then the memory starts over). */
export const nearCacheKeysMax = 100_000;

/** Short keys (one typo allowed): words sharing a one-deletion variant, then checked. */
function deletionVocab(index: ScreeningIndex, key: string, out: number[]): void {
  const seen = new Set<number>();
  for (const variant of deletionVariants(key)) {
    for (const v of index.deletions.get(variant) ?? []) {
      if (seen.has(v)) continue;
      seen.add(v);
      const word = index.vocab[v] ?? "";
      if (word !== key && editDistance(key, word, 1) <= 1) out.push(v);
    }
  }
}

function nearVocab(index: ScreeningIndex, key: string, scratch: Scratch, buffer: number[]): Int32Array {
  const known = scratch.nearByKey.get(key);
  if (known !== undefined) return known;
  buffer.length = 0;
  // Short words: typos through the deletion index. Long words (which may also be glued): trigrams.
  if (key.length <= deletionKeyLengthMax) deletionVocab(index, key, buffer);
  else fuzzyVocab(index, key, scratch, buffer);
  const found = Int32Array.from(buffer);
  if (scratch.nearByKey.size >= nearCacheKeysMax) scratch.nearByKey.clear();
  scratch.nearByKey.set(key, found);
  return found;
}

/** Names worth scoring, best estimate first. */
function candidateNames(index: ScreeningIndex, side: Side, queryInitials: readonly string[]): number[] {
  const scratch = scratchOf(index);
  const { estimate, estimateTouched } = scratch;
  let touched = 0;
  const add = (ids: Int32Array | undefined, weight: number) => {
    if (ids === undefined || ids.length > blockingDocumentFrequencyMax) return;
    for (const id of ids) {
      if (estimate[id] === 0) estimateTouched[touched++] = id;
      estimate[id] = (estimate[id] ?? 0) + weight;
    }
  };
  const near: number[] = [];
  side.tokens.forEach((token, i) => {
    if (token.legal) return;
    const w = side.weights[i] ?? 0;
    for (const key of token.keys) {
      add(index.postings.get(key), w);
      if (token.numeral || (index.documentFrequency.get(key) ?? 0) >= fuzzyLookupDocumentFrequencyMax)
        continue;
      for (const v of nearVocab(index, key, scratch, near))
        add(index.postings.get(index.vocab[v] ?? ""), w * 0.8);
    }
    const next = side.tokens[i + 1];
    if (next !== undefined) add(index.postings.get((token.keys[0] ?? "") + (next.keys[0] ?? "")), w * 2);
  });
  for (const token of side.tokens) {
    const key = token.keys[0] ?? "";
    if (!token.legal && key.length >= acronymLengthMin) add(index.acronyms.get(key), 5);
  }
  for (const initials of queryInitials) {
    if (initials.length >= acronymLengthMin) add(index.postings.get(initials), 5);
  }
  const totalQuery = side.weights.reduce((a, b) => a + b, 0);
  // Keep the best few by estimate (insertion into a short sorted list; no sort of every candidate).
  const topIds: number[] = [];
  const topEst: number[] = [];
  for (let t = 0; t < touched; t++) {
    const id = estimateTouched[t] ?? 0;
    const est = (2 * (estimate[id] ?? 0)) / (totalQuery + (index.names[id]?.totalWeight ?? 0));
    estimate[id] = 0;
    if (topIds.length === candidatesScoredMax && est <= (topEst[topEst.length - 1] ?? 0)) continue;
    let at = topEst.length;
    while (at > 0 && (topEst[at - 1] ?? 0) < est) at--;
    topIds.splice(at, 0, id);
    topEst.splice(at, 0, est);
    if (topIds.length > candidatesScoredMax) {
      topIds.pop();
      topEst.pop();
    }
  }
  // The estimate ignores one-to-one pairing and glue, so it is only a guide: keep a wide margin.
  const best = topEst[0] ?? 0;
  return topIds.filter((_, k) => (topEst[k] ?? 0) >= best * candidateEstimateShareMin);
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
