// The shipment application ("dossier"): everything a decision looks at, as one JSON document.
// The schema is the contract: it validates input, types the core, and is published as JSON Schema
// in docs/dossier.schema.json. Vocabularies (sectors, purposes, certifications, evidence items)
// are closed lists so that a rulebook can only name things a dossier can say.
import { z } from "zod";
import { chipSpecSchema } from "../classification/spec.ts";
import { sha256Hex } from "../digest.ts";
import { badInput, quote } from "../errors.ts";
import { centsSchema, countrySchema, countSchema, isoDateSchema, unitsSchema } from "../shared.ts";
import { reportIssues } from "../validation.ts";

export const partyRoles = ["exporter", "consignee", "endUser"] as const;
export type PartyRole = (typeof partyRoles)[number];

export const sectors = [
  "semiconductor-vendor",
  "commercial",
  "cloud-provider",
  "university",
  "research-institute",
  "reseller",
  "state-owned-enterprise",
  "sensitive-government",
  "critical-infrastructure",
  "military",
] as const;

export const purposes = [
  "commercial-cloud",
  "ai-training",
  "ai-inference",
  "university-research",
  "scientific-research",
  "government",
  "military",
] as const;

/** Certifications a party can give; each names the regime condition it answers (REGIME.md). */
export const certificationKinds = [
  "us-commercial-availability", // C1
  "technical-box", // C3
  "us-supply-sufficient", // C4
  "no-foundry-diversion", // C5
  "no-military-use", // C7
  "kyc-procedures", // C8
  "security-procedures", // C8
  "no-unauthorized-remote-access", // C8, C10
  "no-weights-transfer", // C11
  "no-us-backlog", // GAIN AI Act scenario
  "no-better-foreign-terms", // GAIN AI Act scenario
] as const;
export type CertificationKind = (typeof certificationKinds)[number];

const certificationSchema = z.strictObject({
  kind: z.enum(certificationKinds),
  signedOn: isoDateSchema,
  reference: z.string().min(1).optional(),
});

export const partySchema = z.strictObject({
  id: z.string().min(1).optional(),
  name: z.string().min(1),
  country: countrySchema,
  /** Where the party (or its ultimate parent, below) is headquartered; defaults to `country`. */
  headquartersCountry: countrySchema.optional(),
  parentHeadquartersCountry: countrySchema.optional(),
  sector: z.enum(sectors).optional(),
  militaryEndUser: z.boolean().optional(),
  certifications: z.array(certificationSchema).default([]),
});

const denseTopsSchema = chipSpecSchema.shape.denseTops;

const labCertificateSchema = z.strictObject({
  id: z.string().min(1),
  lab: z.strictObject({
    id: z.string().min(1),
    name: z.string().min(1).optional(),
    headquartersCountry: countrySchema,
    qualifiedFrom: isoDateSchema,
    qualifiedTo: isoDateSchema.optional(),
    revokedOn: isoDateSchema.optional(),
  }),
  shipmentId: z.string().min(1).optional(),
  testCountry: countrySchema,
  testedOn: isoDateSchema,
  sampledSerials: z.array(z.string().min(1)).default([]),
  measured: z.strictObject({ denseTops: denseTopsSchema, dramBandwidthGBs: z.number().nonnegative() }),
  /**
   * In the store, set from the certificate's record (true only for a submitted certificate whose
   * Ed25519 signature and checks passed). In a standalone dossier it is the caller's assertion, and
   * the lab-test finding says so. Absent means unchecked.
   */
  signatureVerified: z.boolean().optional(),
});

const section232Exemptions = [
  "us-data-center",
  "us-repair",
  "us-research-and-development",
  "us-startup",
  "us-public-sector",
] as const;

const dutyEntrySchema = z.strictObject({
  id: z.string().min(1),
  enteredOn: isoDateSchema,
  htsCode: z.string().min(4),
  enteredValueCents: centsSchema,
  dutyPaidCents: centsSchema,
  exemption: z
    .strictObject({ kind: z.enum(section232Exemptions), certificateRef: z.string().min(1) })
    .optional(),
});

const paymentSchema = z.strictObject({
  invoicedCents: centsSchema,
  paidCents: centsSchema,
  collateralCents: centsSchema.optional(),
});

const importApprovalSchema = z.strictObject({
  id: z.string().min(1),
  authority: z.string().min(1),
  importer: z.string().min(1),
  approvedOn: isoDateSchema,
  validFrom: isoDateSchema,
  validTo: isoDateSchema,
  approvedUnits: unitsSchema,
  usedUnits: countSchema.default(0),
  purpose: z.enum(purposes),
  conditions: z.array(z.string().min(1)).default([]),
});

