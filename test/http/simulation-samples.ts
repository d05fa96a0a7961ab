// A small scenario for the simulation route's tests (matrix, fuzz, its own): two months, one buyer,
// two rulebook sets, so a request runs in milliseconds.
export const smallScenario = () => ({
  id: "small",
  title: "two months, one buyer",
  seed: 1,
  horizon: { from: "2026-03", to: "2026-04" },
  sources: { t: { source: "test figures", status: "U" } },
  product: { id: "nvidia-h200-sxm" },
  price: { centsPerUnit: 2700000, source: "t" },
  usSales: { unitsPerMonth: 10000, source: "t" },
  inventory: { units: 100000, source: "t" },
  supply: { unitsPerMonth: 0, from: "2026-03", source: "t" },
  buyers: [
    {
      id: "alibaba-cloud",
      name: "Alibaba Cloud Computing Co., Ltd.",
      sector: "cloud-provider",
      purpose: "commercial-cloud",
      demand: { units: 20000, orderedIn: "2026-03", source: "t" },
      approval: { units: 20000, from: "2026-01-28", to: "2027-12-31", source: "t" },
    },
  ],
  labs: { count: 1, unitsPerMonthPerLab: 100000, source: "t" },
  prepayment: { percent: 100, source: "t" },
  domesticSupply: { unitsPerMonth: 0, source: "t" },
  rulebooks: [
    { id: "history", title: "history" },
    { id: "cap-25", title: "cap at 25 %", scenarios: ["scenario-cap-25"] },
  ],
});
