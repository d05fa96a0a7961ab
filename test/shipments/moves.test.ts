// Unit tests of the shipment moves (ShipmentMoves: release, ship, cancel, revert and the expiry
// sweep) on the in-memory context: the licence, the import approval and the cap ledger written down
// and given back, the events and audit entries each move writes at the server's clock, replays that
// answer `exists`, and refusals that answer their status and change nothing (a refusal after the
// release decision keeps only the decision and its audit entry, as the SQL path does).
import { describe, expect, it } from "vitest";
import type { ShipmentContext, ShipmentRepos } from "../../src/app/shipments/ports.ts";
import { ShipmentService } from "../../src/app/shipments/service.ts";
import {
  auditKinds,
  capAccount,
  dayMs,
  expectRefusal,
  licensedOrder,
  plan,
  recordEvidence,
  releasable,
  type World,
  world,
} from "./support.ts";

/** The same ports with some of each unit's ports replaced (a ledger or an approval that refuses). */
function patched(context: ShipmentContext, patch: (repos: ShipmentRepos) => ShipmentRepos): ShipmentService {
  return new ShipmentService({
    ...context,
    transactor: { run: (work, options) => context.transactor.run((repos) => work(patch(repos)), options) },
  });
}

const account = (w: World) => w.context.data.journal.account(capAccount);
const licence = async (w: World) => {
  const [found] = await w.context.transactor.run(async ({ shipments }) => [
    await shipments.loadLicence("lic-1"),
  ]);
  return found && { units: found.usedUnits, cents: found.usedValueCents };
};

describe("release", () => {
  it("reserves quota, writes down the licence and the approval, and records it all at one instant", async () => {
    const w = world();
    await releasable(w);
    const from = w.context.data.audit().length;
    const released = await w.service.release("shp-1", { eventId: "rel-1" });
    expect(released).toMatchObject({
      status: "released",
      shipmentStatus: "released",
      decisionId: "rel-1:decision:id-1",
      reservationId: "shp-1:reservation:rel-1",
    });
    expect(auditKinds(w, from)).toEqual([
      "release.decided",
      "ledger.reserve",
      "approval.written_down",
      "shipment.released",
    ]);
    expect(
      new Set(
        w.context.data
          .audit()
          .slice(from)
          .map((entry) => entry.at.getTime()),
      ),
    ).toEqual(new Set([w.clock.now().getTime()]));
    expect(account(w)).toMatchObject({ usPosted: 4000n, cnPending: 1000n, cnPosted: 0n });
    expect(await licence(w)).toEqual({ units: 1000n, cents: 2_700_000_000n });
    expect(await w.service.shipment("shp-1")).toMatchObject({ status: "released", version: 2 });
    const before = w.context.data.snapshot();
    expect(await w.service.release("shp-1", { eventId: "rel-1" })).toEqual({
      status: "exists",
      shipmentStatus: "released",
    });
    expect(w.context.data.snapshot()).toEqual(before);
  });

  it("keeps a shipment planned while the decision holds, recording only the decision", async () => {
    const w = world();
    await licensedOrder(w);
    await w.service.planShipment(plan("shp-1", 1, 1000));
    const from = w.context.data.audit().length;
    const held = await w.service.release("shp-1");
    expect(held).toMatchObject({ status: "decision_hold", shipmentStatus: "planned" });
    expect(auditKinds(w, from)).toEqual(["release.decided"]);
    expect(account(w)).toMatchObject({ cnPending: 0n });
    expect(await licence(w)).toEqual({ units: 0n, cents: 0n });
    expect(await w.service.shipment("shp-1")).toMatchObject({ status: "planned", version: 1 });
  });

  it("refuses a missing shipment, a stale version and an illegal move, writing nothing", async () => {
    const w = world();
    await releasable(w);
    await expectRefusal(w, () => w.service.release("shp-none"), "not_found");
    await expectRefusal(w, () => w.service.release("shp-1", { ifVersion: 2 }), "version_mismatch");
    await w.service.release("shp-1");
    await w.service.ship("shp-1");
    await expectRefusal(w, () => w.service.release("shp-1", { eventId: "again" }), "illegal_transition");
  });

  it("answers licence_exhausted and licence_expired, leaving the licence and the ledger as they were", async () => {
    const short = world();
    await licensedOrder(short, {}, { grantedUnits: 500 });
    await short.service.planShipment(plan("shp-1", 1, 600));
    await recordEvidence(short, "shp-1");
    expect(await short.service.release("shp-1")).toMatchObject({
      status: "licence_exhausted",
      shipmentStatus: "planned",
    });
    expect(await licence(short)).toEqual({ units: 0n, cents: 0n });
    expect(account(short)).toMatchObject({ cnPending: 0n });

    const late = world();
    await licensedOrder(late, {}, { expiresOn: "2026-02-10" });
    await late.service.planShipment(plan("shp-1", 1, 1000));
    await recordEvidence(late, "shp-1");
    late.clock.advance(10 * dayMs);
    expect(await late.service.release("shp-1")).toMatchObject({ status: "licence_expired" });
    expect(await licence(late)).toEqual({ units: 0n, cents: 0n });
  });

  it("rolls the whole release back when the ledger or the import approval refuses", async () => {
    const w = world();
    await releasable(w);
    const before = w.context.data.snapshot();
    const capped = patched(w.context, (repos) => ({
      ...repos,
      ledger: { ...repos.ledger, reserve: async () => ({ status: "exceeds_cap" }) },
    }));
    expect(await capped.release("shp-1")).toMatchObject({ status: "exceeds_cap", shipmentStatus: "planned" });
    expect(w.context.data.snapshot()).toEqual(before);
    const exhausted = patched(w.context, (repos) => ({
      ...repos,
      evidence: { ...repos.evidence, writeDownApproval: async () => ({ status: "approval_exhausted" }) },
    }));
    expect(await exhausted.release("shp-1")).toMatchObject({
      status: "import_approval_refused",
      shipmentStatus: "planned",
    });
    // The reservation made before the approval refused is rolled back with the rest.
    expect(w.context.data.snapshot()).toEqual(before);
  });
});