export const evidenceSchema = z.strictObject({
  labCertificate: labCertificateSchema.optional(),
  dutyEntry: dutyEntrySchema.optional(),
  payment: paymentSchema.optional(),
  cnImportApproval: importApprovalSchema.optional(),
  /** The importer's purchases of domestic (Chinese) accelerators, for a domestic-chip ratio. */
  domesticPurchases: z.strictObject({ units: countSchema, reference: z.string().optional() }).optional(),
  /** Notice to US buyers (GAIN AI Act scenario: right of first refusal). */
  usBuyerNotice: z.strictObject({ noticeOn: isoDateSchema, reference: z.string().optional() }).optional(),
  /** Payment of a revenue share to the US government (H20-style scenario). */
  revenueShare: z.strictObject({ paidCents: centsSchema }).optional(),
});

const ledgerFiguresSchema = z.strictObject({
  usPosted: centsSchema,
  cnPending: centsSchema,
  cnPosted: centsSchema,
});

/** The volume-cap ledger as seen for this shipment's window, in one or both measures. */
const ledgerViewSchema = z.strictObject({
  window: z.string().min(1),
  units: ledgerFiguresSchema.optional(),
  tpp: ledgerFiguresSchema.optional(),
});

export const screeningDispositions = ["false-positive", "true-match"] as const;

const screeningSchema = z.strictObject({
  screenedOn: isoDateSchema,
  listVersions: z.array(z.strictObject({ listId: z.string().min(1), version: z.string().min(1) })).min(1),
  hits: z
    .array(
      z.strictObject({
        party: z.enum(partyRoles),
        listId: z.string().min(1),
        entryId: z.string().min(1),
        name: z.string().min(1),
        score: z.number().min(0).max(1),
        /** Why the names matched: token pairs, normalizations and translations, in one line. */
        explanation: z.string().optional(),
        disposition: z.enum(screeningDispositions).optional(),
      }),
    )
    .default([]),
});

/**
 * Whether the lot's chips carry location verification (signed round trips to landmarks, see
 * docs/custody.md): the Chip Security Act scenario requires it, a Chinese-side rule may refuse it.
 * Absent: not stated.
 */
export const locationVerificationMethods = ["none", "signed-latency"] as const;
const locationVerificationSchema = z.enum(locationVerificationMethods).optional();

const productRefSchema = z.union([
  z.strictObject({ id: z.string().min(1), locationVerification: locationVerificationSchema }),
  z.strictObject({
    id: z.string().min(1).optional(),
    spec: chipSpecSchema,
    locationVerification: locationVerificationSchema,
  }),
]);

/** Licence application (before any shipment) or export release of one shipment (a lot). */
export const dossierStages = ["application", "release"] as const;

export const dossierSchema = z.strictObject({
  id: z.string().min(1),
  /** Which gate is being passed; rules for later gates (lab test, duty, payment) wait for release. */
  stage: z.enum(dossierStages).default("release"),
  submittedOn: isoDateSchema.optional(),
  product: productRefSchema,
  quantityUnits: unitsSchema,
  valueCents: centsSchema,
  route: z.strictObject({
    /** Where the chips were made or last shipped from before entering the export country. */
    origin: countrySchema,
    /** The country the export to the destination leaves from. */
    exportFrom: countrySchema,
    destination: countrySchema,
  }),
  endUse: z.strictObject({ purpose: z.enum(purposes), description: z.string().optional() }),
  parties: z.strictObject({ exporter: partySchema, consignee: partySchema, endUser: partySchema }),
  exporterStatements: z
    .strictObject({ usShippedUnits: countSchema.optional(), shipmentId: z.string().min(1).optional() })
    .default({}),
  evidence: evidenceSchema.default({}),
  ledger: ledgerViewSchema.optional(),
  screening: screeningSchema.optional(),
});

export type Dossier = z.output<typeof dossierSchema>;
export type DossierInput = z.input<typeof dossierSchema>;
export type Party = z.output<typeof partySchema>;
export type LedgerFigures = z.output<typeof ledgerFiguresSchema>;

/** Validates a dossier; the error names the source, the first bad path and why. */
export function parseDossier(input: unknown, source: string): Dossier {
  const result = dossierSchema.safeParse(input);
  if (result.success) return internVocabulary(result.data);
  const report = reportIssues(result.error.issues, () => "neither a catalog product `{id}` nor a `{spec}`");
  throw badInput(`dossier ${quote(source)} at ${quote(report.where)}`, report.why);
}

/**
 * Interned copies of the vocabulary by text: the lists' own literals (which the engine interns),
 * and the country codes met so far, each interned on first sight (at most 26², as the schema lets
 * only two capital letters through). A lookup is cheaper than interning the same text again.
 */
const vocabulary = new Map<string, string>(
  [...sectors, ...purposes, ...certificationKinds].map((word) => [word, word]),
);

/** The engine's interned copy of a vocabulary text (as property names are): equal texts, one string. */
function interned(text: string): string {
  let copy = vocabulary.get(text);
  if (copy === undefined) {
    copy = Object.keys({ [text]: 0 })[0] ?? text;
    vocabulary.set(copy, copy);
  }
  return copy;
}

