// The ShipmentRepository contract (and the ShipmentLedger view beside it), one suite run by
// ./repository-contract.test.ts against the SQL adapter on both drivers and against the in-memory
// implementation: byte order of ids with `after`/`limit` pages, order scopes, versions bumped by
// every change with `ifVersion` compare-and-swap, serial overlap, licence write-downs refused when
// short, events unique by id, and a unit of work that throws leaving nothing. Each test writes ids
// of its own prefix: the SQL blocks share one store across the tests of a block.
import { describe, expect, it } from "vitest";
import type { UsPostInput } from "../../src/app/ledger/ports.ts";
import type { Transactor } from "../../src/app/ports.ts";
import type { ShipmentRepos } from "../../src/app/shipments/ports.ts";
import type { OrderScope } from "../../src/core/authorization/policy.ts";
import type { CapPolicy } from "../../src/core/ledger/cap-policy.ts";
import type { ShipmentInput } from "../../src/core/shipments/model.ts";
import {
  at,
  decision,
  everyone,
  ids,
  licensedOrder,
  order,
  party,
  product,
  seedParties,
  shipment,
} from "./repository-fixtures.ts";

/** What a contract test runs on: units of work, and US postings to give the ledger a figure. */
export interface ContractSubject {
  transactor: Transactor<ShipmentRepos>;
  usPost(policy: CapPolicy, input: UsPostInput): Promise<{ status: string }>;
}

/** The instant the subjects' clocks are pinned to. */
export const contractClock = () => new Date("2026-02-10T12:00:00Z");

export function repositoryContract(name: string, make: () => ContractSubject): void {
  describe(`ShipmentRepository contract: ${name}`, () => {
    partiesAndOrders(make);
    decisionsAndLicences(make);
    shipmentsAndEvents(make);
    unitsAndLedger(make);
  });
}

