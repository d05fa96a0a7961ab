// Lab certificate checks per second on one core, against the raw Ed25519 verify rate of node:crypto
// measured in the same run (the limit: a full check cannot be faster than its signature). A full
// check is what `submitCertificate` does in memory: parse and validate the signed document,
// canonicalize (RFC 8785) and hash it, verify the signature with the lab's pre-made KeyObject, and
// run every check (qualification, box, tolerance, sample membership, size and seeded re-draw).
// Run: node --import tsx bench/certificates.ts [--certificates N] [--seconds S] [--lot UNITS]
import { generateKeyPairSync, verify } from "node:crypto";
import { parseArgs } from "node:util";
import {
  type CertificateBody,
  certificateBody,
  keyIdOf,
  signCertificate,
} from "../src/core/evidence/certificate.ts";
import { type CertificateContext, checkCertificate, readCertificate } from "../src/core/evidence/checks.ts";
import { draftCertificate } from "../src/core/evidence/issue.ts";
import { sampleSizeFor, z14GeneralLevelII } from "../src/core/evidence/sampling.ts";

const { values } = parseArgs({
  options: {
    certificates: { type: "string", default: "2000" },
    seconds: { type: "string", default: "3" },
    lot: { type: "string", default: "1000" },
  },
});
const count = Number(values.certificates);
const seconds = Number(values.seconds);
const lot = Number(values.lot);

const keys = generateKeyPairSync("ed25519");
const keyId = keyIdOf(keys.publicKey);
const shipments = Array.from({ length: count }, (_, i) => ({
  id: `SHP-${i}`,
  productId: "nvidia-h200-sxm",
  quantityUnits: lot,
  serials: [{ prefix: "H200-", first: 1 + i * lot, last: (i + 1) * lot }],
}));
const documents = shipments.map((shipment, i) => {
  const body: CertificateBody = draftCertificate({
    id: `CERT-${i}`,
    labId: "lab-austin",
    keyId,
    shipment,
    nonce: i.toString(16).padStart(16, "0"),
    testCountry: "US",
    testedOn: "2026-01-29",
    measured: { denseTops: { fp8: 1979, fp16: 989.5 }, dramBandwidthGBs: 4800 },
    plan: z14GeneralLevelII,
  });
  // What arrives over the wire: JSON text, parsed by the caller before the check.
  return JSON.parse(JSON.stringify(signCertificate(body, keys.privateKey))) as unknown;
});
const raw = documents.map((doc) => {
  const signed = doc as { certificate: CertificateBody; signature: string };
  return {
    data: Buffer.from(certificateBody(signed.certificate)),
    signature: Buffer.from(signed.signature, "base64"),
  };
});
const baseContext: Omit<CertificateContext, "shipment"> = {
  at: "2026-02-01",
  lab: {
    id: "lab-austin",
    name: "Austin",
    headquartersCountry: "US",
    keyId,
    key: keys.publicKey,
    qualifiedFrom: "2026-01-15",
  },
  declared: { tpp: 15832, dramBandwidthGBs: 4800 },
  usedByShipmentId: null,
  rules: {
    testCountries: ["US"],
    labHeadquarters: ["US"],
    labControlForbidden: ["CN", "MO"],
    tppMax: 21000,
    dramBandwidthMaxGBs: 6500,
    declaredTolerancePercent: 5,
    samplingPlan: [...z14GeneralLevelII],
  },
};

/**
 * Runs `step(i)` round-robin over the documents for `ms` of wall time; returns operations per
 * CPU-second of this process (user + system), so time stolen by other processes on the shared
 * machine does not count against either side.
 */
function rate(step: (i: number) => boolean, ms: number, offset: number): number {
  const deadline = performance.now() + ms;
  const cpu = process.cpuUsage();
  let done = 0;
  while (performance.now() < deadline) {
    for (let k = 0; k < 50; k += 1, done += 1)
      if (!step((offset + done) % count)) throw new Error("check failed");
  }
  const used = process.cpuUsage(cpu);
  return done / ((used.user + used.system) / 1e6);
}

const rawVerify = (i: number) => {
  const item = raw[i];
  return item !== undefined && verify(null, item.data, keys.publicKey, item.signature);
};
const fullCheck = (i: number) => {
  const read = readCertificate(documents[i]);
  const shipment = shipments[i];
  if (read.status !== "ok" || !shipment) return false;
  return checkCertificate(read, { ...baseContext, shipment }).status === "ok";
};

// The machine is shared: count CPU time, and measure the two in short adjacent slices (250 ms each,
// alternating) so each pair sees the same cache pressure; report medians of rates and ratios.
const sliceMs = 250;
const pairs = Math.max(4, Math.round((seconds * 1000) / (2 * sliceMs)));
rate(rawVerify, 200, 0);
rate(fullCheck, 200, 0);
const verifyRates: number[] = [];
const checkRates: number[] = [];
const ratios: number[] = [];
for (let pair = 0; pair < pairs; pair += 1) {
  const v = rate(rawVerify, sliceMs, pair * 997);
  const c = rate(fullCheck, sliceMs, pair * 997);
  verifyRates.push(v);
  checkRates.push(c);
  ratios.push(c / v);
}
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const ratio = median(ratios);
console.log(
  `certificates: ${count} distinct, lot ${lot} units, sample ${sampleSizeFor(lot, z14GeneralLevelII)} serials each; ${pairs} pairs of ${sliceMs} ms slices`,
);
console.log(
  `raw Ed25519 verify (node:crypto, one core): ${Math.round(median(verifyRates))} per CPU-second (median)`,
);
console.log(
  `full certificate checks (parse + canonicalize + sha256 + verify + checks): ${Math.round(median(checkRates))} per CPU-second (median)`,
);
console.log(
  `ratio: ${ratio.toFixed(3)} median per pair (min ${Math.min(...ratios).toFixed(3)}, max ${Math.max(...ratios).toFixed(3)}; target ≥ 0.6) ${ratio >= 0.6 ? "met" : "NOT met"}`,
);
