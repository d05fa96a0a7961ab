// The demo seed: the January 2026 story with real products and buyers, put through the real use
// cases (nothing is written behind their back). US end-use shipments credit the cap; applications
// from Alibaba Cloud, Tencent Cloud, ByteDance, a university lab, a Huawei-affiliated buyer, a
// military-linked buyer and a Singapore reseller end in every state from submitted to shipped,
// including denials, a hold for a missing lab certificate and a cap shortfall. The lab certifies its
// lots as a real lab would: a registered Ed25519 key, the rule's sampling plan over the stored
// serials, a signed certificate submitted and checked. Its key is a DEMO key, derived from a fixed
// seed below so every seeded store is alike; it guards nothing and must never certify real lots.
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { type AuditActor, systemActor } from "../../core/audit/actor.ts";
import { keyIdOf, signCertificate } from "../../core/evidence/certificate.ts";
import { draftCertificate } from "../../core/evidence/issue.ts";
import { capPolicyOfRuleSet } from "../../core/ledger/cap-in-force.ts";
import type { IsoDate } from "../../core/shared.ts";
import type { Evaluator } from "../evaluation/evaluator.ts";
import type { EvidenceContext } from "../evidence/ports.ts";
import { EvidenceService, type SubmitResult } from "../evidence/service.ts";
import type { CapLedger } from "../ledger/ports.ts";
import type { Clock } from "../ports.ts";
import type { ShipmentContext } from "../shipments/ports.ts";
import { ShipmentService } from "../shipments/service.ts";
import {
  enteredValuePerUnitCents,
  labMeasured,
  labTestedOn,
  type SeedOrder,
  seedChinaApprovals,
  seedLab,
  seedOrders,
  seedParties,
  storyDay,
  unitPriceCents,
  usShipments,
} from "./story.ts";

/**
 * What the seed runs on: the shipment use cases' ports, the evidence use cases' ports on the same
 * store and the cap ledger it posts the US shipments to (src/adapters/db/shipments/context.ts
 * builds one).
 */
export interface SeedContext extends ShipmentContext {
  evidence: EvidenceContext;
  ledger: Pick<CapLedger, "usPost">;
  clock: Clock;
  withClock(clock: Clock, actor?: AuditActor): SeedContext;
}

/** PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows (RFC 8410). */
const ed25519Pkcs8Prefix = Buffer.from("302e020100300506032b657004220420", "hex");

/** The demo lab's key pair, from a fixed seed: reproducible, public, for the demo only. */
export function demoLabKey(labId: string): { privateKey: KeyObject; publicKeyPem: string; keyId: string } {
  const seed = createHash("sha256").update(`sluice demo lab key (not secret)/${labId}`).digest();
  const privateKey = createPrivateKey({
    key: Buffer.concat([ed25519Pkcs8Prefix, seed]),
    format: "der",
    type: "pkcs8",
  });
  const publicKey = createPublicKey(privateKey);
  const publicKeyPem = publicKey.export({ type: "spki", format: "pem" }).toString();
  return { privateKey, publicKeyPem, keyId: keyIdOf(publicKey) };
}

/** True when the database has no parties yet (a fresh demo database). */
export async function needsSeed(context: ShipmentContext): Promise<boolean> {
  return (await new ShipmentService(context).parties("", 1)).length === 0;
}

/**
 * The seeder's own clock (issue #13): the story happens on its day, so every record, decision,
 * reservation window and audit entry is dated by this clock, not by back-dated requests. Each
 * reading moves it on by a second, so the story's acts keep their order and every seeded store is
 * alike.
 */
export function storyClock(startIso = `${storyDay}T09:00:00Z`): () => Date {
  let nowMs = Date.parse(startIso);
  return () => {
    nowMs += 1000;
    return new Date(nowMs);
  };
}

/**
 * Seeds the story with the seeder's own clock (the context's store, evaluator and catalog, not its
 * clock). Each fact enters through its authority's use case: payments by the exporter, import
 * approvals by the Chinese import authority, duty entries and payments by US customs, certificates
 * by the lab.
 */
