// A rule set prepared for evaluation, once per selection of rules (a day and its scenarios): per
// rule, the part of every finding that depends only on the rule (ids, citation, annotations), one
// check per applicability criterion the rule actually has, its remedy template split at its
// `{names}`, and its kind's predicate. Nothing here depends on a dossier, so the compiled set is
// cached per RuleSet. Findings share the rule's citation, annotations and overriddenBy objects:
// nothing writes into a finding's nested objects once the finding is built (grep-checked: the
// consumers only read them, serialise them or copy them).
import type { RuleInForce, RuleSet } from "../rulebook/load.ts";
import type { Applicability, Citation, FactStatus, Jurisdiction, RuleKind } from "../rulebook/schema.ts";
import { type Figures, kinds, type Predicate, type Verdict } from "./kinds.ts";
import type { Finding, FindingStatus, Remedy, RulebookRef, Subject } from "./types.ts";

/** Why a rule does not apply to the subject, or null when this criterion is met. */
export type Check = (subject: Subject) => string | null;

/** The first reason the checks give, or null when every criterion is met. */
export function firstReason(checks: readonly Check[], subject: Subject): string | null {
  for (const check of checks) {
    const reason = check(subject);
    if (reason !== null) return reason;
  }
  return null;
}

/** An ECCN that could not be established (die area unknown) is read as 3A090: fail closed. */
function eccnCovered(list: readonly string[], eccn: string, indeterminate: boolean): boolean {
  return list.includes(eccn) || (indeterminate && list.some((value) => value !== "none"));
}

/**
 * One check per criterion present in `when`, in the order their reasons are reported: a rule pays
 * only for the criteria it has. The reasons name the subject's value that fell outside.
 */
export function applicabilityChecks(when: Applicability | undefined): Check[] {
  if (!when) return [];
  const checks: Check[] = [];
  const { destinations, notDestinations, exportFrom, eccn, section232Band, usImport } = when;
  if (destinations)
    checks.push(({ dossier: { route } }) =>
      destinations.includes(route.destination) ? null : `destination ${route.destination} not covered`,
    );
  if (notDestinations)
    checks.push(({ dossier: { route } }) =>
      notDestinations.includes(route.destination) ? `destination ${route.destination} excluded` : null,
    );
  if (exportFrom)
    checks.push(({ dossier: { route } }) =>
      exportFrom.includes(route.exportFrom) ? null : `export from ${route.exportFrom} not covered`,
    );
  if (eccn)
    checks.push(({ product: { classification } }) => {
      const value = classification.eccn ?? "none";
      return eccnCovered(eccn, value, classification.eccnIndeterminate) ? null : `ECCN ${value} not covered`;
    });
  if (section232Band)
    checks.push(({ product: { classification } }) => {
      const band = classification.section232Band;
      return band !== null && section232Band.includes(band) ? null : "no Section 232 band";
    });
  if (usImport !== undefined)
    checks.push(({ dossier: { route } }) => {
      const entersUs = route.origin !== "US" && route.exportFrom === "US";
      if (usImport === entersUs) return null;
      return entersUs ? "lot enters the US" : "lot does not enter the US";
    });
  checks.push(...productChecks(when), ...dossierChecks(when));
  return checks;
}

function productChecks({ safeChipsActAdvanced, productIds, productFamilies }: Applicability): Check[] {
  const checks: Check[] = [];
  if (safeChipsActAdvanced !== undefined)
    checks.push(({ product }) =>
      safeChipsActAdvanced === product.classification.safeChipsActAdvanced
        ? null
        : "SAFE Chips Act test not met",
    );
  if (productIds)
    checks.push(({ product }) =>
      product.id && productIds.includes(product.id)
        ? null
        : `product ${product.id ?? product.name} not covered`,
    );
  if (productFamilies)
    checks.push(({ product: { family } }) =>
      family && productFamilies.includes(family) ? null : `product family ${family ?? "unknown"} not covered`,
    );
  return checks;
}

