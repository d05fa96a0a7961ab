// The demo seed: the January 2026 story with real products and buyers, put through the real use
// cases (nothing is written behind their back). US end-use shipments credit the cap; applications
// from Alibaba Cloud, Tencent Cloud, ByteDance, a university lab, a Huawei-affiliated buyer, a
// military-linked buyer and a Singapore reseller end in every state from submitted to shipped,
// including denials, a hold for a missing lab certificate and a cap shortfall.
import type { SqlLedger } from "../adapters/db/ledger.ts";
import type { Store } from "../adapters/db/store.ts";
import type { CertificationKind } from "../core/dossier/schema.ts";
import { capPolicyDefault } from "../core/ledger/policy.ts";
import type { PartyInput } from "../core/shipments/model.ts";
import type { ShipmentContext } from "./shipment-context.ts";
import { ShipmentService } from "./shipments.ts";

const signed = (kinds: CertificationKind[], signedOn: string) => kinds.map((kind) => ({ kind, signedOn }));
const exporterCertifications = signed(
  ["us-commercial-availability", "technical-box", "us-supply-sufficient", "no-foundry-diversion"],
  "2026-01-16",
);
const buyerCertifications = signed(
  [
    "kyc-procedures",
    "security-procedures",
    "no-unauthorized-remote-access",
    "no-military-use",
    "no-weights-transfer",
  ],
  "2026-01-20",
);

export const seedParties: PartyInput[] = [
  {
    id: "nvidia",
    name: "NVIDIA Corporation",
    country: "US",
    sector: "semiconductor-vendor",
    certifications: exporterCertifications,
  },
  {
    id: "alibaba-cloud",
    name: "Alibaba Cloud Computing Co., Ltd.",
    country: "CN",
    sector: "cloud-provider",
    certifications: buyerCertifications,
  },
  {
    id: "tencent-cloud",
    name: "Tencent Cloud Computing (Beijing) Co., Ltd.",
    country: "CN",
    sector: "cloud-provider",
    certifications: buyerCertifications,
  },
  {
    id: "bytedance",
    name: "Beijing Volcano Engine Technology Co., Ltd.",
    country: "CN",
    sector: "cloud-provider",
    certifications: buyerCertifications,
  },
  {
    id: "tsinghua",
    name: "Tsinghua University",
    country: "CN",
    sector: "university",
    certifications: buyerCertifications,
  },
  // A Huawei affiliate on the Entity List extract (84 FR 22961): screening must catch it.
  {
    id: "huawei-device",
    name: "Huawei Device Co., Ltd.",
    country: "CN",
    sector: "commercial",
    certifications: buyerCertifications,
  },

  {
    id: "nudt-lab",
    name: "National University of Defense Technology Computing Laboratory",
    country: "CN",
    sector: "military",
    militaryEndUser: true,
    certifications: [],
  },
  {
    id: "lion-city-compute",
    name: "Lion City Compute Pte. Ltd.",
    country: "SG",
    parentHeadquartersCountry: "CN",
    sector: "reseller",
    certifications: buyerCertifications,
  },
];

const usShipments = [
  { id: "us-2026-0001", customer: "Microsoft Azure", units: 90_000n, shippedOn: "2026-01-16" },
  { id: "us-2026-0002", customer: "Meta Platforms", units: 70_000n, shippedOn: "2026-01-20" },
  { id: "us-2026-0003", customer: "Oracle Cloud Infrastructure", units: 50_000n, shippedOn: "2026-01-23" },
  { id: "us-2026-0004", customer: "CoreWeave", units: 40_000n, shippedOn: "2026-01-27" },
];

interface SeedOrder {
  id: string;
  buyer: string;
  units: number;
  purpose: "commercial-cloud" | "university-research" | "military";
  destination?: string;
  /** How far the story takes it: created only, applied, licensed, or with shipments. */
  until: "created" | "applied" | "licensed" | "shipments";
  /** `held`: release was tried without a lab certificate and held. */
  shipments?: { units: number; state: "planned" | "held" | "released" | "shipped"; certified: boolean }[];
}

