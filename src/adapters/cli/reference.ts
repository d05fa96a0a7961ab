// The reference data (catalog, rulebooks) as the CLI reads it: the composition root gives it in the
// wiring (CliWiring.reference) and buildProgram hands it here once, so helpers that run deep inside
// a command (the cap in force, the evidence service's evaluator) read it without a wiring parameter
// and without importing the files adapter (docs/architecture.md's import rule).
import type { Catalog } from "../../app/evaluation/catalog.ts";
import { Evaluator } from "../../app/evaluation/evaluator.ts";
import type { ReferenceSource } from "../../app/evaluation/ports.ts";
import type { Rulebook } from "../../core/rulebook/schema.ts";

let provided: ReferenceSource | undefined;

/** Called by buildProgram with the wiring's reference data (and by tests that call helpers directly). */
export function provideReferenceData(reference: ReferenceSource): void {
  provided = reference;
}

function reference(): ReferenceSource {
  // A bug, not an outcome: every entry point builds the program (or provides the data) first.
  if (provided === undefined) throw new Error("the CLI's reference data was read before it was provided");
  return provided;
}

/** The product catalog (read on first use). */
export const cliCatalog = (): Catalog => reference().catalog();

/** The rulebook library (read on first use). */
export const cliRulebooks = (): readonly Rulebook[] => reference().rulebooks();

/** An Evaluator over the library and the catalog. */
export const cliEvaluator = (): Evaluator => new Evaluator(cliRulebooks(), cliCatalog());
