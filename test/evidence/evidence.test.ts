// The evidence gates over the store, on both drivers: labs and signed certificates (each rejection
// with its own status and no change), Section 232 entries and duty, prepayment to the cent, import
// approvals written down per shipment, lab revocation reverting releases, forfeiture, and the
// dossier's evidence section built from the records and evaluated under the shipped rulebooks.

import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { expect, it } from "vitest";
import { auditHead, systemAudit, verifyAudit } from "../../src/adapters/db/audit.ts";
import { sqlEvidenceReports } from "../../src/adapters/db/evidence/reports-sql.ts";
import { sqlEvidenceContext, sqlEvidenceTransactor } from "../../src/adapters/db/evidence/repository.ts";
import type { Store } from "../../src/adapters/db/store.ts";
import { evidenceTables } from "../../src/app/evidence/ports.ts";
import { dutyTotals } from "../../src/app/evidence/reports.ts";
import { EvidenceService } from "../../src/app/evidence/service.ts";
import {
  approvalRequired,
  forfeitPayments,
  restoreApproval,
  writeDownApproval,
} from "../../src/app/evidence/shipment-hooks.ts";
import { evidenceView } from "../../src/app/evidence/view.ts";
import { ShipmentService } from "../../src/app/shipments/service.ts";
import { shipmentContextOn } from "../../src/compose.ts";
import { parseDossier } from "../../src/core/dossier/schema.ts";
import { SluiceError } from "../../src/core/errors.ts";
import { type CertificateBody, keyIdOf, signCertificate } from "../../src/core/evidence/certificate.ts";
import { draftCertificate } from "../../src/core/evidence/issue.ts";
import { z14GeneralLevelII } from "../../src/core/evidence/sampling.ts";
import { centsMax } from "../../src/core/shared.ts";
import type { SerialRange } from "../../src/core/shipments/model.ts";
import { exampleJson, sharedEvaluator } from "../support/dossiers.ts";
import { forEachDriver } from "../support/drivers.ts";

/** The audit appender tests act through: the system, as the seeder and sweeps do. */
const appendAudit = systemAudit("test");

const at = "2026-02-01";
const clock = () => new Date("2026-02-01T12:00:00Z");
const example = exampleJson("h200-alibaba-approvable.json") as {
  parties: Record<string, Record<string, unknown>>;
};
const austin = generateKeyPairSync("ed25519");
const boston = generateKeyPairSync("ed25519");
const mallory = generateKeyPairSync("ed25519");
const pem = (key: KeyObject) => key.export({ type: "spki", format: "pem" }).toString();

const parties = [
  { ...example.parties.exporter, id: "nvidia" },
  { ...example.parties.consignee, id: "alibaba-cloud" },
  {
    name: "China Grid Compute Co.",
    country: "CN",
    sector: "state-owned-enterprise",
    certifications: [],
    id: "grid-soe",
  },
];
const order = (id: string, endUserId = "alibaba-cloud", quantityUnits = 1000) => ({
  id,
  productId: "nvidia-h200-sxm",
  quantityUnits,
  valueCents: String(BigInt(quantityUnits) * 2_700_000n),
  exporterId: "nvidia",
  consigneeId: "alibaba-cloud",
  endUserId,
  route: { origin: "TW", exportFrom: "US", destination: "CN" },
  endUse: { purpose: "commercial-cloud" as const },
  usShippedUnits: 250000,
});
const shipments: { id: string; orderId: string; units: number; serials: SerialRange[] }[] = [
  { id: "SHP-1", orderId: "ord-1", units: 1000, serials: [{ prefix: "H200-", first: 1, last: 1000 }] },
  { id: "SHP-2", orderId: "ord-1", units: 500, serials: [{ prefix: "H200-", first: 1001, last: 1500 }] },
  { id: "SHP-3", orderId: "ord-2", units: 10, serials: [{ prefix: "H200-", first: 2001, last: 2010 }] },
];

async function seed(store: Store) {
  // Parties and orders through the shipment path's own use cases; shipments without a licence, directly.
  const shipmentService = new ShipmentService(shipmentContextOn(store, { clock }));
  for (const party of parties) await shipmentService.addParty(party);
  await shipmentService.createOrder(order("ord-1", "alibaba-cloud", 1500));
  await shipmentService.createOrder(order("ord-2", "grid-soe", 10));
  await store.transaction(async (tx) => {
    for (const s of shipments) {
      await tx.query(
        `INSERT INTO shipments (id, order_id, quantity_units, value_cents, status, serials, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'planned', $5, $6, $6)`,
        [s.id, s.orderId, s.units, BigInt(s.units) * 2_700_000n, JSON.stringify(s.serials), clock()],
      );
    }
  });
}

