// The predicate kinds a rulebook can use, one pure function each: (params, subject) → outcome.
// Every fail and pending outcome must say what would make it pass: `fail` and `pending` take the
// remedy as a required argument, so a predicate without one does not compile. A kind never throws
// on data the dossier schema accepted; if one throws anyway, `evaluate` fails closed.
import { computeTpp } from "../classification/classify.ts";
import type { ChipSpec } from "../classification/types.ts";
import type { Party, PartyRole } from "../dossier/schema.ts";
import type { ParamsOf, RuleKind } from "../rulebook/schema.ts";
import { businessDaysBetween, ceilDiv } from "../shared.ts";
import type { Outcome, Remedy, Subject } from "./types.ts";

type Predicate<K extends RuleKind> = (params: ParamsOf<K>, subject: Subject) => Outcome;
/** `vars` present means the rule's remedy template applies to this outcome (filled with them). */
type Figures = Partial<Pick<Outcome, "measured" | "required" | "unit" | "vars">>;

const toRemedy = (remedy: string | Remedy): Remedy =>
  typeof remedy === "string" ? { summary: remedy } : remedy;
const pass = (message: string, figures: Figures = {}): Outcome => ({ status: "pass", message, ...figures });
const pending = (message: string, remedy: string | Remedy, figures: Figures = {}): Outcome => ({
  status: "pending",
  message,
  remedy: toRemedy(remedy),
  ...figures,
});
const fail = (message: string, remedy: string | Remedy, figures: Figures = {}): Outcome => ({
  status: "fail",
  message,
  remedy: toRemedy(remedy),
  ...figures,
});

const roleLabel: Record<PartyRole, string> = {
  exporter: "exporter",
  consignee: "consignee",
  endUser: "end user",
};
const anotherParty = "none for this party: the transaction needs another consignee or end user";

export const formatCents = (cents: bigint): string => {
  const sign = cents < 0n ? "-" : "";
  const abs = cents < 0n ? -cents : cents;
  const dollars = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}US$${dollars}.${String(abs % 100n).padStart(2, "0")}`;
};

/** Round half up to the cent: the documented rounding of every percentage of money in Sluice. */
export const percentOfCents = (cents: bigint, percent: number): bigint =>
  (cents * BigInt(percent) + 50n) / 100n;

const policy: Predicate<"policy"> = (params) => {
  const remedy = "none while this policy is in force";
  const vars = {};
  return params.outcome === "fail"
    ? fail(params.message, remedy, { vars })
    : pending(params.message, remedy, { vars });
};

const comparators = {
  lt: (a: number, b: number) => a < b,
  le: (a: number, b: number) => a <= b,
  gt: (a: number, b: number) => a > b,
  ge: (a: number, b: number) => a >= b,
} as const;
const opText = { lt: "<", le: "≤", gt: ">", ge: "≥" } as const;

const threshold: Predicate<"threshold"> = (params, { product }) => {
  const metrics = {
    tpp: product.classification.tpp,
    dramBandwidthGBs: product.spec.dramBandwidthGBs,
    performanceDensity: product.classification.performanceDensity,
    interconnectGBs: product.spec.interconnectGBs ?? null,
  };
  const measured = params.conditions.map((c) => `${c.metric} ${metrics[c.metric] ?? "unknown"}`).join(", ");
  const required = params.conditions.map((c) => `${c.metric} ${opText[c.op]} ${c.value}`).join(", ");
  const figures = { measured, required };
  for (const condition of params.conditions) {
    const value = metrics[condition.metric];
    const name = condition.metric;
    if (value === null)
      return pending(`${name} of ${product.name} is unknown`, `supply the product's ${name}`, figures);
    if (!comparators[condition.op](value, condition.value)) {
      const message = `${product.name}: ${name} ${value} is not ${opText[condition.op]} ${condition.value}`;
      return fail(message, "none for this product: it is outside the limits", {
        ...figures,
        vars: { metric: name },
      });
    }
  }
  return pass(`${product.name} is inside the limits (${measured})`, figures);
};

const route: Predicate<"route"> = (params, { dossier }) => {
  const from = dossier.route.exportFrom;
  const allowed = params.exportFromAllowed.join(", ");
  const figures = { measured: from, required: allowed };
  if (params.exportFromAllowed.includes(from)) return pass(`exported from ${from}`, figures);
  const message = `exported from ${from} (origin ${dossier.route.origin}); only exports from ${allowed} qualify`;
  return fail(message, `export the lot from ${allowed}`, { ...figures, vars: { exportFrom: from } });
};

