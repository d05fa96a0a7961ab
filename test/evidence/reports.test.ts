// Reports over the evidence records, on both drivers: Section 232 duty totals per window to the
// cent (each entry's duty rounded half up when entered, so the totals are not 25 % of the summed
// value), exemption claims apart, bad queries refused; forfeiture entries listed in id order, by
// order, a page at a time and cut to a party's orders.

import { expect, it } from "vitest";
import { systemAudit } from "../../src/adapters/db/audit.ts";
import { sqlEvidenceReports } from "../../src/adapters/db/evidence/reports-sql.ts";
import { sqlEvidenceContext } from "../../src/adapters/db/evidence/repository.ts";
import type { Store } from "../../src/adapters/db/store.ts";
import { dutyTotals, listForfeitures } from "../../src/app/evidence/reports.ts";
import { EvidenceService } from "../../src/app/evidence/service.ts";
import { ShipmentService } from "../../src/app/shipments/service.ts";
import { shipmentContextOn } from "../../src/compose.ts";
import { SluiceError } from "../../src/core/errors.ts";
import { exampleJson, sharedEvaluator } from "../support/dossiers.ts";
import { forEachDriver } from "../support/drivers.ts";

/** The audit appender tests act through: the system, as the seeder and sweeps do. */
const appendAudit = systemAudit("test");

const clock = () => new Date("2026-02-20T12:00:00Z");
const example = exampleJson("h200-alibaba-approvable.json") as {
  parties: Record<string, Record<string, unknown>>;
};
const order = (id: string, endUserId: string) => ({
  id,
  productId: "nvidia-h200-sxm",
  quantityUnits: 10,
  valueCents: "27000000",
  exporterId: "nvidia",
  consigneeId: "alibaba-cloud",
  endUserId,
  route: { origin: "TW", exportFrom: "US", destination: "CN" },
  endUse: { purpose: "commercial-cloud" as const },
  usShippedUnits: 250000,
});

async function seed(store: Store) {
  const shipments = new ShipmentService(shipmentContextOn(store, { clock }));
  await shipments.addParty({ ...example.parties.exporter, id: "nvidia" });
  await shipments.addParty({ ...example.parties.consignee, id: "alibaba-cloud" });
  await shipments.addParty({ ...example.parties.consignee, id: "tencent-cloud", name: "Tencent Cloud" });
  await shipments.createOrder(order("ord-a", "alibaba-cloud"));
  await shipments.createOrder(order("ord-t", "tencent-cloud"));
  await store.transaction(async (tx) => {
    for (const [i, id] of ["SHP-1", "SHP-2", "SHP-3", "SHP-4"].entries())
      await tx.query(
        `INSERT INTO shipments (id, order_id, quantity_units, value_cents, status, serials, created_at, updated_at)
         VALUES ($1, 'ord-a', 1, 2700000, 'planned', $2, $3, $3)`,
        [id, JSON.stringify([{ prefix: "H-", first: i * 10 + 1, last: i * 10 + 1 }]), clock()],
      );
  });
  return new EvidenceService(sqlEvidenceContext(store, { evaluator: sharedEvaluator, clock, appendAudit }));
}

const entry = (id: string, shipmentId: string, enteredOn: string, cents: string, extra = {}) => ({
  id,
  shipmentId,
  enteredOn,
  htsCode: "8471.50",
  enteredValueCents: cents,
  ...extra,
});
const sums = (entries: number, entered: bigint, owed: bigint, paid: bigint) => ({
  entries,
  enteredValueCents: entered,
  dutyOwedCents: owed,
  dutyPaidCents: paid,
  outstandingCents: owed - paid,
});
const none = sums(0, 0n, 0n, 0n);

