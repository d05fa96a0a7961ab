// The predicate kinds a rulebook can use. A kind is compiled once per rule in force: given the
// rule's parameters it prepares what depends only on them (texts, bigints) and returns the
// predicate, a pure function (subject, verdict) → finding. A predicate states its result through
// the rule's `Verdict`, which builds the finding directly. Every fail and pending must say what
// would make it pass: `fail` and `pending` take the remedy as a required argument, so a predicate
// without one does not compile. A kind never throws on data the dossier schema accepted; if one
// throws anyway (compiling or running), `evaluate` fails closed.
import { computeTpp } from "../classification/classify.ts";
import type { Dossier, Party, PartyRole } from "../dossier/schema.ts";
import type { ParamsOf, RuleKind } from "../rulebook/schema.ts";
import { businessDaysBetween, ceilDiv } from "../shared.ts";
import type { Finding, Remedy, ResolvedProduct, Subject } from "./types.ts";

/**
 * Figures shown with a finding. `vars` present means the rule's remedy template applies to this
 * result (filled with them); without it, the predicate's own remedy is shown.
 */
export interface Figures {
  measured?: string;
  required?: string;
  unit?: string;
  vars?: Record<string, string>;
}

/** How a predicate states its result: each call returns the rule's finding, fully built. */
export interface Verdict {
  pass(message: string, figures?: Figures): Finding;
  pending(message: string, remedy: string | Remedy, figures?: Figures): Finding;
  fail(message: string, remedy: string | Remedy, figures?: Figures): Finding;
  notApplicable(message: string): Finding;
}

export type Predicate = (subject: Subject, verdict: Verdict) => Finding;
/** A kind: the rule's parameters in, its predicate out (called once per rule set, not per decision). */
type Kind<K extends RuleKind> = (params: ParamsOf<K>) => Predicate;

/** Figures carrying only template values. Never written to, so one may serve many findings. */
const templateVars = (vars: Record<string, string>): Figures => Object.freeze({ vars: Object.freeze(vars) });

const roleLabel: Record<PartyRole, string> = {
  exporter: "exporter",
  consignee: "consignee",
  endUser: "end user",
};
const anotherParty = "none for this party: the transaction needs another consignee or end user";

const safeCentsMax = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * `US$1,234.56`: dollars grouped by thousands (a loop, not a regex: it runs for every money
 * figure). Amounts up to 2⁵³ − 1 cents, every real one, are split with exact number arithmetic,
 * which costs far less than bigint division; larger ones with bigints.
 */
export const formatCents = (cents: bigint): string => {
  const sign = cents < 0n ? "-" : "";
  const abs = cents < 0n ? -cents : cents;
  let digits: string;
  let rest: number;
  if (abs <= safeCentsMax) {
    const amount = Number(abs);
    rest = amount % 100;
    digits = String((amount - rest) / 100);
  } else {
    digits = (abs / 100n).toString();
    rest = Number(abs % 100n);
  }
  let dollars = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let end = dollars.length + 3; end <= digits.length; end += 3)
    dollars += `,${digits.slice(end - 3, end)}`;
  return `${sign}US$${dollars}.${rest < 10 ? "0" : ""}${rest}`;
};

/** Round half up to the cent: the documented rounding of every percentage of money in Sluice. */
export const percentOfCents = (cents: bigint, percent: number): bigint =>
  (cents * BigInt(percent) + 50n) / 100n;

const policyRemedy = "none while this policy is in force";

const policy: Kind<"policy"> = ({ outcome, message }) => {
  // Empty values: the policy's remedy template applies as written.
  const vars = templateVars({});
  return outcome === "fail"
    ? (_subject, v) => v.fail(message, policyRemedy, vars)
    : (_subject, v) => v.pending(message, policyRemedy, vars);
};

const comparators = {
  lt: (a: number, b: number) => a < b,
  le: (a: number, b: number) => a <= b,
  gt: (a: number, b: number) => a > b,
  ge: (a: number, b: number) => a >= b,
} as const;
const opText = { lt: "<", le: "≤", gt: ">", ge: "≥" } as const;
type Metric = ParamsOf<"threshold">["conditions"][number]["metric"];

