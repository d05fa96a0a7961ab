// The evidence as the dossier uses it: `evidenceView`, the dossier's `evidence` section built from
// the records (a certificate's signature counts as verified only while its stored status is `ok`),
// and how evidence filed as a document is treated (a lab certificate is submitted, never filed).
import type { DossierInput } from "../../core/dossier/schema.ts";
import { badInput, notFound, quote } from "../../core/errors.ts";
import { paymentEvidence } from "../../core/evidence/payments.ts";
import type { DutyEntryRow, EvidenceRepos } from "./ports.ts";

/** Where a lab certificate goes instead of an evidence document (PUT …/evidence refuses one). */
export const certificateRoute =
  "submit the signed certificate with POST /v1/certificates or `sluice lab submit`";

/**
 * Refuses a `labCertificate` in evidence filed as a document: only a certificate whose Ed25519
 * signature Sluice checked on submission may satisfy the lab-test rule.
 */
export function refuseFiledCertificate(evidence: { labCertificate?: unknown }, where: string): void {
  if (evidence.labCertificate !== undefined)
    throw badInput(
      `${where} at \`labCertificate\``,
      `a lab certificate is not filed as a document: ${certificateRoute}`,
      "certificate_not_submitted",
    );
}

/**
 * Evidence filed as a document, as the dossier may use it: a `labCertificate` on file from before
 * documents refused one loses any `signatureVerified` claim, so it can only hold the release.
 */
export function documentEvidence(evidence: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!evidence?.labCertificate || typeof evidence.labCertificate !== "object") return evidence ?? {};
  const { signatureVerified: _claimed, ...certificate } = evidence.labCertificate as Record<string, unknown>;
  return { ...evidence, labCertificate: certificate };
}

/**
 * The dossier's `evidence` section from the records: the shipment's certificate (its signature
 * counts as verified only while the stored status is `ok`), its duty entry, the order's payment
 * totals, the consignee's import approval (with units used by other shipments) and its domestic
 * purchases. Sections without records are left out.
 */
export async function evidenceView(
  repos: EvidenceRepos,
  orderId: string,
  shipmentId: string | null,
): Promise<DossierInput["evidence"]> {
  const order = await repos.shipments.loadOrder(orderId);
  if (!order) throw notFound(`order ${quote(orderId)}`);
  const evidence: NonNullable<DossierInput["evidence"]> = {};
  if (shipmentId) {
    const certificate = await certificateEvidence(repos, shipmentId);
    if (certificate) evidence.labCertificate = certificate;
    const duty = await repos.evidence.loadDutyEntry({ shipmentId });
    if (duty) evidence.dutyEntry = dutyEvidence(duty);
  }
  const totals = await repos.evidence.paymentTotals(orderId);
  if (totals.records > 0) evidence.payment = paymentEvidence(totals);
  const approval = await approvalEvidence(repos, order.doc.consigneeId, shipmentId);
  if (approval) evidence.cnImportApproval = approval;
  const purchases = await repos.evidence.domesticPurchaseTotals(order.doc.consigneeId);
  if (purchases.purchases > 0)
    evidence.domesticPurchases = {
      units: purchases.units,
      reference: `${purchases.purchases} recorded purchase(s)`,
    };
  return evidence;
}

async function certificateEvidence(repos: EvidenceRepos, shipmentId: string) {
  const certificate = await repos.evidence.certificateForShipment(shipmentId);
  if (!certificate) return undefined;
  const lab = await repos.evidence.loadLab(certificate.labId);
  if (!lab) throw new Error(`certificate ${certificate.id} refers to a missing lab`);
  const body = certificate.document;
  return {
    id: certificate.id,
    lab: {
      id: lab.id,
      name: lab.name,
      headquartersCountry: lab.headquartersCountry,
      qualifiedFrom: lab.qualifiedFrom,
      ...(lab.qualifiedTo ? { qualifiedTo: lab.qualifiedTo } : {}),
      ...(lab.revokedOn ? { revokedOn: lab.revokedOn } : {}),
    },
    shipmentId: certificate.shipmentId,
    testCountry: body.testCountry,
    testedOn: body.testedOn,
    sampledSerials: body.sampledSerials,
    measured: body.measured,
    signatureVerified: certificate.status === "ok",
  };
}

function dutyEvidence(duty: DutyEntryRow) {
  return {
    id: duty.id,
    enteredOn: duty.enteredOn,
    htsCode: duty.htsCode,
    enteredValueCents: duty.enteredValueCents.toString(),
    dutyPaidCents: duty.dutyPaidCents.toString(),
    ...(duty.exemptionKind && duty.exemptionCertificateRef
      ? { exemption: { kind: duty.exemptionKind as never, certificateRef: duty.exemptionCertificateRef } }
      : {}),
  };
}

/** The approval the shipment is written down on, else the consignee's with the most units left. */
async function approvalEvidence(repos: EvidenceRepos, importerId: string, shipmentId: string | null) {
  const live = shipmentId ? await repos.evidence.liveWriteDown(shipmentId) : undefined;
  const approvals = await repos.evidence.approvalsOf(importerId);
  const chosen = live
    ? approvals.find((a) => a.doc.id === live.approvalId)
    : [...approvals].sort(
        (a, b) => b.doc.approvedUnits - b.usedUnits - (a.doc.approvedUnits - a.usedUnits),
      )[0];
  if (!chosen) return undefined;
  const { doc } = chosen;
  // The shipment's own write-down is what the rule is deciding, so it does not count as used.
  const usedUnits = chosen.usedUnits - (live?.approvalId === doc.id ? live.units : 0);
  return {
    id: doc.id,
    authority: doc.authority,
    importer: doc.importer,
    approvedOn: doc.approvedOn,
    validFrom: doc.validFrom,
    validTo: doc.validTo,
    approvedUnits: doc.approvedUnits,
    usedUnits,
    purpose: doc.purpose,
    conditions: doc.conditions,
  };
}
