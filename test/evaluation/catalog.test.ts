// Every product in data/chips.csv against figures worked out by hand from its row (TPP = max over
// precisions of dense TOPS × bit length; ties to the lowest bit length; PD = TPP / die area).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { catalogFileName, loadCatalog } from "../../src/adapters/files/reference-data.ts";
import { classify } from "../../src/core/classification/classify.ts";
import type { Eccn, Precision } from "../../src/core/classification/types.ts";
import { SluiceError } from "../../src/core/errors.ts";

/** id, TPP, its precision, PD (4 decimals), ECCN, in the BIS box, §232 band, SAFE advanced, family, domestic. */
type Expected = [
  id: string,
  tpp: number,
  precision: Precision,
  pd: number | null,
  eccn: Eccn | null,
  box: boolean,
  band: 1 | 2 | null,
  safe: boolean,
  family: string,
  domestic: boolean,
];

const expected: Expected[] = [
  // A100: fp16 312×16 = 4,992 = int8 624×8 → tie, int8; PD 4,992/826 = 6.0436
  ["nvidia-a100-sxm", 4992, "int8", 6.0436, "3A090.a", true, null, true, "ampere", false],
  // H100 SXM: 989.5×16 = 1,979×8 = 15,832 → fp8; bandwidth 3,350 misses band 1
  ["nvidia-h100-sxm", 15832, "fp8", 19.4496, "3A090.a", true, null, true, "hopper", false],
  // H100 NVL: fp16 835.5×16 = 13,368 > fp8 1,670.5×8 = 13,364
  ["nvidia-h100-nvl", 13368, "fp16", 16.4226, "3A090.a", true, null, true, "hopper", false],
  // H200 SXM: 15,832 via fp8, 4,800 GB/s → band 1
  ["nvidia-h200-sxm", 15832, "fp8", 19.4496, "3A090.a", true, 1, true, "hopper", false],
  // H200 NVL: 13,368 ≤ 14,000 → no band despite 4,800 GB/s
  ["nvidia-h200-nvl", 13368, "fp16", 16.4226, "3A090.a", true, null, true, "hopper", false],
  // H20: 148×16 = 296×8 = 2,368 < 2,400; PD 2.9091 < 3.2 → not 3A090;
  // DRAM 4,000 < 4,100, interconnect 900 < 1,100, sum 4,900 < 5,000 → not SAFE-advanced
  ["nvidia-h20", 2368, "fp8", 2.9091, null, true, null, false, "hopper", false],
  ["nvidia-h800-sxm", 15832, "fp8", 19.4496, "3A090.a", true, null, true, "hopper", false],
  // B200: 2,250×16 = 4,500×8 = 9,000×4 = 36,000 → fp4; out of the box
  ["nvidia-b200", 36000, "fp4", 22.113, "3A090.a", false, null, true, "blackwell", false],
  ["nvidia-gb200-gpu", 40000, "fp4", 24.57, "3A090.a", false, null, true, "blackwell", false],
  // B300: fp4 14,000×4 = 56,000 beats fp16/fp8 36,000 and int8 150×8 = 1,200
  ["nvidia-b300", 56000, "fp4", 34.398, "3A090.a", false, null, true, "blackwell-ultra", false],
  // Rubin: fp4 25,000×4 = 100,000 > fp8 8,750×8 = 70,000; no die area
  ["nvidia-r100", 100000, "fp4", null, "3A090.a", false, null, true, "rubin", false],
  // MI300X: 2,614.9×8 = 20,919.2 > 1,307.4×16 = 20,918.4; 5,300 GB/s misses band 2
  ["amd-mi300x", 20919.2, "fp8", 20.5695, "3A090.a", true, null, true, "cdna3", false],
  // MI325X: 20,919.2 with 6,000 GB/s → box and band 2
  ["amd-mi325x", 20919.2, "fp8", 20.5695, "3A090.a", true, 2, true, "cdna3", false],
  // MI350X: fp16 2,309.6×16 = 36,953.6 > fp8 36,912 > fp4 36,910
  ["amd-mi350x", 36953.6, "fp16", 36.3359, "3A090.a", false, null, true, "cdna4", false],
  // MI355X: fp16 2,516.6×16 = fp8 5,033.2×8 = 40,265.6 (tie → fp8) > fp4 40,265.2
  ["amd-mi355x", 40265.6, "fp8", 39.5925, "3A090.a", false, null, true, "cdna4", false],
  // Gaudi 3: fp16 1,835×16 = 29,360 > fp8 14,680
  ["intel-gaudi3", 29360, "fp16", null, "3A090.a", false, null, true, "gaudi", false],
  // Ascend 910B: 376×16 = 752×8 = 6,016 → int8
  ["huawei-ascend-910b", 6016, "int8", null, "3A090.a", true, null, true, "da-vinci", true],
  ["huawei-ascend-910c", 12032, "int8", null, "3A090.a", true, null, true, "da-vinci", true],
  // MLU370-X8: int8 256×8 = 2,048 > fp16 1,536; no die area → ECCN and SAFE not established
  ["cambricon-mlu370-x8", 2048, "int8", null, null, true, null, false, "mluarch03", true],
];