function metricOf({ classification, spec }: ResolvedProduct, metric: Metric): number | null {
  if (metric === "tpp") return classification.tpp;
  if (metric === "dramBandwidthGBs") return spec.dramBandwidthGBs;
  if (metric === "performanceDensity") return classification.performanceDensity;
  return spec.interconnectGBs ?? null;
}

const threshold: Kind<"threshold"> = ({ conditions }) => {
  const required = conditions.map((c) => `${c.metric} ${opText[c.op]} ${c.value}`).join(", ");
  // The measured text depends only on the product: kept per resolved (catalog) product.
  const measuredByProduct = new WeakMap<ResolvedProduct, string>();
  const measuredOf = (product: ResolvedProduct): string => {
    let measured = measuredByProduct.get(product);
    if (measured === undefined) {
      measured = conditions.map((c) => `${c.metric} ${metricOf(product, c.metric) ?? "unknown"}`).join(", ");
      measuredByProduct.set(product, measured);
    }
    return measured;
  };
  return ({ product }, v) => {
    const measured = measuredOf(product);
    for (const { metric, op, value: limit } of conditions) {
      const value = metricOf(product, metric);
      if (value === null)
        return v.pending(`${metric} of ${product.name} is unknown`, `supply the product's ${metric}`, {
          measured,
          required,
        });
      if (!comparators[op](value, limit)) {
        const message = `${product.name}: ${metric} ${value} is not ${opText[op]} ${limit}`;
        return v.fail(message, "none for this product: it is outside the limits", {
          measured,
          required,
          vars: { metric },
        });
      }
    }
    return v.pass(`${product.name} is inside the limits (${measured})`, { measured, required });
  };
};

const route: Kind<"route"> = ({ exportFromAllowed }) => {
  const allowed = exportFromAllowed.join(", ");
  return ({ dossier }, v) => {
    const from = dossier.route.exportFrom;
    if (exportFromAllowed.includes(from))
      return v.pass(`exported from ${from}`, { measured: from, required: allowed });
    const message = `exported from ${from} (origin ${dossier.route.origin}); only exports from ${allowed} qualify`;
    return v.fail(message, `export the lot from ${allowed}`, {
      measured: from,
      required: allowed,
      vars: { exportFrom: from },
    });
  };
};

/** The first of the party's (or its parent's) headquarters countries that is forbidden. */
function forbiddenHeadquarters(party: Party, forbidden: readonly string[]): string | undefined {
  const own = party.headquartersCountry ?? party.country;
  if (own && forbidden.includes(own)) return own;
  const parent = party.parentHeadquartersCountry;
  return parent && forbidden.includes(parent) ? parent : undefined;
}

const partyAttribute: Kind<"party-attribute"> = (params) => {
  const { parties: roles, forbiddenSectors, forbidMilitaryEndUser } = params;
  const passMessage = `${roles.map((role) => roleLabel[role]).join(", ")}: no forbidden attribute`;
  return ({ dossier }, v) => {
    for (const role of roles) {
      // The party's label and template values are built only for a failure (most decisions pass).
      const party = partyIn(dossier, role);
      if (party.sector && forbiddenSectors.includes(party.sector)) {
        const figures = { measured: party.sector, vars: { party: party.name } };
        return v.fail(`${roleLabel[role]} ${party.name} is in sector ${party.sector}`, anotherParty, figures);
      }
      if (forbidMilitaryEndUser && party.militaryEndUser)
        return v.fail(`${roleLabel[role]} ${party.name} is a military end user`, anotherParty, {
          vars: { party: party.name },
        });
      const hq = forbiddenHeadquarters(party, params.forbiddenHeadquarters);
      if (hq)
        return v.fail(
          `${roleLabel[role]} ${party.name} is headquartered (or its parent is) in ${hq}`,
          anotherParty,
          {
            measured: hq,
            vars: { party: party.name },
          },
        );
    }
    return v.pass(passMessage);
  };
};

/**
 * The party in a role, by named property: `parties[role]` with a role that varies between rules
 * sharing one predicate's code is a megamorphic keyed load; these loads each see one name.
 */
