// Test fixtures: the example dossiers of examples/, parsed, and an evaluator over the shipped
// rulebooks and catalog.
import { readFileSync } from "node:fs";
import { loadCatalog } from "../../src/app/catalog.ts";
import { Evaluator } from "../../src/app/evaluate.ts";
import { loadRulebooks } from "../../src/app/rulebooks.ts";
import { type Dossier, parseDossier } from "../../src/core/dossier/schema.ts";

export const exampleJson = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../examples/${file}`, import.meta.url), "utf8")) as Record<
    string,
    unknown
  >;

export const loadExample = (file: string): Dossier => parseDossier(exampleJson(file), file);

export const approvable = (): Dossier => structuredClone(loadExample("h200-alibaba-approvable.json"));

export const sharedEvaluator = new Evaluator(loadRulebooks(), loadCatalog());
