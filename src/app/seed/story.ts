// The demo story's data (src/app/seed/demo.ts puts it through the use cases): the parties (the exporter,
// Chinese cloud providers, a university, a Huawei affiliate, a military-linked buyer, a Singapore
// reseller), the US shipments that credit the cap, the orders and how far each goes, the lab, what
// it measures, and the Chinese import approvals recorded after the releases.
import type { CertificationKind } from "../../core/dossier/schema.ts";
import type { PartyInput } from "../../core/shipments/model.ts";

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

export const usShipments = [
  { id: "us-2026-0001", customer: "Microsoft Azure", units: 90_000n, shippedOn: "2026-01-16" },
  { id: "us-2026-0002", customer: "Meta Platforms", units: 70_000n, shippedOn: "2026-01-20" },
  { id: "us-2026-0003", customer: "Oracle Cloud Infrastructure", units: 50_000n, shippedOn: "2026-01-23" },
  { id: "us-2026-0004", customer: "CoreWeave", units: 40_000n, shippedOn: "2026-01-27" },
];

export interface SeedOrder {
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

export const seedOrders: SeedOrder[] = [
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
  // Approved, no licence granted yet: the fifth order state of the story.
  {
    id: "ord-tencent-2",
    buyer: "tencent-cloud",
    units: 4_000,
    purpose: "commercial-cloud",
    until: "applied",
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

export const unitPriceCents = 2_700_000n; // about US$27,000 per H200 (REGIME.md §3)
export const enteredValuePerUnitCents = 2_000_000n;
export const storyDay = "2026-02-02";

export const seedLab = {
  id: "lab-austin",
  name: "Austin Semiconductor Test Laboratory",
  headquartersCountry: "US",
  qualifiedFrom: "2026-01-15",
};
export const labTestedOn = "2026-01-30";
/** What the lab measures on the H200 lots: inside the box and within tolerance of the datasheet. */
export const labMeasured = { denseTops: { fp8: 1975.2, fp16: 987.1 }, dramBandwidthGBs: 4790 };

/**
 * The Chinese import approvals of 28 Jan 2026 (REGIME.md §4: the cloud providers), recorded as the
 * Chinese authority would, naming each importer in Chinese as its
 * approval writes it (the China-side report shows these names). Recorded after the story's
 * releases (which judged the approvals filed with the orders), so nothing is written down on them.
 * Tsinghua's is left as filed with its order: a recorded one would decide its held release anew.
 */
export const seedChinaApprovals = [
  { importerId: "alibaba-cloud", importer: "阿里云计算有限公司", units: 28_000, purpose: "commercial-cloud" },
  {
    importerId: "tencent-cloud",
    importer: "腾讯云计算（北京）有限责任公司",
    units: 40_000,
    purpose: "commercial-cloud",
  },
  {
    importerId: "bytedance",
    importer: "北京火山引擎科技有限公司",
    units: 80_000,
    purpose: "commercial-cloud",
  },
] as const;