function partiesAndOrders(make: () => ContractSubject): void {
  it("lists parties in byte order of id after a key, a page at a time", async () => {
    const { transactor } = make();
    await transactor.run(async ({ shipments }) => {
      for (const id of ["pa-b", "pa-B", "pa-a", "pa-_"]) await shipments.insertParty(party(id), at(0));
      expect(await shipments.loadParty("pa-B")).toEqual(party("pa-B"));
      expect(await shipments.loadParty("pa-none")).toBeUndefined();
      expect(ids(await shipments.listParties("pa-", 4))).toEqual(["pa-B", "pa-_", "pa-a", "pa-b"]);
      expect(ids(await shipments.listParties("pa-B", 2))).toEqual(["pa-_", "pa-a"]);
      expect(ids(await shipments.listParties("pa-a", 1))).toEqual(["pa-b"]);
      expect(await shipments.listParties("pa-b", 0)).toEqual([]);
    });
  });

  it("creates an order at version 1; each change bumps it and ifVersion is a compare-and-swap", async () => {
    const { transactor } = make();
    await transactor.run(async ({ shipments }) => {
      await seedParties(shipments, "ov-");
      await shipments.ensureProduct(product, at(0)); // once: a second call changes nothing
      await shipments.insertOrder(order("ov-", "ov-o"), at(1));
      expect(await shipments.loadOrder("ov-o")).toEqual({
        id: "ov-o",
        status: "created",
        doc: order("ov-", "ov-o"),
        evidence: {},
        version: 1,
      });
      await shipments.updateOrderStatus("ov-o", "held", at(2));
      expect(await shipments.loadOrder("ov-o")).toMatchObject({ status: "held", version: 2 });
      expect(await shipments.updateOrderEvidence("ov-o", { a: 1 }, at(3), 1)).toBeUndefined();
      expect(await shipments.updateOrderEvidence("ov-o", { a: 2n }, at(3), 2)).toBe(3);
      expect(await shipments.updateOrderEvidence("ov-o", { a: 3 }, at(4))).toBe(4);
      expect(await shipments.updateOrderEvidence("ov-none", { a: 1 }, at(4))).toBeUndefined();
      expect(await shipments.loadOrder("ov-o")).toMatchObject({ evidence: { a: 3 }, version: 4 });
      await shipments.updateOrderEvidence("ov-o", { a: 2n }, at(5), 4);
      // Stored as JSON: a bigint comes back as its decimal text.
      expect((await shipments.loadOrder("ov-o"))?.evidence).toEqual({ a: "2" });
    });
  });

  it("lists orders in id order, only those the scope lets its principal see", async () => {
    const { transactor } = make();
    await transactor.run(async ({ shipments }) => {
      await seedParties(shipments, "os-");
      await shipments.insertOrder(order("os-", "os-c"), at(1));
      await shipments.insertOrder(order("os-", "os-A", { endUserId: "os-other" }), at(1));
      const toUs = { route: { origin: "TW", exportFrom: "US", destination: "AE" } };
      await shipments.insertOrder(
        order("os-", "os-b", { consigneeId: "os-other", endUserId: "os-other", ...toUs }),
        at(1),
      );
      const list = async (scope: Partial<OrderScope>, after = "os-", limit = 3) =>
        ids(await shipments.listOrders(after, limit, { ...everyone, ...scope }));
      expect(await list({})).toEqual(["os-A", "os-b", "os-c"]);
      expect(ids(await shipments.listOrders("os-", 3))).toEqual(["os-A", "os-b", "os-c"]);
      expect(await list({}, "os-A", 1)).toEqual(["os-b"]);
      expect(await list({ partyId: "os-exp", asExporter: true })).toEqual(["os-A", "os-b", "os-c"]);
      expect(
        (await list({ partyId: "os-other", asBuyer: true })).filter((id) => id.startsWith("os-")),
      ).toEqual(["os-A", "os-b"]);
      const buyer = await list({ partyId: "os-buy", asBuyer: true }, "os-", 10);
      expect(buyer.filter((id) => id.startsWith("os-"))).toEqual(["os-A", "os-c"]);
      expect(await list({ partyId: "os-buy", asExporter: true }, "os-", 10)).toEqual([]);
      const destination = await list({ destination: "AE" }, "os-", 10);
      expect(destination.filter((id) => id.startsWith("os-"))).toEqual(["os-b"]);
      const both = { partyId: "os-other", asBuyer: true, destination: "CN" };
      expect((await list(both, "os-", 10)).filter((id) => id.startsWith("os-"))).toEqual(["os-A"]);
    });
  });
}

