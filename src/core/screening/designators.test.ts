// Unit tests of the query-side designator stripping and the traditional → simplified step.
import { describe, expect, it } from "vitest";
import { type DesignatorPlaces, simplifyHan, stripBranchDesignators } from "./designators.ts";

const places: DesignatorPlaces = {
  latin: new Set(["shenzhen", "beijing", "hong", "kong", "china"]),
  han: new Set(["深圳", "北京", "广东"]),
};
const strip = (name: string) => stripBranchDesignators(name, places).text;

describe("branch designators", () => {
  it("strips a trailing branch, office or representative office with its place, in English and Chinese", () => {
    expect(strip("Huawei Technologies Co., Ltd. (Shenzhen Branch)")).toBe("Huawei Technologies Co., Ltd.");
    expect(strip("Huawei Technologies Co Ltd, Beijing Representative Office")).toBe(
      "Huawei Technologies Co Ltd",
    );
    expect(strip("Acme Trading Hong Kong Branch Office")).toBe("Acme Trading");
    expect(strip("Acme Trading (Hong Kong)")).toBe("Acme Trading");
    expect(strip("华为技术有限公司深圳分公司")).toBe("华为技术有限公司");
    expect(strip("华为技术有限公司广东省深圳市分公司")).toBe("华为技术有限公司");
    expect(strip("华为技术有限公司北京代表处")).toBe("华为技术有限公司");
    expect(strip("华为技术有限公司(深圳)")).toBe("华为技术有限公司");
    // A district unknown to the place list, right after a legal form.
    expect(strip("Huawei Technologies Co., Ltd. Haidian Branch")).toBe("Huawei Technologies Co., Ltd");
    expect(strip("华为技术有限公司南山分公司")).toBe("华为技术有限公司");
    expect(stripBranchDesignators("华为深圳分公司", places).steps).toEqual([
      "branch designator stripped: 深圳分公司",
    ]);
  });

  it("keeps numerals, non-place words, brackets in the middle and names that would be left empty", () => {
    expect(strip("Advanced Persistent Threat 39, Shenzhen Representative Office")).toBe(
      "Advanced Persistent Threat 39",
    );
    expect(strip("Acme Research Branch")).toBe("Acme Research");
    expect(strip("Huawei Technologies (HiSilicon)")).toBe("Huawei Technologies (HiSilicon)");
    expect(strip("腾讯科技(深圳)有限公司")).toBe("腾讯科技(深圳)有限公司");
    expect(strip("Shenzhen Branch Office")).toBe("Shenzhen Branch Office");
    expect(strip("深圳分公司")).toBe("深圳分公司");
    expect(stripBranchDesignators("Sugon", places)).toEqual({ text: "Sugon", steps: [] });
  });

  it("simplifies traditional characters and leaves Latin text alone", () => {
    expect(simplifyHan("華為技術有限公司北京代表處").text).toBe("华为技术有限公司北京代表处");
    expect(simplifyHan("Huawei")).toEqual({ text: "Huawei", steps: [] });
    expect(simplifyHan("华为").steps).toEqual([]);
  });
});