function partyIn({ parties }: Dossier, role: PartyRole): Party {
  return role === "endUser" ? parties.endUser : role === "consignee" ? parties.consignee : parties.exporter;
}

type Certification = Party["certifications"][number];

function certificationOf(party: Party, kind: Certification["kind"]): Certification | undefined {
  for (const certification of party.certifications) if (certification.kind === kind) return certification;
  return undefined;
}

const certificationRequired: Kind<"certification-required"> = ({ party: role, certification }) => {
  const label = roleLabel[role];
  return ({ dossier, at }, v) => {
    const party = partyIn(dossier, role);
    const found = certificationOf(party, certification);
    const who = `${label} ${party.name}`;
    if (found && found.signedOn <= at)
      return v.pass(`${who} certified ${certification} on ${found.signedOn}`);
    const remedy = `have ${party.name} certify ${certification}`;
    const vars = templateVars({ party: party.name, certification });
    if (!found) return v.pending(`${who} has not certified ${certification}`, remedy, vars);
    return v.pending(`${who} certified ${certification} only on ${found.signedOn}`, remedy, vars);
  };
};

const evidenceRequired: Kind<"evidence-required"> = ({ item }) => {
  const present: (dossier: Dossier) => boolean =
    item === "exporterStatements.usShippedUnits"
      ? (dossier) => dossier.exporterStatements.usShippedUnits !== undefined
      : item === "ledger" || item === "screening"
        ? (dossier) => dossier[item] !== undefined
        : (dossier) => dossier.evidence[item] !== undefined;
  const onFile = `${item} is on file`;
  const missing = `${item} is missing`;
  const remedy = `file ${item}`;
  const vars = templateVars({ item });
  return ({ dossier }, v) => (present(dossier) ? v.pass(onFile) : v.pending(missing, remedy, vars));
};

const purposeLimit: Kind<"purpose-limit"> = ({ allowedPurposes }) => {
  const allowed = allowedPurposes.join(", ");
  return ({ dossier }, v) => {
    const purpose = dossier.endUse.purpose;
    if (allowedPurposes.includes(purpose))
      return v.pass(`purpose ${purpose} is allowed`, { measured: purpose, required: allowed });
    const message = `purpose ${purpose} is not among the allowed purposes (${allowed})`;
    return v.fail(message, `none for purpose ${purpose}: allowed are ${allowed}`, {
      measured: purpose,
      required: allowed,
      vars: { purpose },
    });
  };
};

const ratioCap: Kind<"ratio-cap"> = ({ measure: unit, ratioPercent, onExceed }) => {
  const ratio = BigInt(ratioPercent);
  const noLedger = `no ledger view in ${unit} for this window`;
  const noLedgerRemedy = `supply the volume-cap ledger for the window in ${unit}`;
  return ({ dossier, product }, v) => {
    const figures = dossier.ledger?.[unit];
    if (!figures) return v.pending(noLedger, noLedgerRemedy);
    // China amounts round TPP up: the cap is never loosened by rounding.
    const requested =
      unit === "units"
        ? BigInt(dossier.quantityUnits)
        : BigInt(dossier.quantityUnits) * BigInt(Math.ceil(product.classification.tpp));
    const chinaTotal = figures.cnPending + figures.cnPosted + requested;
    const allowed = (ratio * figures.usPosted) / 100n;
    // Each figure is written once and the text reused: bigint-to-text is the costly part here.
    const china = chinaTotal.toString();
    const us = figures.usPosted.toString();
    const limit = allowed.toString();
    const required = `≤ ${limit} (${ratioPercent} % of US ${us})`;
    if (100n * chinaTotal <= ratio * figures.usPosted)
      return v.pass(`China ${china} ≤ ${ratioPercent} % of US ${us} ${unit}`, {
        measured: china,
        required,
        unit,
      });
    const shortfall = (chinaTotal - allowed).toString();
    const usNeeded = ratio === 0n ? null : (ceilDiv(100n * chinaTotal, ratio) - figures.usPosted).toString();
    const details: Record<string, string> = { shortfall, measure: unit };
    if (usNeeded !== null) details.usVolumeNeeded = usNeeded;
    const summary =
      usNeeded === null
        ? "the cap is 0 %: no volume can go to China"
        : `cut this lot by ${shortfall} ${unit}, or post ${usNeeded} more ${unit} of US end-use shipments`;
    const message = `China would reach ${china} ${unit}, above ${ratioPercent} % of US ${us} (limit ${limit})`;
    const shown = { measured: china, required, unit, vars: details };
    return onExceed === "fail"
      ? v.fail(message, { summary, details }, shown)
      : v.pending(message, { summary, details }, shown);
  };
};

