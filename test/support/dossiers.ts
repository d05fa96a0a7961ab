// Test fixtures: the example dossiers of examples/, parsed, and an evaluator over the shipped
// rulebooks and catalog.
import { readFileSync } from "node:fs";
import { loadCatalog, loadRulebooks } from "../../src/adapters/files/reference-data.ts";
import { Evaluator } from "../../src/app/evaluation/evaluator.ts";
import { type Dossier, parseDossier } from "../../src/core/dossier/schema.ts";

export const exampleJson = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../examples/${file}`, import.meta.url), "utf8")) as Record<
    string,
    unknown
  >;

export const loadExample = (file: string): Dossier => parseDossier(exampleJson(file), file);

export const approvable = (): Dossier => structuredClone(loadExample("h200-alibaba-approvable.json"));

/** The shipped catalog, loaded once per test file. */
export const sharedCatalog = loadCatalog();
export const sharedEvaluator = new Evaluator(loadRulebooks(), sharedCatalog);

/** The approvable example's exporter (`nvidia`) and buyer (`alibaba-cloud`, also the end user,
 * so it carries the end user's certifications too), as stored parties. */
export function exampleParties(): Record<string, unknown>[] {
  const { parties } = exampleJson("h200-alibaba-approvable.json") as {
    parties: Record<string, { certifications?: unknown[] } & Record<string, unknown>>;
  };
  const certifications = [
    ...(parties.consignee?.certifications ?? []),
    ...(parties.endUser?.certifications ?? []),
  ];
  return [
    { ...parties.exporter, id: "nvidia" },
    { ...parties.consignee, id: "alibaba-cloud", certifications },
  ];
}

/** An order of 1,000 H200 from `nvidia` to `alibaba-cloud` for a commercial cloud in China. */
export const exampleOrder = (overrides: Record<string, unknown> = {}) => ({
  id: "ord-1",
  productId: "nvidia-h200-sxm",
  quantityUnits: 1000,
  valueCents: "2700000000",
  exporterId: "nvidia",
  consigneeId: "alibaba-cloud",
  endUserId: "alibaba-cloud",
  route: { origin: "TW", exportFrom: "US", destination: "CN" },
  endUse: { purpose: "commercial-cloud" },
  usShippedUnits: 250000,
  ...overrides,
});