function decisionsAndLicences(make: () => ContractSubject): void {
  it("reads a decision with its order's current status; an order's decisions oldest first", async () => {
    const { transactor } = make();
    await transactor.run(async ({ shipments }) => {
      await seedParties(shipments, "dc-");
      await shipments.insertOrder(order("dc-", "dc-o"), at(1));
      await shipments.insertDecision(decision("dc-2", "dc-o"), at(2));
      await shipments.insertDecision(decision("dc-1", "dc-o"), at(3));
      await shipments.insertDecision(decision("dc-0", "dc-o"), at(2));
      await shipments.updateOrderStatus("dc-o", "approved", at(4));
      const loaded = await shipments.loadDecision("dc-1");
      expect(loaded).toMatchObject({ id: "dc-1", orderId: "dc-o", orderStatus: "approved" });
      expect(loaded?.result.decision).toBe(decision("dc-1", "dc-o").decision.decision);
      expect(await shipments.loadDecision("dc-none")).toBeUndefined();
      expect(ids(await shipments.listDecisions("dc-o"))).toEqual(["dc-0", "dc-2", "dc-1"]);
      expect(await shipments.listDecisions("dc-none")).toEqual([]);
    });
  });

  it("writes a licence down only while it has that much left, and restores it", async () => {
    const { transactor } = make();
    await transactor.run(async ({ shipments }) => {
      await licensedOrder(shipments, "lw-");
      expect(await shipments.loadLicence("lw-lic")).toEqual({
        id: "lw-lic",
        input: { applicationId: "lw-d", expiresOn: "2027-01-31" },
        orderId: "lw-o",
        grantedUnits: 1000n,
        usedUnits: 0n,
        grantedValueCents: 2_700_000n,
        usedValueCents: 0n,
        expiresOn: "2027-01-31",
      });
      expect(await shipments.loadLicence("lw-none")).toBeUndefined();
      expect(await shipments.writeDownLicence("lw-lic", 600n, 1_000_000n)).toBe(true);
      expect(await shipments.writeDownLicence("lw-lic", 401n, 1n)).toBe(false); // units short
      expect(await shipments.writeDownLicence("lw-lic", 1n, 1_700_001n)).toBe(false); // value short
      expect(await shipments.writeDownLicence("lw-none", 1n, 1n)).toBe(false);
      expect(await shipments.loadLicence("lw-lic")).toMatchObject({
        usedUnits: 600n,
        usedValueCents: 1_000_000n,
      });
      expect(await shipments.writeDownLicence("lw-lic", 400n, 1_700_000n)).toBe(true); // exactly all
      await shipments.restoreLicence("lw-lic", 1000n, 2_700_000n);
      expect(await shipments.loadLicence("lw-lic")).toMatchObject({ usedUnits: 0n, usedValueCents: 0n });
    });
  });

  it("finds an order's licence: the latest granted", async () => {
    const { transactor } = make();
    await transactor.run(async ({ shipments }) => {
      await licensedOrder(shipments, "ll-");
      await shipments.insertDecision(decision("ll-d2", "ll-o"), at(4));
      const licence = { applicationId: "ll-d2", expiresOn: "2027-06-30", conditions: [] };
      const granted = { ...licence, grantedUnits: 10, grantedValueCents: 1n };
      await shipments.insertLicence({ ...granted, id: "ll-lic2" }, "ll-o", at(5));
      expect((await shipments.loadLicenceForOrder("ll-o"))?.id).toBe("ll-lic2");
      expect(await shipments.loadLicenceForOrder("ll-none")).toBeUndefined();
    });
  });
}