type LabCertificate = NonNullable<Dossier["evidence"]["labCertificate"]>;

const labCertificate: Kind<"lab-certificate"> = (params) => {
  const labPlaces = params.labHeadquarters.join(", ");
  const testPlaces = params.testCountries.join(", ");
  const labRemedy = `have a lab headquartered in ${labPlaces} test the shipment`;
  const testRemedy = `test a sample of the shipment inside ${testPlaces}`;
  const box = `TPP < ${params.tppMax}, DRAM < ${params.dramBandwidthMaxGBs} GB/s`;
  const tolerance = `within ${params.declaredTolerancePercent} % of`;
  return (subject, v) => {
    const { dossier, product, at } = subject;
    const certificate = dossier.evidence.labCertificate;
    if (!certificate) {
      return v.pending(
        "no lab certificate for this shipment",
        "have a qualified US laboratory test a sample of this shipment and file its certificate",
      );
    }
    const { lab } = certificate;
    const labName = lab.name ?? lab.id;
    if (!params.labHeadquarters.includes(lab.headquartersCountry)) {
      return v.fail(`lab ${labName} is headquartered in ${lab.headquartersCountry}`, labRemedy, {
        measured: lab.headquartersCountry,
        required: labPlaces,
      });
    }
    if (!params.testCountries.includes(certificate.testCountry)) {
      const message = `certificate ${certificate.id} was tested in ${certificate.testCountry}, not in ${testPlaces}`;
      return v.fail(message, testRemedy, { measured: certificate.testCountry, required: testPlaces });
    }
    const qualified =
      lab.qualifiedFrom <= certificate.testedOn &&
      (!lab.qualifiedTo || certificate.testedOn <= lab.qualifiedTo);
    if (!qualified) {
      return v.fail(
        `lab ${labName} was not qualified on ${certificate.testedOn}`,
        "have a lab qualified on the test date test the shipment",
      );
    }
    if (lab.revokedOn && lab.revokedOn <= at) {
      const message = `lab ${labName} was revoked on ${lab.revokedOn}; its certificates no longer qualify`;
      return v.fail(message, "have a qualified lab that is not revoked test the shipment again");
    }
    if (params.requireSignatureVerified && certificate.signatureVerified !== true) {
      const message = `the signature of certificate ${certificate.id} has not been verified`;
      return v.pending(message, "submit the signed certificate so its signature can be verified");
    }
    const shipmentId = dossier.exporterStatements.shipmentId;
    const finding =
      (params.requireShipmentBinding ? shipmentBinding(certificate, shipmentId, v) : null) ??
      measuredInsideBox(params, certificate, product.classification.tpp, box, tolerance, v);
    // Only the store's records carry a signature Sluice checked; a standalone dossier asserts it.
    if (!params.requireSignatureVerified || subject.evidenceSource === "records") return finding;
    // The finding was built just above for this decision alone, so it may be amended in place.
    finding.message = `${finding.message} (signature asserted by the dossier, not verified by Sluice)`;
    return finding;
  };
};

function shipmentBinding(
  certificate: LabCertificate,
  shipmentId: string | undefined,
  v: Verdict,
): Finding | null {
  if (!certificate.shipmentId || !shipmentId) {
    const message = `certificate ${certificate.id} is not bound to a named shipment`;
    return v.pending(message, "name the shipment in the application and in the lab certificate");
  }
  if (certificate.shipmentId === shipmentId) return null;
  const message = `certificate ${certificate.id} is for shipment ${certificate.shipmentId}, not ${shipmentId}`;
  return v.fail(message, `file the certificate issued for shipment ${shipmentId}`);
}

