// The custody state machine: the path of a chip, and every refusal with its own status.
import { describe, expect, it } from "vitest";
import {
  applyCustodyEvent,
  applyCustodyEventToAll,
  type ChipCustody,
  type CustodyContext,
  type CustodyEvent,
  custodyRefusals,
} from "./custody-events.ts";
import { expandSerials, parseSerials, serialsPerImportMax } from "./serials.ts";

const context: CustodyContext = {
  declaredSiteIds: new Set(["zhangbei", "ulanqab", "shanghai"]),
  permittedSiteIds: new Set(["zhangbei", "ulanqab"]),
  siteChangeApproved: (from, to) => from === "zhangbei" && to === "ulanqab",
};
const chip = (state: ChipCustody["state"], siteId: string | null = null): ChipCustody => ({
  serial: "S1",
  state,
  siteId,
});

describe("the custody path", () => {
  it("goes registered → exported → in China → delivered → installed → moved → repair → installed → destroyed", () => {
    const events: CustodyEvent[] = [
      { kind: "exported", by: "exporter" },
      { kind: "entered_china", by: "cn-customs" },
      { kind: "delivered", by: "importer" },
      { kind: "installed", by: "importer", siteId: "zhangbei" },
      { kind: "moved", by: "importer", siteId: "ulanqab" },
      { kind: "returned_for_repair", by: "importer" },
      { kind: "installed", by: "importer", siteId: "ulanqab" },
      { kind: "destroyed", by: "importer", evidence: "certificate of destruction 42" },
    ];
    let current = chip("registered");
    const states: string[] = [];
    for (const event of events) {
      const outcome = applyCustodyEvent(current, event, context);
      if (!outcome.ok) throw new Error(outcome.message);
      current = outcome.next;
      states.push(`${current.state}${current.siteId ? `@${current.siteId}` : ""}`);
    }
    expect(states).toEqual([
      "exported",
      "in_china",
      "delivered",
      "installed@zhangbei",
      "installed@ulanqab",
      "in_repair",
      "installed@ulanqab",
      "destroyed",
    ]);
  });
});

describe("refusals, one status each", () => {
  const rows: [string, ChipCustody, CustodyEvent, string][] = [
    [
      "the importer recording an export",
      chip("registered"),
      { kind: "exported", by: "importer" },
      "wrong_authority",
    ],
    [
      "the exporter recording entry into China",
      chip("exported"),
      { kind: "entered_china", by: "exporter" },
      "wrong_authority",
    ],
    [
      "anything after destruction",
      chip("destroyed"),
      { kind: "delivered", by: "importer" },
      "already_destroyed",
    ],
    [
      "delivery before customs entry",
      chip("exported"),
      { kind: "delivered", by: "importer" },
      "not_allowed_from_state",
    ],
    [
      "installing a chip still in transit",
      chip("in_china"),
      { kind: "installed", by: "importer", siteId: "zhangbei" },
      "not_allowed_from_state",
    ],
    ["installing without a site", chip("delivered"), { kind: "installed", by: "importer" }, "site_required"],
    [
      "installing at an undeclared site",
      chip("delivered"),
      { kind: "installed", by: "importer", siteId: "singapore" },
      "site_not_declared",
    ],
    [
      "installing at a declared site the licence does not permit",
      chip("delivered"),
      { kind: "installed", by: "importer", siteId: "shanghai" },
      "site_not_permitted",
    ],
    [
      "moving to the same site",
      chip("installed", "zhangbei"),
      { kind: "moved", by: "importer", siteId: "zhangbei" },
      "same_site",
    ],
    [
      "moving without an approved site change",
      chip("installed", "ulanqab"),
      { kind: "moved", by: "importer", siteId: "zhangbei" },
      "site_change_not_approved",
    ],
    [
      "destroying without evidence",
      chip("installed", "zhangbei"),
      { kind: "destroyed", by: "importer" },
      "evidence_required",
    ],
  ];
  for (const [name, current, event, refusal] of rows)
    it(`refuses ${name}: ${refusal}`, () => {
      const outcome = applyCustodyEvent(current, event, context);
      expect(outcome.ok ? "accepted" : outcome.refusal).toBe(refusal);
      expect(custodyRefusals).toContain(refusal);
      if (!outcome.ok) expect(outcome.message).toMatch(/^[a-z`]/);
    });
});

describe("events for ranges", () => {
  it("changes every chip or none, naming the chip that stops the range", () => {
    const chips = ["A1", "A2", "A3"].map((serial) => ({ serial, state: "in_china" as const, siteId: null }));
    const all = applyCustodyEventToAll(chips, { kind: "delivered", by: "importer" }, context);
    expect(all.ok && all.next.map((c) => c.state)).toEqual(["delivered", "delivered", "delivered"]);
    const mixed = [...chips.slice(0, 2), { serial: "A3", state: "exported" as const, siteId: null }];
    const refused = applyCustodyEventToAll(mixed, { kind: "delivered", by: "importer" }, context);
    expect(refused.ok ? null : [refused.refusal, refused.serial]).toEqual(["not_allowed_from_state", "A3"]);
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