function dossierChecks({ stages, endUserSectors }: Applicability): Check[] {
  const checks: Check[] = [];
  if (stages) {
    const gates = stages.join(", ");
    checks.push(({ dossier }) =>
      stages.includes(dossier.stage) ? null : `checked at ${gates}, not at ${dossier.stage}`,
    );
  }
  if (endUserSectors)
    checks.push(({ dossier }) => {
      const sector = dossier.parties.endUser.sector;
      return sector && endUserSectors.includes(sector)
        ? null
        : `end user sector ${sector ?? "unstated"} not covered`;
    });
  return checks;
}

/** A remedy template split at its names: literal, name, literal, …, literal (odd indexes are names). */
export type TemplateParts = readonly string[];

export const splitTemplate = (template: string): TemplateParts => template.split(/\{(\w+)\}/);

/** Fills the names with the values; an unknown name stays visible (`{name}`) rather than vanishing. */
export function fillTemplate(parts: TemplateParts, vars: Record<string, string>): string {
  let text = parts[0] ?? "";
  for (let index = 1; index < parts.length; index += 2) {
    const name = parts[index] as string;
    text += `${vars[name] ?? `{${name}}`}${parts[index + 1] ?? ""}`;
  }
  return text;
}

type AnyKind = (params: unknown) => Predicate;

/**
 * A copy of a parameter tree whose texts are the engine's interned copies (as property names
 * are). Rules compare their texts with the dossier's on every decision (`destinations`,
 * certification kinds, purposes…); V8 compares an interned text faster, about twice as fast in
 * bench/evaluate. Only arrays and plain objects are copied; anything else is kept as is.
 */
function interned<T>(value: T): T {
  if (typeof value === "string") return (Object.keys({ [value]: 0 })[0] ?? value) as T;
  if (Array.isArray(value)) return value.map(interned) as T;
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const copy: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) copy[key] = interned(inner);
    return copy as T;
  }
  return value;
}

/** The kind's predicate for these parameters; parameters that break the kind fail every decision. */
function predicateFor(kind: RuleKind, params: unknown): Predicate {
  try {
    // The union of kinds is correlated with its params by the schema; TypeScript cannot see it.
    return (kinds[kind] as AnyKind)(params);
  } catch (error) {
    return () => {
      throw error;
    };
  }
}

/**
 * One rule in force, ready to run. It is also the rule's `Verdict`: the predicate states its result
 * through it and gets the finding back, built in one place with one property order.
 */
export class CompiledRule implements Verdict {
  readonly ruleId: string;
  readonly bookId: string;
  readonly jurisdiction: Jurisdiction;
  readonly kind: RuleKind;
  readonly citation: Citation;
  readonly annotations: Record<string, { status: FactStatus; note: string }> | undefined;
  readonly overriddenBy: { bookId: string; note: string } | undefined;
  /** Index of the rule's applicability in its rule set's `conditions` (shared by equal `when`s). */
  readonly conditionIndex: number;
  private readonly predicate: Predicate;
  private readonly template: TemplateParts | undefined;

  constructor({ rule, book, overriddenBy }: RuleInForce, conditionIndex: number) {
    this.ruleId = rule.id;
    this.bookId = book.id;
    this.jurisdiction = book.jurisdiction;
    this.kind = rule.kind;
    this.citation = rule.citation;
    this.annotations = rule.annotations;
    this.overriddenBy = overriddenBy;
    this.conditionIndex = conditionIndex;
    this.predicate = predicateFor(rule.kind, interned(rule.params));
    this.template = rule.remedy === undefined ? undefined : splitTemplate(rule.remedy);
  }

  /**
   * The rule's finding for the subject, given why the rule does not apply (null when it does):
   * not applicable, the predicate's, or a fail-closed error.
   */
  run(subject: Subject, inapplicable: string | null): Finding {
    try {
      return this.runUnguarded(subject, inapplicable);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      const finding = this.finding("fail", `rule could not be evaluated (${detail}); failing closed`);
      finding.error = true;
      return finding;
    }
  }