function shipmentsAndEvents(make: () => ContractSubject): void {
  it("plans shipments at version 1, lists them by order and scope, moves them on their version", async () => {
    const { transactor } = make();
    await transactor.run(async ({ shipments }) => {
      await licensedOrder(shipments, "sm-");
      await shipments.insertShipment(shipment("sm-s2", "sm-o", 1, 10), "sm-lic", 27_000n, at(4));
      await shipments.insertShipment(shipment("sm-S1", "sm-o", 11, 12), "sm-lic", 5_400n, at(4));
      const planned = await shipments.loadShipment("sm-s2");
      expect(planned).toEqual({
        id: "sm-s2",
        orderId: "sm-o",
        licenceId: "sm-lic",
        quantityUnits: 10,
        valueCents: 27_000n,
        status: "planned",
        reservationId: null,
        serials: [{ prefix: "H200-", first: 1, last: 10 }],
        evidence: {},
        version: 1,
        input: { orderId: "sm-o", quantityUnits: 10, serials: [{ prefix: "H200-", first: 1, last: 10 }] },
      });
      expect(ids(await shipments.listShipments("sm-o", "", 10))).toEqual(["sm-S1", "sm-s2"]);
      expect(ids(await shipments.listShipments(null, "sm-S1", 1))).toEqual(["sm-s2"]);
      expect(ids(await shipments.listShipments("sm-none", "", 10))).toEqual([]);
      const buyer = { ...everyone, partyId: "sm-buy", asBuyer: true };
      expect(ids(await shipments.listShipments("sm-o", "", 10, buyer))).toEqual(["sm-S1", "sm-s2"]);
      const stranger = { ...everyone, partyId: "sm-other", asBuyer: true, asExporter: true };
      expect(await shipments.listShipments("sm-o", "", 10, stranger)).toEqual([]);
      if (!planned) throw new Error("unreachable");
      await shipments.moveShipment(planned, "released", { reservationId: "sm-r1" }, at(5));
      expect(await shipments.shipmentVersion("sm-s2")).toBe(2);
      await expect(shipments.moveShipment(planned, "cancelled", {}, at(6))).rejects.toThrow(/changed/);
      const released = await shipments.loadShipment("sm-s2");
      if (!released) throw new Error("unreachable");
      await shipments.moveShipment(released, "shipped", {}, at(6));
      expect(await shipments.loadShipment("sm-s2")).toMatchObject({
        status: "shipped",
        reservationId: "sm-r1",
        version: 3,
      });
      expect(ids(await shipments.shipmentsWithReservations(["sm-r1", "sm-none"]))).toEqual(["sm-s2"]);
      expect(await shipments.shipmentsWithReservations([])).toEqual([]);
      expect(await shipments.shipmentVersion("sm-none")).toBeUndefined();
    });
  });

  it("replaces a shipment's evidence as a compare-and-swap on its version", async () => {
    const { transactor } = make();
    await transactor.run(async ({ shipments }) => {
      await licensedOrder(shipments, "se-");
      await shipments.insertShipment(shipment("se-s", "se-o", 1, 1), "se-lic", 2_700n, at(4));
      expect(await shipments.updateShipmentEvidence("se-s", { x: 1 }, at(5), 2)).toBeUndefined();
      expect(await shipments.updateShipmentEvidence("se-s", { x: 1 }, at(5), 1)).toBe(2);
      expect(await shipments.updateShipmentEvidence("se-s", { x: 2 }, at(5))).toBe(3);
      expect(await shipments.updateShipmentEvidence("se-none", { x: 2 }, at(5))).toBeUndefined();
      expect(await shipments.loadShipment("se-s")).toMatchObject({ evidence: { x: 2 }, version: 3 });
    });
  });

  it("finds serials held by a shipment not cancelled; counts units of shipments neither cancelled nor expired", async () => {
    const { transactor } = make();
    await transactor.run(async ({ shipments }) => {
      await licensedOrder(shipments, "sr-");
      // A serial prefix of this test's own: the SQL blocks share the serial ranges across tests.
      const range = (id: string, first: number, last: number): ShipmentInput => ({
        ...shipment(id, "sr-o", first, last),
        serials: [{ prefix: "SR-", first, last }],
      });
      for (const [id, first, last] of [
        ["sr-live", 1, 10],
        ["sr-gone", 11, 20],
        ["sr-late", 21, 30],
      ] as const)
        await shipments.insertShipment(range(id, first, last), "sr-lic", 0n, at(4));
      const move = async (id: string, status: "cancelled" | "released" | "expired") => {
        const row = await shipments.loadShipment(id);
        if (row) await shipments.moveShipment(row, status, {}, at(5));
      };
      await move("sr-gone", "cancelled");
      await move("sr-late", "released");
      await move("sr-late", "expired");
      expect(await shipments.liveShipmentUnits("sr-o")).toBe(10);
      expect(await shipments.liveShipmentUnits("sr-none")).toBe(0);
      const overlap = (first: number, last: number, prefix = "SR-") =>
        shipments.findSerialOverlap([
          { prefix: "XX-", first, last },
          { prefix, first, last },
        ]);
      expect(await overlap(5, 40)).toEqual({ serial: "SR-5", shipmentId: "sr-live" });
      expect(await overlap(11, 20)).toBeNull(); // cancelled: its serials are free
      expect(await overlap(15, 25)).toEqual({ serial: "SR-21", shipmentId: "sr-late" }); // expired keeps them
      expect(await overlap(31, 40)).toBeNull();
      expect(await overlap(1, 10, "SQ-")).toBeNull();
    });
  });

  it("records an event once: its id exists after, a second insert of it fails", async () => {
    const { transactor } = make();
    await transactor.run(async ({ shipments }) => {
      await licensedOrder(shipments, "ev-");
      await shipments.insertShipment(shipment("ev-s", "ev-o", 1, 1), "ev-lic", 0n, at(4));
      expect(await shipments.eventExists("ev-e1")).toBe(false);
      const event = {
        id: "ev-e1",
        shipmentId: "ev-s",
        action: "release",
        from: "planned",
        to: "released",
        details: {},
      };
      await shipments.insertEvent(event, at(5));
      expect(await shipments.eventExists("ev-e1")).toBe(true);
    });
    const again = {
      id: "ev-e1",
      shipmentId: "ev-s",
      action: "ship",
      from: "released",
      to: "shipped",
      details: {},
    };
    await expect(transactor.run(({ shipments }) => shipments.insertEvent(again, at(6)))).rejects.toThrow();
    expect(await transactor.run(({ shipments }) => shipments.eventExists("ev-e1"))).toBe(true);
  });
}