export async function seedDemo(context: SeedContext): Promise<{ orders: number; shipments: number }> {
  const story = context.withClock(storyClock(), systemActor("sluice seed", context.newId()));
  const service = new ShipmentService(story);
  const evidence = new EvidenceService(story.evidence);
  const lab = await registerDemoLab(story.evidence);
  for (const party of seedParties) await service.addParty(party);
  await postUsShipments(story.ledger, story.evaluator);
  let shipments = 0;
  for (const order of seedOrders) shipments += await seedOrder(service, evidence, lab, order);
  await recordChinaApprovals(context.evidence);
  return { orders: seedOrders.length, shipments };
}

async function recordChinaApprovals(context: EvidenceContext): Promise<void> {
  const evidence = new EvidenceService(context);
  for (const approval of seedChinaApprovals) {
    const recorded = await evidence.recordImportApproval({
      id: `MOFCOM-2026-${approval.importerId}`,
      importerId: approval.importerId,
      importer: approval.importer,
      authority: "中华人民共和国商务部 (MOFCOM)",
      approvedOn: "2026-01-28",
      validFrom: "2026-01-28",
      validTo: "2026-12-31",
      approvedUnits: approval.units,
      purpose: approval.purpose,
    });
    if (recorded.status !== "created" && recorded.status !== "exists")
      throw new Error(`seed approval for ${approval.importerId}: ${recorded.status}`);
  }
}

/** A lab with a demo key: `certify` drafts, signs and submits a lot's certificate as a lab would. */
export interface DemoLab {
  certify(shipmentId: string, at: IsoDate): Promise<SubmitResult>;
}

/**
 * Registers a lab with its demo key (a replay answers `exists`) and returns it. The sample is drawn
 * by the rule's plan in force on the test day from the shipment's stored serials; the nonce is fixed
 * per shipment so a seeded store is the same on every run.
 */
export async function registerDemoLab(context: EvidenceContext, lab = seedLab): Promise<DemoLab> {
  const evidence = new EvidenceService(context);
  const key = demoLabKey(lab.id);
  const registered = await evidence.registerLab({ ...lab, publicKey: key.publicKeyPem });
  if (registered.status !== "created" && registered.status !== "exists")
    throw new Error(`demo lab ${lab.id}: ${registered.status}`);
  return {
    async certify(shipmentId, at) {
      const lot = await evidence.lot(shipmentId);
      if (!lot?.order) throw new Error(`demo lab: shipment ${shipmentId} is missing`);
      const shipment = { ...lot.shipment, productId: lot.order.doc.productId };
      const body = draftCertificate({
        id: `LAB-${shipmentId}`,
        labId: lab.id,
        keyId: key.keyId,
        shipment,
        nonce: createHash("sha256").update(`demo-nonce/${shipmentId}`).digest("hex").slice(0, 16),
        testCountry: "US",
        testSite: "Austin, TX",
        testedOn: labTestedOn,
        measured: labMeasured,
        plan: evidence.certificateRules(labTestedOn).samplingPlan,
      });
      return evidence.submitCertificate(signCertificate(body, key.privateKey), { at });
    },
  };
}

/** The story's US shipments, each posted under the cap of the rulebooks in force on its day. */
async function postUsShipments(ledger: Pick<CapLedger, "usPost">, evaluator: Evaluator): Promise<void> {
  for (const us of usShipments) {
    const policy = capPolicyOfRuleSet(evaluator.rulesFor(us.shippedOn));
    if (!policy)
      throw new Error(`seed: no ratio-cap rule is in force on ${us.shippedOn} (a US shipment's day)`);
    await ledger.usPost(policy, {
      id: us.id,
      productId: "nvidia-h200-sxm",
      units: us.units,
      shippedOn: us.shippedOn,
      customer: us.customer,
    });
  }
}