const headquarters = (party: Party): string[] =>
  [party.headquartersCountry ?? party.country, party.parentHeadquartersCountry].filter(
    (c): c is string => !!c,
  );

const partyAttribute: Predicate<"party-attribute"> = (params, { dossier }) => {
  for (const role of params.parties) {
    const party = dossier.parties[role];
    const who = `${roleLabel[role]} ${party.name}`;
    if (party.sector && params.forbiddenSectors.includes(party.sector)) {
      return fail(`${who} is in sector ${party.sector}`, anotherParty, {
        measured: party.sector,
        vars: { party: party.name },
      });
    }
    const vars = { party: party.name };
    if (params.forbidMilitaryEndUser && party.militaryEndUser)
      return fail(`${who} is a military end user`, anotherParty, { vars });
    const hq = headquarters(party).find((country) => params.forbiddenHeadquarters.includes(country));
    if (hq)
      return fail(`${who} is headquartered (or its parent is) in ${hq}`, anotherParty, {
        measured: hq,
        vars,
      });
  }
  return pass(`${params.parties.map((role) => roleLabel[role]).join(", ")}: no forbidden attribute`);
};

const certificationRequired: Predicate<"certification-required"> = (params, { dossier, at }) => {
  const party = dossier.parties[params.party];
  const found = party.certifications.find((c) => c.kind === params.certification);
  const who = `${roleLabel[params.party]} ${party.name}`;
  const remedy = `have ${party.name} certify ${params.certification}`;
  const vars = { party: party.name, certification: params.certification };
  if (!found) return pending(`${who} has not certified ${params.certification}`, remedy, { vars });
  if (found.signedOn > at) {
    return pending(`${who} certified ${params.certification} only on ${found.signedOn}`, remedy, { vars });
  }
  return pass(`${who} certified ${params.certification} on ${found.signedOn}`);
};

const evidenceRequired: Predicate<"evidence-required"> = (params, { dossier }) => {
  const item = params.item;
  const present =
    item === "exporterStatements.usShippedUnits"
      ? dossier.exporterStatements.usShippedUnits !== undefined
      : item === "ledger" || item === "screening"
        ? dossier[item] !== undefined
        : dossier.evidence[item] !== undefined;
  if (present) return pass(`${item} is on file`);
  return pending(`${item} is missing`, `file ${item}`, { vars: { item } });
};

const purposeLimit: Predicate<"purpose-limit"> = (params, { dossier }) => {
  const purpose = dossier.endUse.purpose;
  const allowed = params.allowedPurposes.join(", ");
  const figures = { measured: purpose, required: allowed };
  if (params.allowedPurposes.includes(purpose)) return pass(`purpose ${purpose} is allowed`, figures);
  const message = `purpose ${purpose} is not among the allowed purposes (${allowed})`;
  return fail(message, `none for purpose ${purpose}: allowed are ${allowed}`, {
    ...figures,
    vars: { purpose },
  });
};

const ratioCap: Predicate<"ratio-cap"> = (params, { dossier, product }) => {
  const figures = dossier.ledger?.[params.measure];
  if (!figures) {
    const remedy = `supply the volume-cap ledger for the window in ${params.measure}`;
    return pending(`no ledger view in ${params.measure} for this window`, remedy);
  }
  // China amounts round TPP up: the cap is never loosened by rounding.
  const requested =
    params.measure === "units"
      ? BigInt(dossier.quantityUnits)
      : BigInt(dossier.quantityUnits) * BigInt(Math.ceil(product.classification.tpp));
  const chinaTotal = figures.cnPending + figures.cnPosted + requested;
  const ratio = BigInt(params.ratioPercent);
  const allowed = (ratio * figures.usPosted) / 100n;
  const unit = params.measure;
  const shown = {
    measured: chinaTotal.toString(),
    required: `≤ ${allowed} (${params.ratioPercent} % of US ${figures.usPosted})`,
    unit,
  };
  if (100n * chinaTotal <= ratio * figures.usPosted) {
    return pass(`China ${chinaTotal} ≤ ${params.ratioPercent} % of US ${figures.usPosted} ${unit}`, shown);
  }
  const shortfall = chinaTotal - allowed;
  const usNeeded = ratio === 0n ? null : ceilDiv(100n * chinaTotal, ratio) - figures.usPosted;
  const details: Record<string, string> = { shortfall: shortfall.toString(), measure: unit };
  if (usNeeded !== null) details.usVolumeNeeded = usNeeded.toString();
  const summary =
    usNeeded === null
      ? "the cap is 0 %: no volume can go to China"
      : `cut this lot by ${shortfall} ${unit}, or post ${usNeeded} more ${unit} of US end-use shipments`;
  const message = `China would reach ${chinaTotal} ${unit}, above ${params.ratioPercent} % of US ${figures.usPosted} (limit ${allowed})`;
  const outcome = params.onExceed === "fail" ? fail : pending;
  return outcome(message, { summary, details }, { ...shown, vars: details });
};

