// Unit tests of the screening core: parsers (incl. bad rows with line numbers), list versions and
// diffs, normalization (legal forms, Han segmentation and pinyin), similarity, and the matcher's
// answers to the known pain points of screeners (legal form alone, glued words, numerals, short names).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SluiceError } from "../errors.ts";
import { matchNames, screenName } from "./match.ts";
import { buildScreeningIndex } from "./name-index.ts";
import { buildLexicon, normalizeName, parseLexiconCsv } from "./normalize.ts";
import { parseCslCsv, parseCslJson, parseCustomCsv } from "./parsers.ts";
import { parseOfac } from "./parsers-ofac.ts";
import { editDistance, jaroWinkler } from "./similarity.ts";
import type { ListEntry } from "./types.ts";
import { buildListVersion, diffListVersions, entryFingerprint } from "./versions.ts";

const fixture = (name: string): string =>
  readFileSync(new URL(`../../../test/screening/fixtures/${name}`, import.meta.url), "utf8");
const lexiconText = readFileSync(
  new URL("../../../data/screening/zh-org-lexicon.csv", import.meta.url),
  "utf8",
);
const lexicon = buildLexicon(parseLexiconCsv(lexiconText, "zh-org-lexicon.csv"));

const customText = fixture("custom-good.csv");
const custom = parseCustomCsv(customText, { file: "custom-good.csv", listId: "custom" });
const customVersion = buildListVersion({
  listId: "custom",
  format: "custom",
  raw: [customText],
  importedAt: "2026-01-01T00:00:00Z",
  entries: custom.entries,
});
const index = buildScreeningIndex([customVersion], lexicon);

function thrown(fn: () => unknown): SluiceError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SluiceError) return error;
    throw error;
  }
  throw new Error("expected a SluiceError");
}

describe("parsers", () => {
  it("parses OFAC sdn/alt/add joined by ent_num, with -0- as none and the EOF mark ignored", () => {
    const sdn =
      '36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n2686,"NASRALLAH, Hasan","individual","SDT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 31 Aug 1960"\r\n\u001a';
    const alt = '36,12,"aka","AERO-CARIBBEAN",-0- \r\n';
    const add = '36,25,-0- ,"Havana","Cuba",-0- \r\n2686,26,-0- ,"Beirut","Lebanon",-0- \r\n';
    const { entries, skipped } = parseOfac({ sdn, alt, add }, { listId: "ofac-sdn" });
    expect(skipped).toEqual([]);
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      entryId: "36",
      type: "entity",
      names: [
        { text: "AEROCARIBBEAN AIRLINES", kind: "primary" },
        { text: "AERO-CARIBBEAN", kind: "alias", aliasType: "aka" },
      ],
      countries: ["CU"],
      programs: ["CUBA"],
      addresses: [{ text: "Havana, Cuba", country: "CU" }],
    });
    expect(entries[1]).toMatchObject({ type: "individual", countries: ["LB"], remarks: "DOB 31 Aug 1960" });
  });

  it("rejects a bad OFAC row with file and line, or skips it when asked", () => {
    const sdn =
      '36,"A",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \nX9,"B",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n';
    const error = thrown(() => parseOfac({ sdn, alt: "", add: "" }, { listId: "o" }));
    expect(error.message).toBe("file `sdn.csv` line 2: ent_num `X9` is not a number");
    const skipped = parseOfac({ sdn, alt: "", add: "" }, { listId: "o", skipBadRows: true });
    expect(skipped.entries.map((e) => e.entryId)).toEqual(["36"]);
    expect(skipped.skipped).toEqual([{ file: "sdn.csv", line: 2, why: "ent_num `X9` is not a number" }]);
  });

  it("parses trade.gov CSL JSON with aliases, addresses and countries", () => {
    const { entries } = parseCslJson(fixture("csl-sample.json"), { file: "csl.json", listId: "csl" });
    expect(entries.map((e) => e.entryId)).toEqual(["e1f2a3", "b4c5d6"]);
    expect(entries[0]?.names.map((n) => n.text)).toEqual([
      "Wuxi Jiangnan Institute of Computing Technology",
      "Jiangnan Institute of Computing Technology",
      "JICT",
    ]);
    expect(entries[0]?.countries).toEqual(["CN"]);
    expect(entries[0]?.source).toEqual({
      list: "Entity List (EL) - Bureau of Industry and Security",
      citation: "84 FR 29371",
      date: "2019-06-24",
      url: "http://bit.ly/1L47xrV",
    });
    expect(entries[1]).toMatchObject({ type: "entity", programs: ["CUBA"], countries: ["CH"] });
  });

  it("names the file and line of a bad CSL CSV row; skipping keeps the good rows", () => {
    const text = fixture("csl-bad.csv");
    expect(thrown(() => parseCslCsv(text, { file: "csl-bad.csv", listId: "csl" })).message).toBe(
      "file `csl-bad.csv` line 3: missing name",
    );
    const result = parseCslCsv(text, { file: "csl-bad.csv", listId: "csl", skipBadRows: true });
    expect(result.entries.map((e) => e.names[0]?.text)).toEqual(["Good Name Ltd."]);
    expect(result.entries[0]?.countries).toEqual(["CN"]);
    expect(result.skipped).toEqual([{ file: "csl-bad.csv", line: 3, why: "missing name" }]);
  });

  it("checks the custom CSV header and rows", () => {
    expect(custom.entries.map((e) => e.entryId)).toEqual(["c-1", "c-2", "c-3", "c-4"]);
    expect(custom.entries[0]?.names.map((n) => n.kind)).toEqual(["primary", "alias"]);
    const bad = fixture("custom-bad.csv");
    expect(thrown(() => parseCustomCsv(bad, { file: "custom-bad.csv", listId: "x" })).message).toBe(
      "file `custom-bad.csv` line 3: missing name",
    );
    const skipped = parseCustomCsv(bad, { file: "custom-bad.csv", listId: "x", skipBadRows: true });
    expect(skipped.skipped.map((p) => [p.line, p.why])).toEqual([
      [3, "missing name"],
      [4, "unknown country `ZZ`"],
    ]);
    const header = thrown(() => parseCustomCsv("id,name\n1,a\n", { file: "h.csv", listId: "x" }));
    expect(header.message).toContain("file `h.csv` line 1: header must be");
  });
});