function unitsAndLedger(make: () => ContractSubject): void {
  it("rolls a unit of work back when it throws: nothing it wrote stays, the ledger included", async () => {
    const subject = make();
    const { transactor } = subject;
    const policy: CapPolicy = {
      ratioPercent: 50,
      measure: "units",
      scope: "product",
      window: { kind: "cumulative", since: "2026-01-15" },
    };
    await transactor.run(async ({ shipments }) => licensedOrder(shipments, "rb-"));
    expect(
      (await subject.usPost(policy, { id: "rb-u", productId: "rb-p", units: 100n, shippedOn: "2026-02-01" }))
        .status,
    ).toBe("ok");
    const failed = transactor.run(async ({ shipments, ledger }) => {
      await shipments.insertParty(party("rb-new"), at(5));
      await shipments.updateOrderStatus("rb-o", "licensed", at(5));
      expect(await shipments.writeDownLicence("rb-lic", 10n, 10n)).toBe(true);
      expect(
        (await ledger.reserve(policy, { id: "rb-r", productId: "rb-p", units: 5n, holdMs: 1000 })).status,
      ).toBe("ok");
      throw new Error("work failed");
    });
    await expect(failed).rejects.toThrow("work failed");
    await transactor.run(async ({ shipments, ledger }) => {
      expect(await shipments.loadParty("rb-new")).toBeUndefined();
      expect(await shipments.loadOrder("rb-o")).toMatchObject({ status: "created", version: 1 });
      expect(await shipments.loadLicence("rb-lic")).toMatchObject({ usedUnits: 0n, usedValueCents: 0n });
      const view = await ledger.view(policy, "rb-p", "2026-02-10");
      expect(view.units).toEqual({ usPosted: 100n, cnPending: 0n, cnPosted: 0n });
      expect((await ledger.post("rb-r")).status).toBe("reservation_not_found");
    });
  });

  it("shows the ledger as the cap rule sees it: the window's account, empty when missing", async () => {
    const subject = make();
    const policy: CapPolicy = {
      ratioPercent: 50,
      measure: "tpp",
      scope: "product",
      window: { kind: "cumulative", since: "2026-01-15" },
    };
    const posted = await subject.usPost(policy, {
      id: "lv-u",
      productId: "lv-p",
      units: 10n,
      tppPerUnit: 4,
      shippedOn: "2026-02-01",
    });
    expect(posted.status).toBe("ok");
    await subject.transactor.run(async ({ ledger }) => {
      const reserve = { id: "lv-r", productId: "lv-p", units: 2n, tppPerUnit: 4, holdMs: 86_400_000 };
      expect((await ledger.reserve(policy, reserve)).status).toBe("ok");
      expect(await ledger.view(policy, "lv-p", "2026-02-10")).toEqual({
        window: "tpp/product:lv-p/since:2026-01-15",
        tpp: { usPosted: 40n, cnPending: 8n, cnPosted: 0n },
      });
      expect(await ledger.view(policy, "lv-none", "2026-02-10")).toEqual({
        window: "tpp/product:lv-none/since:2026-01-15",
        tpp: { usPosted: 0n, cnPending: 0n, cnPosted: 0n },
      });
      expect(await ledger.view(policy, "lv-p", "2026-01-01")).toEqual({
        window: "before the window starts",
        tpp: { usPosted: 0n, cnPending: 0n, cnPosted: 0n },
      });
      expect((await ledger.post("lv-r")).status).toBe("ok");
      expect((await ledger.view(policy, "lv-p", "2026-02-10")).tpp).toEqual({
        usPosted: 40n,
        cnPending: 0n,
        cnPosted: 8n,
      });
    });
  });
}