/** A unit of work of the evidence repos on `store`, for the hooks the shipment path calls. */
const unit = (store: Store) => sqlEvidenceTransactor(store, appendAudit);

const service = (store: Store) =>
  new EvidenceService(sqlEvidenceContext(store, { evaluator: sharedEvaluator, clock, appendAudit }));

const lab = (id: string, keys: { publicKey: KeyObject }, extra: Record<string, unknown> = {}) => ({
  id,
  name: `${id} Test Laboratory`,
  headquartersCountry: "US",
  publicKey: pem(keys.publicKey),
  qualifiedFrom: "2026-01-15",
  ...extra,
});

function certificate(
  shipmentIndex: number,
  labId: string,
  keys: { publicKey: KeyObject; privateKey: KeyObject },
  overrides: Partial<CertificateBody> = {},
  signWith: KeyObject = keys.privateKey,
) {
  const s = shipments[shipmentIndex];
  if (!s) throw new Error("no such shipment");
  const body = draftCertificate({
    id: `CERT-${s.id}-${labId}`,
    labId,
    keyId: keyIdOf(keys.publicKey),
    shipment: { id: s.id, productId: "nvidia-h200-sxm", quantityUnits: s.units, serials: s.serials },
    nonce: "a1b2c3d4e5f60718",
    testCountry: "US",
    testedOn: "2026-01-29",
    measured: { denseTops: { fp8: 1979, fp16: 989.5 }, dramBandwidthGBs: 4800 },
    plan: z14GeneralLevelII,
  });
  return signCertificate({ ...body, ...overrides }, signWith);
}

/** Row counts of every evidence table and the audit chain length: "changes nothing" means equal. */
async function snapshot(store: Store) {
  const counts: Record<string, unknown> = {};
  for (const table of evidenceTables) {
    const {
      rows: [row],
    } = await store.query<{ n: bigint; sum: string }>(
      `SELECT COUNT(*) AS n, md5(COALESCE(string_agg(t::text, '|' ORDER BY t::text), '')) AS sum FROM ${table} t`,
    );
    counts[table] = `${row?.n}:${row?.sum}`;
  }
  counts.audit = (await auditHead(store)).seq;
  return counts;
}

async function dossierFor(store: Store, orderId: string, shipmentId: string) {
  const evidence = await unit(store).run((repos) => evidenceView(repos, orderId, shipmentId));
  const input = structuredClone(exampleJson("h200-alibaba-approvable.json")) as Record<string, unknown>;
  const s = shipments.find((x) => x.id === shipmentId);
  input.evidence = evidence;
  input.quantityUnits = s?.units;
  input.valueCents = String(BigInt(s?.units ?? 0) * 2_700_000n);
  input.exporterStatements = { usShippedUnits: 250000, shipmentId };
  return parseDossier(input, shipmentId);
}

function finding(dossier: ReturnType<typeof parseDossier>, ruleId: string) {
  const decision = sharedEvaluator.evaluate(dossier, at);
  const found = decision.findings.find((f) => f.ruleId === ruleId);
  if (!found) throw new Error(`no finding for ${ruleId}`);
  return found;
}

