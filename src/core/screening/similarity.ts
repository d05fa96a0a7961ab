// String similarity for token pairs: Jaro-Winkler (the score) and the optimal-string-alignment
// edit distance (the gate: how many typos a token of a given length may carry). Both work on
// UTF-16 code units, which is enough for folded Latin keys and pinyin.

/** Jaro-Winkler similarity in [0, 1], prefix scale 0.1, prefix up to 4. */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1);
  const matchedA = new Uint8Array(la);
  const matchedB = new Uint8Array(lb);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const from = Math.max(0, i - window);
    const to = Math.min(lb - 1, i + window);
    for (let j = from; j <= to; j++) {
      if (matchedB[j] === 1 || a.charCodeAt(i) !== b.charCodeAt(j)) continue;
      matchedA[i] = 1;
      matchedB[j] = 1;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if (matchedA[i] !== 1) continue;
    while (matchedB[k] !== 1) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++;
    k++;
  }
  const m = matches;
  const jaro = (m / la + m / lb + (m - transpositions / 2) / m) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < la && prefix < lb && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/** Reused dynamic-programming rows for editDistance. */
let rows = new Int32Array(3 * 64);

/**
 * Optimal string alignment distance (Levenshtein plus adjacent transposition), or `limit + 1`
 * as soon as it is certain to exceed `limit`.
 */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const lb = b.length;
  if (rows.length < 3 * (lb + 1)) rows = new Int32Array(6 * (lb + 1));
  const width = lb + 1;
  // Three rolling rows in one reused buffer: no allocation per call (this runs thousands of times per query).
  let prev2 = 0;
  let prev = width;
  let cur = 2 * width;
  for (let j = 0; j <= lb; j++) rows[prev + j] = j;
  for (let i = 1; i <= a.length; i++) {
    rows[cur] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= lb; j++) {
      const cb = b.charCodeAt(j - 1);
      const cost = ca === cb ? 0 : 1;
      let v = Math.min(
        (rows[prev + j] ?? 0) + 1,
        (rows[cur + j - 1] ?? 0) + 1,
        (rows[prev + j - 1] ?? 0) + cost,
      );
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
        v = Math.min(v, (rows[prev2 + j - 2] ?? 0) + 1);
      }
      rows[cur + j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return Math.min(rows[prev + lb] ?? 0, limit + 1);
}

/** Typos a token may carry: none up to 3 characters, then one per 4 more characters, at most 3. */
export const typoAllowance = (length: number): number =>
  length <= 3 ? 0 : Math.min(3, (length - 4) / 4 + 1) | 0;

/** Fuzzy similarity of two keys: Jaro-Winkler if within the typo allowance of the shorter key, else 0. */
export function fuzzySimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const allowance = typoAllowance(Math.min(a.length, b.length));
  if (allowance === 0) return 0;
  if (editDistance(a, b, allowance) > allowance) return 0;
  return jaroWinkler(a, b);
}
