// The candidates of a screening query: names reached through the inverted index (exact keys,
// translations, pinyin), through vocabulary words within the typo allowance (the one-deletion
// index for short words, the trigram index for long and glued ones, remembered per index), through
// glued adjacent query words and through acronyms; a cheap weighted estimate keeps the best few
// for the full scoring of match.ts.
import { deletionKeyLengthMax, deletionVariants, type ScreeningIndex, trigrams } from "./name-index.ts";
import { acronymLengthMin, type Side } from "./score.ts";
import { editDistance, typoAllowance } from "./similarity.ts";

/** Names fully scored per query, chosen by a cheap estimate. */
export const candidatesScoredMax = 20;
/** Candidates whose estimate is below this share of the best estimate are not scored. */
export const candidateEstimateShareMin = 0.3;
/** Keys more frequent than this are not used to find candidates (their names come via rarer keys). */
export const blockingDocumentFrequencyMax = 2500;

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
export function candidateNames(
  index: ScreeningIndex,
  side: Side,
  queryInitials: readonly string[],
): number[] {
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
