import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  classify,
  classifyBisBox,
  classifyEccn,
  classifySection232,
  computeTpp,
  formatFigure,
  performanceDensity,
  roundFigure,
} from "./classify.ts";
import { type ChipSpec, type Precision, precisions } from "./types.ts";

/** A data-centre chip whose TPP is exactly `tpp` (fp8: dividing by 8 is exact in binary). */
function chip(tpp: number, extra: Partial<ChipSpec> = {}): ChipSpec {
  return {
    name: "test chip",
    datacenter: true,
    denseTops: { fp8: tpp / 8 },
    dramBandwidthGBs: 1000,
    ...extra,
  };
}

describe("TPP", () => {
  it("is dense TOPS × bit length, without float noise", () => {
    expect(computeTpp({ fp8: 2614.9 }).tpp).toBe(20919.2);
    expect(computeTpp({ fp16: 1307.4 }).tpp).toBe(20918.4);
    expect(computeTpp({ fp64: 100 }).tpp).toBe(6400);
    expect(computeTpp({ fp32: 10.5 }).tpp).toBe(336);
    expect(computeTpp({ bf16: 0.1 }).tpp).toBe(1.6);
    expect(computeTpp({ fp4: 9227.5 }).tpp).toBe(36910);
  });

  it("takes the maximum over precisions", () => {
    const result = computeTpp({ fp16: 835.5, fp8: 1670.5, int8: 1670.5 });
    expect(result).toEqual({
      tpp: 13368,
      tppPrecision: "fp16",
      tppByPrecision: { fp16: 13368, fp8: 13364, int8: 13364 },
    });
    expect(computeTpp({ fp16: 2250, fp8: 4500, int8: 150, fp4: 14000 })).toMatchObject({
      tpp: 56000,
      tppPrecision: "fp4",
    });
  });

  it.each<[Partial<Record<Precision, number>>, Precision]>([
    [{ fp16: 989.5, fp8: 1979 }, "fp8"],
    [{ fp16: 989.5, int8: 1979 }, "int8"],
    [{ int8: 1979, fp8: 1979, fp16: 989.5 }, "fp8"],
    [{ fp16: 2250, fp8: 4500, int8: 4500, fp4: 9000 }, "fp4"],
    [{ fp64: 25, fp32: 50, bf16: 100 }, "bf16"],
    [{ fp16: 2516.6, fp8: 5033.2 }, "fp8"],
  ])("breaks ties toward the lowest bit length: %j → %s", (denseTops, precision) => {
    expect(computeTpp(denseTops).tppPrecision).toBe(precision);
  });

  it("is 0 with no precision at all (schema forbids it, the function stays total)", () => {
    expect(computeTpp({})).toEqual({ tpp: 0, tppPrecision: null, tppByPrecision: {} });
  });

  it("rounds to 1e-6 and formats without noise", () => {
    expect(roundFigure(20919.199999999997)).toBe(20919.2);
    expect(roundFigure(1.0000004)).toBe(1);
    expect(roundFigure(1.0000006)).toBe(1.000001);
    expect(formatFigure(20919.2)).toBe("20,919.2");
    expect(formatFigure(5.92)).toBe("5.92");
    expect(formatFigure(100000)).toBe("100,000");
  });
});

describe("performance density", () => {
  it("is TPP / logic die area, null when the area is unknown or not positive", () => {
    expect(performanceDensity(15832, 814)).toBe(19.449631);
    expect(performanceDensity(2960, 500)).toBe(5.92);
    expect(performanceDensity(100, undefined)).toBeNull();
    expect(performanceDensity(100, 0)).toBeNull();
    expect(performanceDensity(100, -5)).toBeNull();
  });
});