forEachDriver("evidence reports", (env) => {
  it("sums duty per window to the cent: each entry rounded half up, exemption claims apart", async () => {
    const evidence = await seed(env.store());
    // 25 % of 2 ¢ is 0.5 ¢ → 1 ¢; of 10 ¢ is 2.5 ¢ → 3 ¢; of 7 ¢ is 1.75 ¢ → 2 ¢.
    expect((await evidence.recordDutyEntry(entry("E-1", "SHP-1", "2026-01-31", "2"))).dutyOwedCents).toBe(1n);
    expect((await evidence.recordDutyEntry(entry("E-2", "SHP-2", "2026-02-01", "10"))).dutyOwedCents).toBe(
      3n,
    );
    expect((await evidence.recordDutyEntry(entry("E-3", "SHP-3", "2026-02-28", "7"))).dutyOwedCents).toBe(2n);
    const exemption = { exemption: { kind: "us-data-center", certificateRef: "EUC-9" } };
    expect(
      (await evidence.recordDutyEntry(entry("E-4", "SHP-4", "2026-02-15", "6", exemption))).dutyOwedCents,
    ).toBe(0n);
    await evidence.payDuty({ id: "DP-1", entryId: "E-2", amountCents: "1", paidOn: "2026-02-02" });
    await evidence.payDuty({ id: "DP-2", entryId: "E-1", amountCents: "1", paidOn: "2026-02-02" });

    const store = env.store();
    const byMonth = await dutyTotals(sqlEvidenceReports(store), {
      from: "2026-01-15",
      to: "2026-03-10",
      by: "month",
    });
    expect(byMonth.windows).toEqual([
      {
        from: "2026-01-15",
        to: "2026-01-31",
        total: sums(1, 2n, 1n, 1n),
        exempt: none,
        bands: [
          { band: 1, sums: sums(1, 2n, 1n, 1n) },
          { band: 2, sums: none },
        ],
        outsideBands: none,
      },
      {
        from: "2026-02-01",
        to: "2026-02-28",
        total: sums(3, 23n, 5n, 1n),
        exempt: sums(1, 6n, 0n, 0n),
        bands: [
          { band: 1, sums: sums(2, 17n, 5n, 1n) },
          { band: 2, sums: none },
        ],
        outsideBands: none,
      },
      {
        from: "2026-03-01",
        to: "2026-03-10",
        total: none,
        exempt: none,
        bands: [
          { band: 1, sums: none },
          { band: 2, sums: none },
        ],
        outsideBands: none,
      },
    ]);
    // The whole range: 6 ¢ owed, where 25 % of the 19 ¢ dutiable would round to 5 ¢.
    const whole = await dutyTotals(sqlEvidenceReports(store), {
      from: "2026-01-01",
      to: "2026-12-31",
      by: "range",
    });
    expect(whole).toMatchObject({ by: "range", windows: [{ total: sums(4, 25n, 6n, 2n) }] });
    const quarters = await dutyTotals(sqlEvidenceReports(store), {
      from: "2026-02-01",
      to: "2026-04-30",
      by: "quarter",
    });
    expect(quarters.windows.map((w) => [w.from, w.to, w.total.entries])).toEqual([
      ["2026-02-01", "2026-03-31", 3],
      ["2026-04-01", "2026-04-30", 0],
    ]);
    // `by` defaults to month.
    const single = await dutyTotals(sqlEvidenceReports(store), { from: "2026-02-01", to: "2026-02-01" });
    expect(single).toMatchObject({ by: "month", windows: [{ total: sums(1, 10n, 3n, 1n) }] });
  });

  it("refuses a bad totals query with what, where and why", async () => {
    const ask = (query: unknown) =>
      dutyTotals(sqlEvidenceReports(env.store()), query).catch((e: unknown) => e);
    const reversed = await ask({ from: "2026-03-01", to: "2026-02-01" });
    expect(reversed).toBeInstanceOf(SluiceError);
    expect((reversed as SluiceError).kind).toBe("bad_input");
    expect((reversed as SluiceError).message).toContain("`from` must not be after `to`");
    const tooMany = (await ask({ from: "2000-01-01", to: "2026-01-01", by: "month" })) as SluiceError;
    expect([tooMany.kind, tooMany.code]).toEqual(["bad_input", "too_many_windows"]);
    expect(((await ask({ from: "2026-01-01", to: "2026-02-01", by: "week" })) as SluiceError).kind).toBe(
      "bad_input",
    );
    expect(((await ask({ from: "2026-02-30", to: "2026-03-01" })) as SluiceError).kind).toBe("bad_input");
  });

  it("lists forfeitures in id order, by order, by page and for a party's own orders", async () => {
    const store = env.store();
    const evidence = new EvidenceService(
      sqlEvidenceContext(store, { evaluator: sharedEvaluator, clock, appendAudit }),
    );
    await evidence.pay({ id: "P-A", orderId: "ord-a", amountCents: "27000000", paidOn: "2026-02-01" });
    await evidence.pay({ id: "P-T", orderId: "ord-t", amountCents: "1250", paidOn: "2026-02-01" });
    await evidence.forfeit("ord-a", "licence-revoked", { id: "F-2", on: "2026-02-10" });
    await evidence.forfeit("ord-t", "BIS letter of 2026-02-11", { id: "F-1", on: "2026-02-11" });
    const list = (query: Partial<Parameters<typeof listForfeitures>[1]>) =>
      listForfeitures(sqlEvidenceReports(store), {
        orderId: null,
        after: "",
        limit: 10,
        partyId: null,
        ...query,
      });
    expect(await list({})).toEqual([
      {
        id: "F-1",
        orderId: "ord-t",
        amountCents: 1250n,
        reason: "BIS letter of 2026-02-11",
        kind: "other",
        forfeitedOn: "2026-02-11",
      },
      {
        id: "F-2",
        orderId: "ord-a",
        amountCents: 27_000_000n,
        reason: "licence-revoked",
        kind: "licence-revoked",
        forfeitedOn: "2026-02-10",
      },
    ]);
    expect((await list({ orderId: "ord-a" })).map((f) => f.id)).toEqual(["F-2"]);
    expect((await list({ limit: 1 })).map((f) => f.id)).toEqual(["F-1"]);
    expect((await list({ after: "F-1" })).map((f) => f.id)).toEqual(["F-2"]);
    expect((await list({ partyId: "tencent-cloud" })).map((f) => f.id)).toEqual(["F-1"]);
    expect((await list({ partyId: "alibaba-cloud" })).map((f) => f.id)).toEqual(["F-1", "F-2"]);
    expect(await list({ partyId: "nobody" })).toEqual([]);
  });
});
