// The shipment path over the store, on both drivers: parties → order → apply (decision recorded)
// → licence → shipment → release (quota reserved) → ship (posted) / cancel (voided), with replays,
// illegal transitions and bad input that change nothing.

import { expect, it } from "vitest";
import { readAudit, systemAudit, verifyAudit } from "../src/adapters/db/audit.ts";
import { sqlEvidenceContext } from "../src/adapters/db/evidence/repository.ts";
import type { SqlLedger } from "../src/adapters/db/ledger/sql-ledger.ts";
import type { Store } from "../src/adapters/db/store.ts";
import { EvidenceService } from "../src/app/evidence/service.ts";
import { ShipmentService } from "../src/app/shipments/service.ts";
import { shipmentContextOn } from "../src/compose.ts";
import { SluiceError } from "../src/core/errors.ts";
import type { Finding } from "../src/core/evaluation/types.ts";
import { capPolicyDefault } from "../src/core/ledger/cap-policy.ts";
import { exampleJson, exampleOrder, exampleParties } from "./support/dossiers.ts";
import { forEachDriver } from "./support/drivers.ts";
import { certifyShipment, recordExampleEvidence } from "./support/lab.ts";

/** The audit appender tests act through: the system, as the seeder and sweeps do. */
const appendAudit = systemAudit("test");

const clock = () => new Date("2026-02-01T12:00:00Z");
const example = exampleJson("h200-alibaba-approvable.json") as {
  evidence: { labCertificate: Record<string, unknown> };
};

function setup(store: Store) {
  let counter = 0;
  const context = shipmentContextOn(store, { clock, newId: () => `id-${++counter}` });
  return { service: new ShipmentService(context), ledger: context.ledger as SqlLedger, context };
}

const parties = exampleParties();
const order = exampleOrder();

async function expectError(run: () => Promise<unknown>, code: string, message: RegExp) {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SluiceError);
  expect((error as SluiceError).code).toBe(code);
  expect((error as SluiceError).message).toMatch(message);
}

