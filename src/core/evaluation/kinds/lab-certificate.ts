// The `lab-certificate` kind: a qualified lab's certificate for this shipment's sample, with the
// measured figures inside the rule's box.
import { computeTpp } from "../../classification/classify.ts";
import type { Dossier } from "../../dossier/schema.ts";
import type { ParamsOf } from "../../rulebook/schema.ts";
import type { Finding } from "../types.ts";
import type { Kind, Verdict } from "./kind.ts";

type LabCertificate = NonNullable<Dossier["evidence"]["labCertificate"]>;

export const labCertificate: Kind<"lab-certificate"> = (params) => {
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
