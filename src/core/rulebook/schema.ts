// The rulebook format: dated rule sets as data, one schema per predicate kind. A rule is a kind
// implemented in code (src/core/evaluation/kinds.ts) plus parameters, a citation with its status,
// a one-line summary and a remedy template. Facts the regime leaves unverified [U] or disputed [D]
// are parameters with an annotation carrying that status, never silent constants.
import { z } from "zod";
import { certificationKinds, dossierStages, partyRoles, purposes, sectors } from "../dossier/schema.ts";
import { samplingPlanSchema, z14GeneralLevelII } from "../evidence/sampling.ts";
import { countrySchema, isoDateSchema } from "../shared.ts";

export const jurisdictions = ["us-bis", "us-cbp", "cn-import", "exporter-terms", "scenario"] as const;
export type Jurisdiction = (typeof jurisdictions)[number];

export const factStatuses = ["P", "S", "U", "D"] as const;
export type FactStatus = (typeof factStatuses)[number];

const citationSchema = z.strictObject({
  source: z.string().min(1),
  url: z.url().optional(),
  status: z.enum(factStatuses),
});
export type Citation = z.output<typeof citationSchema>;

const annotationSchema = z.strictObject({ status: z.enum(factStatuses), note: z.string().min(1) });

/** Conditions under which a rule applies; every given field must hold. */
export const applicabilitySchema = z.strictObject({
  destinations: z.array(countrySchema).min(1).optional(),
  notDestinations: z.array(countrySchema).min(1).optional(),
  exportFrom: z.array(countrySchema).min(1).optional(),
  eccn: z
    .array(z.enum(["3A090.a", "3A090.b", "none"]))
    .min(1)
    .optional(),
  section232Band: z
    .array(z.union([z.literal(1), z.literal(2)]))
    .min(1)
    .optional(),
  /** True: only when the chips enter the US before export (origin outside the US, exported from it). */
  usImport: z.boolean().optional(),
  safeChipsActAdvanced: z.boolean().optional(),
  productIds: z.array(z.string().min(1)).min(1).optional(),
  productFamilies: z.array(z.string().min(1)).min(1).optional(),
  endUserSectors: z.array(z.enum(sectors)).min(1).optional(),
  /** Gates at which the rule is checked (default: every gate). */
  stages: z.array(z.enum(dossierStages)).min(1).optional(),
});
export type Applicability = z.output<typeof applicabilitySchema>;

const metricSchema = z.enum(["tpp", "dramBandwidthGBs", "performanceDensity", "interconnectGBs"]);
const comparisonSchema = z.enum(["lt", "le", "gt", "ge"]);
const outcomeSchema = z.enum(["fail", "pending"]);
const evidenceItems = [
  "labCertificate",
  "dutyEntry",
  "payment",
  "cnImportApproval",
  "domesticPurchases",
  "usBuyerNotice",
  "revenueShare",
  "exporterStatements.usShippedUnits",
  "ledger",
  "screening",
] as const;
const windowSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("cumulative"), since: isoDateSchema }),
  z.strictObject({ kind: z.literal("calendar-quarter") }),
  z.strictObject({ kind: z.literal("rolling"), days: z.number().int().positive().max(3660) }),
]);
const percentSchema = z.number().int().min(0).max(100);

/**
 * Location verification: `required` (the Chip Security Act scenario) or `forbidden` (a Chinese-side
 * rule refusing chips that report their location). A book may also carry the thresholds that judge
 * the heartbeats of chips under it (verdicts and alerts, src/core/custody/parameters.ts), so that
 * alerts replay like decisions, under the books in force on the day.
 */
const locationVerificationParamsSchema = z.strictObject({
  requirement: z.enum(["required", "forbidden"]),
  onViolation: outcomeSchema.default("fail"),
  verdict: z
    .strictObject({
      /** Distance per ms of one-way delay bounding each disc: at most light in vacuum (299.792458). */
      speedKmPerMs: z.number().positive().max(299.792458),
      verifiedRadiusKmMax: z.number().positive().max(20_000),
    })
    .optional(),
  alerts: z
    .strictObject({
      silentDaysMax: z.number().int().positive().max(3660),
      fleetSilentSharePercentMax: percentSchema,
      cloneWindowMinutes: z.number().int().positive().max(10_080),
      relayStepMsMin: z.number().positive().max(10_000),
      relayStepMsMax: z.number().positive().max(10_000),
      relayHeartbeatsMin: z.number().int().positive().max(10_000),
      /** How old an observation may be when it reaches the server (ingest freshness). */
      heartbeatAgeMaxMs: z.number().int().positive().max(86_400_000),
    })
    .refine((a) => a.relayStepMsMin <= a.relayStepMsMax, {
      message: "relayStepMsMin must not exceed relayStepMsMax",
      path: ["relayStepMsMin"],
    })
    .optional(),
});

