// The reserve half of bench/http.ts: builds shipments ready to release through the real use cases
// (parties, US shipments that credit the cap, orders with their evidence, applications approved,
// licences, shipments certified by a registered lab with signed certificates, duty entries), then
// autocannon sends POST /v1/shipments/{id}/release once per shipment, a different shipment per
// request, and the store is checked afterwards: the released shipments, the pending reservations
// and the ledger accounts agree with the accepted answers, and the audit chain verifies.
// The cap is set below the total asked for, so some releases are refused (`exceeds_cap` or a
// `decision_hold` from the cap rule): those are answers, counted apart from errors.
import { createHash, generateKeyPairSync } from "node:crypto";
import autocannon from "autocannon";
import { verifyAudit } from "../src/adapters/db/audit.ts";
import type { Store } from "../src/adapters/db/store.ts";
import { createToken, systemTokenFactory } from "../src/adapters/db/tokens.ts";
import { EvidenceService } from "../src/app/evidence/service.ts";
import { ensureBundledLists } from "../src/app/screening/versions.ts";
import { seedParties } from "../src/app/seed/story.ts";
import { ShipmentService } from "../src/app/shipments/service.ts";
import { screeningOn, shipmentContextOn } from "../src/compose.ts";
import { keyIdOf, signCertificate } from "../src/core/evidence/certificate.ts";
import { draftCertificate } from "../src/core/evidence/issue.ts";
import { capPolicyDefault } from "../src/core/ledger/cap-policy.ts";

const day = "2026-02-02";
const unitsPerShipment = 10;
const shipmentsPerOrder = 250;
/** The cap lets this share of the units asked for through (the rest is refused). */
const capSharePercent = 90n;
const unitPriceCents = 2_700_000n;
const buyer = "alibaba-cloud";

export interface ReleaseSetup {
  shipmentIds: string[];
  secret: string;
  setupMs: number;
}

/** Creates `count` shipments ready to release, and an admin token; returns their ids. */
export async function setUpReleases(store: Store, count: number): Promise<ReleaseSetup> {
  const started = performance.now();
  const clock = () => new Date();
  await ensureBundledLists(screeningOn(store, clock)());
  const context = shipmentContextOn(store, { clock });
  const service = new ShipmentService(context);
  for (const party of seedParties.filter((p) => p.id === "nvidia" || p.id === buyer)) {
    await service.addParty(party);
  }
  // Each order must fit under the cap on its own to be approved; all of them together do not.
  const askedUnits = BigInt(count * unitsPerShipment);
  const orderUnitsMax = BigInt(Math.min(count, shipmentsPerOrder) * unitsPerShipment);
  const capUnits = (askedUnits * capSharePercent) / 100n;
  const usUnits = 2n * (capUnits > orderUnitsMax ? capUnits : orderUnitsMax);
  await context.ledger.usPost(capPolicyDefault, {
    id: "us-bench-1",
    productId: "nvidia-h200-sxm",
    units: usUnits,
    shippedOn: "2026-01-16",
    customer: "bench",
  });
  const lab = await registerLab(context);
  // Each authority's evidence through its own use case (issue #13: never inside an evidence document).
  const evidence = new EvidenceService(context.evidence);
  const shipmentIds: string[] = [];
  for (let first = 0; first < count; first += shipmentsPerOrder) {
    const orderId = `ord-bench-${first / shipmentsPerOrder + 1}`;
    const shipments = Math.min(shipmentsPerOrder, count - first);
    await approvedOrder(service, evidence, orderId, shipments * unitsPerShipment);
    for (let n = 1; n <= shipments; n++) {
      const id = `${orderId}-s${n}`;
      const firstSerial = (n - 1) * unitsPerShipment + 1;
      await service.planShipment({
        id,
        orderId,
        quantityUnits: unitsPerShipment,
        serials: [
          { prefix: `${orderId}-H200-`, first: firstSerial, last: firstSerial + unitsPerShipment - 1 },
        ],
      });
      await lab.certify(id);
      await recordDuty(evidence, id);
      shipmentIds.push(id);
    }
  }
  const { secret } = await createToken(store, clock, systemTokenFactory, { role: "admin", label: "bench" });
  return { shipmentIds, secret, setupMs: performance.now() - started };
}