forEachDriver("shipment path", (env) => {
  it("runs from order to shipped, recording every decision and event in the audit chain", async () => {
    const { service, ledger, context } = setup(env.store());
    for (const party of parties) expect((await service.addParty(party)).status).toBe("created");
    expect((await service.createOrder(order)).status).toBe("created");

    // No US volume yet: the cap holds the application, with its remedy.
    const held = await service.apply("ord-1", {});
    expect(held.decision.decision).toBe("hold");
    expect(held.decision.decidingRuleIds).toEqual(["us-bis-2026.c6-volume-cap"]);
    expect(held.orderStatus).toBe("held");

    expect(
      (
        await ledger.usPost(capPolicyDefault, {
          id: "us-1",
          productId: "nvidia-h200-sxm",
          units: 4000n,
          shippedOn: "2026-01-20",
        })
      ).status,
    ).toBe("ok");
    const approved = await service.apply("ord-1", { id: "app-1" });
    expect(approved.decision.decision).toBe("approve");
    expect(approved.orderStatus).toBe("approved");

    expect(
      (await service.grantLicence({ id: "lic-1", applicationId: "app-1", expiresOn: "2027-01-31" })).status,
    ).toBe("created");
    const plan = {
      id: "SHP-2026-0001",
      orderId: "ord-1",
      quantityUnits: 1000,
      serials: [{ prefix: "H200-", first: 1, last: 1000 }],
    };
    expect((await service.planShipment(plan)).status).toBe("created");

    // Release waits for the release-stage evidence, then reserves quota.
    const waiting = await service.release("SHP-2026-0001", { eventId: "rel-0" });
    expect(waiting.status).toBe("decision_hold");
    await recordExampleEvidence(context.evidence, "ord-1", ["SHP-2026-0001"]);
    await certifyShipment(context.evidence, "SHP-2026-0001");
    const released = await service.release("SHP-2026-0001", {});
    expect(released).toMatchObject({ status: "released", shipmentStatus: "released" });
    const [account] = await ledger.accounts("units/product:nvidia-h200-sxm");
    expect(account).toMatchObject({ usPosted: 4000n, cnPending: 1000n, cnPosted: 0n });

    expect((await service.ship("SHP-2026-0001")).status).toBe("shipped");
    expect((await service.ship("SHP-2026-0001")).status).toBe("exists");
    const [after] = await ledger.accounts("units/product:nvidia-h200-sxm");
    expect(after).toMatchObject({ cnPending: 0n, cnPosted: 1000n });

    await expectError(
      () => service.cancel("SHP-2026-0001"),
      "illegal_transition",
      /cannot cancel from status `shipped`/,
    );
    const kinds = (await readAudit(env.store())).map((entry) => entry.kind);
    expect(kinds).toEqual(
      expect.arrayContaining([
        "order.created",
        "application.decided",
        "licence.granted",
        "shipment.released",
        "ledger.reserve",
        "ledger.post",
        "shipment.shipped",
      ]),
    );
    expect((await verifyAudit(env.store())).ok).toBe(true);
  });

  it("answers replays with exists or exists_with_different_<field>, and changes nothing", async () => {
    const { service } = setup(env.store());
    const before = (await readAudit(env.store())).length;
    expect((await service.createOrder(order)).status).toBe("exists");
    expect((await service.createOrder({ ...order, quantityUnits: 999 })).status).toBe(
      "exists_with_different_quantity_units",
    );
    expect((await service.addParty({ ...parties[0], name: "Other" })).status).toBe(
      "exists_with_different_name",
    );
    expect((await readAudit(env.store())).length).toBe(before);
  });

  it("rejects bad input with a clear error and changes nothing", async () => {
    const { service } = setup(env.store());
    const before = (await readAudit(env.store())).length;
    await expectError(
      () => service.createOrder({ ...order, id: "ord-x", productId: "nvidia-h999" }),
      "not_found",
      /product `nvidia-h999`: unknown product/,
    );
    await expectError(
      () => service.createOrder({ ...order, id: "ord-x", quantityUnits: -1 }),
      "bad_input",
      /order at `quantityUnits`/,
    );
    await expectError(
      () => service.createOrder({ ...order, id: "ord-x", consigneeId: "nobody" }),
      "not_found",
      /unknown party `nobody`/,
    );
    await expectError(
      () => service.release("no-such-shipment", {}),
      "not_found",
      /shipment `no-such-shipment`/,
    );
    expect((await readAudit(env.store())).length).toBe(before);
  });

  it("keeps serials to one live shipment and the shipments within their order", async () => {
    const { service } = setup(env.store());
    const overlap = {
      id: "SHP-OVER",
      orderId: "ord-1",
      quantityUnits: 10,
      serials: [{ prefix: "H200-", first: 995, last: 1004 }],
    };
    await expectError(
      () => service.planShipment(overlap),
      "serial_in_other_shipment",
      /serial H200-995 is already in shipment `SHP-2026-0001`/,
    );
    const over = {
      id: "SHP-OVER",
      orderId: "ord-1",
      quantityUnits: 10,
      serials: [{ prefix: "H200-", first: 2001, last: 2010 }],
    };
    // The order's 1,000 units are all in the first shipment: refused when planned, not at release.
    const before = (await readAudit(env.store())).length;
    await expectError(
      () => service.planShipment(over),
      "exceeds_order_quantity",
      /shipment `SHP-OVER` at `quantityUnits`: 10 units with 1000 already planned exceed order `ord-1` of 1000 units/,
    );
    expect((await readAudit(env.store())).length).toBe(before);
  });
});

forEachDriver("shipment releases undone", (env) => {
  it("reverts a release (quota voided, licence restored) and expires one whose hold passed", async () => {
    let now = new Date("2026-02-01T12:00:00Z");
    let counter = 0;
    const context = shipmentContextOn(env.store(), { clock: () => now, newId: () => `id-${++counter}` });
    const service = new ShipmentService(context);
    for (const party of parties) await service.addParty(party);
    await service.createOrder({ ...order, id: "ord-2", quantityUnits: 100, valueCents: "270000000" });
    await context.ledger.usPost(capPolicyDefault, {
      id: "us-9",
      productId: "nvidia-h200-sxm",
      units: 1000n,
      shippedOn: "2026-01-20",
    });
    expect((await service.apply("ord-2", { id: "app-2" })).decision.decision).toBe("approve");
    await service.grantLicence({ id: "lic-2", applicationId: "app-2", expiresOn: "2027-01-31" });
    await service.planShipment({
      id: "SHP-2",
      orderId: "ord-2",
      quantityUnits: 100,
      serials: [{ prefix: "X-", first: 1, last: 100 }],
    });
    await recordExampleEvidence(context.evidence, "ord-2", ["SHP-2"]);
    await certifyShipment(context.evidence, "SHP-2");
    const pending = async () =>
      (await context.ledger.accounts("units/product:nvidia-h200-sxm"))[0]?.cnPending;
    const licenceUsed = async () =>
      (await env.store().query<{ used_units: bigint }>("SELECT used_units FROM licences WHERE id = 'lic-2'"))
        .rows[0]?.used_units;

    expect((await service.release("SHP-2", { eventId: "rel-a" })).status).toBe("released");
    expect([await pending(), await licenceUsed()]).toEqual([100n, 100n]);
    expect((await service.revertRelease("SHP-2", { reason: "lab revoked" })).status).toBe("reverted");
    expect([await pending(), await licenceUsed()]).toEqual([0n, 0n]);

    expect((await service.release("SHP-2", { eventId: "rel-b" })).status).toBe("released");
    now = new Date(now.getTime() + context.reservationHoldMs + 1000);
    expect(await service.expireReleases()).toEqual({ expired: ["SHP-2"] });
    expect([await pending(), await licenceUsed()]).toEqual([0n, 0n]);
    await expectError(() => service.ship("SHP-2"), "illegal_transition", /cannot ship from status `expired`/);
    expect((await service.release("SHP-2", { eventId: "rel-c" })).status).toBe("released");
    expect((await verifyAudit(env.store())).ok).toBe(true);
  });
});