function labCertificate(params: ParamsOf<"lab-certificate">, subject: Subject): Outcome {
  const { dossier, product, at } = subject;
  const certificate = dossier.evidence.labCertificate;
  if (!certificate) {
    return pending(
      "no lab certificate for this shipment",
      "have a qualified US laboratory test a sample of this shipment and file its certificate",
    );
  }
  const { lab } = certificate;
  const labName = lab.name ?? lab.id;
  const labPlaces = params.labHeadquarters.join(", ");
  if (!params.labHeadquarters.includes(lab.headquartersCountry)) {
    return fail(
      `lab ${labName} is headquartered in ${lab.headquartersCountry}`,
      `have a lab headquartered in ${labPlaces} test the shipment`,
      {
        measured: lab.headquartersCountry,
        required: labPlaces,
      },
    );
  }
  const testPlaces = params.testCountries.join(", ");
  if (!params.testCountries.includes(certificate.testCountry)) {
    const message = `certificate ${certificate.id} was tested in ${certificate.testCountry}, not in ${testPlaces}`;
    return fail(message, `test a sample of the shipment inside ${testPlaces}`, {
      measured: certificate.testCountry,
      required: testPlaces,
    });
  }
  const qualified =
    lab.qualifiedFrom <= certificate.testedOn &&
    (!lab.qualifiedTo || certificate.testedOn <= lab.qualifiedTo);
  if (!qualified) {
    return fail(
      `lab ${labName} was not qualified on ${certificate.testedOn}`,
      "have a lab qualified on the test date test the shipment",
    );
  }
  if (lab.revokedOn && lab.revokedOn <= at) {
    const message = `lab ${labName} was revoked on ${lab.revokedOn}; its certificates no longer qualify`;
    return fail(message, "have a qualified lab that is not revoked test the shipment again");
  }
  if (params.requireSignatureVerified && certificate.signatureVerified !== true) {
    const message = `the signature of certificate ${certificate.id} has not been verified`;
    return pending(message, "submit the signed certificate so its signature can be verified");
  }
  const binding = shipmentBinding(params, certificate, dossier.exporterStatements.shipmentId);
  const outcome =
    binding ?? measuredInsideBox(params, certificate.id, certificate.measured, product.classification.tpp);
  // Only the store's records carry a signature Sluice checked; a standalone dossier asserts it.
  if (!params.requireSignatureVerified || subject.evidenceSource === "records") return outcome;
  return {
    ...outcome,
    message: `${outcome.message} (signature asserted by the dossier, not verified by Sluice)`,
  };
}

function shipmentBinding(
  params: ParamsOf<"lab-certificate">,
  certificate: { id: string; shipmentId?: string | undefined },
  shipmentId: string | undefined,
): Outcome | null {
  if (!params.requireShipmentBinding) return null;
  if (!certificate.shipmentId || !shipmentId) {
    const message = `certificate ${certificate.id} is not bound to a named shipment`;
    return pending(message, "name the shipment in the application and in the lab certificate");
  }
  if (certificate.shipmentId === shipmentId) return null;
  const message = `certificate ${certificate.id} is for shipment ${certificate.shipmentId}, not ${shipmentId}`;
  return fail(message, `file the certificate issued for shipment ${shipmentId}`);
}

function measuredInsideBox(
  params: ParamsOf<"lab-certificate">,
  certificateId: string,
  measured: { denseTops: ChipSpec["denseTops"]; dramBandwidthGBs: number },
  declaredTpp: number,
): Outcome {
  const measuredTpp = computeTpp(measured.denseTops).tpp;
  const figures = `TPP ${measuredTpp}, DRAM ${measured.dramBandwidthGBs} GB/s`;
  const box = `TPP < ${params.tppMax}, DRAM < ${params.dramBandwidthMaxGBs} GB/s`;
  if (!(measuredTpp < params.tppMax && measured.dramBandwidthGBs < params.dramBandwidthMaxGBs)) {
    const message = `certificate ${certificateId} measured ${figures}, outside the box`;
    return fail(message, "none: the tested chips are outside the technical box", {
      measured: figures,
      required: box,
    });
  }
  const deviationPercent = (Math.abs(measuredTpp - declaredTpp) / declaredTpp) * 100;
  if (deviationPercent > params.declaredTolerancePercent) {
    const message = `measured TPP ${measuredTpp} differs from the declared ${declaredTpp} by ${deviationPercent.toFixed(1)} %`;
    return fail(message, "explain the deviation and have the lot retested, or correct the declared product", {
      measured: String(measuredTpp),
      required: `within ${params.declaredTolerancePercent} % of ${declaredTpp}`,
    });
  }
  return pass(`certificate ${certificateId}: ${figures}, inside the box`, {
    measured: figures,
    required: box,
  });
}

