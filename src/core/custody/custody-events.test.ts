// The one custody state machine: the path of a lot's chips over ranges, every refusal with its own
// status and message, and all-or-nothing for a range whose chips are in different states.
import { describe, expect, it } from "vitest";
import type { Role } from "../authorization/policy.ts";
import type { SerialRange } from "../shipments/model.ts";
import {
  type CustodyCoverage,
  type CustodyEventRequest,
  type CustodyState,
  custodyEventStatuses,
  custodyStates,
  custodyTransitions,
  decideCustodyEvent,
} from "./custody-events.ts";
import { applyCustody, type CustodySpan, coveredCustody } from "./custody-ranges.ts";
import { expandSerials, parseSerials, serialsPerImportMax } from "./serials.ts";

const lotRanges: SerialRange[] = [{ prefix: "H-", first: 1, last: 10 }];
const shipment = { id: "shp-1", importerId: "imp-1", ranges: lotRanges };
const sites: Record<string, { importerId: string; permitted: boolean }> = {
  zhangbei: { importerId: "imp-1", permitted: true },
  ulanqab: { importerId: "imp-1", permitted: true },
  shanghai: { importerId: "imp-1", permitted: false },
  elsewhere: { importerId: "imp-2", permitted: true },
};
const changes: Record<string, CustodyCoverage["siteChange"]> = {
  "chg-1": { shipmentId: "shp-1", fromSiteId: "zhangbei", toSiteId: "ulanqab" },
  "chg-other": { shipmentId: "shp-2", fromSiteId: "zhangbei", toSiteId: "ulanqab" },
};

/** What a store would read for the request out of the lot's spans (the db adapter does the same). */
function coverageOf(spans: readonly CustodySpan[], request: CustodyEventRequest): CustodyCoverage {
  const covered = coveredCustody(spans, request.serials);
  const site = request.siteId ? sites[request.siteId] : undefined;
  return {
    shipment: request.shipmentId === shipment.id ? shipment : null,
    registered: covered.registered,
    states: covered.states,
    siteIds: covered.siteIds,
    site: site ? { importerId: site.importerId } : null,
    sitePermitted: site?.permitted ?? false,
    siteChange: request.siteChangeId ? (changes[request.siteChangeId] ?? null) : null,
  };
}

const request = (
  kind: CustodyEventRequest["kind"],
  extra: Partial<CustodyEventRequest> = {},
): CustodyEventRequest => ({
  kind,
  shipmentId: "shp-1",
  serials: [{ prefix: "H-", first: 1, last: 10 }],
  ...extra,
});
const evidence = { sha256: "0".repeat(64), description: "certificate of destruction 42" };
const lotIn = (state: CustodyState, siteId: string | null = null): CustodySpan[] => [
  { prefix: "H-", first: 1, last: 10, state, siteId },
];

describe("the custody path", () => {
  it("goes registered → exported → entered China → delivered → installed → moved → repair → delivered → installed → destroyed", () => {
    const steps: [CustodyEventRequest, Role][] = [
      [request("exported"), "exporter"],
      [request("entered_china"), "cn-customs"],
      [request("delivered"), "importer"],
      [request("installed", { siteId: "zhangbei" }), "importer"],
      [request("moved", { siteChangeId: "chg-1" }), "importer"],
      [request("returned_for_repair"), "importer"],
      [request("delivered"), "importer"],
      [request("installed", { siteId: "ulanqab" }), "importer"],
      [request("destroyed", { evidence }), "importer"],
    ];
    let spans = lotIn("registered");
    const seen: string[] = [];
    for (const [event, role] of steps) {
      const decision = decideCustodyEvent(event, role, coverageOf(spans, event));
      if (!decision.ok) throw new Error(decision.message);
      spans = applyCustody(spans, event.serials, { state: decision.to, siteId: decision.siteId });
      seen.push(spans.map((s) => `${s.state}${s.siteId ? `@${s.siteId}` : ""}`).join(","));
    }
    expect(seen).toEqual([
      "exported",
      "entered_china",
      "delivered",
      "installed@zhangbei",
      "installed@ulanqab",
      "in_repair@ulanqab",
      "delivered@ulanqab",
      "installed@ulanqab",
      "destroyed@ulanqab",
    ]);
  });

  it("has a transition into every state but the first, and only from states of the list", () => {
    const targets = new Set(Object.values(custodyTransitions).map((t) => t.to));
    expect(custodyStates.filter((s) => !targets.has(s))).toEqual(["registered"]);
    for (const t of Object.values(custodyTransitions)) expect(t.from).not.toContain("destroyed");
  });

  it("lets admin record any event", () => {
    const event = request("entered_china");
    expect(decideCustodyEvent(event, "admin", coverageOf(lotIn("exported"), event)).ok).toBe(true);
  });
});