describe("list versions", () => {
  const entry = (id: string, name: string, country = "CN"): ListEntry => ({
    listId: "l",
    entryId: id,
    type: "entity",
    names: [{ text: name, kind: "primary" }],
    countries: [country],
    addresses: [],
    programs: [],
    source: { list: "l" },
  });
  const version = (raw: string, entries: ListEntry[]) =>
    buildListVersion({
      listId: "l",
      format: "custom",
      raw: [raw],
      importedAt: "2026-01-01T00:00:00Z",
      entries,
    });

  it("hashes the raw bytes and counts entries and names", () => {
    expect(customVersion.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(customVersion.entryCount).toBe(4);
    expect(customVersion.nameCount).toBe(6);
    expect(version("a", []).contentHash).not.toBe(version("b", []).contentHash);
  });

  it("diffs added, removed and changed entries, with fingerprints", () => {
    const a = version("a", [entry("1", "Alpha"), entry("2", "Beta"), entry("3", "Gamma")]);
    const b = version("b", [entry("1", "Alpha"), entry("2", "Beta Ltd", "HK"), entry("4", "Delta")]);
    const diff = diffListVersions(a, b);
    expect(diff.added.map((e) => e.entryId)).toEqual(["4"]);
    expect(diff.removed.map((e) => e.entryId)).toEqual(["3"]);
    expect(diff.changed.map((c) => [c.entryId, c.fields])).toEqual([["2", ["names", "countries"]]]);
    expect(diff.changed[0]?.fingerprintBefore).not.toBe(diff.changed[0]?.fingerprintAfter);
    expect(diff.unchangedCount).toBe(1);
    expect(entryFingerprint(entry("1", "Alpha"))).toBe(entryFingerprint(entry("1", "Alpha")));
  });
});

describe("normalization", () => {
  it("folds case, diacritics and punctuation, flags legal forms, keeps numerals", () => {
    const n = normalizeName("Société Générale S.A. – 54th Branch", lexicon);
    expect(n.tokens.map((t) => t.keys[0])).toEqual(["societe", "generale", "sa", "54", "branch"]);
    expect(n.tokens.map((t) => t.legal)).toEqual([false, false, true, false, false]);
    expect(n.tokens[3]?.numeral).toBe(true);
    expect(n.steps).toContain("diacritics removed");
    expect(n.steps).toContain("legal form: sa");
  });

  it("segments Han names by the lexicon and turns the rest into pinyin", () => {
    const n = normalizeName("华为技术有限公司", lexicon);
    expect(n.tokens.map((t) => t.display)).toEqual(["华为", "技术", "有限公司"]);
    expect(n.tokens[0]?.keys).toContain("huawei");
    expect(n.tokens[1]?.keys).toEqual(expect.arrayContaining(["technology", "jishu"]));
    expect(n.tokens[2]?.legal).toBe(true);
    const unknown = normalizeName("字节跳动", lexicon);
    expect(unknown.tokens.map((t) => t.keys[0])).toEqual(["bytedance"]);
    const pinyinRun = normalizeName("大连正华", lexicon);
    expect(pinyinRun.tokens.map((t) => t.keys[0])).toEqual(["dalianzhenghua"]);
    expect(pinyinRun.steps).toContain("pinyin: 大连正华 → dalianzhenghua");
  });

  it("reads surnames with their surname pronunciation in person mode", () => {
    expect(normalizeName("单田芳", lexicon, { person: true }).tokens.map((t) => t.keys[0])).toEqual([
      "shan",
      "tianfang",
    ]);
    expect(normalizeName("曾国藩", lexicon, { person: true }).tokens.map((t) => t.keys[0])).toEqual([
      "zeng",
      "guofan",
    ]);
  });

  it("translates Latin pinyin words that spell lexicon terms", () => {
    const n = normalizeName("Huawei Jishu Youxian Gongsi", lexicon);
    expect(n.tokens[1]?.keys).toEqual(["jishu", "technology", "technical"]);
    expect(n.tokens.slice(2).every((t) => t.legal)).toBe(true);
  });
});

describe("similarity", () => {
  it("computes Jaro-Winkler and bounded edit distance", () => {
    expect(jaroWinkler("martha", "marhta")).toBeCloseTo(0.9611, 3);
    expect(jaroWinkler("abc", "xyz")).toBe(0);
    expect(editDistance("hezbollah", "hizballah", 3)).toBe(2);
    expect(editDistance("ab", "ba", 2)).toBe(1);
    expect(editDistance("kitten", "sitting", 1)).toBe(2);
  });
});

describe("matcher pain points", () => {
  it("a legal form alone never hits", () => {
    expect(screenName(index, "CORP", { all: true }).hits).toEqual([]);
    expect(screenName(index, "JSC", { all: true }).hits).toEqual([]);
    const m = matchNames(index, "CORP", "Sun Trading Corp");
    expect(m.score).toBe(0);
    expect(m.explanation.adjustments[0]?.reason).toBe("only legal forms or nothing matched");
  });

  it("JSCARGUMENT finds JSC ARGUMENT (glued words), and the other way round", () => {
    const hits = screenName(index, "JSCARGUMENT").hits;
    expect(hits.map((h) => h.entryId)).toEqual(["c-1"]);
    expect(hits[0]?.explanation.pairs[0]).toMatchObject({
      query: "jscargument",
      listed: "jsc argument",
      how: "glued",
    });
    expect(matchNames(index, "JSC ARGUMENT", "JSCARGUMENT").score).toBeGreaterThan(0.9);
  });

  it("keeps numerals: a different number lowers the score strongly", () => {
    const same = matchNames(index, "54th Research Institute", "54th Research Institute");
    const other = matchNames(index, "14th Research Institute", "54th Research Institute");
    expect(same.score).toBe(1);
    expect(other.score).toBeLessThan(0.5);
    expect(other.explanation.adjustments.map((a) => a.reason)).toContain(
      "a numeral is not matched on the other side",
    );
    expect(screenName(index, "14th Research Institute").hits).toEqual([]);
  });

  it("short names do not over-match", () => {
    expect(screenName(index, "XY").hits).toEqual([]);
    expect(screenName(index, "XJ Sun Trading Logistics Holdings").hits.map((h) => h.entryId)).not.toContain(
      "c-3",
    );
    expect(matchNames(index, "Sun", "Sung").score).toBe(0);
  });

  it("is independent of word order and explains each token pair", () => {
    const m = matchNames(index, "Trading Sun Corp", "Sun Trading Corp");
    expect(m.score).toBe(1);
    expect(m.explanation.pairs.map((p) => [p.query, p.listed, p.how])).toEqual(
      expect.arrayContaining([
        ["sun", "sun", "exact"],
        ["trading", "trading", "exact"],
      ]),
    );
  });

  it("applies the country qualifier and says so", () => {
    const plain = screenName(index, "Argument Trading", { all: true }).hits[0];
    const match = screenName(index, "Argument Trading", { country: "RU", all: true }).hits[0];
    const mismatch = screenName(index, "Argument Trading", { country: "CN", all: true }).hits[0];
    expect(plain?.explanation.country.effect).toBe("not_applied");
    expect(match?.explanation.country).toMatchObject({ effect: "match", delta: 0.03 });
    expect(mismatch?.explanation.country).toMatchObject({ effect: "mismatch", delta: -0.07 });
    expect((match?.score ?? 0) - (plain?.score ?? 0)).toBeCloseTo(0.03, 3);
    expect((plain?.score ?? 0) - (mismatch?.score ?? 0)).toBeCloseTo(0.07, 3);
  });

  it("rejects an empty or overlong query", () => {
    expect(thrown(() => screenName(index, "  ")).message).toBe("name: is empty");
    expect(thrown(() => screenName(index, "x".repeat(301))).message).toBe("name: longer than 300 characters");
  });
});