function dutyPaid(params: ParamsOf<"duty-paid">, { dossier }: Subject): Outcome {
  const entry = dossier.evidence.dutyEntry;
  if (!entry) {
    const remedy = "file the US customs entry for this lot and pay the Section 232 duty";
    return pending("no US entry with Section 232 duty on file", remedy);
  }
  if (entry.exemption) {
    const claim = `entry ${entry.id} claims exemption ${entry.exemption.kind}`;
    if (params.exemptionsAllowed) return pass(claim);
    return fail(
      `${claim}, which does not cover a lot exported from the US`,
      "withdraw the claim and pay the duty",
    );
  }
  const owed = percentOfCents(entry.enteredValueCents, params.ratePercent);
  const figures = {
    measured: formatCents(entry.dutyPaidCents),
    required: `${formatCents(owed)} (${params.ratePercent} % of ${formatCents(entry.enteredValueCents)})`,
    unit: "USD",
  };
  if (entry.dutyPaidCents >= owed) return pass(`duty paid on entry ${entry.id}`, figures);
  const shortfall = owed - entry.dutyPaidCents;
  const remedy = {
    summary: `pay the remaining ${formatCents(shortfall)} of duty`,
    details: { shortfallCents: shortfall.toString() },
  };
  return pending(`duty on entry ${entry.id} is short by ${formatCents(shortfall)}`, remedy, figures);
}

function prepayment(params: ParamsOf<"prepayment">, { dossier }: Subject): Outcome {
  const payment = dossier.evidence.payment;
  const owed = percentOfCents(dossier.valueCents, params.requiredPercent);
  const required = `${formatCents(owed)} (${params.requiredPercent} % of ${formatCents(dossier.valueCents)})`;
  if (!payment)
    return pending("no payment on file", `collect ${formatCents(owed)} before release`, { required });
  const covered = payment.paidCents + (params.collateralAccepted ? (payment.collateralCents ?? 0n) : 0n);
  const measured = params.collateralAccepted
    ? `${formatCents(payment.paidCents)} paid + ${formatCents(payment.collateralCents ?? 0n)} collateral`
    : formatCents(payment.paidCents);
  const figures = { measured, required, unit: "USD" };
  if (covered >= owed) return pass(`prepaid ${measured}`, figures);
  const shortfall = owed - covered;
  const remedy = {
    summary: `collect the remaining ${formatCents(shortfall)}`,
    details: { shortfallCents: shortfall.toString() },
  };
  return pending(`prepayment short by ${formatCents(shortfall)}`, remedy, figures);
}

const sameName = (a: string, b: string): boolean =>
  a.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "") === b.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");

function importApproval(params: ParamsOf<"import-approval">, { dossier, at }: Subject): Outcome {
  const approval = dossier.evidence.cnImportApproval;
  if (!approval) {
    return pending(
      "no Chinese import approval on file",
      "obtain the importer's approval from the Chinese import authority",
    );
  }
  const id = approval.id;
  if (at < approval.validFrom)
    return pending(
      `approval ${id} is valid only from ${approval.validFrom}`,
      `wait until ${approval.validFrom}`,
    );
  if (at > approval.validTo)
    return fail(`approval ${id} expired on ${approval.validTo}`, "obtain a new approval");
  const consignee = dossier.parties.consignee.name;
  if (!sameName(approval.importer, consignee)) {
    return fail(
      `approval ${id} names ${approval.importer}, not the consignee ${consignee}`,
      `obtain an approval naming ${consignee}`,
    );
  }
  const sector = dossier.parties.endUser.sector;
  if (sector && params.excludedSectors.includes(sector)) {
    return fail(`end user sector ${sector} is excluded from import approvals`, anotherParty);
  }
  const purpose = dossier.endUse.purpose;
  if (params.requirePurposeMatch && approval.purpose !== purpose) {
    return fail(
      `approval ${id} is for ${approval.purpose}, not ${purpose}`,
      `obtain an approval for purpose ${purpose}`,
    );
  }
  const after = approval.usedUnits + dossier.quantityUnits;
  const figures = { measured: `${after} units`, required: `≤ ${approval.approvedUnits} units` };
  if (after > approval.approvedUnits) {
    const remedy = `obtain approval for ${after - approval.approvedUnits} more units, or cut the lot`;
    return fail(
      `approval ${id} would be exhausted: ${after} of ${approval.approvedUnits} units`,
      remedy,
      figures,
    );
  }
  return pass(
    `approval ${id} covers ${dossier.quantityUnits} units (${after} of ${approval.approvedUnits})`,
    figures,
  );
}

