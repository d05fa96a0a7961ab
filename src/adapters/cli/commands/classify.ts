// CLI: `sluice classify <product-id> | --spec <file|->` and `sluice products`: a chip's TPP, PD,
// ECCN, BIS box, §232 band and SAFE Chips Act test with reasons, and the catalog as a table.
// Bad input (unknown product, malformed or invalid spec) exits 2 with one `error:` line.
import type { Command } from "commander";
import { type Catalog, productRow } from "../../../app/evaluation/catalog.ts";
import type { Product } from "../../../core/catalog/catalog.ts";
import { classify, formatFigure } from "../../../core/classification/classify.ts";
import { parseChipSpec } from "../../../core/classification/spec.ts";
import type { ChipSpec, Classification } from "../../../core/classification/types.ts";
import { badInput } from "../../../core/errors.ts";
import { action, printJson, readJsonInput } from "../io.ts";
import { cliCatalog } from "../reference.ts";

interface ClassifyOptions {
  spec?: string;
  json?: boolean;
}

/** What `classify` reads: a catalog product, or a spec file; exactly one of the two. */
export function resolveSpec(
  productId: string | undefined,
  options: ClassifyOptions,
  catalog: () => Catalog,
): { spec: ChipSpec; product: Product | null } {
  if ((productId === undefined) === (options.spec === undefined)) {
    throw badInput("classify", "give exactly one of <product-id> or --spec <file|->");
  }
  if (options.spec !== undefined) {
    return { spec: parseChipSpec(readJsonInput(options.spec), options.spec), product: null };
  }
  const product = catalog().require(productId ?? "");
  return { spec: product.spec, product };
}

const yesNo = (value: boolean): string => (value ? "yes" : "no");

/** The readable summary: one line per conclusion, then the reasons. */
export function formatClassification(spec: ChipSpec, c: Classification, product: Product | null): string {
  const title = product === null ? spec.name : `${spec.name} (${product.id}, figures [${product.status}])`;
  const eccn = c.eccn ?? (c.eccnIndeterminate ? "not established (no die area)" : "not 3A090");
  const safe = c.safeChipsActAdvanced
    ? "advanced IC"
    : `not advanced${c.safeChipsActIndeterminate ? " (not established: data missing)" : ""}`;
  const rows: [string, string][] = [
    ["TPP", `${formatFigure(c.tpp)} (${c.tppPrecision ?? "none"})`],
    ["PD", c.performanceDensity === null ? "unknown" : formatFigure(c.performanceDensity)],
    ["ECCN", `${eccn}${c.note2Applied ? " (Note 2)" : ""}`],
    ["BIS box", c.bisBox.eligible ? "eligible" : `not eligible (fails ${c.bisBox.failedLimits.join(", ")})`],
    ["§232 band", c.section232Band === null ? "none" : String(c.section232Band)],
    ["SAFE test", safe],
  ];
  return [
    title,
    ...rows.map(([label, value]) => `  ${label.padEnd(10)} ${value}`),
    "reasons:",
    ...c.reasons.map((reason) => `  - ${reason}`),
  ].join("\n");
}

/** A plain text table, columns padded to their widest cell; `right` lists right-aligned columns. */
export function formatTable(header: string[], rows: string[][], right: readonly number[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (right.includes(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

export function register(program: Command): void {
  program
    .command("classify")
    .description("classify a chip: TPP, PD, ECCN 3A090, BIS box, §232 band, SAFE Chips Act test")
    .argument("[product-id]", "a product id from data/chips.csv (see `sluice products`)")
    .option("--spec <file>", "read a chip spec JSON file instead, or - for stdin")
    .option("--json", "print the classification as JSON")
    .action(
      action((productId: string | undefined, options: ClassifyOptions) => {
        const { spec, product } = resolveSpec(productId, options, () => cliCatalog());
        const classification = classify(spec);
        if (options.json) {
          const about = product === null ? {} : { product: { id: product.id, name: spec.name } };
          printJson({ ...about, spec, ...classification });
        } else {
          process.stdout.write(`${formatClassification(spec, classification, product)}\n`);
        }
        return undefined;
      }),
    );

  program
    .command("products")
    .description("list the product catalog with TPP, ECCN, BIS box eligibility and §232 band")
    .option("--json", "print the list as JSON")
    .action(
      action((options: { json?: boolean }) => {
        const rows = cliCatalog().all().map(productRow);
        if (options.json) {
          printJson(rows);
          return undefined;
        }
        const header = ["id", "name", "TPP", "ECCN", "box", "band", "SAFE", "status"];
        const cells = rows.map((r) => [
          r.id,
          `${r.vendor} ${r.name}`,
          formatFigure(r.tpp),
          r.eccn ?? (r.eccnIndeterminate ? "?" : "-"),
          yesNo(r.bisBoxEligible),
          r.section232Band === null ? "-" : String(r.section232Band),
          `${yesNo(r.safeChipsActAdvanced)}${r.safeChipsActIndeterminate ? "?" : ""}`,
          r.status,
        ]);
        const note = rows.some((r) => r.eccnIndeterminate || r.safeChipsActIndeterminate)
          ? "\n? not established: logic die area or interconnect figure unknown"
          : "";
        process.stdout.write(`${formatTable(header, cells, [2])}${note}\n`);
        return undefined;
      }),
    );
}