/** Parameters per predicate kind. `strictObject` so a misspelt parameter is an error, not a default. */
export const paramsByKind = {
  policy: z.strictObject({ outcome: outcomeSchema, message: z.string().min(1) }),
  threshold: z.strictObject({
    conditions: z
      .array(z.strictObject({ metric: metricSchema, op: comparisonSchema, value: z.number() }))
      .min(1),
  }),
  route: z.strictObject({ exportFromAllowed: z.array(countrySchema).min(1) }),
  "party-attribute": z.strictObject({
    parties: z.array(z.enum(partyRoles)).min(1),
    forbiddenSectors: z.array(z.enum(sectors)).default([]),
    forbidMilitaryEndUser: z.boolean().default(false),
    forbiddenHeadquarters: z.array(countrySchema).default([]),
  }),
  "certification-required": z.strictObject({
    party: z.enum(partyRoles),
    certification: z.enum(certificationKinds),
  }),
  "evidence-required": z.strictObject({ item: z.enum(evidenceItems) }),
  "purpose-limit": z.strictObject({ allowedPurposes: z.array(z.enum(purposes)).min(1) }),
  "ratio-cap": z.strictObject({
    ratioPercent: percentSchema,
    measure: z.enum(["units", "tpp"]),
    scope: z.enum(["product", "all"]),
    window: windowSchema,
    onExceed: outcomeSchema.default("pending"),
  }),
  "lab-certificate": z.strictObject({
    testCountries: z.array(countrySchema).min(1),
    labHeadquarters: z.array(countrySchema).min(1),
    tppMax: z.number().positive(),
    dramBandwidthMaxGBs: z.number().positive(),
    /** Allowed shortfall of measured against declared TPP before the lot counts as mislabelled. */
    declaredTolerancePercent: z.number().min(0).max(100),
    requireSignatureVerified: z.boolean().default(false),
    requireShipmentBinding: z.boolean().default(true),
    /** Lab qualification: countries whose capital may not control the lab (D:5 and Macau). */
    labControlForbidden: z.array(countrySchema).default([]),
    /** Lot-size bands → units the lab must sample from each shipment (src/core/evidence/sampling.ts). */
    samplingPlan: samplingPlanSchema.default(() => [...z14GeneralLevelII]),
  }),
  "duty-paid": z.strictObject({
    ratePercent: percentSchema,
    exemptionsAllowed: z.boolean(),
  }),
  prepayment: z.strictObject({ requiredPercent: percentSchema, collateralAccepted: z.boolean() }),
  "import-approval": z.strictObject({
    excludedSectors: z.array(z.enum(sectors)).default([]),
    requirePurposeMatch: z.boolean().default(true),
  }),
  "domestic-ratio": z.strictObject({
    /** Domestic accelerators the importer must have bought per imported one, as a fraction; null = unpublished. */
    domesticUnitsPerImported: z
      .strictObject({ numerator: z.number().int().nonnegative(), denominator: z.number().int().positive() })
      .nullable(),
  }),
  "list-screening": z.strictObject({ alertScoreMin: z.number().min(0).max(1) }),
  "notice-period": z.strictObject({ businessDaysMin: z.number().int().positive() }),
  "revenue-share": z.strictObject({ sharePercent: percentSchema }),
  "location-verification": locationVerificationParamsSchema,
} as const;
export type RuleKind = keyof typeof paramsByKind;
export const ruleKinds = Object.keys(paramsByKind) as RuleKind[];
export type ParamsOf<K extends RuleKind> = z.output<(typeof paramsByKind)[K]>;

const ruleBase = {
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/, "expected lower-case letters, digits, dots and dashes"),
  summary: z.string().min(1),
  citation: citationSchema,
  when: applicabilitySchema.optional(),
  remedy: z.string().min(1).optional(),
  /** Status of each parameter that rests on an [U]/[D] fact, keyed by parameter name. */
  annotations: z.record(z.string(), annotationSchema).optional(),
};

/** A rule as loaded: the union above, typed by kind. */
export type Rule = {
  [K in RuleKind]: {
    id: string;
    kind: K;
    summary: string;
    citation: Citation;
    when?: Applicability;
    remedy?: string;
    annotations?: Record<string, { status: FactStatus; note: string }>;
    params: ParamsOf<K>;
  };
}[RuleKind];

/** One strict object schema per kind, joined on `kind`; typed as `Rule` (zod cannot infer a mapped union). */
const ruleSchema = z.discriminatedUnion(
  "kind",
  ruleKinds.map((kind) =>
    z.strictObject({ ...ruleBase, kind: z.literal(kind), params: paramsByKind[kind] }),
  ) as unknown as [z.ZodObject, ...z.ZodObject[]],
) as unknown as z.ZodType<Rule>;

const overrideSchema = z.strictObject({
  rule: z.string().min(1),
  params: z.record(z.string(), z.unknown()),
  note: z.string().min(1),
});

export const rulebookSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/, "expected lower-case letters, digits, dots and dashes"),
  version: z.number().int().positive(),
  title: z.string().min(1),
  jurisdiction: z.enum(jurisdictions),
  /** Scenario books apply only when asked for by id; law, guidance and terms apply by date. */
  scenario: z.boolean().default(false),
  citation: citationSchema,
  effective: z.strictObject({ from: isoDateSchema, to: isoDateSchema.nullable().default(null) }),
  notes: z.string().optional(),
  rules: z.array(ruleSchema).default([]),
  /** Scenario only: replace parameters of rules from other books (validated against that rule's kind). */
  overrides: z.array(overrideSchema).default([]),
  /** Scenario only: rules of other books that this scenario switches off. */
  disables: z.array(z.string().min(1)).default([]),
});

export type RulebookInput = z.input<typeof rulebookSchema>;
export type Rulebook = Omit<z.output<typeof rulebookSchema>, "rules"> & {
  rules: Rule[];
  /** sha256 of the file's bytes, so a decision names exactly the text it was made under. */
  contentHash: string;
  fileName: string;
};
