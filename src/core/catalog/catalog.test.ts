import { describe, expect, it } from "vitest";
import { SluiceError } from "../errors.ts";
import { catalogColumns, familyOf, isDomestic, parseCatalog } from "./catalog.ts";

const header = catalogColumns.join(",");
const h200 =
  "nvidia-h200-sxm,NVIDIA,H200 SXM,Hopper,true,989.5,1979,1979,,141,4800,900,814,S," +
  "NVIDIA H200 datasheet; s-w-kelly/chip-export-controls,named in the Jan 2026 rule";
const ascend =
  "huawei-ascend-910b,Huawei,Ascend 910B,Da Vinci,true,376,,752,,64,1600,392,,U,msmodeling,domestic chip";

/** The one-line message parseCatalog throws for `text`. */
function errorOf(text: string): string {
  try {
    parseCatalog(text);
  } catch (error) {
    expect(error).toBeInstanceOf(SluiceError);
    expect((error as SluiceError).kind).toBe("bad_input");
    return (error as SluiceError).message;
  }
  throw new Error("expected a bad-input error");
}

/** The catalog text with the H200 row changed in one column. */
const withCell = (column: string, value: string): string => {
  const cells = h200.split(",");
  cells[catalogColumns.indexOf(column as (typeof catalogColumns)[number])] = value;
  return `${header}\n${ascend}\n${cells.join(",")}\n`;
};

describe("parseCatalog", () => {
  it("maps columns to a product and its ChipSpec; empty cells are absent", () => {
    const [h, a] = parseCatalog(`${header}\n${h200}\n${ascend}\n`);
    expect(h).toEqual({
      id: "nvidia-h200-sxm",
      vendor: "NVIDIA",
      name: "H200 SXM",
      architecture: "Hopper",
      datacenter: true,
      spec: {
        name: "NVIDIA H200 SXM",
        datacenter: true,
        denseTops: { fp16: 989.5, fp8: 1979, int8: 1979 },
        dramBandwidthGBs: 4800,
        interconnectGBs: 900,
        logicDieAreaMm2: 814,
      },
      memoryGb: 141,
      status: "S",
      sources: "NVIDIA H200 datasheet; s-w-kelly/chip-export-controls",
      notes: "named in the Jan 2026 rule",
      domestic: false,
      family: "hopper",
    });
    expect(a?.spec).toEqual({
      name: "Huawei Ascend 910B",
      datacenter: true,
      denseTops: { fp16: 376, int8: 752 },
      dramBandwidthGBs: 1600,
      interconnectGBs: 392,
    });
    expect(a).toMatchObject({ domestic: true, family: "da-vinci", status: "U" });
  });

  it("accepts columns in any order and quoted cells with commas", () => {
    const columns = [...catalogColumns].reverse();
    const row = [
      '"a, b"',
      "",
      "S",
      "",
      "",
      "1000",
      "",
      "",
      "",
      "",
      "100",
      "false",
      "Arch 2",
      " X ",
      "V",
      "x-1",
    ];
    const [p] = parseCatalog(`${columns.join(",")}\n${row.join(",")}\n`);
    expect(p).toMatchObject({ id: "x-1", notes: "a, b", family: "arch2", datacenter: false, memoryGb: null });
    expect(p?.spec).toEqual({
      name: "V X",
      datacenter: false,
      denseTops: { fp16: 100 },
      dramBandwidthGBs: 1000,
    });
  });

  it.each<[string, string, string]>([
    ["dense_tflops_fp8", "abc", "catalog line 3: column `dense_tflops_fp8` `abc` is not a number"],
    ["dense_tflops_fp8", "-5", "catalog line 3: column `dense_tflops_fp8` must be > 0 (got -5)"],
    ["dram_bandwidth_gbs", "-1", "catalog line 3: column `dram_bandwidth_gbs` must be ≥ 0 (got -1)"],
    ["dram_bandwidth_gbs", "", "catalog line 3: column `dram_bandwidth_gbs` is empty"],
    ["logic_die_area_mm2", "0", "catalog line 3: column `logic_die_area_mm2` must be > 0 (got 0)"],
    ["memory_gb", "0", "catalog line 3: column `memory_gb` must be > 0 (got 0)"],
    ["datacenter", "yes", "catalog line 3: column `datacenter` must be true or false (got `yes`)"],
    ["status", "X", "catalog line 3: column `status` must be one of P, S, U, D (got `X`)"],
    ["id", "Bad Id", 'catalog line 3: column `id` `Bad Id` must be lower-case words joined by "-"'],
    ["id", "huawei-ascend-910b", "catalog line 3: duplicate id `huawei-ascend-910b`"],
    ["vendor", "", "catalog line 3: column `vendor` is empty"],
    ["interconnect_gbs", "1e3", "catalog line 3: column `interconnect_gbs` `1e3` is not a number"],
  ])("rejects %s = %j", (column, value, message) => {
    expect(errorOf(withCell(column, value))).toBe(message);
  });

  it("rejects a row without any dense figure, naming the columns", () => {
    const text = `${header}\nx,X,X,A,true,,,,,1,1,1,1,S,s,n\n`;
    expect(errorOf(text)).toBe(
      "catalog line 2: column `dense_tflops_fp16` no dense figure in any dense_* column",
    );
  });

  it("rejects header problems and malformed CSV with a line number", () => {
    expect(errorOf(`${header.replace(",notes", "")}\n`)).toBe("catalog line 1: missing column `notes`");
    expect(errorOf(`${header},extra\n`)).toBe("catalog line 1: unknown column `extra`");
    expect(errorOf(`${header},id\n`)).toBe("catalog line 1: column `id` appears twice");
    expect(errorOf(`${header}\n${h200}\nshort,row\n`)).toMatch(/^catalog line 3: malformed csv \(.*\)$/);
    expect(errorOf(`${header}\n"unterminated,x\n`)).toMatch(/^catalog line \d: malformed csv/);
    expect(errorOf("")).toBe("catalog: is empty (no header line)");
  });

  it("names the source it was given", () => {
    expect(() => parseCatalog(withCell("status", "Q"), "catalog `data/chips.csv`")).toThrow(
      "catalog `data/chips.csv` line 3: column `status`",
    );
  });
});

describe("families and domestic chips", () => {
  it.each([
    ["Hopper", "hopper"],
    ["Blackwell", "blackwell"],
    ["Blackwell Ultra", "blackwell-ultra"],
    ["Rubin", "rubin"],
    ["CDNA 3", "cdna3"],
    ["CDNA 4", "cdna4"],
    ["Da Vinci", "da-vinci"],
    ["MLUarch03", "mluarch03"],
    [" Gaudi ", "gaudi"],
  ])("%s → %s", (architecture, family) => {
    expect(familyOf(architecture)).toBe(family);
  });

  it("marks Huawei, Cambricon, Hygon and rows noted 'domestic chip'", () => {
    expect(isDomestic("Huawei", "")).toBe(true);
    expect(isDomestic("Cambricon", "")).toBe(true);
    expect(isDomestic("Hygon", "")).toBe(true);
    expect(isDomestic("Moore Threads", "a Domestic chip, per reports")).toBe(true);
    expect(isDomestic("NVIDIA", "named in the Jan 2026 rule")).toBe(false);
    expect(isDomestic("NVIDIA", "non-domestic chips")).toBe(false);
  });
});
