// Test support for the lab-test gate: a lot counts as tested only with a signed certificate submitted
// through EvidenceService, so tests certify shipments with the seed's demo lab (a real Ed25519 key,
// the rule's sampling plan, the stored serials) and file the rest of the example's evidence as
// documents, which may no longer carry a lab certificate.
import type { EvidenceContext } from "../../src/app/evidence/ports.ts";
import { EvidenceService } from "../../src/app/evidence/service.ts";
import { registerDemoLab } from "../../src/app/seed/demo.ts";
import { exampleJson } from "./dossiers.ts";

/** The approvable example's evidence without its lab certificate (a dossier's claims, not records). */
export function exampleDocumentEvidence(): Record<string, unknown> {
  const { evidence } = exampleJson("h200-alibaba-approvable.json") as { evidence: Record<string, unknown> };
  const { labCertificate: _submittedInstead, ...documents } = evidence;
  return documents;
}

/**
 * The example's evidence as its authorities record it (issue #13): the exporter's invoice and
 * prepayment of the order's value, the Chinese import authority's approval for the consignee and,
 * per shipment, US customs' entry with its Section 232 duty paid. Replays answer exists.
 */
export async function recordExampleEvidence(
  context: EvidenceContext,
  orderId: string,
  shipmentIds: readonly string[] = [],
  options: { approval?: boolean } = {},
): Promise<void> {
  const evidence = new EvidenceService(context);
  const order = await evidence.order(orderId);
  if (!order) throw new Error(`recordExampleEvidence: no order ${orderId}`);
  const value = order.doc.valueCents.toString();
  const must = (what: string, result: { status: string }) => {
    if (result.status !== "created" && result.status !== "exists")
      throw new Error(`recordExampleEvidence ${what}: ${result.status}`);
  };
  must(
    "invoice",
    await evidence.invoice({ id: `INV-${orderId}`, orderId, amountCents: value, issuedOn: "2026-01-26" }),
  );
  must(
    "payment",
    await evidence.pay({ id: `PAY-${orderId}`, orderId, amountCents: value, paidOn: "2026-01-27" }),
  );
  if (options.approval ?? true) {
    const approval = {
      id: `MOFCOM-${orderId}`,
      importerId: order.doc.consigneeId,
      importer: "Alibaba Cloud Computing Co., Ltd.",
      authority: "MOFCOM",
      approvedOn: "2026-01-28",
      validFrom: "2026-01-28",
      validTo: "2026-12-31",
      approvedUnits: 150_000,
      purpose: order.doc.endUse.purpose,
    };
    must("approval", await evidence.recordImportApproval(approval));
  }
  for (const shipmentId of shipmentIds) {
    const entry = await evidence.recordDutyEntry({
      id: `ENTRY-${shipmentId}`,
      shipmentId,
      enteredOn: "2026-01-27",
      htsCode: "8471.50",
      enteredValueCents: "2000000000",
    });
    must("duty entry", entry);
    const payment = { id: `DUTY-${shipmentId}`, entryId: entry.entryId, paidOn: "2026-01-27" };
    must("duty payment", await evidence.payDuty({ ...payment, amountCents: entry.dutyOwedCents.toString() }));
  }
}

/** Certifies a planned shipment with the demo lab `lab-test` on `at`; throws unless the check says ok. */
export async function certifyShipment(context: EvidenceContext, shipmentId: string, at = "2026-02-01") {
  const lab = await registerDemoLab(context, {
    id: "lab-test",
    name: "Test Laboratory of Austin",
    headquartersCountry: "US",
    qualifiedFrom: "2026-01-15",
  });
  const result = await lab.certify(shipmentId, at);
  if (result.status !== "ok")
    throw new Error(`certificate for ${shipmentId}: ${result.status}: ${result.detail}`);
  return result;
}
