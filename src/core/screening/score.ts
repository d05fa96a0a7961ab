// Token-level name scoring, independent of word order. Candidate pairings (one query token or a
// run of glued tokens ↔ one listed token or run) are scored (exact, translated, pinyin, fuzzy,
// initials, acronym, glued), chosen greedily best-first without reuse, and the score is the
// weighted share of both names covered: Σ pair·(w_query + w_listed) / (Σ w_query + Σ w_listed),
// with IDF weights, so rare words count and legal forms hardly do. Then: no hit on legal forms
// alone, a strong penalty for an unmatched numeral, and a penalty when what matched is very short.
import { initialsOf } from "./name-index.ts";
import type { Token } from "./normalize.ts";
import { fuzzySimilarity } from "./similarity.ts";

export const matchKinds = ["exact", "translated", "pinyin", "fuzzy", "glued", "initials", "acronym"] as const;
export type MatchKind = (typeof matchKinds)[number];

export interface Pairing {
  /** Query token indices (several when glued). */
  readonly query: readonly number[];
  /** Listed token indices (several when glued or an acronym). */
  readonly listed: readonly number[];
  readonly score: number;
  readonly how: MatchKind;
  readonly queryKey: string;
  readonly listedKey: string;
}

export interface Adjustment {
  readonly reason: string;
  readonly factor: number;
}

export interface TokenScore {
  readonly score: number;
  /** Weighted coverage before adjustments. */
  readonly base: number;
  readonly pairings: readonly Pairing[];
  readonly adjustments: readonly Adjustment[];
}

export interface Side {
  readonly tokens: readonly Token[];
  readonly weights: readonly number[];
  /** Initials of the tokens (see initialsOf), precomputed for acronym matching. */
  readonly initials?: readonly string[];
}

/** Score of a glued pairing relative to the same letters written apart. */
const gluedFactor = 0.95;
const initialsScore = 0.85;
const acronymScore = 0.9;
/** Two-letter acronyms are everywhere (co, sa, al): only three letters and more count. */
export const acronymLengthMin = 3;
/** An unmatched numeral on either side: "54th Institute" is not "14th Institute". */
export const numeralMismatchFactor = 0.5;
/** Matched content shorter than this many letters is weak evidence. */
export const shortMatchLengthMin = 4;
export const shortMatchFactor = 0.8;

function howExact(q: Token, qi: number, c: Token, ci: number): MatchKind {
  const a = q.keyOrigins[qi] ?? "latin";
  const b = c.keyOrigins[ci] ?? "latin";
  if (a === "translated" || b === "translated") return "translated";
  if (a === "pinyin" || b === "pinyin") return "pinyin";
  return "exact";
}

/** Best single-token pairing of q and c, or undefined. */
function pairTokens(
  q: Token,
  c: Token,
): { score: number; how: MatchKind; qKey: string; cKey: string } | undefined {
  if (q.legal !== c.legal || q.numeral !== c.numeral) return undefined;
  for (let i = 0; i < q.keys.length; i++) {
    const qk = q.keys[i] ?? "";
    const ci = c.keys.indexOf(qk);
    if (ci >= 0) return { score: 1, how: howExact(q, i, c, ci), qKey: qk, cKey: qk };
  }
  if (q.numeral || q.legal) return undefined;
  const qk = q.keys[0] ?? "";
  const ck = c.keys[0] ?? "";
  if (qk.length === 1 && ck.length > 1 && ck.startsWith(qk))
    return { score: initialsScore, how: "initials", qKey: qk, cKey: ck };
  if (ck.length === 1 && qk.length > 1 && qk.startsWith(ck))
    return { score: initialsScore, how: "initials", qKey: qk, cKey: ck };
  let best: { score: number; how: MatchKind; qKey: string; cKey: string } | undefined;
  for (const a of q.keys) {
    for (const b of c.keys) {
      const s = fuzzySimilarity(a, b);
      if (s > 0 && (best === undefined || s > best.score))
        best = { score: s, how: "fuzzy", qKey: a, cKey: b };
    }
  }
  return best;
}

const range = (from: number, count: number): number[] => Array.from({ length: count }, (_, k) => from + k);

/** Pairings where one token equals (or nearly equals) 2–3 adjacent tokens of the other side glued. */
function gluedPairings(one: readonly Token[], runs: readonly Token[], flip: boolean, out: Pairing[]): void {
  for (let i = 0; i < one.length; i++) {
    const token = one[i];
    if (token === undefined || token.numeral) continue;
    for (let j = 0; j < runs.length; j++) {
      let glued = "";
      for (let len = 1; len <= 3 && j + len <= runs.length; len++) {
        glued += runs[j + len - 1]?.keys[0] ?? "";
        if (len === 1) continue;
        for (const key of token.keys) {
          if (key.length < glued.length - 3 || key.length > glued.length + 3) continue;
          // Glued words must start alike; this skips most pairs before any edit distance.
          if (key.charCodeAt(0) !== glued.charCodeAt(0)) continue;
          const s = key === glued ? 1 : fuzzySimilarity(key, glued);
          if (s <= 0) continue;
          const span = range(j, len);
          out.push({
            query: flip ? span : [i],
            listed: flip ? [i] : span,
            score: s * gluedFactor,
            how: "glued",
            queryKey: flip ? glued : key,
            listedKey: flip ? key : glued,
          });
        }
      }
    }
  }
}

