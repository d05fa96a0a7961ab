// The pure replay: each entry kind's contribution, the problems an entry that lacks what replay
// needs becomes, and the comparison naming table, key, column, expected and actual.
import { describe, expect, it } from "vitest";
import { type LedgerState, type ReplayEntry, reconcile, replayLog } from "./reconcile.ts";

let index = 0;
const entry = (kind: string, payload: unknown): ReplayEntry => ({ index: index++, kind, payload });

const story: ReplayEntry[] = [
  entry("ledger.us_post", { id: "us-1", amount: "1000", accountIds: ["a", "b"] }),
  entry("ledger.us_post_batch", { batchId: "b1", posted: 2, accountAmounts: { a: "500", c: "7" } }),
  entry("ledger.us_reverse", { id: "r1", postingId: "us-1", amount: "100" }),
  entry("ledger.reserve", { id: "res-1", amount: "300", accountIds: ["a"] }),
  entry("ledger.reserve", { id: "res-2", amount: "40", accountIds: ["a", "b"] }),
  entry("ledger.reserve", { id: "res-3", amount: "5", accountIds: ["b"] }),
  entry("ledger.post", { id: "res-1", amount: "300" }),
  entry("ledger.void", { id: "res-2", amount: "40" }),
  entry("shipment.planned", { id: "s1", orderId: "o1" }),
  entry("shipment.released", { shipmentId: "s1", reservationId: "res-1" }),
  entry("shipment.shipped", { shipmentId: "s1", to: "shipped" }),
  entry("shipment.evidence", { shipmentId: "s1", evidence: {} }),
  entry("order.created", { id: "o1" }),
];

const tables = (): LedgerState => ({
  accounts: new Map([
    ["a", { usPosted: 1400n, cnPending: 0n, cnPosted: 300n }],
    ["b", { usPosted: 900n, cnPending: 5n, cnPosted: 0n }],
    ["c", { usPosted: 7n, cnPending: 0n, cnPosted: 0n }],
    ["d", { usPosted: 0n, cnPending: 0n, cnPosted: 0n }],
  ]),
  reservations: new Map([
    ["res-1", { state: "posted", amount: 300n }],
    ["res-2", { state: "voided", amount: 40n }],
    ["res-3", { state: "pending", amount: 5n }],
  ]),
  shipments: new Map([["s1", { status: "shipped" }]]),
});

describe("reconcile", () => {
  it("replays a reversal of an evidence record (issue #13) and names a row reversed without one", () => {
    const reversals = [
      ...story,
      entry("payment.received", { id: "PAY-1", orderId: "o1" }),
      entry("payment.reversed", { kind: "payment", id: "PAY-1", reason: "wrong order" }),
      entry("duty.payment_reversed", { kind: "duty-payment", id: "DP 1", reason: "double" }),
    ];
    const reversed = { ...tables(), reversed: new Set(["payments PAY-1", "duty_payments DP 1"]) };
    expect(reconcile(reversals, reversed)).toMatchObject({ ok: true, differences: [] });
    const unlogged = { ...tables(), reversed: new Set(["payments PAY-1", "invoices INV-9"]) };
    expect(reconcile(reversals, unlogged).differences).toEqual([
      { table: "duty_payments", key: "DP 1", column: "reversed_at", expected: "reversed", actual: null },
      { table: "invoices", key: "INV-9", column: "reversed_at", expected: null, actual: "reversed" },
    ]);
    const twice = [
      ...reversals,
      entry("payment.reversed", { kind: "payment", id: "PAY-1", reason: "again" }),
    ];
    expect(replayLog(twice).problems).toMatchObject([{ expected: "payments PAY-1 reversed once" }]);
  });

  it("replays every kind and finds the tables equal (an untouched account row counts as zero)", () => {
    const report = reconcile(story, tables());
    expect(report.differences).toEqual([]);
    expect(report).toMatchObject({ ok: true, entries: story.length });
  });

  it("names each changed, missing and extra row", () => {
    const changed = tables();
    changed.accounts.set("a", { usPosted: 1400n, cnPending: 0n, cnPosted: 290n });
    changed.accounts.delete("c");
    changed.reservations.delete("res-3");
    changed.reservations.set("res-9", { state: "pending", amount: 1n });
    changed.reservations.set("res-2", { state: "posted", amount: 41n });
    changed.shipments.set("s1", { status: "cancelled" });
    expect(reconcile(story, changed).differences).toEqual([
      { table: "ledger_accounts", key: "a", column: "cn_posted", expected: "300", actual: "290" },
      { table: "ledger_accounts", key: "c", column: "id", expected: "c", actual: null },
      { table: "ledger_reservations", key: "res-2", column: "state", expected: "voided", actual: "posted" },
      { table: "ledger_reservations", key: "res-2", column: "amount", expected: "40", actual: "41" },
      { table: "ledger_reservations", key: "res-3", column: "id", expected: "res-3", actual: null },
      { table: "ledger_reservations", key: "res-9", column: "id", expected: null, actual: "res-9" },
      { table: "shipments", key: "s1", column: "status", expected: "shipped", actual: "cancelled" },
    ]);
  });

  it("names entries that lack what replay needs instead of guessing", () => {
    const { problems } = replayLog([
      { index: 0, kind: "ledger.us_post_batch", payload: { batchId: "old", rowsSha256: "ab" } },
      { index: 1, kind: "ledger.post", payload: { id: "never-reserved", amount: "1" } },
      { index: undefined, kind: "shipment.cancelled", payload: { shipmentId: "s9", to: "cancelled" } },
      { index: 3, kind: "ledger.reserve", payload: { id: "r", amount: "x", accountIds: ["a"] } },
    ]);
    expect(problems.map((p) => [p.table, p.key, p.column])).toEqual([
      ["audit_log", "0", "ledger.us_post_batch"],
      ["audit_log", "1", "ledger.post"],
      ["audit_log", "pending", "shipment.cancelled"],
      ["audit_log", "3", "ledger.reserve"],
    ]);
    expect(problems[0]?.expected).toMatch(/accountAmounts/);
  });

  it("refuses to settle a reservation twice", () => {
    const { problems, state } = replayLog([
      entry("ledger.reserve", { id: "r", amount: "5", accountIds: ["a"] }),
      entry("ledger.post", { id: "r", amount: "5" }),
      entry("ledger.void", { id: "r", amount: "5" }),
    ]);
    expect(problems).toHaveLength(1);
    expect(state.accounts.get("a")).toEqual({ usPosted: 0n, cnPending: 0n, cnPosted: 5n });
  });
});