async function approvedOrder(
  service: ShipmentService,
  evidence: EvidenceService,
  orderId: string,
  units: number,
): Promise<void> {
  const value = (unitPriceCents * BigInt(units)).toString();
  await service.createOrder({
    id: orderId,
    productId: "nvidia-h200-sxm",
    quantityUnits: units,
    valueCents: value,
    exporterId: "nvidia",
    consigneeId: buyer,
    endUserId: buyer,
    route: { origin: "TW", exportFrom: "US", destination: "CN" },
    endUse: { purpose: "commercial-cloud" },
    usShippedUnits: 250_000,
  });
  const money = { orderId, amountCents: value };
  must("invoice", await evidence.invoice({ id: `INV-${orderId}`, ...money, issuedOn: "2026-01-26" }));
  must("payment", await evidence.pay({ id: `PAY-${orderId}`, ...money, paidOn: "2026-01-27" }));
  must(
    "import approval",
    await evidence.recordImportApproval({
      id: `MOFCOM-2026-${orderId}`,
      importerId: buyer,
      importer: "Alibaba Cloud Computing Co., Ltd.",
      authority: "MOFCOM",
      approvedOn: "2026-01-28",
      validFrom: "2026-01-28",
      validTo: "2026-12-31",
      approvedUnits: units,
      purpose: "commercial-cloud",
    }),
  );
  const applied = await service.apply(orderId, { id: `${orderId}:application` });
  if (applied.decision.decision !== "approve") {
    const failing = applied.decision.findings.filter(
      (f) => f.status !== "pass" && f.status !== "not_applicable",
    );
    throw new Error(
      `bench order ${orderId}: ${applied.decision.decision}: ${JSON.stringify(failing.map((f) => [f.ruleId, f.status, f.message]))}`,
    );
  }
  await service.grantLicence({
    id: `lic-${orderId}`,
    applicationId: `${orderId}:application`,
    expiresOn: "2027-02-01",
  });
}

/** A lab with a fresh key, registered; `certify` signs and submits a certificate for a lot. */
async function registerLab(context: ReturnType<typeof shipmentContextOn>) {
  const evidence = new EvidenceService(context.evidence);
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const labId = "lab-bench";
  await evidence.registerLab({
    id: labId,
    name: "Bench Semiconductor Test Laboratory",
    headquartersCountry: "US",
    qualifiedFrom: "2026-01-15",
    publicKey: publicKey.export({ type: "spki", format: "pem" }).toString(),
  });
  const plan = evidence.certificateRules(day).samplingPlan;
  return {
    async certify(shipmentId: string): Promise<void> {
      const shipment = await evidence.shipment(shipmentId);
      if (!shipment) throw new Error(`bench shipment ${shipmentId} is missing`);
      const body = draftCertificate({
        id: `LAB-${shipmentId}`,
        labId,
        keyId: keyIdOf(publicKey),
        shipment: { ...shipment, productId: "nvidia-h200-sxm" },
        nonce: createHash("sha256").update(shipmentId).digest("hex").slice(0, 16),
        testCountry: "US",
        testedOn: "2026-01-30",
        measured: { denseTops: { fp8: 1975.2, fp16: 987.1 }, dramBandwidthGBs: 4790 },
        plan,
      });
      const result = await evidence.submitCertificate(signCertificate(body, privateKey), { at: day });
      if (result.status !== "ok") throw new Error(`bench certificate for ${shipmentId}: ${result.status}`);
    },
  };
}

/** A set-up step that is refused is a bug in the bench. */
function must(what: string, result: { status: string }): void {
  if (result.status !== "created" && result.status !== "exists")
    throw new Error(`bench ${what}: ${result.status}`);
}

/** US customs records the lot's entry and the Section 232 duty paid on it. */
async function recordDuty(evidence: EvidenceService, shipmentId: string): Promise<void> {
  const entry = await evidence.recordDutyEntry({
    id: `ENTRY-${shipmentId}`,
    shipmentId,
    enteredOn: "2026-01-27",
    htsCode: "8471.50",
    enteredValueCents: (2_000_000n * BigInt(unitsPerShipment)).toString(),
  });
  must("duty entry", entry);
  must(
    "duty payment",
    await evidence.payDuty({
      id: `DUTY-${shipmentId}`,
      entryId: entry.entryId,
      paidOn: "2026-01-27",
      amountCents: entry.dutyOwedCents.toString(),
    }),
  );
}