function measuredInsideBox(
  params: ParamsOf<"lab-certificate">,
  { id, measured }: LabCertificate,
  declaredTpp: number,
  box: string,
  tolerance: string,
  v: Verdict,
): Finding {
  const measuredTpp = computeTpp(measured.denseTops).tpp;
  const figures = `TPP ${measuredTpp}, DRAM ${measured.dramBandwidthGBs} GB/s`;
  if (!(measuredTpp < params.tppMax && measured.dramBandwidthGBs < params.dramBandwidthMaxGBs)) {
    const message = `certificate ${id} measured ${figures}, outside the box`;
    return v.fail(message, "none: the tested chips are outside the technical box", {
      measured: figures,
      required: box,
    });
  }
  const deviationPercent = (Math.abs(measuredTpp - declaredTpp) / declaredTpp) * 100;
  if (deviationPercent > params.declaredTolerancePercent) {
    const message = `measured TPP ${measuredTpp} differs from the declared ${declaredTpp} by ${deviationPercent.toFixed(1)} %`;
    return v.fail(
      message,
      "explain the deviation and have the lot retested, or correct the declared product",
      { measured: String(measuredTpp), required: `${tolerance} ${declaredTpp}` },
    );
  }
  return v.pass(`certificate ${id}: ${figures}, inside the box`, { measured: figures, required: box });
}

const dutyPaid: Kind<"duty-paid"> =
  ({ ratePercent, exemptionsAllowed }) =>
  ({ dossier }, v) => {
    const entry = dossier.evidence.dutyEntry;
    if (!entry) {
      const remedy = "file the US customs entry for this lot and pay the Section 232 duty";
      return v.pending("no US entry with Section 232 duty on file", remedy);
    }
    if (entry.exemption) {
      const claim = `entry ${entry.id} claims exemption ${entry.exemption.kind}`;
      if (exemptionsAllowed) return v.pass(claim);
      return v.fail(
        `${claim}, which does not cover a lot exported from the US`,
        "withdraw the claim and pay the duty",
      );
    }
    const owed = percentOfCents(entry.enteredValueCents, ratePercent);
    const figures = {
      measured: formatCents(entry.dutyPaidCents),
      required: `${formatCents(owed)} (${ratePercent} % of ${formatCents(entry.enteredValueCents)})`,
      unit: "USD",
    };
    if (entry.dutyPaidCents >= owed) return v.pass(`duty paid on entry ${entry.id}`, figures);
    const shortfall = owed - entry.dutyPaidCents;
    const short = formatCents(shortfall);
    const remedy = {
      summary: `pay the remaining ${short} of duty`,
      details: { shortfallCents: shortfall.toString() },
    };
    return v.pending(`duty on entry ${entry.id} is short by ${short}`, remedy, figures);
  };

const prepayment: Kind<"prepayment"> =
  ({ requiredPercent, collateralAccepted }) =>
  ({ dossier }, v) => {
    const payment = dossier.evidence.payment;
    const owed = percentOfCents(dossier.valueCents, requiredPercent);
    const owedText = formatCents(owed);
    const required = `${owedText} (${requiredPercent} % of ${formatCents(dossier.valueCents)})`;
    if (!payment) return v.pending("no payment on file", `collect ${owedText} before release`, { required });
    const covered = payment.paidCents + (collateralAccepted ? (payment.collateralCents ?? 0n) : 0n);
    const measured = collateralAccepted
      ? `${formatCents(payment.paidCents)} paid + ${formatCents(payment.collateralCents ?? 0n)} collateral`
      : formatCents(payment.paidCents);
    const figures = { measured, required, unit: "USD" };
    if (covered >= owed) return v.pass(`prepaid ${measured}`, figures);
    const shortfall = owed - covered;
    const short = formatCents(shortfall);
    const remedy = {
      summary: `collect the remaining ${short}`,
      details: { shortfallCents: shortfall.toString() },
    };
    return v.pending(`prepayment short by ${short}`, remedy, figures);
  };

/** Same name up to case, spaces and punctuation (equal lower-case texts need no regex). */
function sameName(a: string, b: string): boolean {
  const lowerA = a.toLowerCase();
  const lowerB = b.toLowerCase();
  return (
    lowerA === lowerB || lowerA.replace(/[^\p{L}\p{N}]+/gu, "") === lowerB.replace(/[^\p{L}\p{N}]+/gu, "")
  );
}

