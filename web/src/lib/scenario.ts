// The shipped scenario (scenarios/h200-china-2026-2027.yaml) as data, for the simulator page to send
// to POST /v1/simulations (the API takes a scenario object, not a file). Kept equal to the YAML by
// test/web/map-simulator.test.ts; regenerate by parsing the YAML when it changes.
export const shippedScenario = {
  id: "h200-china-2026-2027",
  title: "H200 to China, 2026-2027: history against the proposals",
  seed: 20260115,
  horizon: {
    from: "2026-01",
    to: "2027-12",
  },
  dayOfMonth: 15,
  sources: {
    "reuters-2026-01-08": {
      source:
        "Reuters, 8 Jan 2026: Chinese firms ordered more than 2 million H200 at about US$27,000 each against about 700,000 in inventory; 100 % prepayment, non-refundable (REGIME.md §3)",
      status: "S",
    },
    "orders-alibaba-bytedance": {
      source:
        "press reports, Jan 2026: Alibaba and ByteDance each ordered more than 200,000 H200 (REGIME.md §3)",
      status: "S",
    },
    "approvals-2026-01-28": {
      source:
        "news reports of 28 Jan 2026: ByteDance, Alibaba and Tencent approved for more than 400,000 H200 in total, conditions open (REGIME.md §4); the even split is Sluice's assumption",
      status: "S",
    },
    "customs-2026-01-14": {
      source:
        "news reports of 13-14 Jan 2026: customs told H200 is not permitted to enter (REGIME.md §4); the end on 27 Jan is Sluice's assumption",
      status: "S",
    },
    "assumption-tencent-demand": {
      source:
        "Sluice's assumption: Tencent's order sized like Alibaba's and ByteDance's (no figure reported)",
      status: "U",
    },
    "assumption-other-buyers": {
      source:
        "Sluice's assumption: the rest of the reported 2 million units spread over 97 other buyers, half of them approved (no figure reported)",
      status: "U",
    },
    "assumption-us-sales": {
      source:
        "Sluice's assumption: 150,000 H200 a month shipped to US end users (NVIDIA reports no per-product figure)",
      status: "U",
    },
    "assumption-tsmc-output": {
      source:
        "Sluice's assumption: 100,000 H200 a month of new TSMC output from Q2 2026 (reported as restarting, no figure)",
      status: "U",
    },
    "assumption-labs": {
      source:
        "Sluice's assumption: 4 qualified US labs testing 60,000 units a month each, a lot's result out the month after its test (no lab capacity or turnaround published)",
      status: "U",
    },
    "assumption-lots": {
      source:
        "Sluice's assumption: NVIDIA releases at most 50,000 units to one buyer in one month (no lot size reported)",
      status: "U",
    },
    "assumption-domestic-supply": {
      source:
        "Sluice's assumption: 150,000 domestic accelerators (Huawei Ascend, Cambricon, Hygon) a month available to buyers",
      status: "U",
    },
  },
  product: {
    id: "nvidia-h200-sxm",
  },
  price: {
    centsPerUnit: 2700000,
    source: "reuters-2026-01-08",
  },
  usSales: {
    unitsPerMonth: 150000,
    source: "assumption-us-sales",
  },
  inventory: {
    units: 700000,
    source: "reuters-2026-01-08",
  },
  supply: {
    unitsPerMonth: 100000,
    from: "2026-04",
    source: "assumption-tsmc-output",
  },
  buyers: [
    {
      id: "alibaba-cloud",
      name: "Alibaba Cloud Computing Co., Ltd.",
      sector: "cloud-provider",
      purpose: "commercial-cloud",
      demand: {
        units: 200000,
        orderedIn: "2026-01",
        source: "orders-alibaba-bytedance",
      },
      approval: {
        units: 133334,
        from: "2026-01-28",
        to: "2027-12-31",
        source: "approvals-2026-01-28",
      },
    },
    {
      id: "bytedance",
      name: "Beijing ByteDance Technology Co., Ltd.",
      sector: "cloud-provider",
      purpose: "ai-training",
      demand: {
        units: 200000,
        orderedIn: "2026-01",
        source: "orders-alibaba-bytedance",
      },
      approval: {
        units: 133333,
        from: "2026-01-28",
        to: "2027-12-31",
        source: "approvals-2026-01-28",
      },
    },
    {
      id: "tencent-cloud",
      name: "Tencent Cloud Computing (Beijing) Co., Ltd.",
      sector: "cloud-provider",
      purpose: "commercial-cloud",
      demand: {
        units: 200000,
        orderedIn: "2026-01",
        source: "assumption-tencent-demand",
      },
      approval: {
        units: 133333,
        from: "2026-01-28",
        to: "2027-12-31",
        source: "approvals-2026-01-28",
      },
    },
  ],
  generatedBuyers: {
    count: 97,
    source: "assumption-other-buyers",
    sector: "commercial",
    purpose: "ai-inference",
    demand: {
      units: 1400000,
      orderedIn: "2026-01",
      source: "assumption-other-buyers",
    },
    approval: {
      probability: 0.5,
      from: "2026-01-28",
      to: "2027-12-31",
      source: "assumption-other-buyers",
    },
  },
  chinaGate: {
    customsBlock: {
      from: "2026-01-14",
      to: "2026-01-27",
      source: "customs-2026-01-14",
    },
  },
  labs: {
    count: 4,
    unitsPerMonthPerLab: 60000,
    leadMonths: 1,
    source: "assumption-labs",
  },
  prepayment: {
    percent: 100,
    source: "reuters-2026-01-08",
  },
  domesticSupply: {
    unitsPerMonth: 150000,
    source: "assumption-domestic-supply",
  },
  lotUnitsMax: { units: 50000, source: "assumption-lots" },
  exporterCertifications: ["no-us-backlog", "no-better-foreign-terms"],
  rulebooks: [
    {
      id: "history",
      title: "History as it happened (rulebooks/ in force each month)",
    },
    {
      id: "cap-25",
      title: "Cap at 25 % of US volume",
      scenarios: ["scenario-cap-25"],
    },
    {
      id: "safe-chips-act",
      title: "SAFE Chips Act",
      scenarios: ["scenario-safe-chips-act"],
    },
    {
      id: "gain-ai-act",
      title: "GAIN AI Act",
      scenarios: ["scenario-gain-ai-act"],
    },
    {
      id: "domestic-1-to-1",
      title: "China's domestic ratio 1:1",
      scenarios: ["scenario-domestic-ratio-1-to-1"],
    },
    {
      id: "h20-share-15",
      title: "H20-style 15 % revenue share",
      scenarios: ["scenario-h20-revenue-share-15"],
    },
    {
      id: "collateral",
      title: "Collateral accepted for prepayment",
      scenarios: ["scenario-exporter-collateral"],
    },
    {
      id: "cap-25-domestic",
      title: "Cap at 25 % and domestic ratio 1:1",
      scenarios: ["scenario-cap-25", "scenario-domestic-ratio-1-to-1"],
    },
    {
      id: "chip-security-act",
      title: "Chip Security Act: location verification before export",
      scenarios: ["scenario-chip-security-act"],
      locationVerification: "signed-latency",
    },
    {
      id: "csa-vs-cn-refusal",
      title: "Chip Security Act against China's refusal of located chips",
      scenarios: ["scenario-chip-security-act", "scenario-cn-refuse-location-verification"],
      locationVerification: "signed-latency",
    },
  ],
} as const;
