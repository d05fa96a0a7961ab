// Types of an evaluation: what a predicate sees (the subject), what it returns (an outcome), and
// the decision with its findings. Status lists are closed and ordered by precedence, first wins.

import type { ChipSpec, Classification } from "../classification/types.ts";
import type { Dossier } from "../dossier/schema.ts";
import type { AssertedFact } from "../evidence/provenance.ts";
import type { Citation, FactStatus, Jurisdiction, RuleKind } from "../rulebook/schema.ts";
import type { IsoDate } from "../shared.ts";

/** Finding statuses, most severe first. */
export const findingStatuses = ["fail", "pending", "pass", "not_applicable"] as const;
export type FindingStatus = (typeof findingStatuses)[number];

/** Decisions, most severe first. */
export const decisionValues = ["deny", "hold", "approve"] as const;
export type DecisionValue = (typeof decisionValues)[number];

/** The product a dossier names, resolved against the catalog (or given as a spec) and classified. */
export interface ResolvedProduct {
  id: string | null;
  name: string;
  family: string | null;
  spec: ChipSpec;
  classification: Classification;
  /** canonicalDigest of `{id, spec}`. */
  digest: string;
}

export interface Subject {
  dossier: Dossier;
  /** canonicalDigest of the dossier, computed once when it was read (see src/core/digest.ts). */
  dossierDigest: string;
  product: ResolvedProduct;
  at: IsoDate;
  /**
   * Who stands behind the dossier's evidence: `records` when the store built it from records Sluice
   * checked (a certificate's signature verified on submission); absent or `dossier` when the caller
   * asserts it (a standalone what-if), which findings then say.
   */
  evidenceSource?: EvidenceSource;
}

export const evidenceSources = ["records", "dossier"] as const;
export type EvidenceSource = (typeof evidenceSources)[number];

export interface Remedy {
  /** What would make this rule pass, in one sentence. */
  summary: string;
  /** Figures that size the remedy, e.g. the cap shortfall and the US volume that would free it. */
  details?: Record<string, string>;
}

/**
 * One rule's result. Evaluation builds every finding with all of these fields, in this order, the
 * ones that do not apply left undefined: one object shape keeps the engine fast, and JSON (the
 * decision's only serialised form) omits undefined fields.
 */
export interface Finding {
  ruleId: string;
  bookId: string;
  jurisdiction: Jurisdiction;
  kind: RuleKind;
  status: FindingStatus;
  message: string;
  citation: Citation;
  /** Parameters resting on unverified or disputed facts, with their status. */
  annotations?: Record<string, { status: FactStatus; note: string }> | undefined;
  overriddenBy?: { bookId: string; note: string } | undefined;
  measured?: string | undefined;
  required?: string | undefined;
  unit?: string | undefined;
  remedy?: Remedy | undefined;
  /** True when the rule itself failed to run; the finding fails closed. */
  error?: true | undefined;
}

export interface RulebookRef {
  id: string;
  version: number;
  jurisdiction: Jurisdiction;
  scenario: boolean;
  contentHash: string;
}

export interface Decision {
  dossierId: string;
  at: IsoDate;
  decision: DecisionValue;
  /** The findings that decided: the fails of a deny, the pendings of a hold, none for an approve. */
  decidingRuleIds: string[];
  findings: Finding[];
  product: {
    id: string | null;
    name: string;
    tpp: number;
    eccn: string | null;
    section232Band: number | null;
  };
  rulebooks: RulebookRef[];
  scenarios: string[];
  listVersions: { listId: string; version: string }[];
  /** sha256 over the canonical JSON (RFC 8785) of the dossier, product, date and rulebooks used. */
  inputHash: string;
  /**
   * Present when the evidence came from the dossier (a standalone evaluation) and carries facts
   * only an authority records: those facts are asserted by the dossier, not recorded. Absent for
   * a release decision built from records, and for a dossier that carries none. Last, so that
   * decision-json.ts writes it after `inputHash`, as JSON.stringify does.
   */
  assertedEvidence?: AssertedFact[];
}
