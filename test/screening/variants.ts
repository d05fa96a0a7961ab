// The held-out screening evaluation (issue #13 point 6): a set generated from the bundled lists —
// listed entities written with a branch, office, representative office or bracketed place, in
// traditional characters, or by a listed transliteration with a branch — and negatives (branches
// of Alibaba, Tencent, ByteDance and Baidu; made-up names built from the lists' common words). A
// seeded draw puts each listed entity (with all its variants) or each negative family in the
// `tune` or the `heldOut` part, so no variant of a held-out entity is seen while tuning. Tuning
// picks the threshold on the tune part only; evaluateAt reports either part at any threshold.
// Used by quality-heldout.test.ts and bench/screening-recall.ts.
import * as OpenCC from "opencc-js";
import { screenName } from "../../src/core/screening/match.ts";
import type { ScreeningIndex } from "../../src/core/screening/name-index.ts";
import type { ListEntry } from "../../src/core/screening/types.ts";

export const variantKinds = [
  "branch-en",
  "office-en",
  "bracket-place-en",
  "branch-zh",
  "office-zh",
  "bracket-place-zh",
  "traditional",
  "traditional-branch",
  "transliteration-branch",
  "district-branch",
  "provider-branch",
  "common-words",
] as const;
export type VariantKind = (typeof variantKinds)[number];

export interface VariantQuery {
  readonly query: string;
  readonly kind: VariantKind;
  /** The listed entry that must alert (`listId/entryId`), or undefined for a negative. */
  readonly expect?: string;
  /** The family (listed entity or negative brand): the unit of the tune/held-out draw. */
  readonly family: string;
  /** The name the variant was made from: what it alerts on may also alert for the variant. */
  readonly base: string;
}

export interface EvaluationSet {
  readonly seed: number;
  readonly tune: readonly VariantQuery[];
  readonly heldOut: readonly VariantQuery[];
}