forEachDriver("evidence gates", (env) => {
  it("registers labs idempotently and refuses a bad key without a change", async () => {
    await seed(env.store());
    const evidence = service(env.store());
    const created = await evidence.registerLab(lab("lab-austin", austin));
    expect(created).toEqual({ status: "created", labId: "lab-austin", keyId: keyIdOf(austin.publicKey) });
    expect((await evidence.registerLab(lab("lab-austin", austin))).status).toBe("exists");
    expect((await evidence.registerLab(lab("lab-austin", austin, { name: "Other" }))).status).toBe(
      "exists_with_different_name",
    );
    expect((await evidence.registerLab(lab("lab-boston", boston))).status).toBe("created");
    expect((await evidence.registerLab(lab("lab-revoked", mallory))).status).toBe("created");
    const before = await snapshot(env.store());
    const bad = await evidence
      .registerLab({
        ...lab("lab-x", austin),
        publicKey: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
      })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(SluiceError);
    expect((bad as SluiceError).message).toBe(
      "lab `lab-x` at `publicKey`: not an Ed25519 public key in PEM (SPKI)",
    );
    const reused = await evidence.registerLab(lab("lab-copy", austin)).catch((e: unknown) => e);
    expect((reused as SluiceError).code).toBe("key_in_use");
    expect(await snapshot(env.store())).toEqual(before);
  });

  it("stores a certificate that passes every check, once", async () => {
    const evidence = service(env.store());
    const result = await evidence.submitCertificate(certificate(0, "lab-austin", austin), { at });
    expect(result).toMatchObject({
      status: "ok",
      certificateId: "CERT-SHP-1-lab-austin",
      shipmentId: "SHP-1",
    });
    const replay = await evidence.submitCertificate(certificate(0, "lab-austin", austin), { at });
    expect(replay.status).toBe("exists");
  });

  it("rejects each bad certificate with its own status and changes nothing", async () => {
    const evidence = service(env.store());
    await evidence.revokeLab({ labId: "lab-revoked", reason: "BIS notice 2026-07", revokedOn: "2026-01-30" });
    const before = await snapshot(env.store());
    const good = certificate(1, "lab-boston", boston);
    const text = JSON.stringify(good);
    const i = text.indexOf('"dramBandwidthGBs":4800') + '"dramBandwidthGBs":'.length;
    const oneByte = JSON.parse(`${text.slice(0, i)}5${text.slice(i + 1)}`);
    const cases: [string, unknown, { shipmentId?: string }][] = [
      ["bad_signature", certificate(1, "lab-boston", boston, {}, mallory.privateKey), {}],
      ["wrong_key", certificate(1, "lab-boston", mallory), {}],
      ["lab_revoked", certificate(1, "lab-revoked", mallory), {}],
      ["certificate_reused", certificate(0, "lab-austin", austin), { shipmentId: "SHP-2" }],
      [
        "measured_outside_box",
        certificate(1, "lab-boston", boston, {
          measured: { denseTops: { fp8: 2700 }, dramBandwidthGBs: 4800 },
          tpp: 21600,
        }),
        {},
      ],
      ["bad_signature", oneByte, {}],
      ["malformed", { ...good, signature: "AAAA" }, {}],
      [
        "sample_not_from_shipment",
        certificate(1, "lab-boston", boston, {
          sampledSerials: ["H200-1", ...good.certificate.sampledSerials.slice(1)],
        }),
        {},
      ],
    ];
    for (const [status, signed, options] of cases) {
      const result = await evidence.submitCertificate(signed, { at, ...options });
      expect(result.status, result.detail).toBe(status);
    }
    expect(await snapshot(env.store())).toEqual(before);
    expect((await evidence.submitCertificate(good, { at })).status).toBe("ok");
  });

  it("computes the duty at 25 % and holds release until it is paid", async () => {
    const evidence = service(env.store());
    const entry = {
      id: "ENTRY-1",
      shipmentId: "SHP-1",
      enteredOn: "2026-01-27",
      htsCode: "8471.50",
      enteredValueCents: "2000000001",
    };
    expect(await evidence.recordDutyEntry(entry)).toEqual({
      status: "created",
      entryId: "ENTRY-1",
      band: 1,
      dutyOwedCents: 500_000_000n,
    });
    expect((await evidence.recordDutyEntry({ ...entry, enteredValueCents: "1" })).status).toBe(
      "exists_with_different_entered_value_cents",
    );
    const unpaid = finding(await dossierFor(env.store(), "ord-1", "SHP-1"), "us-cbp-2026.section-232-duty");
    expect(unpaid.status).toBe("pending");
    expect(unpaid.message).toBe("duty on entry ENTRY-1 is short by US$5,000,000.00");
    expect(
      (
        await evidence.payDuty({
          id: "DP-1",
          entryId: "ENTRY-1",
          amountCents: "499999999",
          paidOn: "2026-01-28",
        })
      ).status,
    ).toBe("created");
    const before = await snapshot(env.store());
    expect(
      (await evidence.payDuty({ id: "DP-2", entryId: "ENTRY-1", amountCents: "2", paidOn: "2026-01-28" }))
        .status,
    ).toBe("exceeds_duty_owed");
    expect(await snapshot(env.store())).toEqual(before);
    const short = finding(await dossierFor(env.store(), "ord-1", "SHP-1"), "us-cbp-2026.section-232-duty");
    expect(short.status).toBe("pending");
    expect(short.remedy?.details).toEqual({ shortfallCents: "1" });
    expect(
      (await evidence.payDuty({ id: "DP-2", entryId: "ENTRY-1", amountCents: "1", paidOn: "2026-01-28" }))
        .status,
    ).toBe("created");
    expect(
      finding(await dossierFor(env.store(), "ord-1", "SHP-1"), "us-cbp-2026.section-232-duty").status,
    ).toBe("pass");
    const totals = await dutyTotals(sqlEvidenceReports(env.store()), {
      from: "2026-01-01",
      to: "2026-01-31",
      by: "range",
    });
    expect(totals.windows[0]?.total).toMatchObject({
      entries: 1,
      dutyOwedCents: 500_000_000n,
      dutyPaidCents: 500_000_000n,
      outstandingCents: 0n,
    });
  });

  it("holds release while prepayment is short by one cent", async () => {
    const evidence = service(env.store());
    const value = 1000n * 2_700_000n;
    expect(
      (
        await evidence.invoice({
          id: "INV-1",
          orderId: "ord-1",
          amountCents: String(value),
          issuedOn: "2026-01-20",
        })
      ).status,
    ).toBe("created");
    expect(
      (
        await evidence.pay({
          id: "PAY-1",
          orderId: "ord-1",
          amountCents: String(value - 1n),
          paidOn: "2026-01-21",
        })
      ).status,
    ).toBe("created");
    const short = finding(await dossierFor(env.store(), "ord-1", "SHP-1"), "exporter-terms-2026.prepayment");
    expect(short.status).toBe("pending");
    expect(short.message).toBe("prepayment short by US$0.01");
    expect(
      (await evidence.pay({ id: "PAY-1", orderId: "ord-1", amountCents: "1", paidOn: "2026-01-21" })).status,
    ).toBe("exists_with_different_amount_cents");
    expect(
      (await evidence.pay({ id: "PAY-2", orderId: "ord-1", amountCents: "1", paidOn: "2026-01-22" })).status,
    ).toBe("created");
    expect(
      finding(await dossierFor(env.store(), "ord-1", "SHP-1"), "exporter-terms-2026.prepayment").status,
    ).toBe("pass");
  });

  it("bounds the payments on an order by its value when written: two of centsMax change nothing", async () => {
    // Issue #13: two payments of 9223372036854775807 cents were accepted and every later release
    // failed; the order's total is checked on each write, so the first is refused already.
    const evidence = service(env.store());
    const head = await auditHead(env.store());
    for (const [id, kind] of [
      ["PAY-MAX-1", "payment"],
      ["PAY-MAX-2", "payment"],
      ["COL-MAX-1", "collateral"],
    ] as const) {
      const answer = await evidence.pay({
        id,
        orderId: "ord-1",
        amountCents: String(centsMax),
        paidOn: "2026-01-23",
        kind,
      });
      expect(answer).toEqual({ status: "exceeds_order_value", paymentId: id });
    }
    expect(await auditHead(env.store())).toEqual(head);
    expect(
      finding(await dossierFor(env.store(), "ord-1", "SHP-1"), "exporter-terms-2026.prepayment").status,
    ).toBe("pass");
  });

  it("writes shipments down on the approval; exhausted and excluded end users change nothing", async () => {
    const evidence = service(env.store());
    const approval = {
      id: "MOFCOM-7",
      importerId: "alibaba-cloud",
      importer: "Alibaba Cloud Computing Co., Ltd.",
      authority: "MOFCOM",
      approvedOn: "2026-01-28",
      validFrom: "2026-01-28",
      validTo: "2026-12-31",
      approvedUnits: 1200,
      purpose: "commercial-cloud",
    };
    expect((await evidence.recordImportApproval(approval)).status).toBe("created");
    expect((await evidence.recordImportApproval({ ...approval, approvedUnits: 5 })).status).toBe(
      "exists_with_different_approved_units",
    );
    const time = { on: at, at: clock() };
    const store = env.store();
    expect(await unit(store).run((repos) => writeDownApproval(repos, "ord-1", "SHP-1", 1000, time))).toEqual({
      status: "ok",
      approvalId: "MOFCOM-7",
    });
    expect(
      (await unit(store).run((repos) => writeDownApproval(repos, "ord-1", "SHP-1", 1000, time))).status,
    ).toBe("exists");
    const before = await snapshot(store);
    expect(await unit(store).run((repos) => writeDownApproval(repos, "ord-1", "SHP-2", 500, time))).toEqual({
      status: "approval_exhausted",
      approvalId: "MOFCOM-7",
    });
    expect(await unit(store).run((repos) => writeDownApproval(repos, "ord-2", "SHP-3", 10, time))).toEqual({
      status: "end_user_excluded",
      approvalId: "MOFCOM-7",
    });
    expect(await snapshot(store)).toEqual(before);
    // The rule says the same: SHP-2 would exhaust the approval (and then no write-down is due).
    expect(approvalRequired(sharedEvaluator.evaluate(await dossierFor(store, "ord-1", "SHP-2"), at))).toBe(
      false,
    );
    expect(approvalRequired(sharedEvaluator.evaluate(await dossierFor(store, "ord-1", "SHP-1"), at))).toBe(
      true,
    );
    const exhausted = finding(
      await dossierFor(store, "ord-1", "SHP-2"),
      "cn-import-2026-01-28.import-approval",
    );
    expect(exhausted.status).toBe("fail");
    expect(exhausted.message).toBe("approval MOFCOM-7 would be exhausted: 1500 of 1200 units");
    // Cancelling SHP-1 gives its units back; SHP-2 then fits.
    expect((await unit(store).run((repos) => restoreApproval(repos, "SHP-1", time))).status).toBe("restored");
    expect(
      (await unit(store).run((repos) => writeDownApproval(repos, "ord-1", "SHP-2", 500, time))).status,
    ).toBe("ok");
    expect(
      (await unit(store).run((repos) => writeDownApproval(repos, "ord-1", "SHP-1", 1000, time))).status,
    ).toBe("approval_exhausted");
  });

  it("builds the dossier's evidence section from the records", async () => {
    const evidence = service(env.store());
    expect(
      (
        await evidence.recordDomesticPurchase({
          id: "DP-ASCEND-1",
          importerId: "alibaba-cloud",
          vendor: "huawei-ascend",
          product: "Ascend 910C",
          units: 300,
          purchasedOn: "2026-01-25",
        })
      ).status,
    ).toBe("created");
    expect(
      (
        await evidence.recordDomesticPurchase({
          id: "DP-CAMB-1",
          importerId: "alibaba-cloud",
          vendor: "cambricon",
          product: "MLU590",
          units: 200,
          purchasedOn: "2026-01-26",
        })
      ).status,
    ).toBe("created");
    const view = await evidence.view("ord-1", "SHP-2");
    const cert = certificate(1, "lab-boston", boston).certificate;
    expect(view).toEqual({
      labCertificate: {
        id: "CERT-SHP-2-lab-boston",
        lab: {
          id: "lab-boston",
          name: "lab-boston Test Laboratory",
          headquartersCountry: "US",
          qualifiedFrom: "2026-01-15",
        },
        shipmentId: "SHP-2",
        testCountry: "US",
        testedOn: "2026-01-29",
        sampledSerials: cert.sampledSerials,
        measured: { denseTops: { fp8: 1979, fp16: 989.5 }, dramBandwidthGBs: 4800 },
        signatureVerified: true,
      },
      payment: { invoicedCents: "2700000000", paidCents: "2700000000", collateralCents: "0" },
      cnImportApproval: {
        id: "MOFCOM-7",
        authority: "MOFCOM",
        importer: "Alibaba Cloud Computing Co., Ltd.",
        approvedOn: "2026-01-28",
        validFrom: "2026-01-28",
        validTo: "2026-12-31",
        approvedUnits: 1200,
        usedUnits: 0,
        purpose: "commercial-cloud",
        conditions: [],
      },
      domesticPurchases: { units: 500, reference: "2 recorded purchase(s)" },
    });
    expect(cert.sampledSerials).toHaveLength(50);
    const order2 = await evidence.view("ord-2", null);
    expect(order2).toEqual({
      domesticPurchases: { units: 500, reference: "2 recorded purchase(s)" },
      cnImportApproval: expect.objectContaining({ id: "MOFCOM-7", usedUnits: 500 }),
    });
  });

  it("revokes a lab: released lots relying on it go back through the callback; payments forfeit, never refund", async () => {
    const store = env.store();
    const evidence = service(store);
    await store.query("UPDATE shipments SET status = 'released' WHERE id IN ('SHP-1', 'SHP-2')");
    const calls: [string, string][] = [];
    const revert = async (shipmentId: string, reason: string) => {
      calls.push([shipmentId, reason]);
      await store.query("UPDATE shipments SET status = 'planned' WHERE id = $1", [shipmentId]);
    };
    const result = await evidence.revokeLab(
      { labId: "lab-austin", reason: "conflict of interest", revokedOn: at },
      revert,
    );
    expect(result).toEqual({ status: "revoked", certificatesRevoked: 1, reverted: ["SHP-1"] });
    expect(calls).toEqual([["SHP-1", "lab lab-austin revoked on 2026-02-01: conflict of interest"]]);
    const view = await evidence.view("ord-1", "SHP-1");
    expect(view?.labCertificate).toMatchObject({ signatureVerified: false, lab: { revokedOn: at } });
    expect(finding(await dossierFor(store, "ord-1", "SHP-1"), "us-bis-2026.c9-lab-test")).toMatchObject({
      status: "fail",
      message: expect.stringMatching(/revoked on 2026-02-01/),
    });
    // A replay retries the reverts (none left) and changes nothing.
    const before = await snapshot(store);
    expect(
      await evidence.revokeLab(
        { labId: "lab-austin", reason: "conflict of interest", revokedOn: at },
        revert,
      ),
    ).toEqual({ status: "exists", certificatesRevoked: 0, reverted: [] });
    expect(
      (await evidence.revokeLab({ labId: "lab-austin", reason: "other", revokedOn: at }, revert)).status,
    ).toBe("exists_with_different_revocation_reason");
    expect(await snapshot(store)).toEqual(before);
    // The lot can be tested again by another lab now that its certificate is revoked.
    expect((await evidence.submitCertificate(certificate(0, "lab-boston", boston), { at })).status).toBe(
      "ok",
    );

    const time = { at: clock() };
    const forfeited = await unit(store).run((repos) =>
      forfeitPayments(repos, "ord-1", "licence-revoked", time),
    );
    expect(forfeited).toEqual({
      status: "forfeited",
      forfeitureId: "ord-1:forfeit:1",
      amountCents: 2_700_000_000n,
    });
    expect(
      (await unit(store).run((repos) => forfeitPayments(repos, "ord-1", "licence-revoked", time))).status,
    ).toBe("nothing_to_forfeit");
    expect((await evidence.view("ord-1", null))?.payment).toEqual({
      invoicedCents: "2700000000",
      paidCents: "0",
      collateralCents: "0",
    });
    expect((await verifyAudit(store)).ok).toBe(true);
  });

  it("reverts a release through the shipment path's own revertRelease", async () => {
    const store = env.store();
    const evidence = service(store);
    const chicago = generateKeyPairSync("ed25519");
    expect((await evidence.registerLab(lab("lab-chicago", chicago))).status).toBe("created");
    expect((await evidence.submitCertificate(certificate(2, "lab-chicago", chicago), { at })).status).toBe(
      "ok",
    );
    await store.query("UPDATE shipments SET status = 'released' WHERE id = 'SHP-3'");
    const shipmentService = new ShipmentService(shipmentContextOn(store, { clock }));
    const result = await evidence.revokeLab(
      { labId: "lab-chicago", reason: "lost accreditation", revokedOn: at },
      (shipmentId, reason) => shipmentService.revertRelease(shipmentId, { reason }),
    );
    expect(result).toEqual({ status: "revoked", certificatesRevoked: 1, reverted: ["SHP-3"] });
    const {
      rows: [shipment],
    } = await store.query<{ status: string }>("SELECT status FROM shipments WHERE id = 'SHP-3'");
    expect(shipment?.status).toBe("planned");
    const { rows: events } = await store.query<{ action: string; details: { reason: string } }>(
      "SELECT action, details FROM shipment_events WHERE shipment_id = 'SHP-3'",
    );
    expect(events).toEqual([
      { action: "revert", details: { reason: "lab lab-chicago revoked on 2026-02-01: lost accreditation" } },
    ]);
    expect((await verifyAudit(store)).ok).toBe(true);
  });
});
