// The screening index, built once over every name and alias of every loaded list: normalized
// tokens with IDF weights, an inverted index key → names, a character-trigram index over the key
// vocabulary (to find typos and glued words without scanning every name), and an acronym index
// (initials of multi-word names → names). Assumes the lists fit in memory (the full OFAC SDN plus
// the CSL is ~25,000 names).
import { type Lexicon, type NormalizedName, normalizeName, type Token } from "./normalize.ts";
import type { ListEntry, ListVersion } from "./types.ts";

/** Weight of a legal-form word: present, so "JSC ARGUMENT" still glues, but worth almost nothing. */
export const legalFormWeight = 0.05;

export interface IndexedName {
  readonly entry: number;
  readonly nameIndex: number;
  readonly norm: NormalizedName;
  readonly weights: readonly number[];
  readonly totalWeight: number;
  readonly initials: readonly string[];
}

export interface ListVersionRef {
  readonly listId: string;
  readonly format: string;
  readonly contentHash: string;
  readonly importedAt: string;
  readonly entryCount: number;
  readonly nameCount: number;
}

export interface ScreeningIndex {
  readonly lexicon: Lexicon;
  readonly entries: readonly ListEntry[];
  readonly versions: ReadonlyMap<string, ListVersionRef>;
  readonly names: readonly IndexedName[];
  readonly postings: ReadonlyMap<string, Int32Array>;
  readonly vocab: readonly string[];
  readonly gramPostings: ReadonlyMap<string, Int32Array>;
  readonly acronyms: ReadonlyMap<string, Int32Array>;
  /** One-deletion variants of short keys → vocabulary ids (finds one-typo words without scanning). */
  readonly deletions: ReadonlyMap<string, Int32Array>;
  readonly documentFrequency: ReadonlyMap<string, number>;
}

/** IDF of a key over the indexed names: ln(1 + N / df); unknown keys count as df = 1. */
export interface CorpusStats {
  readonly documentFrequency: ReadonlyMap<string, number>;
  readonly names: { readonly length: number };
}

export function idf(index: CorpusStats, key: string): number {
  const df = index.documentFrequency.get(key) ?? 1;
  return Math.log(1 + Math.max(1, index.names.length) / df);
}

/** Token weight: legal forms near zero; otherwise the IDF of its most common key. */
export function tokenWeight(index: CorpusStats, token: Token): number {
  if (token.legal) return legalFormWeight;
  let weight = Number.POSITIVE_INFINITY;
  for (const key of token.keys) weight = Math.min(weight, idf(index, key));
  return weight;
}

/** Padded character trigrams of a key: "abc" → " ab", "abc", "bc ". */
export function trigrams(key: string): string[] {
  const padded = ` ${key} `;
  const grams: string[] = [];
  for (let i = 0; i + 3 <= padded.length; i++) grams.push(padded.slice(i, i + 3));
  return grams;
}

/** Keys up to this length are matched for typos through one-deletion variants (SymSpell-style). */
export const deletionKeyLengthMax = 7;

/** The key and each one-character deletion of it. */
export function deletionVariants(key: string): string[] {
  const variants = [key];
  for (let i = 0; i < key.length; i++) variants.push(key.slice(0, i) + key.slice(i + 1));
  return variants;
}

/** Initials of a name's tokens (all, and without legal forms), for acronym matching. */
export function initialsOf(tokens: readonly Token[]): string[] {
  const latin = tokens.filter((t) => !t.numeral && /^[a-z]/.test(t.keys[0] ?? ""));
  const all = latin.map((t) => t.keys[0]?.[0] ?? "").join("");
  const content = latin
    .filter((t) => !t.legal)
    .map((t) => t.keys[0]?.[0] ?? "")
    .join("");
  return [...new Set([all, content].filter((s) => s.length >= 2))];
}

const toInt32 = (map: Map<string, number[]>): Map<string, Int32Array> =>
  new Map([...map].map(([k, v]) => [k, Int32Array.from(v)]));

function push(map: Map<string, number[]>, key: string, id: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [id]);
  else if (list[list.length - 1] !== id) list.push(id);
}

const versionRef = (v: ListVersion): ListVersionRef => ({
  listId: v.listId,
  format: v.format,
  contentHash: v.contentHash,
  importedAt: v.importedAt,
  entryCount: v.entryCount,
  nameCount: v.nameCount,
});

/** Builds the index over every name of every entry of the given list versions. */
export function buildScreeningIndex(versions: readonly ListVersion[], lexicon: Lexicon): ScreeningIndex {
  const entries = versions.flatMap((v) => v.entries);
  const normalized: { entry: number; nameIndex: number; norm: NormalizedName }[] = [];
  entries.forEach((entry, e) => {
    entry.names.forEach((name, n) => {
      const norm = normalizeName(name.text, lexicon, { person: entry.type === "individual" });
      if (norm.tokens.length > 0) normalized.push({ entry: e, nameIndex: n, norm });
    });
  });
  const postingLists = new Map<string, number[]>();
  const acronymLists = new Map<string, number[]>();
  normalized.forEach(({ norm }, id) => {
    for (const token of norm.tokens) for (const key of token.keys) push(postingLists, key, id);
    if (norm.tokens.length >= 2)
      for (const initials of initialsOf(norm.tokens)) push(acronymLists, initials, id);
  });
  const documentFrequency = new Map([...postingLists].map(([k, ids]) => [k, ids.length]));
  const stats = { documentFrequency, names: normalized };
  const names: IndexedName[] = normalized.map(({ entry, nameIndex, norm }) => {
    const weights = norm.tokens.map((t) => tokenWeight(stats, t));
    const totalWeight = weights.reduce((a, b) => a + b, 0);
    return { entry, nameIndex, norm, weights, totalWeight, initials: initialsOf(norm.tokens) };
  });
  const vocab = [...postingLists.keys()];
  const gramLists = new Map<string, number[]>();
  const deletionLists = new Map<string, number[]>();
  vocab.forEach((key, v) => {
    if (key.length >= 3) for (const gram of trigrams(key)) push(gramLists, gram, v);
    if (key.length >= 3 && key.length <= deletionKeyLengthMax + 1) {
      for (const variant of deletionVariants(key)) push(deletionLists, variant, v);
    }
  });
  return {
    lexicon,
    entries,
    versions: new Map(versions.map((v) => [v.listId, versionRef(v)])),
    names,
    postings: toInt32(postingLists),
    vocab,
    gramPostings: toInt32(gramLists),
    acronyms: toInt32(acronymLists),
    deletions: toInt32(deletionLists),
    documentFrequency,
  };
}