/** mulberry32: a small seeded generator, so the draw is the same on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const toTraditional = OpenCC.Converter({ from: "cn", to: "tw" });
const citiesEn = [
  "Shenzhen",
  "Beijing",
  "Shanghai",
  "Hong Kong",
  "Dubai",
  "Moscow",
  "Singapore",
  "Guangzhou",
];
const citiesZh = ["深圳", "北京", "上海", "广州", "香港", "成都", "天津", "杭州"];
const districtsEn = ["Nanshan", "Haidian", "Pudong", "Futian", "Tianhe", "Zhongguancun"];
const districtsZh = ["南山", "海淀", "浦东", "福田", "天河", "中关村"];
const pick = <T>(xs: readonly T[], random: () => number): T => xs[Math.floor(random() * xs.length)] as T;
const pinyinWords =
  /\b(jishu|gongsi|youxian|xinxi|keji|dianzi|dianlu|sheji|zhongke|shuguang|guofang|touzi)\b/i;
const hasHan = (s: string) => /\p{Script=Han}/u.test(s);

function listedVariants(entry: ListEntry, random: () => number): VariantQuery[] {
  const family = `${entry.listId}/${entry.entryId}`;
  const latin = entry.names.filter((n) => !hasHan(n.text)).map((n) => n.text);
  const han = entry.names.filter((n) => hasHan(n.text)).map((n) => n.text);
  const out: VariantQuery[] = [];
  const add = (query: string, kind: VariantKind, base: string) =>
    out.push({ query, kind, expect: family, family, base });
  const primary = latin[0];
  if (primary !== undefined) {
    add(`${primary} (${pick(citiesEn, random)} Branch)`, "branch-en", primary);
    add(`${primary}, ${pick(citiesEn, random)} Representative Office`, "office-en", primary);
    add(`${primary} (${pick(citiesEn, random)})`, "bracket-place-en", primary);
    // A district the place list does not know: the designator rules cannot strip it whole.
    add(`${primary} ${pick(districtsEn, random)} Branch`, "district-branch", primary);
  }
  // Listed pinyin transliterations (Haiguang Xinxi Jishu Youxian Gongsi …) with a branch.
  for (const alias of latin.filter((n) => pinyinWords.test(n))) {
    add(`${alias} ${pick(citiesEn, random)} Branch`, "transliteration-branch", alias);
  }
  for (const zh of han.slice(0, 1)) {
    const city = pick(citiesZh, random);
    add(`${zh}${city}分公司`, "branch-zh", zh);
    add(`${zh}${pick(citiesZh, random)}${pick(["办事处", "代表处"], random)}`, "office-zh", zh);
    add(`${zh}（${pick(citiesZh, random)}）`, "bracket-place-zh", zh);
    add(`${zh}${pick(districtsZh, random)}分公司`, "district-branch", zh);
    const traditional = toTraditional(zh);
    if (traditional !== zh) {
      add(traditional, "traditional", zh);
      add(toTraditional(`${zh}${city}分公司`), "traditional-branch", zh);
    }
  }
  return out;
}

const providers: Record<string, readonly string[]> = {
  alibaba: [
    "Alibaba Group Holding Limited",
    "Alibaba Cloud",
    "阿里巴巴集团控股有限公司",
    "阿里云计算有限公司",
  ],
  tencent: [
    "Tencent Holdings Ltd",
    "Tencent Cloud",
    "腾讯科技(深圳)有限公司",
    "腾讯云计算(北京)有限责任公司",
  ],
  bytedance: [
    "ByteDance Ltd",
    "Beijing ByteDance Technology Co Ltd",
    "字节跳动有限公司",
    "北京字节跳动科技有限公司",
  ],
  baidu: [
    "Baidu, Inc.",
    "Baidu Online Network Technology",
    "百度在线网络技术(北京)有限公司",
    "百度云计算技术(北京)有限公司",
  ],
};

const brandsEn = ["Lanting", "Qingfeng", "Mingda", "Xinyuan", "Hongtai", "Jinhui", "Ruixiang", "Boyuan"];
const brandsZh = ["蓝庭", "清风", "明达", "鑫源", "宏泰", "金辉", "瑞祥", "博远"];
const commonEn = [
  "Information Technology Co., Ltd.",
  "Integrated Circuit Design Co Ltd",
  "Microelectronics Technology Co",
  "Computing Technology Institute",
  "Semiconductor Manufacturing Corporation",
  "International Trading Company",
];
const commonZh = [
  "信息技术有限公司",
  "集成电路设计有限公司",
  "微电子技术有限公司",
  "计算技术研究所",
  "半导体制造有限公司",
  "国际贸易有限公司",
];

function negativeVariants(random: () => number): VariantQuery[] {
  const out: VariantQuery[] = [];
  for (const [family, names] of Object.entries(providers)) {
    for (const base of names) {
      const zh = hasHan(base);
      const city = zh ? pick(citiesZh, random) : pick(citiesEn, random);
      const forms = zh
        ? [
            `${base}${city}分公司`,
            `${base}${pick(citiesZh, random)}代表处`,
            toTraditional(`${base}${city}分公司`),
          ]
        : [`${base} (${city} Branch)`, `${base}, ${pick(citiesEn, random)} Representative Office`];
      for (const query of forms) out.push({ query, kind: "provider-branch", family, base });
    }
  }
  brandsEn.forEach((brand, b) => {
    const family = `common-${brand.toLowerCase()}`;
    for (const words of commonEn.filter(() => random() < 0.6)) {
      const base = `${pick(citiesEn, random)} ${brand} ${words}`;
      const suffix = pick(
        [` (${pick(citiesEn, random)} Branch)`, `, ${pick(citiesEn, random)} Office`, ""],
        random,
      );
      out.push({ query: `${base}${suffix}`, kind: "common-words", family, base });
    }
    for (const words of commonZh.filter(() => random() < 0.5)) {
      const base = `${pick(citiesZh, random)}${brandsZh[b] ?? ""}${words}`;
      out.push({ query: `${base}${pick(citiesZh, random)}分公司`, kind: "common-words", family, base });
      out.push({ query: toTraditional(base), kind: "common-words", family, base });
    }
  });
  return out;
}

/**
 * The evaluation set: every Entity List extract entity, plus `sampleSize` entities drawn from the
 * other bundled lists (the SDN list and the CSL), their variants, and the negatives; then split.
 */
