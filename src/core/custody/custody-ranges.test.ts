// Custody by range: the interval map agrees with one record per chip for any sequence of events,
// stays as small as the distinct stretches it holds, and counts what a request covers exactly.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyCustody,
  type CustodySpan,
  coveredCustody,
  type NumberSpan,
  unionSpans,
} from "./custody-ranges.ts";

const states = ["registered", "exported", "installed"] as const;
type State = (typeof states)[number];
const sites = [null, "zhangbei", "ulanqab"] as const;

const lot: CustodySpan<State>[] = [
  { prefix: "A-", first: 1, last: 40, state: "registered", siteId: null },
  { prefix: "B-", first: 5, last: 30, state: "registered", siteId: null },
];

const spanArb = fc
  .record({ prefix: fc.constantFrom("A-", "B-", "C-"), a: fc.nat(45), b: fc.nat(45) })
  .map(({ prefix, a, b }) => ({ prefix, first: Math.min(a, b), last: Math.max(a, b) }));
const eventArb = fc.record({
  request: fc.array(spanArb, { minLength: 1, maxLength: 4 }),
  state: fc.constantFrom(...states),
  siteId: fc.constantFrom(...sites),
});

/** One record per chip: the reference the interval map must agree with. */
function expand(spans: readonly CustodySpan<State>[]): Map<string, string> {
  const chips = new Map<string, string>();
  for (const s of spans)
    for (let n = s.first; n <= s.last; n += 1) chips.set(`${s.prefix}${n}`, `${s.state}/${s.siteId}`);
  return chips;
}
const covers = (request: readonly NumberSpan[], prefix: string, n: number) =>
  request.some((r) => r.prefix === prefix && r.first <= n && n <= r.last);

describe("custody ranges", () => {
  it("agree with one record per chip, and never keep two alike neighbours", () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 12 }), (events) => {
        let spans = lot;
        let chips = expand(lot);
        for (const event of events) {
          const next = new Map(chips);
          for (const [serial, value] of chips) {
            const [, prefix = "", digits = ""] = /^(.*-)(\d+)$/.exec(serial) ?? [];
            if (!covers(event.request, prefix, Number(digits))) continue;
            const site = event.siteId ?? value.split("/")[1];
            next.set(serial, `${event.state}/${site}`);
          }
          chips = next;
          spans = applyCustody(spans, event.request, { state: event.state, siteId: event.siteId });
          expect(expand(spans)).toEqual(chips);
        }
        for (let i = 1; i < spans.length; i += 1) {
          const [a, b] = [spans[i - 1], spans[i]];
          if (!a || !b) continue;
          const touching = a.prefix === b.prefix && a.last + 1 === b.first;
          expect(touching && a.state === b.state && a.siteId === b.siteId).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("count the registered chips a request covers once each, by state and site", () => {
    const stored = applyCustody(lot, [{ prefix: "A-", first: 11, last: 20 }], {
      state: "installed",
      siteId: "zhangbei",
    });
    expect(stored).toHaveLength(4);
    const covered = coveredCustody(stored, [
      { prefix: "A-", first: 1, last: 15 },
      { prefix: "A-", first: 12, last: 60 },
      { prefix: "C-", first: 1, last: 9 },
    ]);
    expect(covered.registered).toBe(40);
    expect(covered.states).toEqual({ registered: 30, installed: 10 });
    expect(covered.siteIds.sort()).toEqual([null, "zhangbei"].sort());
  });

  it("merge touching and overlapping request spans", () => {
    expect(
      unionSpans([
        { prefix: "A-", first: 5, last: 9 },
        { prefix: "A-", first: 1, last: 4 },
        { prefix: "B-", first: 1, last: 1 },
        { prefix: "A-", first: 7, last: 12 },
      ]),
    ).toEqual([
      { prefix: "A-", first: 1, last: 12 },
      { prefix: "B-", first: 1, last: 1 },
    ]);
  });

  it("cover two million chips with one stretch and split it in three", () => {
    const whole: CustodySpan<State>[] = [
      { prefix: "H-", first: 1, last: 2_000_000, state: "exported", siteId: null },
    ];
    const after = applyCustody(whole, [{ prefix: "H-", first: 1000, last: 1999 }], {
      state: "installed",
      siteId: "ulanqab",
    });
    expect(after.map((s) => [s.first, s.last, s.state])).toEqual([
      [1, 999, "exported"],
      [1000, 1999, "installed"],
      [2000, 2_000_000, "exported"],
    ]);
  });
});