/**
 * Replaces the parsed dossier's vocabulary texts (countries, sectors, purposes, certification
 * kinds) with interned copies, in place: rules compare them with their own interned parameters on
 * every decision, and V8 compares two interned texts by pointer; the parties are rebuilt in one
 * shape (`internParty`). Done once per parse; the dossier is the schema's fresh output, so nothing
 * of the caller's is touched.
 */
function internVocabulary(dossier: Dossier): Dossier {
  const { route, endUse, parties, evidence } = dossier;
  route.origin = interned(route.origin);
  route.exportFrom = interned(route.exportFrom);
  route.destination = interned(route.destination);
  endUse.purpose = interned(endUse.purpose) as typeof endUse.purpose;
  parties.exporter = internParty(parties.exporter);
  parties.consignee = internParty(parties.consignee);
  parties.endUser = internParty(parties.endUser);
  const certificate = evidence.labCertificate;
  if (certificate) {
    certificate.testCountry = interned(certificate.testCountry);
    certificate.lab.headquartersCountry = interned(certificate.lab.headquartersCountry);
  }
  const approval = evidence.cnImportApproval;
  if (approval) approval.purpose = interned(approval.purpose) as typeof approval.purpose;
  return dossier;
}

/**
 * The party with interned texts, rebuilt with every field in schema order, absent ones undefined:
 * one object shape for every party (and one for every certification), so the rules' property
 * loads stay monomorphic (about 8 % of bench/evaluate). JSON omits undefined fields, so the
 * dossier's JSON and digest are unchanged.
 */
function internParty(party: Party): Party {
  const { headquartersCountry: hq, parentHeadquartersCountry: parentHq, sector } = party;
  const oneShape = {
    id: party.id,
    name: party.name,
    country: interned(party.country),
    headquartersCountry: hq === undefined ? undefined : interned(hq),
    parentHeadquartersCountry: parentHq === undefined ? undefined : interned(parentHq),
    sector: sector === undefined ? undefined : interned(sector),
    militaryEndUser: party.militaryEndUser,
    certifications: party.certifications.map(({ kind, signedOn, reference }) => ({
      kind: interned(kind),
      signedOn,
      reference,
    })),
  };
  // Undefined stands for absent here (exactOptionalPropertyTypes tells them apart).
  return oneShape as Party;
}

/** The dossier's JSON text as the digest reads it: schema order, bigints as decimal strings. */
export function dossierJsonText(dossier: Dossier): string {
  try {
    return JSON.stringify(withCentsAsText(dossier));
  } catch (error) {
    // A bigint where withCentsAsText does not look (a field added to the schema): the same text,
    // by the replacer, which is a call per key and so about four times slower.
    if (!(error instanceof TypeError)) throw error;
    return JSON.stringify(dossier, (_key, value: unknown) =>
      typeof value === "bigint" ? value.toString() : value,
    );
  }
}

/**
 * The digest of a dossier as validated: sha256 over its JSON in schema order (the schema fixes the
 * order of every key and fills every default, so equal dossiers give equal text; bigints are
 * decimal strings). RFC 8785 canonicalization would give the same guarantee at about ten times the
 * cost, and this digest is taken on every evaluation.
 */
export function dossierDigest(dossier: Dossier): string {
  return sha256Hex(dossierJsonText(dossier));
}

const centsText = (cents: bigint | undefined): string | undefined => cents?.toString();

const figuresAsText = (figures: LedgerFigures | undefined) =>
  figures && {
    ...figures,
    usPosted: figures.usPosted.toString(),
    cnPending: figures.cnPending.toString(),
    cnPosted: figures.cnPosted.toString(),
  };

/**
 * A copy of the objects that hold money (the schema's cents fields), those fields as decimal
 * strings, the rest shared: plain JSON.stringify can then write it, without a replacer. A spread
 * keeps every key where it was, and a field absent from the original comes out undefined, which
 * JSON leaves out, so the text is the replacer's to the byte (tested).
 */
function withCentsAsText(dossier: Dossier): unknown {
  const { evidence, ledger } = dossier;
  const { dutyEntry, payment, revenueShare } = evidence;
  return {
    ...dossier,
    valueCents: dossier.valueCents.toString(),
    evidence: {
      ...evidence,
      dutyEntry: dutyEntry && {
        ...dutyEntry,
        enteredValueCents: dutyEntry.enteredValueCents.toString(),
        dutyPaidCents: dutyEntry.dutyPaidCents.toString(),
      },
      payment: payment && {
        ...payment,
        invoicedCents: payment.invoicedCents.toString(),
        paidCents: payment.paidCents.toString(),
        collateralCents: centsText(payment.collateralCents),
      },
      revenueShare: revenueShare && { ...revenueShare, paidCents: revenueShare.paidCents.toString() },
    },
    ledger: ledger && { ...ledger, units: figuresAsText(ledger.units), tpp: figuresAsText(ledger.tpp) },
  };
}

/** The JSON Schema published in docs/ (input side: money as digits or integers). */
export function dossierJsonSchema(): unknown {
  return z.toJSONSchema(dossierSchema, { io: "input", target: "draft-2020-12" });
}