export function buildEvaluationSet(index: ScreeningIndex, seed = 13, sampleSize = 150): EvaluationSet {
  const random = seededRandom(seed);
  const entities = index.entries.filter((e) => e.type === "entity");
  const extract = entities.filter((e) => e.listId === "bis-entity-list-extract");
  const others = entities.filter((e) => e.listId !== "bis-entity-list-extract");
  const sampled = new Set<ListEntry>();
  while (sampled.size < Math.min(sampleSize, others.length)) sampled.add(pick(others, random));
  const queries = [...extract, ...sampled].flatMap((e) => listedVariants(e, random));
  queries.push(...negativeVariants(random));
  const part = new Map<string, boolean>();
  const tune: VariantQuery[] = [];
  const heldOut: VariantQuery[] = [];
  for (const q of queries) {
    if (!part.has(q.family)) part.set(q.family, random() < 0.5);
    (part.get(q.family) === true ? tune : heldOut).push(q);
  }
  return { seed, tune, heldOut };
}

/** One query screened once at the report floor: the scores decide every threshold later. */
export interface Screened {
  readonly query: VariantQuery;
  /** Best score of the expected entry (0 when it is not found at all). */
  readonly expectedScore: number;
  /** Best score of any other entry the base name does not itself reach. */
  readonly otherScore: number;
  readonly otherHit: string;
}

const floor = 0.5;

export function screenAll(index: ScreeningIndex, queries: readonly VariantQuery[]): Screened[] {
  const baseHits = new Map<string, Set<string>>();
  return queries.map((query) => {
    let accepted = baseHits.get(query.base);
    if (accepted === undefined) {
      const hits = screenName(index, query.base, { threshold: floor }).hits;
      accepted = new Set(query.expect === undefined ? [] : hits.map((h) => `${h.listId}/${h.entryId}`));
      baseHits.set(query.base, accepted);
    }
    const hits = screenName(index, query.query, { threshold: floor }).hits;
    let expectedScore = 0;
    let otherScore = 0;
    let otherHit = "";
    for (const h of hits) {
      const id = `${h.listId}/${h.entryId}`;
      if (id === query.expect) expectedScore = Math.max(expectedScore, h.score);
      else if (!accepted.has(id) && h.score > otherScore) {
        otherScore = h.score;
        otherHit = `${id} ${h.name}`;
      }
    }
    return { query, expectedScore, otherScore, otherHit };
  });
}

export interface PartReport {
  readonly threshold: number;
  readonly queries: number;
  readonly positives: number;
  readonly found: number;
  readonly recall: number;
  readonly negatives: number;
  /** Queries that raise an alert on an entry they should not (negatives and positives alike). */
  readonly falseAlerts: number;
  readonly falseAlertsOnNegatives: number;
  readonly misses: readonly Screened[];
  readonly falseAlerting: readonly Screened[];
  readonly recallByKind: Readonly<Record<string, { found: number; of: number }>>;
}

export function evaluateAt(screened: readonly Screened[], threshold: number): PartReport {
  const positives = screened.filter((s) => s.query.expect !== undefined);
  const misses = positives.filter((s) => s.expectedScore < threshold);
  const falseAlerting = screened.filter((s) => s.otherScore >= threshold);
  const recallByKind: Record<string, { found: number; of: number }> = {};
  for (const s of positives) {
    const slot = recallByKind[s.query.kind] ?? { found: 0, of: 0 };
    slot.of++;
    if (s.expectedScore >= threshold) slot.found++;
    recallByKind[s.query.kind] = slot;
  }
  return {
    threshold,
    queries: screened.length,
    positives: positives.length,
    found: positives.length - misses.length,
    recall: positives.length === 0 ? 1 : (positives.length - misses.length) / positives.length,
    negatives: screened.length - positives.length,
    falseAlerts: falseAlerting.length,
    falseAlertsOnNegatives: falseAlerting.filter((s) => s.query.expect === undefined).length,
    misses,
    falseAlerting,
    recallByKind,
  };
}

/**
 * The threshold chosen on the tune part: among thresholds 0.50 … 0.99 (by 0.01) maximising
 * found − false alerts, the median one — the middle of the best plateau, not its edge.
 */
export function tuneThreshold(tune: readonly Screened[]): number {
  const balances = Array.from({ length: 50 }, (_, k) => {
    const report = evaluateAt(tune, (50 + k) / 100);
    return { threshold: (50 + k) / 100, balance: report.found - report.falseAlerts };
  });
  const best = Math.max(...balances.map((b) => b.balance));
  const plateau = balances.filter((b) => b.balance === best);
  return plateau[Math.floor((plateau.length - 1) / 2)]?.threshold ?? floor;
}
