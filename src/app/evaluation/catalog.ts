// Loading the product catalog: reads <data dir>/chips.csv once per directory and serves products by
// id. The default data directory is the repository's data/, found from this file's location so the
// CLI works from any working directory.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Product, parseCatalog } from "../../core/catalog/catalog.ts";
import { classify } from "../../core/classification/classify.ts";
import { badInput, notFound, quote } from "../../core/errors.ts";

export const defaultDataDir = fileURLToPath(new URL("../../../data/", import.meta.url));
export const catalogFileName = "chips.csv";

export interface Catalog {
  get(id: string): Product | undefined;
  /** Every product, in file order. */
  all(): Product[];
  /** The product with this id; unknown ids are a not-found error listing the known ids. */
  require(id: string): Product;
}

/** A catalog over already-parsed products (also handy in tests). */
export function catalogOf(products: readonly Product[]): Catalog {
  const byId = new Map(products.map((p) => [p.id, p]));
  return {
    get: (id) => byId.get(id),
    all: () => [...products],
    require: (id) => {
      const product = byId.get(id);
      if (product === undefined) {
        throw notFound(`product ${quote(id)}`, `unknown product (known: ${[...byId.keys()].join(", ")})`);
      }
      return product;
    },
  };
}

const cache = new Map<string, Catalog>();

/** Reads and parses `<dir>/chips.csv` on first use; later calls with the same dir reuse it. */
export function loadCatalog(dir: string = defaultDataDir): Catalog {
  const cached = cache.get(dir);
  if (cached !== undefined) return cached;
  const file = join(dir, catalogFileName);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = error instanceof Error && "code" in error ? String(error.code).toLowerCase() : "unreadable";
    throw badInput(`catalog ${quote(file)}`, `cannot be read (${code})`);
  }
  const catalog = catalogOf(parseCatalog(text, `catalog ${quote(file)}`));
  cache.set(dir, catalog);
  return catalog;
}

/** One catalog row as lists show it (CLI `products`, GET /v1/products): figures and conclusions. */
export function productRow(product: Product) {
  const c = classify(product.spec);
  return {
    id: product.id,
    vendor: product.vendor,
    name: product.name,
    family: product.family,
    status: product.status,
    domestic: product.domestic,
    tpp: c.tpp,
    tppPrecision: c.tppPrecision,
    eccn: c.eccn,
    eccnIndeterminate: c.eccnIndeterminate,
    bisBoxEligible: c.bisBox.eligible,
    section232Band: c.section232Band,
    safeChipsActAdvanced: c.safeChipsActAdvanced,
    safeChipsActIndeterminate: c.safeChipsActIndeterminate,
  };
}