describe("catalog data/chips.csv", () => {
  const catalog = loadCatalog();

  it("holds exactly the products in the table, in file order", () => {
    expect(catalog.all().map((p) => p.id)).toEqual(expected.map(([id]) => id));
  });

  it.each(expected)("%s: TPP %d (%s), PD %s, %s, box %s, band %s, SAFE %s", (...row) => {
    const [id, tpp, precision, pd, eccn, box, band, safe, family, domestic] = row;
    const product = catalog.require(id);
    const c = classify(product.spec);
    expect(c.tpp).toBe(tpp);
    expect(c.tppPrecision).toBe(precision);
    if (pd === null) expect(c.performanceDensity).toBeNull();
    else expect(c.performanceDensity).toBeCloseTo(pd, 3);
    expect(c.eccn).toBe(eccn);
    expect(c.note2Applied).toBe(false);
    expect(c.bisBox.eligible).toBe(box);
    expect(c.section232Band).toBe(band);
    expect(c.safeChipsActAdvanced).toBe(safe);
    expect(product.family).toBe(family);
    expect(product.domestic).toBe(domestic);
  });

  it("flags the MLU370-X8 results as not established for lack of a die area", () => {
    const c = classify(catalog.require("cambricon-mlu370-x8").spec);
    expect(c.eccnIndeterminate).toBe(true);
    expect(c.safeChipsActIndeterminate).toBe(true);
  });

  it("keeps status, sources, notes and memory", () => {
    expect(catalog.get("nvidia-b200")).toMatchObject({
      status: "D",
      memoryGb: 180,
      sources: "glennklockwood.com/garden/processors/B200; verda.com/blog/gb300-nvl72-architecture",
    });
    expect(catalog.get("nvidia-b200")?.notes).toContain("7700-8000 GB/s disagree");
  });

  it("returns the same catalog on the next load (read once)", () => {
    expect(loadCatalog()).toBe(catalog);
  });

  it("rejects an unknown id with the known ids", () => {
    expect(catalog.get("nvidia-h300")).toBeUndefined();
    expect(() => catalog.require("nvidia-h300")).toThrow(
      /^product `nvidia-h300`: unknown product \(known: nvidia-a100-sxm, nvidia-h100-sxm, .*cambricon-mlu370-x8\)$/,
    );
    const error = (() => {
      try {
        catalog.require("x");
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(SluiceError);
    expect((error as SluiceError).kind).toBe("not_found");
  });
});

describe("loadCatalog from another directory", () => {
  it("names the file when it cannot be read or parsed", () => {
    const dir = mkdtempSync(join(tmpdir(), "sluice-catalog-"));
    expect(() => loadCatalog(dir)).toThrow(/^catalog `.*chips\.csv`: cannot be read \(enoent\)$/);
    writeFileSync(join(dir, catalogFileName), "id,vendor\n");
    expect(() => loadCatalog(dir)).toThrow(
      /^catalog `.*chips\.csv` line 1: unknown column `vendor`|missing column/,
    );
  });
});