describe("ECCN 3A090", () => {
  it.each<[string, number, number | undefined, "3A090.a" | "3A090.b" | null]>([
    ["TPP exactly 4,800", 4800, undefined, "3A090.a"],
    ["TPP 4,799.99 with low PD", 4799.99, 10000, null],
    ["TPP 4,800 with tiny PD", 4800, 100000, "3A090.a"],
    ["PD exactly 5.92 (TPP 2,960)", 2960, 500, "3A090.a"],
    ["PD 5.9199 (TPP 2,959.95)", 2959.95, 500, "3A090.b"],
    ["PD exactly 5.92 at TPP 1,776", 1776, 300, "3A090.a"],
    ["PD 5.9 at TPP 1,770 (.b via PD ≥ 3.2)", 1770, 300, "3A090.b"],
    ["TPP 1,600 with PD 16", 1600, 100, "3A090.a"],
    ["TPP 1,599.99 with PD 15.9999", 1599.99, 100, null],
    ["TPP 2,400 with PD exactly 1.6", 2400, 1500, "3A090.b"],
    ["TPP 3,200 with PD exactly 1.6", 3200, 2000, "3A090.b"],
    ["TPP 3,199.98 with PD 1.59999", 3199.98, 2000, null],
    ["TPP 2,399.99 with PD 1.6 (needs TPP ≥ 2,400)", 2399.99, 1499.99375, null],
    ["TPP 1,600 with PD exactly 3.2", 1600, 500, "3A090.b"],
    ["TPP 1,600 with PD 3.19936", 1600, 500.1, null],
    ["TPP 1,599.99 with PD 3.2 (needs TPP ≥ 1,600)", 1599.99, 499.996875, null],
    ["TPP 4,799.99 with PD 5.919 (.b upper PD bound)", 4799.99, 810.944, "3A090.b"],
  ])("%s → %s", (_label, tpp, area, eccn) => {
    const result = classify(chip(tpp, area === undefined ? {} : { logicDieAreaMm2: area }));
    expect(result.tpp).toBe(tpp);
    expect(result.eccn).toBe(eccn);
    expect(result.note2Applied).toBe(false);
    expect(result.eccnIndeterminate).toBe(false);
  });

  it("cannot establish PD branches without a die area, but TPP ≥ 4,800 still gives .a", () => {
    const unknown = classifyEccn(2048, null, true);
    expect(unknown).toMatchObject({ eccn: null, indeterminate: true, note2Applied: false });
    expect(unknown.reason).toContain("cannot be established");
    expect(classifyEccn(4800, null, true)).toMatchObject({ eccn: "3A090.a", indeterminate: false });
    expect(classifyEccn(1599.99, null, true)).toMatchObject({ eccn: null, indeterminate: false });
  });

  it("Note 2: not for data centres and TPP < 4,800 → not 3A090; TPP ≥ 4,800 → still 3A090.a", () => {
    const out = classify(chip(4799.99, { datacenter: false, logicDieAreaMm2: 480 }));
    expect(out).toMatchObject({ eccn: null, note2Applied: true, eccnIndeterminate: false });
    expect(out.reasons[2]).toBe(
      "Not 3A090 under Note 2: not designed or marketed for data centres and TPP 4,799.99 < 4,800 " +
        "(without Note 2: 3A090.a)",
    );
    expect(classify(chip(4800, { datacenter: false }))).toMatchObject({
      eccn: "3A090.a",
      note2Applied: false,
    });
    expect(classify(chip(3000, { datacenter: false, logicDieAreaMm2: 1000 })).reasons[2]).toContain(
      "without Note 2: 3A090.b",
    );
    expect(classify(chip(1000, { datacenter: false }))).toMatchObject({ eccn: null, note2Applied: true });
    expect(classify(chip(2000, { datacenter: false }))).toMatchObject({
      eccn: null,
      eccnIndeterminate: false,
    });
  });
});

describe("BIS case-by-case box", () => {
  it.each<[number, number, boolean, string[]]>([
    [21000, 4800, false, ["tppMax"]],
    [20999.99, 4800, true, []],
    [15000, 6500, false, ["dramBandwidthMaxGBs"]],
    [15000, 6499.9, true, []],
    [21000, 6500, false, ["tppMax", "dramBandwidthMaxGBs"]],
    [0.5, 0, true, []],
  ])("TPP %d, DRAM %d GB/s → eligible %s", (tpp, bw, eligible, failed) => {
    const box = classifyBisBox(tpp, bw);
    expect(box).toMatchObject({ eligible, tppMax: 21000, dramBandwidthMaxGBs: 6500, failedLimits: failed });
    expect(classify(chip(tpp, { dramBandwidthGBs: bw })).bisBox).toEqual(box);
  });

  it("names the measured values and the failing limit", () => {
    expect(classifyBisBox(36000, 7700).reason).toBe(
      "Outside the BIS case-by-case box: TPP 36,000 is not < 21,000 and DRAM bandwidth 7,700 GB/s is not < 6,500 GB/s",
    );
    expect(classifyBisBox(15000, 6500).reason).toBe(
      "Outside the BIS case-by-case box: DRAM bandwidth 6,500 GB/s is not < 6,500 GB/s (TPP 15,000 < 21,000)",
    );
    expect(classifyBisBox(15832, 4800).reason).toBe(
      "Inside the BIS case-by-case box: TPP 15,832 < 21,000 and DRAM bandwidth 4,800 GB/s < 6,500 GB/s",
    );
  });
});