const importApproval: Kind<"import-approval"> =
  (params) =>
  ({ dossier, at }, v) => {
    const approval = dossier.evidence.cnImportApproval;
    if (!approval) {
      return v.pending(
        "no Chinese import approval on file",
        "obtain the importer's approval from the Chinese import authority",
      );
    }
    const id = approval.id;
    if (at < approval.validFrom)
      return v.pending(
        `approval ${id} is valid only from ${approval.validFrom}`,
        `wait until ${approval.validFrom}`,
      );
    if (at > approval.validTo)
      return v.fail(`approval ${id} expired on ${approval.validTo}`, "obtain a new approval");
    const consignee = dossier.parties.consignee.name;
    if (!sameName(approval.importer, consignee)) {
      return v.fail(
        `approval ${id} names ${approval.importer}, not the consignee ${consignee}`,
        `obtain an approval naming ${consignee}`,
      );
    }
    const sector = dossier.parties.endUser.sector;
    if (sector && params.excludedSectors.includes(sector))
      return v.fail(`end user sector ${sector} is excluded from import approvals`, anotherParty);
    const purpose = dossier.endUse.purpose;
    if (params.requirePurposeMatch && approval.purpose !== purpose) {
      return v.fail(
        `approval ${id} is for ${approval.purpose}, not ${purpose}`,
        `obtain an approval for purpose ${purpose}`,
      );
    }
    const after = approval.usedUnits + dossier.quantityUnits;
    const figures = { measured: `${after} units`, required: `≤ ${approval.approvedUnits} units` };
    if (after > approval.approvedUnits) {
      const remedy = `obtain approval for ${after - approval.approvedUnits} more units, or cut the lot`;
      return v.fail(
        `approval ${id} would be exhausted: ${after} of ${approval.approvedUnits} units`,
        remedy,
        figures,
      );
    }
    return v.pass(
      `approval ${id} covers ${dossier.quantityUnits} units (${after} of ${approval.approvedUnits})`,
      figures,
    );
  };

const domesticRatio: Kind<"domestic-ratio"> = ({ domesticUnitsPerImported: ratio }) => {
  if (ratio === null) return (_subject, v) => v.notApplicable("no domestic-chip ratio has been published");
  const text = `${ratio.numerator}:${ratio.denominator}`;
  const numerator = BigInt(ratio.numerator);
  const denominator = BigInt(ratio.denominator);
  return ({ dossier }, v) => {
    const imported = BigInt(dossier.quantityUnits + (dossier.evidence.cnImportApproval?.usedUnits ?? 0));
    const requiredUnits = ceilDiv(imported * numerator, denominator);
    const bought = BigInt(dossier.evidence.domesticPurchases?.units ?? 0);
    const figures = { measured: bought.toString(), required: `≥ ${requiredUnits}`, unit: "units" };
    if (bought >= requiredUnits)
      return v.pass(
        `importer bought ${bought} domestic accelerators (${text} requires ${requiredUnits})`,
        figures,
      );
    const missing = requiredUnits - bought;
    const remedy = {
      summary: `buy ${missing} more domestic accelerators`,
      details: { missingUnits: missing.toString() },
    };
    return v.pending(
      `importer bought ${bought} domestic accelerators; ratio ${text} requires ${requiredUnits}`,
      remedy,
      figures,
    );
  };
};

type ScreeningHit = NonNullable<Dossier["screening"]>["hits"][number];