describe("ship, cancel, revert", () => {
  it("ships a release: posts its reservation, records the event once", async () => {
    const w = world();
    await releasable(w);
    await w.service.release("shp-1");
    await expectRefusal(w, () => w.service.ship("shp-1", { ifVersion: 1 }), "version_mismatch");
    w.clock.advance(dayMs);
    const from = w.context.data.audit().length;
    expect(await w.service.ship("shp-1", { ifVersion: 2 })).toEqual({ status: "shipped" });
    expect(auditKinds(w, from)).toEqual(["ledger.post", "shipment.shipped"]);
    expect(w.context.data.audit().at(-1)).toMatchObject({
      payload: { shipmentId: "shp-1", eventId: "shp-1:ship", to: "shipped" },
      at: w.clock.now(),
    });
    expect(account(w)).toMatchObject({ cnPending: 0n, cnPosted: 1000n });
    const before = w.context.data.snapshot();
    expect(await w.service.ship("shp-1")).toEqual({ status: "exists" });
    expect(w.context.data.snapshot()).toEqual(before);
    await expectRefusal(
      w,
      () => w.service.cancel("shp-1"),
      "illegal_transition",
      /cannot cancel from status `shipped`/,
    );
    await expectRefusal(w, () => w.service.ship("shp-none"), "not_found");
  });

  it("cancels a release: voids the quota, gives back the licence and the approval", async () => {
    const w = world();
    await releasable(w);
    await w.service.release("shp-1");
    const from = w.context.data.audit().length;
    expect(await w.service.cancel("shp-1", { reason: "buyer withdrew" })).toEqual({ status: "cancelled" });
    expect(auditKinds(w, from)).toEqual(["ledger.void", "approval.restored", "shipment.cancelled"]);
    expect(w.context.data.audit().at(-1)?.payload).toMatchObject({ reason: "buyer withdrew" });
    expect(account(w)).toMatchObject({ cnPending: 0n, cnPosted: 0n });
    expect(await licence(w)).toEqual({ units: 0n, cents: 0n });
    expect(w.context.data.snapshot().records.approvalWriteDowns.size).toBe(0);
  });

  it("cancels a planned shipment without touching the ledger or the licence", async () => {
    const w = world();
    await releasable(w);
    const from = w.context.data.audit().length;
    expect(await w.service.cancel("shp-1")).toEqual({ status: "cancelled" });
    expect(auditKinds(w, from)).toEqual(["shipment.cancelled"]);
    await expectRefusal(w, () => w.service.release("shp-1", { eventId: "late" }), "illegal_transition");
  });

  it("reverts a release to planned with its reason; it can be released again", async () => {
    const w = world();
    await releasable(w);
    await w.service.release("shp-1", { eventId: "rel-1" });
    await expectRefusal(w, () => w.service.revertRelease("shp-none", { reason: "lab revoked" }), "not_found");
    const from = w.context.data.audit().length;
    expect(await w.service.revertRelease("shp-1", { reason: "lab revoked" })).toEqual({ status: "reverted" });
    expect(auditKinds(w, from)).toEqual(["ledger.void", "approval.restored", "shipment.reverted"]);
    expect(w.context.data.audit().at(-1)?.payload).toMatchObject({
      eventId: "shp-1:revert:id-3",
      to: "planned",
      reason: "lab revoked",
    });
    expect(await licence(w)).toEqual({ units: 0n, cents: 0n });
    await expectRefusal(w, () => w.service.revertRelease("shp-1", { reason: "again" }), "illegal_transition");
    expect(await w.service.release("shp-1", { eventId: "rel-2" })).toMatchObject({ status: "released" });
  });
});

describe("expiry", () => {
  it("expires releases whose hold has passed, gives back the licence, and lets them be released again", async () => {
    const w = world();
    await releasable(w);
    await w.service.release("shp-1", { eventId: "rel-1" });
    expect(await w.service.expireReleases()).toEqual({ expired: [] });
    w.clock.advance(w.context.reservationHoldMs);
    // Not swept yet: shipping a reservation whose hold has passed is refused and changes nothing.
    await expectRefusal(w, () => w.service.ship("shp-1"), "reservation_expired");
    const from = w.context.data.audit().length;
    expect(await w.service.expireReleases()).toEqual({ expired: ["shp-1"] });
    expect(auditKinds(w, from)).toEqual(["ledger.expire", "approval.restored", "shipment.expired"]);
    expect(w.context.data.audit().at(-1)?.payload).toMatchObject({
      eventId: "shp-1:expire:shp-1:reservation:rel-1",
      reason: "reservation expired",
    });
    expect(await w.service.shipment("shp-1")).toMatchObject({ status: "expired" });
    expect(account(w)).toMatchObject({ cnPending: 0n, cnPosted: 0n });
    expect(await licence(w)).toEqual({ units: 0n, cents: 0n });
    expect(await w.service.release("shp-1", { eventId: "rel-2" })).toMatchObject({ status: "released" });
  });
});
