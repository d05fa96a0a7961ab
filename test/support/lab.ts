// Test support for the lab-test gate: a lot counts as tested only with a signed certificate submitted
// through EvidenceService, so tests certify shipments with the seed's demo lab (a real Ed25519 key,
// the rule's sampling plan, the stored serials) and file the rest of the example's evidence as
// documents, which may no longer carry a lab certificate.
import type { EvidenceContext } from "../../src/app/evidence.ts";
import { registerDemoLab } from "../../src/app/seed.ts";
import { exampleJson } from "./dossiers.ts";

/** The approvable example's evidence without its lab certificate: what may be filed as a document. */
export function exampleDocumentEvidence(): Record<string, unknown> {
  const { evidence } = exampleJson("h200-alibaba-approvable.json") as { evidence: Record<string, unknown> };
  const { labCertificate: _submittedInstead, ...documents } = evidence;
  return documents;
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
