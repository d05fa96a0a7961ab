// The dossier of one simulated lot, built as the store builds one at export release
// (src/app/shipments/steps.ts buildDossier): the parties with their certifications, the exporter's
// statements, the evidence each actor files (lab certificate, §232 entry, prepayment, China's import
// approval, domestic purchases, notice to US buyers, revenue share), the parties' screening, and the
// ledger view of the cap's window. Which evidence exists is the scenario's world; what it must say is
// read from the rules in force (the duty rate, a domestic ratio, a revenue share), never assumed.
import {
  type CertificationKind,
  type Dossier,
  type DossierInput,
  type LedgerFigures,
  parseDossier,
} from "../../core/dossier/schema.ts";
import { inapplicability } from "../../core/evaluation/evaluate.ts";
import type { ResolvedProduct, Subject } from "../../core/evaluation/types.ts";
import { accountIdsFor, type CapPolicy } from "../../core/ledger/cap-policy.ts";
import type { RuleSet } from "../../core/rulebook/load.ts";
import type { ParamsOf, RuleKind } from "../../core/rulebook/schema.ts";
import { ceilDiv, type IsoDate } from "../../core/shared.ts";
import type { PlannedBuyer } from "../../core/simulation/plan.ts";
import type { Scenario } from "../../core/simulation/scenario.ts";
import type { InMemoryLedger } from "../ledger/in-memory.ts";

export const exporterCertificationsStandard = [
  "us-commercial-availability",
  "technical-box",
  "us-supply-sufficient",
  "no-foundry-diversion",
] as const;
export const buyerCertificationsStandard = [
  "kyc-procedures",
  "security-procedures",
  "no-unauthorized-remote-access",
  "no-military-use",
  "no-weights-transfer",
] as const;

export type Screening = NonNullable<DossierInput["screening"]>;

/** What the lot's builder needs to know beyond the buyer: the world on the lot's day. */
export interface LotWorld {
  scenario: Scenario;
  product: ResolvedProduct;
  at: IsoDate;
  /** First day of the horizon: certifications and the lab's qualification date from it. */
  startDay: IsoDate;
  usShippedUnits: number;
  /** The day the lot's lab test was done (its certificate's date), or null: no certificate. */
  labTestedOn: IsoDate | null;
  approvalUsedUnits: number;
  domesticBoughtUnits: number;
  screening: Screening;
  /** Whether the lot's chips carry location verification (the rulebook set's exporter behaviour). */
  locationVerification: "none" | "signed-latency";
}

const percentOf = (cents: bigint, percent: number): bigint => (cents * BigInt(percent) + 99n) / 100n;

export function lotValueCents(scenario: Scenario, units: number): bigint {
  return BigInt(scenario.price.centsPerUnit) * BigInt(units);
}

/** The parameters of the first rule of `kind` in force that applies to the subject, or null. */
export function paramsInForce<K extends RuleKind>(
  ruleSet: RuleSet,
  subject: Subject,
  kind: K,
): ParamsOf<K> | null {
  for (const { rule } of ruleSet.rules) {
    if (rule.kind === kind && inapplicability(rule.when, subject) === null) return rule.params as ParamsOf<K>;
  }
  return null;
}

export function lotDossierInput(
  lotId: string,
  buyer: PlannedBuyer,
  units: number,
  world: LotWorld,
): DossierInput {
  const { scenario, at, startDay } = world;
  const signed = (kinds: readonly CertificationKind[]) => kinds.map((kind) => ({ kind, signedOn: startDay }));
  const buyerParty = {
    id: buyer.id,
    name: buyer.name,
    country: "CN",
    sector: buyer.sector,
    certifications: signed(buyerCertificationsStandard),
  };
  const valueCents = lotValueCents(scenario, units);
  return {
    id: lotId,
    stage: "release",
    submittedOn: at,
    product: { id: scenario.product.id, locationVerification: world.locationVerification },
    quantityUnits: units,
    valueCents: valueCents.toString(),
    route: { origin: "TW", exportFrom: "US", destination: "CN" },
    endUse: { purpose: buyer.purpose },
    parties: {
      exporter: {
        id: "nvidia",
        name: "NVIDIA Corporation",
        country: "US",
        sector: "semiconductor-vendor",
        certifications: signed([...exporterCertificationsStandard, ...scenario.exporterCertifications]),
      },
      consignee: buyerParty,
      endUser: buyerParty,
    },
    exporterStatements: { usShippedUnits: world.usShippedUnits, shipmentId: lotId },
    evidence: {
      ...(world.labTestedOn ? { labCertificate: labCertificate(lotId, world, world.labTestedOn) } : {}),
      payment: {
        invoicedCents: valueCents.toString(),
        paidCents: percentOf(valueCents, scenario.prepayment.percent).toString(),
      },
      ...(buyer.approval
        ? {
            cnImportApproval: {
              id: `approval-${buyer.id}`,
              authority: "MOFCOM",
              importer: buyer.name,
              approvedOn: buyer.approval.from,
              validFrom: buyer.approval.from,
              validTo: buyer.approval.to,
              approvedUnits: buyer.approval.units,
              usedUnits: world.approvalUsedUnits,
              purpose: buyer.purpose,
            },
          }
        : {}),
      domesticPurchases: { units: world.domesticBoughtUnits },
      usBuyerNotice: { noticeOn: `${buyer.orderedIn}-01` },
    },
    screening: world.screening,
  };
}