describe("refusals, one status each, in precedence order", () => {
  const rows: [string, CustodySpan[], CustodyEventRequest, Role, string][] = [
    [
      "an unknown lot",
      lotIn("registered"),
      request("exported", { shipmentId: "shp-9" }),
      "exporter",
      "unknown_shipment",
    ],
    [
      "the importer recording an export",
      lotIn("registered"),
      request("exported"),
      "importer",
      "not_your_authority",
    ],
    [
      "the exporter recording entry into China",
      lotIn("exported"),
      request("entered_china"),
      "exporter",
      "not_your_authority",
    ],
    [
      "the exporter destroying",
      lotIn("installed", "zhangbei"),
      request("destroyed", { evidence }),
      "exporter",
      "not_your_authority",
    ],
    [
      "serials outside the lot",
      lotIn("registered"),
      request("exported", { serials: [{ prefix: "H-", first: 5, last: 11 }] }),
      "exporter",
      "serials_not_in_lot",
    ],
    [
      "serials not registered",
      [{ prefix: "H-", first: 1, last: 5, state: "registered", siteId: null }],
      request("exported"),
      "exporter",
      "serials_not_registered",
    ],
    ["delivery before customs entry", lotIn("exported"), request("delivered"), "importer", "wrong_state"],
    [
      "installing a chip still in transit",
      lotIn("entered_china"),
      request("installed", { siteId: "zhangbei" }),
      "importer",
      "wrong_state",
    ],
    [
      "installing a chip back from repair",
      lotIn("in_repair"),
      request("installed", { siteId: "zhangbei" }),
      "importer",
      "wrong_state",
    ],
    ["anything after destruction", lotIn("destroyed"), request("delivered"), "importer", "wrong_state"],
    ["installing without a site", lotIn("delivered"), request("installed"), "importer", "site_required"],
    [
      "installing at an unknown site",
      lotIn("delivered"),
      request("installed", { siteId: "nowhere" }),
      "importer",
      "unknown_site",
    ],
    [
      "installing at another importer's site",
      lotIn("delivered"),
      request("installed", { siteId: "elsewhere" }),
      "importer",
      "unknown_site",
    ],
    [
      "installing at a site the licence does not permit",
      lotIn("delivered"),
      request("installed", { siteId: "shanghai" }),
      "importer",
      "site_not_permitted",
    ],
    [
      "moving without a site change",
      lotIn("installed", "zhangbei"),
      request("moved"),
      "importer",
      "site_change_required",
    ],
    [
      "moving under an unknown site change",
      lotIn("installed", "zhangbei"),
      request("moved", { siteChangeId: "chg-9" }),
      "importer",
      "unknown_site_change",
    ],
    [
      "moving under another lot's site change",
      lotIn("installed", "zhangbei"),
      request("moved", { siteChangeId: "chg-other" }),
      "importer",
      "unknown_site_change",
    ],
    [
      "moving chips not at the change's site",
      lotIn("installed", "ulanqab"),
      request("moved", { siteChangeId: "chg-1" }),
      "importer",
      "site_change_mismatch",
    ],
    [
      "destroying without evidence",
      lotIn("installed", "zhangbei"),
      request("destroyed"),
      "importer",
      "evidence_required",
    ],
  ];
  for (const [name, spans, event, role, refusal] of rows)
    it(`refuses ${name}: ${refusal}`, () => {
      const decision = decideCustodyEvent(event, role, coverageOf(spans, event));
      expect(decision.ok ? "created" : decision.refusal).toBe(refusal);
      expect(custodyEventStatuses).toContain(refusal);
      if (!decision.ok) expect(decision.message).toMatch(/^[a-z0-9`]/);
    });

  it("covers every refusal of the list", () => {
    expect(new Set(rows.map((row) => row[4]))).toEqual(new Set(custodyEventStatuses.slice(1)));
  });
});

describe("events for ranges", () => {
  it("changes every chip or none: one chip in another state stops the range", () => {
    const mixed: CustodySpan[] = [
      { prefix: "H-", first: 1, last: 9, state: "entered_china", siteId: null },
      { prefix: "H-", first: 10, last: 10, state: "exported", siteId: null },
    ];
    const event = request("delivered");
    const decision = decideCustodyEvent(event, "importer", coverageOf(mixed, event));
    expect(decision.ok ? "created" : [decision.refusal, decision.message]).toEqual([
      "wrong_state",
      "delivered needs every serial entered_china or in_repair; some are exported",
    ]);
    const part = request("delivered", { serials: [{ prefix: "H-", first: 1, last: 9 }] });
    expect(decideCustodyEvent(part, "importer", coverageOf(mixed, part))).toEqual({
      ok: true,
      from: ["entered_china"],
      to: "delivered",
      siteId: null,
    });
  });
});

describe("serials", () => {
  it("counts ranges and lists without expanding them, and expands lazily", () => {
    const parsed = parseSerials(["H200-0000001..H200-2000000"]);
    expect(parsed.ok && parsed.serials.count).toBe(serialsPerImportMax);
    const small = parseSerials(["X-098..X-101", "Y-1"]);
    expect(small.ok && [...expandSerials(small.serials)]).toEqual([
      "X-098",
      "X-099",
      "X-100",
      "X-101",
      "Y-1",
    ]);
  });
  const bad: [string, string[], string][] = [
    ["a reversed range", ["A-10..A-01"], "range_reversed"],
    ["a range whose ends differ in prefix", ["A-01..B-10"], "malformed"],
    ["a range whose ends differ in width", ["A-1..A-10"], "malformed"],
    ["a serial with a space", ["A 1"], "malformed"],
    ["one serial twice", ["A-1", "A-1"], "duplicate"],
    ["overlapping ranges", ["A-01..A-10", "A-10..A-20"], "duplicate"],
    ["a serial inside a range", ["A-01..A-10", "A-05"], "duplicate"],
    ["more than 2,000,000 serials", ["A-0000001..A-2000000", "B-1"], "too_many"],
  ];
  for (const [name, entries, refusal] of bad)
    it(`refuses ${name}: ${refusal}`, () => {
      const parsed = parseSerials(entries);
      expect(parsed.ok ? "accepted" : parsed.refusal).toBe(refusal);
      if (!parsed.ok) expect(parsed.message).toMatch(/^serials\[\d+\]: /);
    });
  it("accepts adjacent ranges and equal numbers under other prefixes", () => {
    expect(parseSerials(["A-01..A-10", "A-11..A-20", "B-01..B-10"]).ok).toBe(true);
  });
});
