// `sluice classify` and `sluice products`: formatting in process, and a few spawned runs of the real
// CLI for exit codes, stdin and JSON (each spawn costs about half a second, so they are few).
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadCatalog } from "../../../adapters/files/reference-data.ts";
import { classify } from "../../../core/classification/classify.ts";
import { parseChipSpec } from "../../../core/classification/spec.ts";
import { formatClassification, formatTable, resolveSpec } from "./classify.ts";

const repo = fileURLToPath(new URL("../../../../", import.meta.url));

/** Runs the CLI from the repo root (or through bin/sluice.mjs from `cwd`); never rejects. */
function sluice(
  args: string[],
  options: { input?: string; cwd?: string } = {},
): Promise<{ status: number; stdout: string; stderr: string }> {
  const command = options.cwd
    ? [`${repo}bin/sluice.mjs`, ...args]
    : ["--import", "tsx", "src/adapters/cli/main.ts", ...args];
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      command,
      { cwd: options.cwd ?? repo },
      (error, stdout, stderr) => {
        const status = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolve({ status, stdout, stderr });
      },
    );
    child.stdin?.end(options.input ?? "");
  });
}

const mi325x = {
  name: "AMD Instinct MI325X",
  datacenter: true,
  denseTops: { fp16: 1307.4, fp8: 2614.9, int8: 2614.9 },
  dramBandwidthGBs: 6000,
  interconnectGBs: 896,
  logicDieAreaMm2: 1017,
};

describe("text output", () => {
  it("summarizes a classification, then the reasons", () => {
    const product = loadCatalog().require("cambricon-mlu370-x8");
    const text = formatClassification(product.spec, classify(product.spec), product);
    expect(text.split("\n").slice(0, 8)).toEqual([
      "Cambricon MLU370-X8 (cambricon-mlu370-x8, figures [U])",
      "  TPP        2,048 (int8)",
      "  PD         unknown",
      "  ECCN       not established (no die area)",
      "  BIS box    eligible",
      "  §232 band  none",
      "  SAFE test  not advanced (not established: data missing)",
      "reasons:",
    ]);
    expect(text.split("\n")).toHaveLength(14);
  });

  it("says which box limit fails and when Note 2 applied", () => {
    const spec = {
      ...mi325x,
      name: "gamer card",
      datacenter: false,
      denseTops: { fp8: 500 },
      dramBandwidthGBs: 7000,
    };
    const text = formatClassification(spec, classify(spec), null);
    expect(text).toContain("\n  ECCN       not 3A090 (Note 2)\n");
    expect(text).toContain("\n  BIS box    not eligible (fails dramBandwidthMaxGBs)\n");
  });

  it("wants exactly one of a product id or --spec", () => {
    const catalog = () => loadCatalog();
    const message = "classify: give exactly one of <product-id> or --spec <file|->";
    expect(() => resolveSpec("nvidia-h20", { spec: "-" }, catalog)).toThrow(message);
    expect(() => resolveSpec(undefined, {}, catalog)).toThrow(message);
    expect(resolveSpec("nvidia-h20", {}, catalog).product?.id).toBe("nvidia-h20");
  });

  it("pads table columns and right-aligns the chosen ones", () => {
    expect(
      formatTable(
        ["id", "TPP"],
        [
          ["a", "1"],
          ["bbb", "20,000"],
        ],
        [1],
      ),
    ).toBe("id      TPP\na         1\nbbb  20,000");
  });
});

describe("example specs in examples/specs", () => {
  const load = (file: string) =>
    parseChipSpec(JSON.parse(readFileSync(`${repo}examples/specs/${file}`, "utf8")), file);

  it("mi325x.json matches the catalog's MI325X", () => {
    const spec = load("mi325x.json");
    expect(classify(spec)).toEqual(classify(loadCatalog().require("amd-mi325x").spec));
  });

  it("workstation-card.json: out of 3A090 by Note 2, still SAFE-advanced (as docs/classification.md says)", () => {
    expect(classify(load("workstation-card.json"))).toMatchObject({
      tpp: 3200,
      eccn: null,
      note2Applied: true,
      bisBox: { eligible: true },
      section232Band: null,
      safeChipsActAdvanced: true,
    });
  });
});

describe.concurrent("sluice classify (spawned)", () => {
  it("classifies a catalog product as JSON", async () => {
    const { status, stdout, stderr } = await sluice(["classify", "nvidia-h200-sxm", "--json"]);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({
      product: { id: "nvidia-h200-sxm", name: "NVIDIA H200 SXM" },
      tpp: 15832,
      tppPrecision: "fp8",
      performanceDensity: 19.449631,
      eccn: "3A090.a",
      note2Applied: false,
      bisBox: { eligible: true, tppMax: 21000, dramBandwidthMaxGBs: 6500, failedLimits: [] },
      section232Band: 1,
      safeChipsActAdvanced: true,
    });
    expect(out.reasons).toHaveLength(6);
  });

  it("classifies a spec read from stdin", async () => {
    const { status, stdout } = await sluice(["classify", "--spec", "-", "--json"], {
      input: JSON.stringify(mi325x),
    });
    expect(status).toBe(0);
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({
      tpp: 20919.2,
      eccn: "3A090.a",
      section232Band: 2,
      bisBox: { eligible: true },
    });
    expect(out.product).toBeUndefined();
  });

  it.each<[string, string[], string | undefined, RegExp]>([
    [
      "an unknown product",
      ["classify", "nvidia-h300"],
      undefined,
      /^error: product `nvidia-h300`: unknown product \(known: /,
    ],
    ["malformed JSON", ["classify", "--spec", "-"], '{"name": ', /^error: stdin: malformed json \(/],
    [
      "a missing field",
      ["classify", "--spec", "-", "--json"],
      JSON.stringify({ ...mi325x, dramBandwidthGBs: undefined }),
      /^error: spec stdin: field `dramBandwidthGBs` is required$/,
    ],
    [
      "a negative bandwidth",
      ["classify", "--spec", "-"],
      JSON.stringify({ ...mi325x, dramBandwidthGBs: -1 }),
      /^error: spec stdin: field `dramBandwidthGBs` must be ≥ 0 \(got -1\)$/,
    ],
  ])("exits 2 on %s with one error line", async (_label, args, input, line) => {
    const { status, stdout, stderr } = await sluice(args, input === undefined ? {} : { input });
    expect(status).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(stderr.trimEnd()).toMatch(line);
  });
});

describe("sluice products (spawned)", () => {
  it("lists the catalog as JSON from any working directory", async () => {
    const { status, stdout } = await sluice(["products", "--json"], { cwd: tmpdir() });
    expect(status).toBe(0);
    const rows = JSON.parse(stdout) as {
      id: string;
      tpp: number;
      bisBoxEligible: boolean;
      section232Band: number | null;
    }[];
    expect(rows).toHaveLength(loadCatalog().all().length);
    expect(rows.find((r) => r.id === "amd-mi325x")).toMatchObject({
      tpp: 20919.2,
      bisBoxEligible: true,
      section232Band: 2,
    });
    expect(rows.find((r) => r.id === "nvidia-b200")).toMatchObject({
      tpp: 36000,
      bisBoxEligible: false,
      section232Band: null,
    });
  });
});