const listScreening: Kind<"list-screening"> =
  ({ alertScoreMin }) =>
  ({ dossier }, v) => {
    const screening = dossier.screening;
    if (!screening)
      return v.pending("parties have not been screened", "screen every party against the current lists");
    let trueMatch: ScreeningHit | undefined;
    let firstOpen: ScreeningHit | undefined;
    let openCount = 0;
    for (const hit of screening.hits) {
      if (hit.score < alertScoreMin) continue;
      if (hit.disposition === "true-match") trueMatch ??= hit;
      else if (hit.disposition === undefined) {
        firstOpen ??= hit;
        openCount += 1;
      }
    }
    if (trueMatch) {
      const message = `${roleLabel[trueMatch.party]} matches ${trueMatch.name} on ${trueMatch.listId} (entry ${trueMatch.entryId})`;
      return v.fail(message, anotherParty);
    }
    if (firstOpen) {
      const why = firstOpen.explanation ? `: ${firstOpen.explanation}` : "";
      const label = `${roleLabel[firstOpen.party]} ~ ${firstOpen.name} (${firstOpen.listId} entry ${firstOpen.entryId}, score ${firstOpen.score}${why})`;
      const message = `${openCount} screening hit(s) await a reviewer's disposition: ${label}`;
      return v.pending(message, "record a disposition (false positive or true match) for each open hit");
    }
    let versions = "";
    for (const { listId, version } of screening.listVersions)
      versions += versions === "" ? `${listId}@${version}` : `, ${listId}@${version}`;
    return v.pass(`no open screening hits against ${versions}`);
  };

const noticePeriod: Kind<"notice-period"> = ({ businessDaysMin }) => {
  const required = `≥ ${businessDaysMin} business days`;
  const noNoticeRemedy = `notify US buyers and wait ${businessDaysMin} business days`;
  return ({ dossier, at }, v) => {
    const notice = dossier.evidence.usBuyerNotice;
    if (!notice) return v.pending("no notice to US buyers on file", noNoticeRemedy, { required });
    const days = businessDaysBetween(notice.noticeOn, at);
    const message = `US buyers were notified ${days} business days ago`;
    if (days >= businessDaysMin) return v.pass(message, { required });
    return v.pending(message, `wait ${businessDaysMin - days} more business days`, {
      measured: `${days} business days`,
      required,
    });
  };
};

const revenueShare: Kind<"revenue-share"> =
  ({ sharePercent }) =>
  ({ dossier }, v) => {
    const owed = percentOfCents(dossier.valueCents, sharePercent);
    const paid = dossier.evidence.revenueShare?.paidCents ?? 0n;
    const paidText = formatCents(paid);
    const figures = {
      measured: paidText,
      required: `${formatCents(owed)} (${sharePercent} % of ${formatCents(dossier.valueCents)})`,
    };
    if (paid >= owed) return v.pass(`revenue share paid: ${paidText}`, figures);
    const shortfall = formatCents(owed - paid);
    return v.pending(
      `revenue share short by ${shortfall}`,
      `remit ${shortfall} to the US government`,
      figures,
    );
  };

const locationVerification: Kind<"location-verification"> = ({ requirement, onViolation }) => {
  const required = requirement === "required" ? "signed-latency" : "none";
  const unstated = "the dossier does not say whether the chips carry location verification";
  const unstatedRemedy = "state product.locationVerification (none or signed-latency)";
  const remedy =
    requirement === "required"
      ? "fit the chips with location verification (signed round trips to landmarks) before export"
      : "none for chips that carry location verification: ship chips without it";
  return ({ dossier }, v) => {
    const method = dossier.product.locationVerification;
    if (method === undefined) return v.pending(unstated, unstatedRemedy, { required });
    const figures = { measured: method, required };
    if (method === required)
      return v.pass(
        requirement === "required"
          ? "the chips carry location verification (signed latency)"
          : "the chips carry no location verification",
        figures,
      );
    const message =
      requirement === "required"
        ? "the chips carry no location verification, which is required before export"
        : "the chips carry location verification (signed latency), which is refused here";
    return onViolation === "fail" ? v.fail(message, remedy, figures) : v.pending(message, remedy, figures);
  };
};

export const kinds: { [K in RuleKind]: Kind<K> } = {
  policy,
  threshold,
  route,
  "party-attribute": partyAttribute,
  "certification-required": certificationRequired,
  "evidence-required": evidenceRequired,
  "purpose-limit": purposeLimit,
  "ratio-cap": ratioCap,
  "lab-certificate": labCertificate,
  "duty-paid": dutyPaid,
  prepayment,
  "import-approval": importApproval,
  "domestic-ratio": domesticRatio,
  "list-screening": listScreening,
  "notice-period": noticePeriod,
  "revenue-share": revenueShare,
  "location-verification": locationVerification,
};
