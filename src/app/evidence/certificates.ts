// Signed lab certificates: a submission is checked (signature, lab qualified and not revoked, the
// lot's serials and sample, measured against the declared product, not reused) under the
// `lab-certificate` rule in force, and stored only when every check passes; a rejection returns
// its status and detail and changes nothing.
import type { KeyObject } from "node:crypto";
import { notFound, quote } from "../../core/errors.ts";
import { parsePublicKey } from "../../core/evidence/certificate.ts";
import {
  type CertificateRules,
  type CertificateStatus,
  checkCertificate,
  type LabEntry,
  readCertificate,
} from "../../core/evidence/checks.ts";
import type { Rule } from "../../core/rulebook/schema.ts";
import type { IsoDate } from "../../core/shared.ts";
import type { EvidenceContext, EvidenceRepos } from "./ports.ts";
import { audit, conflict, today, write } from "./unit.ts";

export type SubmitStatus =
  | CertificateStatus
  | "exists"
  | "exists_with_different_document"
  | "shipment_closed"
  | "shipment_already_certified";

export interface SubmitResult {
  status: SubmitStatus;
  detail: string;
  certificateId?: string;
  shipmentId?: string;
  hash?: string;
}

/** Registered public keys as KeyObjects, made once per key (certificate checks reuse them). */
export type LabKeys = Map<string, KeyObject>;

/** The `lab-certificate` rule in force on `at`: its parameters drive the checks. */
export function certificateRules(context: EvidenceContext, at: IsoDate): CertificateRules {
  const found = context.evaluator.rulesFor(at).rules.find((entry) => entry.rule.kind === "lab-certificate");
  const rule = found?.rule as Extract<Rule, { kind: "lab-certificate" }> | undefined;
  if (!rule)
    throw conflict(`certificate check on ${at}`, "no lab-certificate rule is in force", "no_rule_in_force");
  return rule.params;
}

async function labEntry(repos: EvidenceRepos, keys: LabKeys, labId: string): Promise<LabEntry | undefined> {
  const lab = await repos.evidence.loadLab(labId);
  if (!lab) return undefined;
  let key = keys.get(lab.keyId);
  if (!key) {
    key = parsePublicKey(lab.publicKey) ?? undefined;
    if (!key) throw new Error(`lab ${labId} has an unusable stored key`);
    keys.set(lab.keyId, key);
  }
  return {
    id: lab.id,
    name: lab.name,
    headquartersCountry: lab.headquartersCountry,
    controlCountry: lab.controlCountry ?? undefined,
    keyId: lab.keyId,
    key,
    qualifiedFrom: lab.qualifiedFrom,
    qualifiedTo: lab.qualifiedTo ?? undefined,
    revokedOn: lab.revokedOn ?? undefined,
  };
}

type ReadCertificate = Extract<ReturnType<typeof readCertificate>, { status: "ok" }>;

/** The checks of a certificate against its lab and the shipment it is filed for. */
async function check(
  context: EvidenceContext,
  repos: EvidenceRepos,
  keys: LabKeys,
  read: ReadCertificate,
  filing: { at: IsoDate; shipmentId: string; rules: CertificateRules },
) {
  const body = read.signed.certificate;
  const shipment = await repos.shipments.loadShipment(filing.shipmentId);
  if (!shipment) throw notFound(`shipment ${quote(filing.shipmentId)}`);
  const order = await repos.shipments.loadOrder(shipment.orderId);
  if (!order) throw new Error(`shipment ${filing.shipmentId} refers to a missing order`);
  const product = context.evaluator.productById(order.doc.productId);
  const reused = await repos.evidence.certificateByHash(read.hash);
  const result = checkCertificate(read, {
    at: filing.at,
    lab: await labEntry(repos, keys, body.labId),
    shipment: {
      id: shipment.id,
      productId: order.doc.productId,
      quantityUnits: shipment.quantityUnits,
      serials: shipment.serials,
    },
    declared: { tpp: product.classification.tpp, dramBandwidthGBs: product.spec.dramBandwidthGBs },
    usedByShipmentId: reused?.shipmentId ?? null,
    rules: filing.rules,
  });
  return { result, shipment };
}

/**
 * Checks a signed certificate and stores it when every check passes. A rejection returns its
 * status and detail and changes nothing. `shipmentId` is the shipment it is filed for (default:
 * the one it names); `at` the day of the check (default: today by the clock).
 */
export async function submitCertificate(
  context: EvidenceContext,
  keys: LabKeys,
  input: unknown,
  options: { at?: IsoDate; shipmentId?: string } = {},
): Promise<SubmitResult> {
  const read = readCertificate(input);
  if (read.status !== "ok") return { status: read.status, detail: read.detail };
  const body = read.signed.certificate;
  const at = options.at ?? today(context.clock);
  const shipmentId = options.shipmentId ?? body.shipmentId;
  const rules = certificateRules(context, at);
  return write(context, async (repos): Promise<SubmitResult> => {
    const base = { certificateId: body.id, shipmentId, hash: read.hash };
    // The same certificate filed again for its shipment is a replay; for another shipment it
    // falls through to the checks, which call it reused.
    const stored = await repos.evidence.loadCertificate(body.id);
    if (stored && stored.hash !== read.hash)
      return {
        ...base,
        status: "exists_with_different_document",
        detail: `certificate id ${body.id} is on file with other content`,
      };
    if (stored && stored.shipmentId === shipmentId)
      return { ...base, status: "exists", detail: `certificate ${body.id} is on file` };
    const { result, shipment } = await check(context, repos, keys, read, { at, shipmentId, rules });
    if (result.status !== "ok") return { ...base, ...result };
    if (shipment.status !== "planned" && shipment.status !== "expired")
      return { ...base, status: "shipment_closed", detail: `shipment ${shipmentId} is ${shipment.status}` };
    const live = await repos.evidence.certificateForShipment(shipmentId);
    if (live?.status === "ok")
      return {
        ...base,
        status: "shipment_already_certified",
        detail: `shipment ${shipmentId} has certificate ${live.id}`,
      };
    const { labId, testedOn } = body;
    const filed = { id: body.id, shipmentId, labId, hash: read.hash, text: read.text, testedOn };
    await repos.evidence.insertCertificate({ ...filed, signature: read.signed.signature }, context.clock());
    await audit(context, repos, "certificate.accepted", {
      certificateId: body.id,
      shipmentId,
      labId,
      hash: read.hash,
      at,
    });
    return { ...base, ...result };
  });
}