describe("Section 232 bands (all bounds exclusive)", () => {
  it.each<[number, number, 1 | 2 | null]>([
    [14000, 4800, null],
    [14000.01, 4800, 1],
    [17500, 4800, null],
    [17499.99, 4800, 1],
    [15000, 4500, null],
    [15000, 4500.1, 1],
    [15000, 5000, null],
    [15000, 4999.9, 1],
    [20800, 6000, null],
    [20800.01, 6000, 2],
    [21100, 6000, null],
    [21099.99, 6000, 2],
    [20900, 5800, null],
    [20900, 5800.1, 2],
    [20900, 6200, null],
    [20900, 6199.9, 2],
    [15000, 6000, null],
    [20900, 4800, null],
  ])("TPP %d, DRAM %d GB/s → band %s", (tpp, bw, band) => {
    expect(classifySection232(tpp, bw).band).toBe(band);
    expect(classify(chip(tpp, { dramBandwidthGBs: bw })).section232Band).toBe(band);
  });

  it("explains which bound missed", () => {
    expect(classifySection232(14000, 4800).reason).toContain("TPP 14,000 is inside neither band's TPP range");
    expect(classifySection232(21100, 6000).reason).toContain("TPP 21,100 is inside neither band's TPP range");
    expect(classifySection232(15832, 3350).reason).toBe(
      "No Section 232 band (bounds exclusive): TPP 15,832 is inside band 1's TPP range but DRAM bandwidth " +
        "3,350 GB/s is outside 4,500–5,000 GB/s",
    );
    expect(classifySection232(20919.2, 6000).reason).toBe(
      "Section 232 band 2: 20,800 < TPP 20,919.2 < 21,100 and 5,800 < DRAM bandwidth 6,000 GB/s < 6,200 GB/s",
    );
  });
});

describe("SAFE Chips Act advanced IC", () => {
  // Baseline: TPP 1,000 (below every TPP test), low bandwidth, interconnect known.
  const base = (extra: Partial<ChipSpec>) => classify(chip(1000, { interconnectGBs: 100, ...extra }));

  it.each<[string, Partial<ChipSpec>, boolean]>([
    ["nothing met", {}, false],
    ["DRAM exactly 4,100", { dramBandwidthGBs: 4100 }, true],
    ["DRAM 4,099.9", { dramBandwidthGBs: 4099.9 }, false],
    ["interconnect exactly 1,100", { interconnectGBs: 1100 }, true],
    ["interconnect 1,099.9", { interconnectGBs: 1099.9 }, false],
    ["DRAM + interconnect exactly 5,000", { dramBandwidthGBs: 4000, interconnectGBs: 1000 }, true],
    ["DRAM + interconnect 4,999.9", { dramBandwidthGBs: 4000, interconnectGBs: 999.9 }, false],
    ["float sum 3,900.1 + 1,099.9 = 5,000", { dramBandwidthGBs: 3900.1, interconnectGBs: 1099.9 }, true],
  ])("%s → %s", (_label, extra, advanced) => {
    const result = base(extra);
    expect(result.safeChipsActAdvanced).toBe(advanced);
    expect(result.safeChipsActIndeterminate).toBe(false);
  });

  it.each<[string, number, number | undefined, boolean]>([
    ["TPP exactly 4,800", 4800, undefined, true],
    ["TPP 4,799.99, no PD", 4799.99, undefined, false],
    ["TPP 2,400 and PD exactly 1.6", 2400, 1500, true],
    ["TPP 2,400 and PD 1.599", 2400, 1501, false],
    ["TPP 1,600 and PD exactly 3.2", 1600, 500, true],
    ["TPP 1,600 and PD 3.19936", 1600, 500.1, false],
    ["TPP 1,599.99 and PD 3.2", 1599.99, 499.996875, false],
  ])("%s (not for data centres: no 3A090 below 4,800) → %s", (_label, tpp, area, advanced) => {
    const spec = chip(tpp, { datacenter: false, interconnectGBs: 100 });
    if (area !== undefined) spec.logicDieAreaMm2 = area;
    const result = classify(spec);
    expect(result.eccn).toBe(tpp >= 4800 ? "3A090.a" : null);
    expect(result.safeChipsActAdvanced).toBe(advanced);
  });

  it("counts 3A090 itself", () => {
    // 3A090.a via PD ≥ 5.92 (TPP 2,000, area 300), with every other test met only through PD.
    const result = classify(chip(2000, { logicDieAreaMm2: 300, interconnectGBs: 100 }));
    expect(result.eccn).toBe("3A090.a");
    expect(result.reasons[5]).toContain("classified 3A090.a");
    expect(result.safeChipsActAdvanced).toBe(true);
  });

  it("says when a missing die area or interconnect leaves the answer open", () => {
    const noArea = classify(chip(2000, { interconnectGBs: 100 }));
    expect(noArea).toMatchObject({ safeChipsActAdvanced: false, safeChipsActIndeterminate: true });
    expect(noArea.reasons[5]).toContain("not established");
    const noInterconnect = classify(chip(1000));
    expect(noInterconnect).toMatchObject({ safeChipsActAdvanced: false, safeChipsActIndeterminate: true });
    expect(noInterconnect.reasons[5]).toContain("interconnect unknown");
    // PD matters for SAFE from TPP 1,600 up: below that a missing area cannot change the answer.
    expect(classify(chip(1600, { interconnectGBs: 100 })).safeChipsActIndeterminate).toBe(true);
    expect(classify(chip(1599.99, { interconnectGBs: 100 })).safeChipsActIndeterminate).toBe(false);
    expect(classify(chip(1000, { dramBandwidthGBs: 4100 }))).toMatchObject({
      safeChipsActAdvanced: true,
      safeChipsActIndeterminate: false,
    });
  });
});