forEachDriver("shipment path with evidence records", (env) => {
  it("writes the Chinese import approval down at release and restores it on cancel", async () => {
    let counter = 0;
    const context = shipmentContextOn(env.store(), { clock, newId: () => `r-${++counter}` });
    const service = new ShipmentService(context);
    const evidence = new EvidenceService(
      sqlEvidenceContext(env.store(), { evaluator: context.evaluator, clock, appendAudit }),
    );
    for (const party of parties) await service.addParty(party);
    await service.createOrder({ ...order, id: "ord-r", quantityUnits: 100, valueCents: "270000000" });
    await context.ledger.usPost(capPolicyDefault, {
      id: "us-r",
      productId: "nvidia-h200-sxm",
      units: 1000n,
      shippedOn: "2026-01-20",
    });
    await recordExampleEvidence(context.evidence, "ord-r", [], { approval: false });
    const approval = {
      id: "MOFCOM-R",
      importerId: "alibaba-cloud",
      importer: "Alibaba Cloud Computing Co., Ltd.",
      authority: "MOFCOM",
      approvedOn: "2026-01-28",
      validFrom: "2026-01-28",
      validTo: "2026-12-31",
      approvedUnits: 150,
      purpose: "commercial-cloud",
    };
    expect((await evidence.recordImportApproval(approval)).status).toBe("created");
    expect((await service.apply("ord-r", { id: "app-r" })).decision.decision).toBe("approve");
    await service.grantLicence({ id: "lic-r", applicationId: "app-r", expiresOn: "2027-01-31" });
    await service.planShipment({
      id: "SHP-R",
      orderId: "ord-r",
      quantityUnits: 100,
      serials: [{ prefix: "R-", first: 1, last: 100 }],
    });
    await certifyShipment(context.evidence, "SHP-R");
    await recordExampleEvidence(context.evidence, "ord-r", ["SHP-R"], { approval: false });
    const used = async () =>
      (
        await env
          .store()
          .query<{ used_units: bigint }>("SELECT used_units FROM cn_import_approvals WHERE id = 'MOFCOM-R'")
      ).rows[0]?.used_units;

    expect((await service.release("SHP-R", {})).status).toBe("released");
    expect(await used()).toBe(100n);
    expect((await service.cancel("SHP-R", { reason: "buyer withdrew" })).status).toBe("cancelled");
    expect(await used()).toBe(0n);
    expect((await verifyAudit(env.store())).ok).toBe(true);
  });
});

