import { describe, expect, it } from "vitest";
import { z } from "zod";
import { SluiceError } from "../errors.ts";
import { chipSpecSchema, parseChipSpec } from "./spec.ts";

const valid = {
  name: "NVIDIA H200 SXM",
  datacenter: true,
  denseTops: { fp16: 989.5, fp8: 1979 },
  dramBandwidthGBs: 4800,
  interconnectGBs: 900,
  logicDieAreaMm2: 814,
};

/** The one-line message parseChipSpec throws for `input`. */
function errorOf(input: unknown, source = "chip.json"): string {
  try {
    parseChipSpec(input, source);
  } catch (error) {
    expect(error).toBeInstanceOf(SluiceError);
    expect((error as SluiceError).kind).toBe("bad_input");
    return (error as SluiceError).message;
  }
  throw new Error("expected a bad-input error");
}

describe("parseChipSpec", () => {
  it("accepts a valid spec and returns it unchanged", () => {
    expect(parseChipSpec(valid, "chip.json")).toEqual(valid);
    const minimal = { name: "x", datacenter: false, denseTops: { int8: 1 }, dramBandwidthGBs: 0 };
    expect(parseChipSpec(minimal, "-")).toEqual(minimal);
  });

  it.each<[string, unknown, string]>([
    ["not an object", null, "spec `chip.json`: the document must be an object (got null)"],
    ["an array", [], "spec `chip.json`: the document must be an object (got an array)"],
    ["missing name", { ...valid, name: undefined }, "spec `chip.json`: field `name` is required"],
    ["blank name", { ...valid, name: "  " }, "spec `chip.json`: field `name` must not be empty"],
    [
      "datacenter as text",
      { ...valid, datacenter: "yes" },
      'spec `chip.json`: field `datacenter` must be a boolean (got "yes")',
    ],
    [
      "negative figure",
      { ...valid, denseTops: { fp8: -1 } },
      "spec `chip.json`: field `denseTops.fp8` must be > 0 (got -1)",
    ],
    [
      "zero figure",
      { ...valid, denseTops: { fp8: 0 } },
      "spec `chip.json`: field `denseTops.fp8` must be > 0 (got 0)",
    ],
    [
      "figure as text",
      { ...valid, denseTops: { fp8: "1979" } },
      'spec `chip.json`: field `denseTops.fp8` must be a number (got "1979")',
    ],
    [
      "absurd figure",
      { ...valid, denseTops: { fp8: 2e9 } },
      "spec `chip.json`: field `denseTops.fp8` must be ≤ 1000000000 (got 2000000000)",
    ],
    [
      "unknown precision",
      { ...valid, denseTops: { fp9: 1 } },
      "spec `chip.json`: field `denseTops` has unknown field `fp9` (allowed: fp4, fp8, int8, fp16, bf16, fp32, fp64)",
    ],
    [
      "no figure",
      { ...valid, denseTops: {} },
      "spec `chip.json`: field `denseTops` needs at least one dense figure (fp4, fp8, int8, fp16, bf16, fp32, fp64)",
    ],
    [
      "negative bandwidth",
      { ...valid, dramBandwidthGBs: -5 },
      "spec `chip.json`: field `dramBandwidthGBs` must be ≥ 0 (got -5)",
    ],
    [
      "zero die area",
      { ...valid, logicDieAreaMm2: 0 },
      "spec `chip.json`: field `logicDieAreaMm2` must be > 0 (got 0)",
    ],
    [
      "microscopic die area",
      { ...valid, logicDieAreaMm2: 1e-9 },
      "spec `chip.json`: field `logicDieAreaMm2` must be ≥ 0.001 (got 1e-9)",
    ],
    [
      "null interconnect",
      { ...valid, interconnectGBs: null },
      "spec `chip.json`: field `interconnectGBs` must be a number (got null)",
    ],
  ])("rejects %s", (_label, input, message) => {
    expect(errorOf(input)).toBe(message);
  });

  it("says a missing field is required", () => {
    const { dramBandwidthGBs: _drop, ...rest } = valid;
    expect(errorOf(rest)).toBe("spec `chip.json`: field `dramBandwidthGBs` is required");
  });

  it("rejects unknown top-level fields (a typo must not silently drop a figure)", () => {
    const { logicDieAreaMm2: _drop, ...rest } = valid;
    expect(errorOf({ ...rest, logicDieArea: 814 })).toMatch(
      /^spec `chip\.json`: the document has unknown field `logicDieArea` \(allowed: name, datacenter, /,
    );
  });

  it("names stdin as such", () => {
    expect(errorOf(42, "-")).toBe("spec stdin: the document must be an object (got 42)");
  });

  it("exports a JSON Schema for the HTTP API and docs", () => {
    const schema = z.toJSONSchema(chipSpecSchema) as { required: string[]; additionalProperties: boolean };
    expect(schema.required).toEqual(["name", "datacenter", "denseTops", "dramBandwidthGBs"]);
    expect(schema.additionalProperties).toBe(false);
  });

  it("rejects non-finite numbers that arrive from code", () => {
    expect(chipSpecSchema.safeParse({ ...valid, dramBandwidthGBs: Number.POSITIVE_INFINITY }).success).toBe(
      false,
    );
    expect(chipSpecSchema.safeParse({ ...valid, denseTops: { fp8: Number.NaN } }).success).toBe(false);
  });
});