/** Pairings where a token is the acronym of the other side's tokens (SMIC ↔ Semiconductor Manufacturing …). */
function acronymPairings(query: Side, listed: Side, out: Pairing[]): void {
  const check = (short: readonly Token[], longSide: Side, flip: boolean) => {
    const long = longSide.tokens;
    if (long.length < 2) return;
    const initials = longSide.initials ?? initialsOf(long);
    if (initials.every((s) => s.length < acronymLengthMin)) return;
    short.forEach((token, i) => {
      const key = token.keys[0] ?? "";
      if (token.numeral || token.legal || key.length < acronymLengthMin || !initials.includes(key)) return;
      const span = long.map((_, k) => k).filter((k) => !long[k]?.numeral);
      out.push({
        query: flip ? span : [i],
        listed: flip ? [i] : span,
        score: acronymScore,
        how: "acronym",
        queryKey: flip ? initials.join("/") : key,
        listedKey: flip ? key : initials.join("/"),
      });
    });
  };
  check(query.tokens, listed, false);
  check(listed.tokens, query, true);
}

function candidatePairings(query: Side, listed: Side): Pairing[] {
  const out: Pairing[] = [];
  query.tokens.forEach((q, i) => {
    listed.tokens.forEach((c, j) => {
      const p = pairTokens(q, c);
      if (p !== undefined) {
        out.push({
          query: [i],
          listed: [j],
          score: p.score,
          how: p.how,
          queryKey: p.qKey,
          listedKey: p.cKey,
        });
      }
    });
  });
  gluedPairings(query.tokens, listed.tokens, false, out);
  gluedPairings(listed.tokens, query.tokens, true, out);
  acronymPairings(query, listed, out);
  return out;
}

/** Greedy one-to-one choice: best score first, then the wider span. */
function choose(pairings: Pairing[], queryCount: number, listedCount: number): Pairing[] {
  pairings.sort(
    (a, b) => b.score - a.score || b.query.length + b.listed.length - a.query.length - a.listed.length,
  );
  const usedQ = new Uint8Array(queryCount);
  const usedC = new Uint8Array(listedCount);
  const chosen: Pairing[] = [];
  for (const p of pairings) {
    if (p.query.some((i) => usedQ[i] === 1) || p.listed.some((j) => usedC[j] === 1)) continue;
    for (const i of p.query) usedQ[i] = 1;
    for (const j of p.listed) usedC[j] = 1;
    chosen.push(p);
  }
  return chosen;
}

const sum = (xs: readonly number[], idx: readonly number[]): number =>
  idx.reduce((a, i) => a + (xs[i] ?? 0), 0);

function adjustmentsFor(query: Side, listed: Side, chosen: readonly Pairing[], base: number): Adjustment[] {
  const adjustments: Adjustment[] = [];
  const content = chosen.filter((p) => p.listed.some((j) => listed.tokens[j]?.legal === false));
  if (content.length === 0) return [{ reason: "only legal forms or nothing matched", factor: 0 }];
  const matchedQ = new Set(chosen.flatMap((p) => p.query));
  const matchedC = new Set(chosen.flatMap((p) => p.listed));
  const numeralMissing =
    query.tokens.some((t, i) => t.numeral && !matchedQ.has(i)) ||
    listed.tokens.some((t, j) => t.numeral && !matchedC.has(j));
  if (numeralMissing)
    adjustments.push({ reason: "a numeral is not matched on the other side", factor: numeralMismatchFactor });
  const letters = content.reduce((n, p) => n + p.listedKey.length, 0);
  if (letters < shortMatchLengthMin && base < 0.99) {
    adjustments.push({
      reason: `matched text shorter than ${shortMatchLengthMin} letters`,
      factor: shortMatchFactor,
    });
  }
  return adjustments;
}

/** Scores a query against one listed name, both already normalized and weighted. */
export function scoreTokens(query: Side, listed: Side): TokenScore {
  const chosen = choose(candidatePairings(query, listed), query.tokens.length, listed.tokens.length);
  const total =
    sum(query.weights, range(0, query.weights.length)) + sum(listed.weights, range(0, listed.weights.length));
  const matched = chosen.reduce(
    (a, p) => a + p.score * (sum(query.weights, p.query) + sum(listed.weights, p.listed)),
    0,
  );
  const base = total > 0 ? Math.min(1, matched / total) : 0;
  const adjustments = adjustmentsFor(query, listed, chosen, base);
  const score = adjustments.reduce((s, a) => s * a.factor, base);
  return { score, base, pairings: chosen, adjustments };
}