forEachDriver("lab certificate filed as a document", (env) => {
  const forged = (shipmentId: string) => ({
    labCertificate: { ...example.evidence.labCertificate, shipmentId, signatureVerified: true },
  });

  it("refuses a certificate in PUT evidence, pointing to the submission route, and changes nothing", async () => {
    let counter = 0;
    const context = shipmentContextOn(env.store(), { clock, newId: () => `f-${++counter}` });
    const service = new ShipmentService(context);
    for (const party of parties) await service.addParty(party);
    await service.createOrder({ ...order, id: "ord-f" });
    const statements = { usBuyerNotice: { noticeOn: "2026-01-20" } };
    await service.setOrderEvidence("ord-f", statements);
    const before = (await readAudit(env.store())).length;
    const stored = async () =>
      (await env.store().query<{ evidence: unknown }>("SELECT evidence FROM orders WHERE id = 'ord-f'"))
        .rows[0]?.evidence;
    const evidenceBefore = await stored();
    await expectError(
      () => service.setOrderEvidence("ord-f", { ...statements, ...forged("SHP-F") }),
      "evidence_not_yours",
      /evidence for order `ord-f` at `labCertificate`: asserted only by a qualified lab .*POST \/v1\/certificates \(`sluice lab submit`\)/,
    );
    // Each other authority's evidence is refused the same way, naming the field and its authority.
    const { labCertificate: _lab, ...others } = example.evidence as Record<string, unknown>;
    const authorities: Record<string, RegExp> = {
      dutyEntry: /US customs \(CBP\).*POST \/v1\/duty-entries/,
      payment: /the exporter .*POST \/v1\/payments/,
      cnImportApproval: /the Chinese import authority .*POST \/v1\/import-approvals/,
    };
    for (const [field, value] of Object.entries(others)) {
      const where = new RegExp(`at \`${field}\`: asserted only by .*${authorities[field]?.source ?? ""}`);
      await expectError(
        () => service.setOrderEvidence("ord-f", { [field]: value }),
        "evidence_not_yours",
        where,
      );
      await expectError(
        () => service.setShipmentEvidence("no-such-shipment", { [field]: value }),
        "evidence_not_yours",
        where,
      );
    }
    expect(Object.keys(others).sort()).toEqual(Object.keys(authorities).sort());
    expect(await stored()).toEqual(evidenceBefore);
    expect((await readAudit(env.store())).length).toBe(before);
  });

  it("holds a release whose only certificate is a document claiming a verified signature", async () => {
    let counter = 0;
    const context = shipmentContextOn(env.store(), { clock, newId: () => `g-${++counter}` });
    const service = new ShipmentService(context);
    for (const party of parties) await service.addParty(party);
    await service.createOrder({ ...order, id: "ord-g", quantityUnits: 100, valueCents: "270000000" });
    await context.ledger.usPost(capPolicyDefault, {
      id: "us-g",
      productId: "nvidia-h200-sxm",
      units: 1000n,
      shippedOn: "2026-01-20",
    });
    await recordExampleEvidence(context.evidence, "ord-g");
    expect((await service.apply("ord-g", { id: "app-g" })).decision.decision).toBe("approve");
    await service.grantLicence({ id: "lic-g", applicationId: "app-g", expiresOn: "2027-01-31" });
    const serials = [{ prefix: "G-", first: 1, last: 100 }];
    await service.planShipment({ id: "SHP-G", orderId: "ord-g", quantityUnits: 100, serials });
    await recordExampleEvidence(context.evidence, "ord-g", ["SHP-G"]);
    // A row written before documents refused certificates: the claim must not count.
    await env
      .store()
      .query("UPDATE shipments SET evidence = $2 WHERE id = $1", ["SHP-G", JSON.stringify(forged("SHP-G"))]);

    const held = await service.release("SHP-G", { eventId: "rel-g1" });
    expect(held.status).toBe("decision_hold");
    const { rows } = await env
      .store()
      .query<{ result: { decidingRuleIds: string[]; findings: Finding[] } }>(
        "SELECT result FROM decisions WHERE shipment_id = 'SHP-G'",
      );
    const decision = rows[0]?.result;
    expect(decision?.decidingRuleIds).toEqual(["us-bis-2026.c9-lab-test"]);
    const lab = decision?.findings.find((f) => f.ruleId === "us-bis-2026.c9-lab-test");
    // The document on file counts for nothing: no certificate is on record yet.
    expect(lab).toMatchObject({ status: "pending" });
    const [account] = await context.ledger.accounts("units/product:nvidia-h200-sxm");
    expect(account?.cnPending).toBe(0n);

    // The signed certificate, submitted, takes the document's place; its check is Sluice's own.
    await certifyShipment(context.evidence, "SHP-G");
    expect((await service.release("SHP-G", { eventId: "rel-g2" })).status).toBe("released");
    const { rows: released } = await env
      .store()
      .query<{ result: { findings: Finding[] } }>(
        "SELECT result FROM decisions WHERE shipment_id = 'SHP-G' AND decision = 'approve'",
      );
    const passed = released[0]?.result.findings.find((f) => f.ruleId === "us-bis-2026.c9-lab-test");
    expect(passed?.status).toBe("pass");
    expect(passed?.message).not.toMatch(/asserted/);
  });
});
