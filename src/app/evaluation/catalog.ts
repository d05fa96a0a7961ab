// The product catalog: products by id, parsed from the chips.csv text (the file is read by
// src/adapters/files/reference-data.ts), and a product's row as lists show it.
import { type Product, parseCatalog } from "../../core/catalog/catalog.ts";
import { classify } from "../../core/classification/classify.ts";
import { notFound, quote } from "../../core/errors.ts";

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

/** The catalog of a chips.csv text; `source` names the file in a parse error. */
export const catalogFromText = (text: string, source: string): Catalog =>
  catalogOf(parseCatalog(text, source));

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
