// The `threshold` kind: the product's classification or spec figures compared with limits (TPP,
// DRAM bandwidth, performance density, interconnect).
import type { ParamsOf } from "../../rulebook/schema.ts";
import type { ResolvedProduct } from "../types.ts";
import type { Kind } from "./kind.ts";

const comparators = {
  lt: (a: number, b: number) => a < b,
  le: (a: number, b: number) => a <= b,
  gt: (a: number, b: number) => a > b,
  ge: (a: number, b: number) => a >= b,
} as const;
const opText = { lt: "<", le: "≤", gt: ">", ge: "≥" } as const;
type Metric = ParamsOf<"threshold">["conditions"][number]["metric"];

function metricOf({ classification, spec }: ResolvedProduct, metric: Metric): number | null {
  if (metric === "tpp") return classification.tpp;
  if (metric === "dramBandwidthGBs") return spec.dramBandwidthGBs;
  if (metric === "performanceDensity") return classification.performanceDensity;
  return spec.interconnectGBs ?? null;
}

export const threshold: Kind<"threshold"> = ({ conditions }) => {
  const required = conditions.map((c) => `${c.metric} ${opText[c.op]} ${c.value}`).join(", ");
  // The measured text depends only on the product: kept per resolved (catalog) product.
  const measuredByProduct = new WeakMap<ResolvedProduct, string>();
  const measuredOf = (product: ResolvedProduct): string => {
    let measured = measuredByProduct.get(product);
    if (measured === undefined) {
      measured = conditions.map((c) => `${c.metric} ${metricOf(product, c.metric) ?? "unknown"}`).join(", ");
      measuredByProduct.set(product, measured);
    }
    return measured;
  };
  return ({ product }, v) => {
    const measured = measuredOf(product);
    for (const { metric, op, value: limit } of conditions) {
      const value = metricOf(product, metric);
      if (value === null)
        return v.pending(`${metric} of ${product.name} is unknown`, `supply the product's ${metric}`, {
          measured,
          required,
        });
      if (!comparators[op](value, limit)) {
        const message = `${product.name}: ${metric} ${value} is not ${opText[op]} ${limit}`;
        return v.fail(message, "none for this product: it is outside the limits", {
          measured,
          required,
          vars: { metric },
        });
      }
    }
    return v.pass(`${product.name} is inside the limits (${measured})`, { measured, required });
  };
};