async function seedOrder(
  service: ShipmentService,
  evidence: EvidenceService,
  lab: DemoLab,
  order: SeedOrder,
): Promise<number> {
  const buyer = seedParties.find((party) => party.id === order.buyer);
  if (!buyer) throw new Error(`seed order ${order.id} names an unknown buyer`);
  await service.createOrder({
    id: order.id,
    productId: "nvidia-h200-sxm",
    quantityUnits: order.units,
    valueCents: (unitPriceCents * BigInt(order.units)).toString(),
    exporterId: "nvidia",
    consigneeId: order.buyer,
    endUserId: order.buyer,
    route: { origin: "TW", exportFrom: "US", destination: order.destination ?? "CN" },
    endUse: { purpose: order.purpose },
    usShippedUnits: 250_000,
  });
  if (order.until === "created") return 0;
  await recordOrderEvidence(evidence, order, buyer.name);
  const applied = await service.apply(order.id, { id: `${order.id}:application` });
  if (order.until === "applied" || applied.decision.decision !== "approve") return 0;
  await service.grantLicence({
    id: `lic-${order.id}`,
    applicationId: `${order.id}:application`,
    expiresOn: "2027-02-01",
  });
  let serial = 1;
  for (const [index, plan] of (order.shipments ?? []).entries()) {
    const id = `${order.id}-s${index + 1}`;
    await service.planShipment({
      id,
      orderId: order.id,
      quantityUnits: plan.units,
      serials: [{ prefix: `${order.id}-H200-`, first: serial, last: serial + plan.units - 1 }],
    });
    serial += plan.units;
    if (plan.certified) {
      const certified = await lab.certify(id, storyDay);
      if (certified.status !== "ok") throw new Error(`seed certificate for ${id}: ${certified.status}`);
      await recordDuty(evidence, id, plan.units);
    }
    if (plan.state === "planned") continue;
    await service.release(id, { eventId: `${id}:release` });
    if (plan.state === "shipped") await service.ship(id);
  }
  return order.shipments?.length ?? 0;
}

/** Must succeed: a seed step that is refused is a bug in the story. */
function created(what: string, result: { status: string }): void {
  if (result.status !== "created" && result.status !== "exists")
    throw new Error(`seed ${what}: ${result.status}`);
}

/** The exporter's invoice and prepayment, and the Chinese import authority's approval (China-bound). */
async function recordOrderEvidence(evidence: EvidenceService, order: SeedOrder, buyerName: string) {
  const value = unitPriceCents * BigInt(order.units);
  const money = { orderId: order.id, amountCents: value.toString() };
  created("invoice", await evidence.invoice({ id: `INV-${order.id}`, ...money, issuedOn: "2026-01-26" }));
  created("payment", await evidence.pay({ id: `PAY-${order.id}`, ...money, paidOn: "2026-01-27" }));
  if ((order.destination ?? "CN") !== "CN") return;
  const approval = {
    id: `MOFCOM-2026-${order.id}`,
    importerId: order.buyer,
    importer: buyerName,
    authority: "MOFCOM",
    approvedOn: "2026-01-28",
    validFrom: "2026-01-28",
    validTo: "2026-12-31",
    approvedUnits: order.units,
    purpose: order.purpose,
  };
  created("import approval", await evidence.recordImportApproval(approval));
}

/** US customs records the lot's entry and the Section 232 duty paid on it. */
async function recordDuty(evidence: EvidenceService, shipmentId: string, units: number) {
  const entry = await evidence.recordDutyEntry({
    id: `ENTRY-${shipmentId}`,
    shipmentId,
    enteredOn: "2026-01-27",
    htsCode: "8471.50",
    enteredValueCents: (enteredValuePerUnitCents * BigInt(units)).toString(),
  });
  created("duty entry", entry);
  const payment = { id: `DUTY-${shipmentId}`, entryId: entry.entryId, paidOn: "2026-01-27" };
  created(
    "duty payment",
    await evidence.payDuty({ ...payment, amountCents: entry.dutyOwedCents.toString() }),
  );
}