function domesticRatio(params: ParamsOf<"domestic-ratio">, { dossier }: Subject): Outcome {
  const ratio = params.domesticUnitsPerImported;
  if (ratio === null)
    return { status: "not_applicable", message: "no domestic-chip ratio has been published" };
  const imported = BigInt(dossier.quantityUnits + (dossier.evidence.cnImportApproval?.usedUnits ?? 0));
  const requiredUnits = ceilDiv(imported * BigInt(ratio.numerator), BigInt(ratio.denominator));
  const bought = BigInt(dossier.evidence.domesticPurchases?.units ?? 0);
  const text = `${ratio.numerator}:${ratio.denominator}`;
  const figures = { measured: bought.toString(), required: `≥ ${requiredUnits}`, unit: "units" };
  if (bought >= requiredUnits) {
    return pass(
      `importer bought ${bought} domestic accelerators (${text} requires ${requiredUnits})`,
      figures,
    );
  }
  const missing = requiredUnits - bought;
  const remedy = {
    summary: `buy ${missing} more domestic accelerators`,
    details: { missingUnits: missing.toString() },
  };
  return pending(
    `importer bought ${bought} domestic accelerators; ratio ${text} requires ${requiredUnits}`,
    remedy,
    figures,
  );
}

function listScreening(params: ParamsOf<"list-screening">, { dossier }: Subject): Outcome {
  const screening = dossier.screening;
  if (!screening)
    return pending("parties have not been screened", "screen every party against the current lists");
  const versions = screening.listVersions.map((v) => `${v.listId}@${v.version}`).join(", ");
  const alerts = screening.hits.filter((hit) => hit.score >= params.alertScoreMin);
  const trueMatch = alerts.find((hit) => hit.disposition === "true-match");
  if (trueMatch) {
    const message = `${roleLabel[trueMatch.party]} matches ${trueMatch.name} on ${trueMatch.listId} (entry ${trueMatch.entryId})`;
    return fail(message, anotherParty);
  }
  const open = alerts.filter((hit) => hit.disposition === undefined);
  const first = open[0];
  if (first) {
    const why = first.explanation ? `: ${first.explanation}` : "";
    const label = `${roleLabel[first.party]} ~ ${first.name} (${first.listId} entry ${first.entryId}, score ${first.score}${why})`;
    const message = `${open.length} screening hit(s) await a reviewer's disposition: ${label}`;
    return pending(message, "record a disposition (false positive or true match) for each open hit");
  }
  return pass(`no open screening hits against ${versions}`);
}

function noticePeriod(params: ParamsOf<"notice-period">, { dossier, at }: Subject): Outcome {
  const notice = dossier.evidence.usBuyerNotice;
  const required = `≥ ${params.businessDaysMin} business days`;
  if (!notice) {
    return pending(
      "no notice to US buyers on file",
      `notify US buyers and wait ${params.businessDaysMin} business days`,
      { required },
    );
  }
  const days = businessDaysBetween(notice.noticeOn, at);
  if (days >= params.businessDaysMin)
    return pass(`US buyers were notified ${days} business days ago`, { required });
  const remedy = `wait ${params.businessDaysMin - days} more business days`;
  return pending(`US buyers were notified ${days} business days ago`, remedy, {
    measured: `${days} business days`,
    required,
  });
}

function revenueShare(params: ParamsOf<"revenue-share">, { dossier }: Subject): Outcome {
  const owed = percentOfCents(dossier.valueCents, params.sharePercent);
  const paid = dossier.evidence.revenueShare?.paidCents ?? 0n;
  const figures = {
    measured: formatCents(paid),
    required: `${formatCents(owed)} (${params.sharePercent} % of ${formatCents(dossier.valueCents)})`,
  };
  if (paid >= owed) return pass(`revenue share paid: ${formatCents(paid)}`, figures);
  const shortfall = formatCents(owed - paid);
  return pending(`revenue share short by ${shortfall}`, `remit ${shortfall} to the US government`, figures);
}

export const predicates: { [K in RuleKind]: Predicate<K> } = {
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
};
