// Drafting a certificate on the lab's side: the sample is drawn by the plan from the shipment's
// serial ranges with the seed the checker will use, and TPP is computed from the measurements, so
// a certificate drafted here passes the sample and TPP checks by construction. The nonce is the
// lab's (random in the CLI, fixed in tests); signing is `signCertificate`.
import { computeTpp } from "../classification/classify.ts";
import type { SerialRange } from "../shipments/model.ts";
import { type CertificateBody, certificateFormat } from "./certificate.ts";
import { drawSample, type SamplingBand, sampleSizeFor, samplingSeed } from "./sampling.ts";

export interface DraftInput {
  id: string;
  labId: string;
  keyId: string;
  shipment: { id: string; productId: string; quantityUnits: number; serials: readonly SerialRange[] };
  nonce: string;
  testCountry: string;
  testSite?: string;
  testedOn: string;
  measured: CertificateBody["measured"];
  plan: readonly SamplingBand[];
}

export function draftCertificate(input: DraftInput): CertificateBody {
  const { shipment } = input;
  const size = sampleSizeFor(shipment.quantityUnits, input.plan);
  return {
    format: certificateFormat,
    id: input.id,
    labId: input.labId,
    keyId: input.keyId,
    shipmentId: shipment.id,
    productId: shipment.productId,
    lotUnits: shipment.quantityUnits,
    nonce: input.nonce,
    sampledSerials: drawSample(shipment.serials, size, samplingSeed(shipment.id, input.nonce)),
    testCountry: input.testCountry,
    ...(input.testSite !== undefined ? { testSite: input.testSite } : {}),
    testedOn: input.testedOn,
    measured: input.measured,
    tpp: computeTpp(input.measured.denseTops).tpp,
  };
}