describe("classify", () => {
  it("gives one reason per conclusion, with numbers (H200 SXM)", () => {
    const result = classify({
      name: "NVIDIA H200 SXM",
      datacenter: true,
      denseTops: { fp16: 989.5, fp8: 1979, int8: 1979 },
      dramBandwidthGBs: 4800,
      interconnectGBs: 900,
      logicDieAreaMm2: 814,
    });
    expect(result.reasons).toEqual([
      "TPP 15,832 = 1,979 dense TOPS at fp8 × 8 bits, the maximum over fp8 15,832, int8 15,832, fp16 15,832 " +
        "(sparsity not counted; ties go to the lowest bit length)",
      "PD 19.449631 = TPP 15,832 / 814 mm² of logic die",
      "ECCN 3A090.a: TPP 15,832 ≥ 4,800",
      "Inside the BIS case-by-case box: TPP 15,832 < 21,000 and DRAM bandwidth 4,800 GB/s < 6,500 GB/s",
      "Section 232 band 1: 14,000 < TPP 15,832 < 17,500 and 4,500 < DRAM bandwidth 4,800 GB/s < 5,000 GB/s",
      "SAFE Chips Act (S.3374, a bill) advanced IC: classified 3A090.a; TPP 15,832 ≥ 4,800; TPP ≥ 2,400 and " +
        "PD 19.449631 ≥ 1.6; TPP ≥ 1,600 and PD 19.449631 ≥ 3.2; DRAM bandwidth 4,800 GB/s ≥ 4,100; " +
        "DRAM + interconnect 5,700 GB/s ≥ 5,000",
    ]);
  });

  it("reports an unknown die area in the PD and ECCN reasons", () => {
    const result = classify(chip(2048, { interconnectGBs: 200 }));
    expect(result.performanceDensity).toBeNull();
    expect(result.reasons[1]).toBe("PD unknown: no logic die area was given");
    expect(result.reasons[2]).toMatch(/^ECCN not established: TPP 2,048 is ≥ 1,600 but < 4,800/);
  });
});

describe("properties", () => {
  const figure = fc.double({ min: 0.001, max: 1e6, noNaN: true, noDefaultInfinity: true });
  const denseTops = fc
    .dictionary(fc.constantFrom(...precisions), figure, { minKeys: 1 })
    .map((d) => d as Partial<Record<Precision, number>>);
  const spec = fc.record({
    name: fc.constant("prop chip"),
    datacenter: fc.boolean(),
    denseTops,
    dramBandwidthGBs: fc.double({ min: 0, max: 1e5, noNaN: true, noDefaultInfinity: true }),
  });

  it("TPP is monotone in each precision's figure", () => {
    fc.assert(
      fc.property(denseTops, fc.constantFrom(...precisions), figure, (tops, precision, increase) => {
        const raised = { ...tops, [precision]: (tops[precision] ?? 0) + increase };
        expect(computeTpp(raised).tpp).toBeGreaterThanOrEqual(computeTpp(tops).tpp);
      }),
    );
  });

  it("TPP is the largest candidate and comes from a given precision", () => {
    fc.assert(
      fc.property(denseTops, (tops) => {
        const { tpp, tppPrecision, tppByPrecision } = computeTpp(tops);
        expect(tppPrecision).not.toBeNull();
        expect(tppByPrecision[tppPrecision ?? "fp8"]).toBe(tpp);
        expect(Math.max(...Object.values(tppByPrecision))).toBe(tpp);
      }),
    );
  });

  it("classification is deterministic and leaves its input alone", () => {
    fc.assert(
      fc.property(spec, (s) => {
        const copy = structuredClone(s);
        const first = classify(s);
        expect(classify(copy)).toEqual(first);
        expect(s).toEqual(copy);
        expect(first.reasons).toHaveLength(6);
        expect(first.bisBox.eligible).toBe(first.tpp < 21000 && s.dramBandwidthGBs < 6500);
      }),
    );
  });
});