const orders: SeedOrder[] = [
  {
    id: "ord-alibaba-1",
    buyer: "alibaba-cloud",
    units: 20_000,
    purpose: "commercial-cloud",
    until: "shipments",
    shipments: [
      { units: 5_000, state: "shipped", certified: true },
      { units: 5_000, state: "released", certified: true },
      { units: 5_000, state: "planned", certified: false },
    ],
  },
  {
    id: "ord-tencent-1",
    buyer: "tencent-cloud",
    units: 40_000,
    purpose: "commercial-cloud",
    until: "shipments",
    shipments: [{ units: 40_000, state: "released", certified: true }],
  },
  {
    id: "ord-tsinghua-1",
    buyer: "tsinghua",
    units: 64,
    purpose: "university-research",
    until: "shipments",
    shipments: [{ units: 64, state: "held", certified: false }],
  },
  { id: "ord-bytedance-1", buyer: "bytedance", units: 80_000, purpose: "commercial-cloud", until: "applied" },
  { id: "ord-nudt-1", buyer: "nudt-lab", units: 2_000, purpose: "military", until: "applied" },
  {
    id: "ord-lion-city-1",
    buyer: "lion-city-compute",
    units: 1_000,
    purpose: "commercial-cloud",
    destination: "SG",
    until: "applied",
  },
  {
    id: "ord-huawei-1",
    buyer: "huawei-device",
    units: 10_000,
    purpose: "commercial-cloud",
    until: "applied",
  },
  {
    id: "ord-alibaba-2",
    buyer: "alibaba-cloud",
    units: 8_000,
    purpose: "commercial-cloud",
    until: "created",
  },
];

const unitPriceCents = 2_700_000n; // about US$27,000 per H200 (REGIME.md §3)
const enteredValuePerUnitCents = 2_000_000n;
const storyDay = "2026-02-02";

/** True when the database has no parties yet (a fresh demo database). */
export async function needsSeed(store: Store): Promise<boolean> {
  const { rows } = await store.query<{ n: bigint }>("SELECT count(*) AS n FROM parties");
  return (rows[0]?.n ?? 0n) === 0n;
}

export async function seedDemo(context: ShipmentContext): Promise<{ orders: number; shipments: number }> {
  const service = new ShipmentService(context);
  for (const party of seedParties) await service.addParty(party);
  await postUsShipments(context.ledger);
  let shipments = 0;
  for (const order of orders) shipments += await seedOrder(service, order);
  return { orders: orders.length, shipments };
}

async function postUsShipments(ledger: SqlLedger): Promise<void> {
  for (const us of usShipments) {
    await ledger.usPost(capPolicyDefault, {
      id: us.id,
      productId: "nvidia-h200-sxm",
      units: us.units,
      shippedOn: us.shippedOn,
      customer: us.customer,
    });
  }
}

async function seedOrder(service: ShipmentService, order: SeedOrder): Promise<number> {
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
  await service.setOrderEvidence(order.id, orderEvidence(order, buyer.name));
  const applied = await service.apply(order.id, { id: `${order.id}:application`, at: storyDay });
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
    if (plan.certified) await service.setShipmentEvidence(id, shipmentEvidence(id, plan.units));
    if (plan.state === "planned") continue;
    await service.release(id, { at: storyDay, eventId: `${id}:release` });
    if (plan.state === "shipped") await service.ship(id);
  }
  return order.shipments?.length ?? 0;
}

function orderEvidence(order: SeedOrder, buyerName: string) {
  const value = unitPriceCents * BigInt(order.units);
  return {
    payment: { invoicedCents: value.toString(), paidCents: value.toString() },
    cnImportApproval: {
      id: `MOFCOM-2026-${order.id}`,
      authority: "MOFCOM",
      importer: buyerName,
      approvedOn: "2026-01-28",
      validFrom: "2026-01-28",
      validTo: "2026-12-31",
      approvedUnits: order.units,
      usedUnits: 0,
      purpose: order.purpose,
    },
  };
}

function shipmentEvidence(shipmentId: string, units: number) {
  return {
    labCertificate: {
      id: `LAB-${shipmentId}`,
      lab: {
        id: "lab-austin",
        name: "Austin Semiconductor Test Laboratory",
        headquartersCountry: "US",
        qualifiedFrom: "2026-01-15",
      },
      shipmentId,
      testCountry: "US",
      testedOn: "2026-01-30",
      sampledSerials: [],
      measured: { denseTops: { fp8: 1975.2, fp16: 987.1 }, dramBandwidthGBs: 4790 },
    },
    dutyEntry: {
      id: `ENTRY-${shipmentId}`,
      enteredOn: "2026-01-27",
      htsCode: "8471.50",
      enteredValueCents: (enteredValuePerUnitCents * BigInt(units)).toString(),
      dutyPaidCents: ((enteredValuePerUnitCents * BigInt(units) * 25n) / 100n).toString(),
    },
  };
}
