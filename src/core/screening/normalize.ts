// Name normalization for screening: turns a name in Latin or Han script (or both) into tokens with
// match keys, and records every normalization applied so a hit can explain itself.
// Latin: NFKC, case, diacritics, dotted initials (S.A. → sa), punctuation, stopwords, plural
// stemming, a few abbreviations; legal forms (co, ltd, 有限公司 …) are kept but flagged.
// Han: known words of a lexicon (data/screening/zh-org-lexicon.csv) are segmented first (longest
// match) and translated; the remaining characters become pinyin (pinyin-pro), one word per run,
// with surname readings in person mode. A Latin pinyin word that spells a lexicon term
// (jishu → technology) gets the term's translations as extra keys, so pinyin queries find English
// names. Assumes the lexicon is small (hundreds of terms) and terms are at most ~8 characters.
import { pinyin } from "pinyin-pro";
import { badInput, quote } from "../errors.ts";
import { readCsvRows } from "./csv.ts";
import { type DesignatorPlaces, simplifyHan, stripBranchDesignators } from "./designators.ts";

export const lexiconKinds = ["word", "place", "brand", "legal", "stop"] as const;
export type LexiconKind = (typeof lexiconKinds)[number];

export interface LexiconEntry {
  readonly term: string;
  readonly translations: readonly string[];
  readonly kind: LexiconKind;
  readonly notes: string;
}

export interface Lexicon {
  readonly byTerm: ReadonlyMap<string, LexiconEntry>;
  readonly termLengthMax: number;
  /** Pinyin spelling of a term (jishu) → the entries it spells, with their translation keys. */
  readonly byPinyin: ReadonlyMap<string, { entries: LexiconEntry[]; keys: string[] }>;
  /** Translation keys of a term, computed once. */
  readonly keysByTerm: ReadonlyMap<string, string[]>;
  /** Place names (the lexicon's `place` terms and their translations, plus countries) for designators. */
  readonly places: DesignatorPlaces;
}

export const tokenOrigins = ["latin", "translated", "pinyin", "pinyin-translated"] as const;
export type TokenOrigin = (typeof tokenOrigins)[number];

export const keyOrigins = ["latin", "translated", "pinyin"] as const;
export type KeyOrigin = (typeof keyOrigins)[number];

export interface Token {
  /** The token as written in the name (a Latin word or a Han term). */
  readonly display: string;
  /** Match keys: keys[0] is the primary key; the rest are translations or pinyin. */
  readonly keys: readonly string[];
  /** Where each key comes from, parallel to `keys`: the word itself, a translation, or pinyin. */
  readonly keyOrigins: readonly KeyOrigin[];
  readonly origin: TokenOrigin;
  /** A legal-form word (co, ltd, 有限公司 …): kept, but weighs almost nothing. */
  readonly legal: boolean;
  readonly numeral: boolean;
}

export interface NormalizedName {
  readonly text: string;
  readonly tokens: readonly Token[];
  /** The normalizations and translations applied, in words, for explanations. */
  readonly steps: readonly string[];
}

export interface NormalizeOptions {
  /** The name is a person's: Han surnames read with their surname pronunciation. */
  readonly person?: boolean;
  /** The name is a screening query: a trailing branch/office designator is stripped first. */
  readonly stripBranches?: boolean;
}

const legalWords = new Set(
  (
    "co company companies corp corporation inc incorporated ltd limited llc llp lp plc gmbh mbh ag kg sa sas sarl cv " +
    "srl spa bv nv ab oy kk pte pvt pty jsc ojsc cjsc pjsc oao zao ooo pao tov fze fzco fzc fzllc sdn bhd " +
    "group coltd youxian gongsi youxiangongsi gufen gufenyouxiangongsi jituan zeren youxianzerengongsi"
  ).split(" "),
);

const stopwords = new Set("of the and for de del la le des du da di y e et und".split(" "));

const abbreviations: Record<string, string> = {
  tech: "technology",
  centre: "center",
  intl: "international",
  univ: "university",
  mfg: "manufacturing",
  sci: "science",
  inst: "institute",
};

