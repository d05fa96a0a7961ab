// Screening quality on the bundled lists: precision and recall at the alert threshold over
// test/screening/queries.json (Latin and Chinese script), plus the cases the issue names.
import { describe, expect, it } from "vitest";
import { loadLexicon } from "../../src/app/screening/lists.ts";
import { bundledScreeningIndex, screeningFiles } from "../../src/compose.ts";
import { alertThreshold, matchNames, screenName } from "../../src/core/screening/match.ts";
import { buildScreeningIndex } from "../../src/core/screening/name-index.ts";
import type { ListVersion } from "../../src/core/screening/types.ts";
import { evaluateQuality, loadQualityQueries } from "./evaluate.ts";

const index = bundledScreeningIndex();
const queries = loadQualityQueries();
const ids = (name: string, options = {}) =>
  screenName(index, name, options).hits.map((h) => `${h.listId}/${h.entryId}`);

describe("screening quality at the alert threshold", () => {
  it("reaches precision ≥ 0.95 and recall ≥ 0.95 on the test set", () => {
    const report = evaluateQuality(index, queries, alertThreshold);
    console.log(
      `screening quality: ${report.queries} queries, threshold ${alertThreshold}, precision ${report.precision.toFixed(3)} ` +
        `(${report.relevantAlerts}/${report.alerts}), recall ${report.recall.toFixed(3)} (${report.found}/${report.expected})`,
    );
    expect(report.queries).toBeGreaterThanOrEqual(60);
    expect(report.misses).toEqual([]);
    expect(report.falseAlerts).toEqual([]);
    expect(report.precision).toBeGreaterThanOrEqual(0.95);
    expect(report.recall).toBeGreaterThanOrEqual(0.95);
  });

  it("does not alert on the seed's customers, in English or Chinese, with or without legal forms", () => {
    const customers = [
      "Alibaba",
      "Alibaba Group Holding Limited",
      "阿里巴巴",
      "阿里巴巴集团控股有限公司",
      "Tencent",
      "Tencent Holdings Ltd",
      "腾讯",
      "腾讯科技(深圳)有限公司",
      "ByteDance",
      "ByteDance Ltd",
      "字节跳动",
      "字节跳动有限公司",
      "Baidu",
      "Baidu, Inc.",
      "百度",
      "百度在线网络技术(北京)有限公司",
    ];
    for (const name of customers) expect([name, ids(name)]).toEqual([name, []]);
  });

  it("finds Huawei in English, pinyin and Chinese script", () => {
    for (const name of [
      "Huawei Technologies Co., Ltd.",
      "Huawei Jishu",
      "Huawei Jishu Youxian Gongsi",
      "华为技术有限公司",
    ]) {
      expect([name, ids(name)[0]]).toEqual([name, "bis-entity-list-extract/el-huawei-technologies"]);
    }
  });

  it("explains a Chinese-script hit token by token, with translations and the list version", () => {
    const hit = screenName(index, "华为技术有限公司").hits[0];
    expect(hit?.score).toBe(1);
    expect(hit?.entryFingerprint).toMatch(/^[0-9a-f]{64}$/);
    const e = hit?.explanation;
    expect(e?.pairs.map((p) => [p.query, p.how])).toEqual([
      ["华为", "pinyin"],
      ["技术", "translated"],
      ["有限公司", "translated"],
    ]);
    expect(e?.queryNormalization).toContain(
      "translated: 技术 → technology | technologies | technical (lexicon, word)",
    );
    expect(e?.queryNormalization).toContain("translated: 华为 → huawei (lexicon, brand)");
    expect(e?.list.version).toBe(index.versions.get("bis-entity-list-extract")?.contentHash);
    expect(e?.list.source.citation).toBe("84 FR 22961");
    expect(e?.matchedName.kind).toBe("alias");
  });

  it("translates Chinese to the English listed name when no Chinese alias is listed", () => {
    const m = matchNames(index, "无锡江南计算技术研究所", "Wuxi Jiangnan Institute of Computing Technology");
    expect(m.score).toBeGreaterThanOrEqual(alertThreshold);
    expect(m.explanation.pairs.map((p) => [p.query, p.listed, p.how])).toEqual(
      expect.arrayContaining([
        ["无锡", "wuxi", "pinyin"],
        ["计算", "computing", "translated"],
        ["研究所", "institute", "translated"],
      ]),
    );
    // The same against an index of the English names only: the Chinese query still finds the entry.
    const english: ListVersion[] = [...index.versions.keys()].map((listId) => {
      const entries = index.entries
        .filter((e) => e.listId === listId)
        .map((e) => ({ ...e, names: e.names.filter((n) => !/\p{Script=Han}/u.test(n.text)) }));
      return { ...(index.versions.get(listId) as ListVersion), entries };
    });
    const latinOnly = buildScreeningIndex(english, loadLexicon(screeningFiles));
    const hits = screenName(latinOnly, "无锡江南计算技术研究所").hits;
    expect(hits[0]?.entryId).toBe("el-wuxi-jiangnan");
    expect(screenName(latinOnly, "华为技术有限公司").hits[0]?.entryId).toBe("el-huawei-technologies");
    expect(screenName(latinOnly, "中芯国际集成电路制造有限公司").hits[0]?.entryId).toBe("el-smic");
  });

  it("lists the versions screened against with every result", () => {
    const result = screenName(index, "Sugon");
    expect(result.listVersions.map((v) => v.listId)).toEqual(["ofac-sdn", "csl", "bis-entity-list-extract"]);
    expect(result.listVersions[0]?.entryCount).toBeGreaterThan(8000);
  });
});
