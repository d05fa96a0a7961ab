// Query-side clean-up before scoring: traditional Chinese characters become simplified (OpenCC's
// tables via opencc-js, no I/O), and a trailing branch designator is stripped — a branch, office,
// representative office, liaison office or bank branch, with the place it names, or a bracketed
// place at the end ("(Shenzhen Branch)", "（深圳）", "深圳分公司", "北京代表处"). A branch of a listed
// entity is the listed entity for screening. Only the END of a name is touched, only designator
// words and known place names are removed (places from the lexicon's `place` terms and the country
// names), and a name that would be left empty is kept whole, so a name made only of common words
// ("Shenzhen Branch Office") cannot start matching something it did not match before.
import * as OpenCC from "opencc-js";

export interface DesignatorPlaces {
  /** Lower-case Latin place words (shenzhen, beijing, hong, kong, china …). */
  readonly latin: ReadonlySet<string>;
  /** Han place terms (深圳, 北京 …), simplified. */
  readonly han: ReadonlySet<string>;
}

export interface StrippedName {
  readonly text: string;
  /** What was removed or converted, in words, for explanations. */
  readonly steps: readonly string[];
}

const toSimplified = OpenCC.Converter({ from: "tw", to: "cn" });

/** Latin designator phrases, longest first (matched as whole words at the end of the name). */
const latinDesignators = [
  "representative office",
  "rep office",
  "liaison office",
  "branch office",
  "sales office",
  "sub branch",
  "branch",
  "office",
];
const latinDesignatorPatterns = latinDesignators.map(
  (phrase) => new RegExp(`[\\s,;\\-–]${phrase.replace(" ", "[\\s-]+")}\\.?\\s*$`, "u"),
);
const designatorWords = new Set(latinDesignators.flatMap((d) => d.split(" ")));
/** Cheap pre-check: a name that ends with none of these cannot carry a designator. */
const mayEndWithDesignator = /(?:[)\]}]|office|branch|[处司行部])\.?\s*$/iu;
/** Han designators, longest first. */
const hanDesignators = [
  "代表办事处",
  "分公司",
  "代表处",
  "办事处",
  "联络处",
  "分行",
  "支行",
  "分部",
  "营业部",
];
/** Administrative suffixes a Han place may carry (深圳市, 广东省, 南山区). */
const hanPlaceSuffix = /[市省区县]$/u;
/** A legal form followed by 1–2 words (a district the place list does not know) before the designator. */
const latinLegalThenWords =
  /\b(?:co|ltd|limited|inc|corp|corporation|company|group|llc|plc|gmbh)\b\.?,?((?:\s+\p{L}+){1,2}),?\s*$/iu;
/** A Han legal form or institution word followed by 1–4 characters (an unknown district). */
const hanLegalThenWords = /^(.*(?:有限责任公司|有限公司|公司|集团|研究所|研究院|大学))\p{Script=Han}{1,4}$/u;
/** Words that may join Latin place words inside a designator ("Branch of the …"). */
const latinGlue = new Set(["of", "the", "in"]);

const hasHan = (text: string): boolean => /\p{Script=Han}/u.test(text);

/** Traditional → simplified, only when the text holds Han characters. */
export function simplifyHan(text: string): StrippedName {
  if (!hasHan(text)) return { text, steps: [] };
  const simplified = toSimplified(text);
  return {
    text: simplified,
    steps: simplified === text ? [] : [`traditional characters simplified: ${simplified}`],
  };
}

const latinWords = (text: string): string[] =>
  text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== "");

/** True when every word is a place, a designator word or glue, and at least one is not glue. */
function onlyPlacesAndDesignators(words: readonly string[], places: DesignatorPlaces): boolean {
  const meaningful = words.filter((w) => !latinGlue.has(w));
  return meaningful.length > 0 && meaningful.every((w) => places.latin.has(w) || designatorWords.has(w));
}

function isHanPlace(term: string, places: DesignatorPlaces): boolean {
  return places.han.has(term) || (hanPlaceSuffix.test(term) && places.han.has(term.slice(0, -1)));
}

/** Removes Han places (深圳, 深圳市, 广东省 …) from the end of `text`, longest first. */
function stripHanPlaces(text: string, places: DesignatorPlaces): string {
  let rest = text;
  for (let changed = true; changed; ) {
    changed = false;
    for (let len = Math.min(5, rest.length); len >= 2; len--) {
      if (isHanPlace(rest.slice(-len), places)) {
        rest = rest.slice(0, -len);
        changed = true;
        break;
      }
    }
  }
  return rest;
}

/** One designator off the end of the name, or undefined when none applies. */
function stripOnce(text: string, places: DesignatorPlaces): string | undefined {
  const bracket = /[([{]([^()[\]{}]*)[)\]}]\s*$/u.exec(text);
  if (bracket !== undefined && bracket !== null) {
    const inner = (bracket[1] ?? "").trim();
    const han = hanDesignators.find((d) => inner.endsWith(d));
    const innerPlace = han === undefined ? inner : inner.slice(0, -han.length);
    const hanOnly = hasHan(inner) && (innerPlace === "" || stripHanPlaces(innerPlace, places) === "");
    const latinOnly = !hasHan(inner) && onlyPlacesAndDesignators(latinWords(inner), places);
    return hanOnly || latinOnly ? text.slice(0, bracket.index) : undefined;
  }
  const hanDesignator = hanDesignators.find((d) => text.endsWith(d));
  if (hanDesignator !== undefined) {
    const rest = stripHanPlaces(text.slice(0, -hanDesignator.length), places);
    return hanLegalThenWords.exec(rest)?.[1] ?? rest;
  }
  const lower = text.toLowerCase();
  for (const pattern of latinDesignatorPatterns) {
    const match = pattern.exec(lower);
    if (match === null) continue;
    const before = text.slice(0, match.index);
    // After a legal form, the one or two words before the designator name the branch's place.
    const district = latinLegalThenWords.exec(before);
    if (district?.[1] !== undefined)
      return before.slice(0, district.index + district[0].length - district[1].length - 1);
    // Drop the place words (and glue) right before the designator.
    const words = before.split(/(\s+)/u);
    while (words.length > 0) {
      const raw = words[words.length - 1] ?? "";
      const last = raw.toLowerCase().replace(/[^\p{L}]/gu, "");
      // A numeral is part of the name ("Threat 39"); only places, glue and spacing go.
      if (/\p{N}/u.test(raw) || (last !== "" && !places.latin.has(last) && !latinGlue.has(last))) break;
      words.pop();
    }
    return words.join("");
  }
  return undefined;
}

/**
 * Strips trailing branch designators (repeatedly: "… Co., Ltd., Shenzhen Branch Office").
 * Returns the name unchanged when nothing applies or when nothing would be left.
 */
export function stripBranchDesignators(text: string, places: DesignatorPlaces): StrippedName {
  if (!mayEndWithDesignator.test(text)) return { text, steps: [] };
  let rest = text.trim();
  for (let round = 0; round < 3; round++) {
    const next = stripOnce(rest, places)
      ?.replace(/[\s,;\-–]+$/u, "")
      .trim();
    if (next === undefined || latinWords(next).length === 0) break;
    rest = next;
  }
  if (rest === text.trim()) return { text, steps: [] };
  return { text: rest, steps: [`branch designator stripped: ${text.trim().slice(rest.length).trim()}`] };
}