/** Plural stemming for keys: technologies → technology, systems → system. */
function stem(word: string): string {
  if (word.length <= 4 || /\d/.test(word)) return word;
  if (word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.endsWith("s") && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

const ordinal = /^(\d+)(st|nd|rd|th)$/;

/** The match key of one folded Latin word. */
export function wordKey(word: string): string {
  const ord = ordinal.exec(word);
  if (ord?.[1] !== undefined) return ord[1];
  const stemmed = stem(word);
  return abbreviations[stemmed] ?? stemmed;
}

const specialLetters: Record<string, string> = {
  ß: "ss",
  æ: "ae",
  œ: "oe",
  ø: "o",
  đ: "d",
  ł: "l",
  ı: "i",
  þ: "th",
};

/** Lowercase, strip diacritics; reports whether diacritics were removed. */
function fold(text: string): { text: string; diacritics: boolean } {
  const lower = text.toLowerCase().replace(/[ßæœøđłıþ]/g, (c) => specialLetters[c] ?? c);
  const stripped = lower.normalize("NFD").replace(/\p{M}/gu, "").normalize("NFC");
  return { text: stripped, diacritics: stripped !== lower.normalize("NFC") };
}

/** Key of a multi-word phrase (a translation): words folded, stopwords dropped, keys joined. */
export function phraseKey(phrase: string): string {
  return fold(phrase)
    .text.split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== "" && !stopwords.has(w))
    .map(wordKey)
    .join("");
}

/** Latin place words beyond the lexicon's Chinese places, as branch names use them. */
const extraPlaceWords = (
  "china prc mainland hong kong macau macao taiwan taipei singapore japan tokyo korea seoul india dubai uae " +
  "russia moscow iran tehran germany frankfurt uk london usa us america europe asia pacific apac emea " +
  "malaysia kuala lumpur thailand bangkok vietnam hanoi indonesia jakarta"
).split(" ");

const pinyinOf = (han: string, person: boolean): string[] =>
  pinyin(han, { toneType: "none", type: "array", ...(person ? { surname: "head" as const } : {}) }).map((s) =>
    fold(s).text.replace(/[^a-z]/g, ""),
  );

export function parseLexiconCsv(text: string, file: string): LexiconEntry[] {
  const rows = readCsvRows(text, file);
  const header = rows[0]?.fields.join(",") ?? "";
  if (header !== "term,translations,kind,notes") {
    throw badInput(`file ${quote(file)} line 1`, "header must be `term,translations,kind,notes`");
  }
  return rows.slice(1).map(({ fields, line }) => {
    const [term = "", translations = "", kind = "", notes = ""] = fields.map((f) => f.trim());
    const knownKind = lexiconKinds.find((k) => k === kind);
    if (term === "" || knownKind === undefined || (translations === "" && kind !== "stop")) {
      throw badInput(`file ${quote(file)} line ${line}`, "needs a term, translations and a known kind");
    }
    const list = translations === "" ? [] : translations.split("|").map((t) => t.trim());
    return { term, translations: list, kind: knownKind, notes };
  });
}

export function buildLexicon(entries: readonly LexiconEntry[]): Lexicon {
  const byTerm = new Map(entries.map((e) => [e.term, e]));
  const keysByTerm = new Map<string, string[]>();
  const byPinyin = new Map<string, { entries: LexiconEntry[]; keys: string[] }>();
  for (const entry of entries) {
    const keys = [...new Set(entry.translations.map(phraseKey).filter((k) => k !== ""))];
    keysByTerm.set(entry.term, keys);
    const spelled = pinyinOf(entry.term, false).join("");
    if (entry.kind === "stop" || spelled.length < 4 || keys.includes(spelled)) continue;
    const slot = byPinyin.get(spelled) ?? { entries: [], keys: [] };
    slot.entries.push(entry);
    slot.keys = [...new Set([...slot.keys, ...keys])];
    byPinyin.set(spelled, slot);
  }
  const termLengthMax = Math.max(1, ...entries.map((e) => [...e.term].length));
  const placeEntries = entries.filter((e) => e.kind === "place");
  const places: DesignatorPlaces = {
    han: new Set(placeEntries.map((e) => e.term)),
    latin: new Set([
      ...extraPlaceWords,
      ...placeEntries.flatMap((e) => e.translations.flatMap((t) => fold(t).text.split(/[^\p{L}]+/u))),
    ]),
  };
  return { byTerm, termLengthMax, byPinyin, keysByTerm, places };
}

function latinTokens(segment: string, lexicon: Lexicon, steps: Set<string>): Token[] {
  const folded = fold(segment);
  if (folded.diacritics) steps.add("diacritics removed");
  let text = folded.text.replace(/\b((?:\p{L}\.){2,})/gu, (m) => m.replace(/\./g, " ").replace(/ /g, ""));
  text = text.replace(/['’`´]/g, "").replace(/&/g, " and ");
  const words = text.split(/[^\p{L}\p{N}]+/u).filter((w) => w !== "");
  if (words.join(" ") !== folded.text.trim().replace(/\s+/g, " ")) steps.add("punctuation removed");
  const tokens: Token[] = [];
  for (const word of words) {
    if (stopwords.has(word)) {
      steps.add(`stopword dropped: ${word}`);
      continue;
    }
    const key = wordKey(word);
    const numeral = /\d/.test(word);
    const spelled = lexicon.byPinyin.get(key);
    const extra = spelled?.keys.filter((k) => k !== key) ?? [];
    const legal = legalWords.has(word) || legalWords.has(key) || spelled?.entries[0]?.kind === "legal";
    if (legal) steps.add(`legal form: ${word}`);
    if (extra.length > 0) steps.add(`pinyin word translated: ${word} → ${extra.join(" | ")} (lexicon)`);
    tokens.push({
      display: word,
      keys: [key, ...extra],
      keyOrigins: ["latin", ...extra.map((): KeyOrigin => "translated")],
      origin: extra.length > 0 ? "pinyin-translated" : "latin",
      legal,
      numeral,
    });
  }
  return tokens;
}

function lexiconToken(entry: LexiconEntry, lexicon: Lexicon, steps: Set<string>): Token | undefined {
  if (entry.kind === "stop") {
    steps.add(`dropped: ${entry.term} (${entry.notes})`);
    return undefined;
  }
  const spelled = pinyinOf(entry.term, false).join("");
  const translated = (lexicon.keysByTerm.get(entry.term) ?? []).filter((k) => k !== spelled);
  const keys = [...translated, spelled];
  const origins: KeyOrigin[] = [...translated.map((): KeyOrigin => "translated"), "pinyin"];
  steps.add(
    entry.kind === "legal"
      ? `legal form: ${entry.term} → ${entry.translations[0] ?? ""}`
      : `translated: ${entry.term} → ${entry.translations.join(" | ")} (lexicon, ${entry.kind})`,
  );
  return {
    display: entry.term,
    keys,
    keyOrigins: origins,
    origin: "translated",
    legal: entry.kind === "legal",
    numeral: false,
  };
}

function pinyinTokens(run: string, person: boolean, steps: Set<string>): Token[] {
  const syllables = pinyinOf(run, person);
  const runLength = [...run].length;
  if (person && runLength >= 2 && runLength <= 4 && syllables.length === runLength) {
    const [surname = "", ...given] = syllables;
    steps.add(`pinyin (surname reading): ${run} → ${surname} ${given.join("")}`);
    const make = (display: string, key: string): Token => ({
      display,
      keys: [key],
      keyOrigins: ["pinyin"],
      origin: "pinyin",
      legal: false,
      numeral: false,
    });
    return [make([...run][0] ?? "", surname), make([...run].slice(1).join(""), given.join(""))];
  }
  const key = syllables.join("");
  steps.add(`pinyin: ${run} → ${key}`);
  return [
    { display: run, keys: [key], keyOrigins: ["pinyin"], origin: "pinyin", legal: false, numeral: false },
  ];
}

/** Han run: longest lexicon terms first, the characters between them to pinyin. */
function hanTokens(run: string, lexicon: Lexicon, person: boolean, steps: Set<string>): Token[] {
  const chars = [...run];
  const tokens: Token[] = [];
  let pending = "";
  const flush = () => {
    if (pending !== "") tokens.push(...pinyinTokens(pending, person, steps));
    pending = "";
  };
  let i = 0;
  while (i < chars.length) {
    let matched: LexiconEntry | undefined;
    for (let len = Math.min(lexicon.termLengthMax, chars.length - i); len >= 1 && !matched; len--) {
      matched = lexicon.byTerm.get(chars.slice(i, i + len).join(""));
    }
    if (matched === undefined) {
      pending += chars[i];
      i++;
      continue;
    }
    flush();
    const token = lexiconToken(matched, lexicon, steps);
    if (token !== undefined) tokens.push(token);
    i += [...matched.term].length;
  }
  flush();
  return tokens;
}

/** Normalizes a name into tokens and the list of steps applied. */
export function normalizeName(
  text: string,
  lexicon: Lexicon,
  options: NormalizeOptions = {},
): NormalizedName {
  const steps = new Set<string>();
  let nfkc = text.normalize("NFKC");
  if (nfkc !== text) steps.add("unicode compatibility forms folded (NFKC)");
  const simplified = simplifyHan(nfkc);
  const stripped =
    options.stripBranches === true ? stripBranchDesignators(simplified.text, lexicon.places) : simplified;
  for (const step of [...simplified.steps, ...stripped.steps]) steps.add(step);
  nfkc = stripped.text;
  if (nfkc !== nfkc.toLowerCase()) steps.add("lowercased");
  const tokens: Token[] = [];
  for (const segment of nfkc.split(/(\p{Script=Han}+)/u)) {
    if (segment === "") continue;
    if (/\p{Script=Han}/u.test(segment)) {
      tokens.push(...hanTokens(segment, lexicon, options.person === true, steps));
    } else {
      tokens.push(...latinTokens(segment, lexicon, steps));
    }
  }
  return { text, tokens, steps: [...steps] };
}