  /**
   * As `run`, but a predicate that throws throws here: the caller guards a whole decision with one
   * try/catch (cheaper than one per rule) and, on a throw, runs it again rule by rule with `run`.
   */
  runUnguarded(subject: Subject, inapplicable: string | null): Finding {
    return inapplicable !== null ? this.notApplicable(inapplicable) : this.predicate(subject, this);
  }

  pass(message: string, figures?: Figures): Finding {
    return this.finding("pass", message, figures);
  }

  pending(message: string, remedy: string | Remedy, figures?: Figures): Finding {
    return this.finding("pending", message, figures, this.remedy(remedy, figures));
  }

  fail(message: string, remedy: string | Remedy, figures?: Figures): Finding {
    return this.finding("fail", message, figures, this.remedy(remedy, figures));
  }

  notApplicable(message: string): Finding {
    return this.finding("not_applicable", message);
  }

  /**
   * The rule's remedy template speaks for results that feed it values (`vars`): the failure mode
   * the author wrote it for. Other results carry their own, more specific remedy.
   */
  private remedy(remedy: string | Remedy, figures: Figures | undefined): Remedy | undefined {
    const own = typeof remedy === "string" ? undefined : remedy;
    const vars = figures?.vars;
    const summary =
      this.template !== undefined && vars !== undefined
        ? fillTemplate(this.template, vars)
        : (own?.summary ?? (remedy as string));
    if (!summary) return undefined;
    const details = own?.details;
    return details ? { summary, details } : { summary };
  }

  /** Builds a finding with every field, always in the same order (the decision's JSON order). */
  private finding(status: FindingStatus, message: string, figures?: Figures, remedy?: Remedy): Finding {
    return {
      ruleId: this.ruleId,
      bookId: this.bookId,
      jurisdiction: this.jurisdiction,
      kind: this.kind,
      status,
      message,
      citation: this.citation,
      annotations: this.annotations,
      overriddenBy: this.overriddenBy,
      measured: figures?.measured,
      required: figures?.required,
      unit: figures?.unit,
      remedy,
      error: undefined,
    };
  }
}

/** A rule set ready to run, with the books and scenarios every decision under it names. */
export interface CompiledRuleSet {
  rules: CompiledRule[];
  /**
   * The distinct applicability conditions of the rules, each a list of checks: most rules of a
   * book share one `when`, so a decision checks it once for all of them.
   */
  conditions: (readonly Check[])[];
  rulebooks: RulebookRef[];
  scenarios: string[];
}

const compiledRuleSets = new WeakMap<RuleSet, CompiledRuleSet>();

/** The compiled form of a rule set, built on first use and kept as long as the rule set lives. */
export function compiled(ruleSet: RuleSet): CompiledRuleSet {
  let result = compiledRuleSets.get(ruleSet);
  if (!result) {
    const conditionIndexes = new Map<string, number>();
    const conditions: (readonly Check[])[] = [];
    const rules = ruleSet.rules.map((entry) => {
      const key = JSON.stringify(entry.rule.when ?? null);
      let index = conditionIndexes.get(key);
      if (index === undefined) {
        index = conditions.push(applicabilityChecks(interned(entry.rule.when))) - 1;
        conditionIndexes.set(key, index);
      }
      return new CompiledRule(entry, index);
    });
    result = {
      rules,
      conditions,
      rulebooks: ruleSet.books.map((book) => ({
        id: book.id,
        version: book.version,
        jurisdiction: book.jurisdiction,
        scenario: book.scenario,
        contentHash: book.contentHash,
      })),
      scenarios: ruleSet.books.filter((book) => book.scenario).map((book) => book.id),
    };
    compiledRuleSets.set(ruleSet, result);
  }
  return result;
}