export interface ReleaseFigures {
  requestsPerS: number;
  acceptedPerS: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Answers by HTTP status and the use case's status (`200 released`, `200 exceeds_cap`, …). */
  answers: Record<string, number>;
  accepted: number;
  errors: number;
}

/** POST /v1/shipments/{id}/release once per shipment over `connections` connections. */
export async function runReleases(
  url: string,
  setup: ReleaseSetup,
  connections: number,
): Promise<ReleaseFigures> {
  const ids = setup.shipmentIds;
  let next = 0;
  const answers: Record<string, number> = {};
  const result = await autocannon({
    url,
    connections,
    amount: ids.length,
    // A timed-out request would be counted as an error while the server still commits it.
    timeout: 300,
    headers: { authorization: `Bearer ${setup.secret}`, "content-type": "application/json" },
    requests: [
      {
        method: "POST",
        setupRequest: (request) => {
          const id = ids[next++ % ids.length] ?? "";
          return {
            ...request,
            path: `/v1/shipments/${id}/release`,
            headers: { ...request.headers, "idempotency-key": `bench-release-${id}` },
            body: "{}",
          };
        },
        onResponse: (status, body) => {
          let outcome = "";
          try {
            outcome = String((JSON.parse(body) as { status?: unknown; code?: unknown }).status ?? "");
            if (status >= 400) outcome = String((JSON.parse(body) as { code?: unknown }).code ?? "");
          } catch {
            outcome = "unreadable";
          }
          const key = `${status} ${outcome}`;
          answers[key] = (answers[key] ?? 0) + 1;
        },
      },
    ],
  });
  const accepted = answers["200 released"] ?? 0;
  const seconds = result.duration;
  return {
    requestsPerS: Math.round(result.requests.total / seconds),
    acceptedPerS: Math.round(accepted / seconds),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    answers,
    accepted,
    errors: result.errors,
  };
}

/**
 * After the run: what the store holds agrees with the answers and the audit chain verifies; the
 * answer says so, or starts with CHECK FAILED and says what disagrees.
 */
export async function checkReleases(store: Store, accepted: number): Promise<string> {
  const released = await store.query<{ n: bigint; units: bigint }>(
    "SELECT count(*) AS n, coalesce(sum(quantity_units), 0) AS units FROM shipments WHERE status = 'released'",
  );
  const reserved = await store.query<{ n: bigint; units: bigint }>(
    "SELECT count(*) AS n, coalesce(sum(units), 0) AS units FROM ledger_reservations WHERE state = 'pending'",
  );
  const accounts = await store.query<{ us: bigint; cn: bigint; ratio: number }>(
    "SELECT us_posted AS us, cn_pending + cn_posted AS cn, ratio_percent AS ratio FROM ledger_accounts WHERE starts_with(id, 'units/')",
  );
  const audit = await verifyAudit(store);
  const expectedUnits = BigInt(accepted * unitsPerShipment);
  const problems: string[] = [];
  if (Number(released.rows[0]?.n) !== accepted)
    problems.push(`${released.rows[0]?.n} shipments released, ${accepted} accepted`);
  if (reserved.rows[0]?.units !== expectedUnits)
    problems.push(`${reserved.rows[0]?.units} units reserved, ${expectedUnits} accepted`);
  for (const account of accounts.rows)
    if (100n * account.cn > BigInt(account.ratio) * account.us)
      problems.push(`account over the cap: ${account.cn} of ${account.us}`);
  if (!audit.ok) problems.push(`audit chain: ${JSON.stringify(audit)}`);
  if (problems.length > 0) return `CHECK FAILED: ${problems.join("; ")}`;
  const account = accounts.rows[0];
  return `checked: ${accepted} shipments released = ${reserved.rows[0]?.n} pending reservations of ${expectedUnits} units; China ${account?.cn ?? "?"} of US ${account?.us ?? "?"} units (cap 50 %); audit chain of ${audit.ok ? audit.count : "?"} entries verifies`;
}