function labCertificate(lotId: string, world: LotWorld, testedOn: IsoDate) {
  const { spec } = world.product;
  return {
    id: `lab-${lotId}`,
    lab: {
      id: "sim-lab",
      name: "Simulated US test laboratory",
      headquartersCountry: "US",
      qualifiedFrom: world.startDay,
    },
    shipmentId: lotId,
    testCountry: "US",
    testedOn,
    sampledSerials: [`${lotId}-s1`],
    measured: { denseTops: spec.denseTops, dramBandwidthGBs: spec.dramBandwidthGBs },
    signatureVerified: true,
  };
}

/** The lot's dossier, parsed as the store parses one, with the evidence that depends on the rules. */
export function lotDossier(
  lotId: string,
  buyer: PlannedBuyer,
  units: number,
  world: LotWorld,
  ruleSet: RuleSet,
): { dossier: Dossier; dutyCents: bigint; revenueShareCents: bigint } {
  const dossier = parseDossier(lotDossierInput(lotId, buyer, units, world), lotId);
  const subject: Subject = { dossier, dossierDigest: "", product: world.product, at: world.at };
  const duty = paramsInForce(ruleSet, subject, "duty-paid");
  let dutyCents = 0n;
  if (duty) {
    // The chips entered the US for the mandatory test at the sale price and paid the duty then.
    const entered = dossier.valueCents;
    dutyCents = percentOf(entered, duty.ratePercent);
    dossier.evidence.dutyEntry = {
      id: `entry-${lotId}`,
      enteredOn: world.at,
      htsCode: "8471.50",
      enteredValueCents: entered,
      dutyPaidCents: dutyCents,
    };
  }
  const share = paramsInForce(ruleSet, subject, "revenue-share");
  let revenueShareCents = 0n;
  if (share) {
    revenueShareCents = percentOf(dossier.valueCents, share.sharePercent);
    dossier.evidence.revenueShare = { paidCents: revenueShareCents };
  }
  return { dossier, dutyCents, revenueShareCents };
}

/** Domestic accelerators the buyer must own for this lot under a domestic ratio in force (0 without). */
export function domesticUnitsRequired(ruleSet: RuleSet, dossier: Dossier, world: LotWorld): number {
  const subject: Subject = { dossier, dossierDigest: "", product: world.product, at: world.at };
  const ratio = paramsInForce(ruleSet, subject, "domestic-ratio")?.domesticUnitsPerImported;
  if (!ratio) return 0;
  const imported = BigInt(dossier.quantityUnits + world.approvalUsedUnits);
  return Number(ceilDiv(imported * BigInt(ratio.numerator), BigInt(ratio.denominator)));
}

/** The cap window's figures for a product on a day (empty before the window or when unopened). */
export function capFiguresIn(ledger: InMemoryLedger, policy: CapPolicy, productId: string, at: IsoDate) {
  const window = accountIdsFor(policy, productId, at)?.[0];
  const account = window ? ledger.account(window) : undefined;
  const figures: LedgerFigures = account
    ? { usPosted: account.usPosted, cnPending: account.cnPending, cnPosted: account.cnPosted }
    : { usPosted: 0n, cnPending: 0n, cnPosted: 0n };
  return { window: window ?? "before the window starts", figures };
}

/** The cap's window as the ratio-cap rule sees it (as the shipments use cases' ledgerView, from memory). */
export function ledgerViewIn(ledger: InMemoryLedger, policy: CapPolicy, productId: string, at: IsoDate) {
  const { window, figures } = capFiguresIn(ledger, policy, productId, at);
  return { window, [policy.measure]: figures };
}
