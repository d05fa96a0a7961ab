// Screening benchmark: load the full OFAC SDN snapshot + the CSL sample + the Entity List extract
// (every name and alias), build the index, then screen a mixed set of distinct queries (listed names
// as written, with a typo, with words reversed, Chinese script, and non-hits) on one core, with
// explanations. Prints import and index-build times, memory, and queries per second.
// Run: node --import tsx bench/screening.ts
import { bundledListsImportedAt, loadBundledVersions, loadLexicon } from "../src/app/screening/lists.ts";
import { bundledScreeningIndex, screeningFiles } from "../src/compose.ts";
import { screenName } from "../src/core/screening/match.ts";
import { buildScreeningIndex } from "../src/core/screening/name-index.ts";

const typo = (name: string, seed: number): string => {
  const words = name.split(" ");
  const w = seed % words.length;
  const word = words[w] ?? "";
  if (word.length < 5) return name;
  const i = 1 + (seed % (word.length - 3));
  words[w] = word.slice(0, i) + (word[i + 1] ?? "") + (word[i] ?? "") + word.slice(i + 2);
  return words.join(" ");
};

const chinese = [
  "华为技术有限公司",
  "无锡江南计算技术研究所",
  "曙光信息产业股份有限公司",
  "海光信息技术股份有限公司",
  "中芯国际集成电路制造有限公司",
  "天津飞腾信息技术有限公司",
  "国家超级计算无锡中心",
  "浪潮集团有限公司",
  "阿里巴巴集团控股有限公司",
  "腾讯科技(深圳)有限公司",
  "北京字节跳动科技有限公司",
  "百度在线网络技术(北京)有限公司",
  "大连正华贸易有限公司",
  "北京海力联合科技有限公司",
  "中国精密机械进出口总公司",
  "昆仑银行",
  "广东工业大学",
  "深圳市大疆创新科技有限公司",
  "小米科技有限责任公司",
  "联想集团有限公司",
];
const nonHits = [
  "Alibaba Group Holding Limited",
  "Tencent Holdings Ltd",
  "ByteDance Ltd",
  "Baidu Inc",
  "Microsoft Corporation",
  "NVIDIA Corporation",
  "Lenovo Group Limited",
  "Tsinghua University",
  "Shenzhen Technology Co Ltd",
  "WuXi AppTec",
];

function querySet(names: readonly string[], size: number): string[] {
  const queries: string[] = [];
  const step = Math.max(1, Math.floor(names.length / size));
  for (let i = 0, k = 0; queries.length < size && i < names.length; i += step, k++) {
    const name = names[i] ?? "";
    const kind = k % 10;
    if (kind < 4) queries.push(name);
    else if (kind < 6) queries.push(typo(name, k));
    else if (kind < 7) queries.push(name.split(" ").reverse().join(" "));
    else if (kind < 9) queries.push(chinese[k % chinese.length] ?? "");
    else queries.push(`${nonHits[k % nonHits.length] ?? ""} ${k}`.replace(/ \d+$/, ""));
  }
  return queries;
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

const heapBefore = process.memoryUsage().heapUsed;
let t = performance.now();
const versions = loadBundledVersions(screeningFiles, bundledListsImportedAt);
const importMs = performance.now() - t;
t = performance.now();
const lexicon = loadLexicon(screeningFiles);
const index = buildScreeningIndex(versions, lexicon);
const buildMs = performance.now() - t;
globalThis.gc?.();
const memory = process.memoryUsage();
const names = index.names.map((n) => index.entries[n.entry]?.names[n.nameIndex]?.text ?? "");
const queries = querySet(names, 4000);

// Warm up (JIT), then measure one pass over distinct queries, wall and CPU time.
for (const q of queries.slice(0, 300)) screenName(index, q);
const cpu0 = process.cpuUsage();
t = performance.now();
let hits = 0;
let alerts = 0;
for (const q of queries) {
  const result = screenName(index, q);
  hits += result.hits.length;
  alerts += result.hits.length > 0 ? 1 : 0;
}
const wallS = (performance.now() - t) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuS = (cpu.user + cpu.system) / 1e6;

console.log(
  `lists: ${versions.map((v) => `${v.listId} ${v.entryCount} entries/${v.nameCount} names`).join("; ")}`,
);
console.log(`indexed names: ${index.names.length}, vocabulary keys: ${index.vocab.length}`);
console.log(`import (parse 3 lists): ${importMs.toFixed(0)} ms; index build: ${buildMs.toFixed(0)} ms`);
console.log(
  `memory after build: heapUsed ${mb(memory.heapUsed)} (lists+index ≈ ${mb(memory.heapUsed - heapBefore)}), rss ${mb(memory.rss)}`,
);
console.log(
  `queries: ${queries.length} distinct-ish (40% listed names, 20% typo, 10% reversed, 20% Chinese, 10% non-hits)`,
);
console.log(`alerting queries: ${alerts}, hits: ${hits}`);
console.log(
  `throughput: ${(queries.length / wallS).toFixed(0)} queries/s wall, ${(queries.length / cpuS).toFixed(0)} queries/s CPU; mean ${((wallS / queries.length) * 1000).toFixed(3)} ms/query`,
);
t = performance.now();
bundledScreeningIndex();
const firstMs = performance.now() - t;
t = performance.now();
bundledScreeningIndex();
console.log(
  `app bundledIndex(): first call ${firstMs.toFixed(0)} ms (load + build), then ${(performance.now() - t).toFixed(3)} ms (cached)`,
);
