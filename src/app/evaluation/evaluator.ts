// The evaluate use case: resolve the dossier's product (catalog id or inline spec), classify it,
// select the rulebooks in force on the day (plus scenarios) and run the core evaluation.
import { classify } from "../../core/classification/classify.ts";
import { canonicalDigest } from "../../core/digest.ts";
import { type Dossier, dossierDigest } from "../../core/dossier/schema.ts";
import { compiled } from "../../core/evaluation/compile.ts";
import { decisionJson } from "../../core/evaluation/decision-json.ts";
import { evaluate } from "../../core/evaluation/evaluate.ts";
import type { Decision, EvidenceSource, ResolvedProduct } from "../../core/evaluation/types.ts";
import { type RuleSet, selectRules } from "../../core/rulebook/load.ts";
import type { Rulebook } from "../../core/rulebook/schema.ts";
import type { IsoDate } from "../../core/shared.ts";
import type { Catalog } from "./catalog.ts";

export function resolveProduct(dossier: Dossier, catalog: Catalog): ResolvedProduct {
  const ref = dossier.product;
  if ("spec" in ref) {
    const spec = ref.spec;
    const id = ref.id ?? null;
    return {
      id,
      name: spec.name,
      family: null,
      spec,
      classification: classify(spec),
      digest: canonicalDigest({ id, spec }),
    };
  }
  const product = catalog.require(ref.id);
  return {
    id: product.id,
    name: product.name,
    family: product.family,
    spec: product.spec,
    classification: classify(product.spec),
    digest: canonicalDigest({ id: product.id, spec: product.spec }),
  };
}

/** Rule selections kept per evaluator (one per day × scenario list asked for). */
export const selectionsMax = 512;

/** Evaluation with a reusable selection cache: one rule selection per (date, scenarios). */
export class Evaluator {
  private readonly selections = new Map<string, RuleSet>();
  private readonly products = new Map<string, ResolvedProduct>();

  constructor(
    private readonly library: readonly Rulebook[],
    private readonly catalog: Catalog,
  ) {}

  rulesFor(at: IsoDate, scenarios: readonly string[] = []): RuleSet {
    // Most calls name no scenario: the day alone is the key then (no text to build and hash).
    const key = scenarios.length === 0 ? at : `${at}|${scenarios.join(",")}`;
    let selection = this.selections.get(key);
    if (!selection) {
      selection = selectRules(this.library, at, scenarios);
      // Bounded: a server answers any day and scenario mix; the oldest selection goes first.
      if (this.selections.size >= selectionsMax)
        this.selections.delete(this.selections.keys().next().value ?? "");
      this.selections.set(key, selection);
    }
    return selection;
  }

  /**
   * Decides one dossier. `dossierDigest` may be passed when the caller computed it on reading the
   * dossier (the store does); otherwise it is computed here.
   */
  evaluate(
    dossier: Dossier,
    at: IsoDate,
    scenarios: readonly string[] = [],
    digest?: string,
    evidenceSource: EvidenceSource = "dossier",
  ): Decision {
    return evaluate(this.subject(dossier, at, digest, evidenceSource), this.rulesFor(at, scenarios));
  }

  /**
   * As `evaluate`, with the decision's JSON text written from the compiled rule set's pieces
   * (decision-json.ts; the same text as JSON.stringify, in about half the time). `json` is
   * undefined where only JSON.stringify with a bigint replacer can write the decision.
   */
  evaluateWithJson(
    dossier: Dossier,
    at: IsoDate,
    scenarios: readonly string[] = [],
  ): { decision: Decision; json: string | undefined } {
    const ruleSet = this.rulesFor(at, scenarios);
    const decision = evaluate(this.subject(dossier, at), ruleSet);
    return { decision, json: decisionJson(decision, compiled(ruleSet)) };
  }

  private subject(
    dossier: Dossier,
    at: IsoDate,
    digest?: string,
    evidenceSource: EvidenceSource = "dossier",
  ) {
    return {
      dossier,
      dossierDigest: digest ?? dossierDigest(dossier),
      product: this.product(dossier),
      at,
      evidenceSource,
    };
  }

  /** A catalog product, resolved and classified once. */
  productById(id: string): ResolvedProduct {
    return this.product({ product: { id } } as Dossier);
  }

  private product(dossier: Dossier): ResolvedProduct {
    if ("spec" in dossier.product) return resolveProduct(dossier, this.catalog);
    const cached = this.products.get(dossier.product.id);
    if (cached) return cached;
    const resolved = resolveProduct(dossier, this.catalog);
    this.products.set(dossier.product.id, resolved);
    return resolved;
  }
}
