// Test support for custody: a licensed, planned shipment of the importer `alibaba-cloud` with its
// serials, built through the shipment use cases (as the matrix samples do), the demo lab, and the
// custody services over the SQL custody store with a settable clock.

import { systemAudit } from "../../src/adapters/db/audit.ts";
import { sqlEvidenceContext } from "../../src/adapters/db/evidence/repository.ts";

const appendAudit = systemAudit("test");

import { sqlCustodyStore } from "../../src/adapters/db/custody/store.ts";
import type { Store } from "../../src/adapters/db/store.ts";
import { AlertService } from "../../src/app/custody/alerts.ts";
import { CustodyService } from "../../src/app/custody/custody.ts";
import { HeartbeatIngest } from "../../src/app/custody/ingest.ts";
import type { Actor } from "../../src/app/custody/ports.ts";
import { keyPairOf, signDeviceKeys } from "../../src/app/custody/sign.ts";
import { demoLabKey, registerDemoLab } from "../../src/app/seed/demo.ts";
import { ShipmentService } from "../../src/app/shipments/service.ts";
import { custodyRules, shipmentContextOn } from "../../src/compose.ts";
import { capPolicyDefault } from "../../src/core/ledger/cap-policy.ts";
import { exampleJson, sharedEvaluator } from "../support/dossiers.ts";

export const importerId = "alibaba-cloud";
export const labId = "lab-test";

const example = exampleJson("h200-alibaba-approvable.json") as {
  parties: Record<string, { certifications: unknown[] } & Record<string, unknown>>;
};

/** A clock the test moves. */
export function testClock(start = "2026-12-06T10:00:00.000Z") {
  let now = new Date(start);
  const clock = () => now;
  return {
    clock,
    set: (iso: string) => (now = new Date(iso)),
    advanceMs: (ms: number) => (now = new Date(now.getTime() + ms)),
  };
}

let ledgerReady = new WeakSet<Store>();

/** Parties, the US postings that make room under the cap, and the demo lab (once per store). */
async function ready(store: Store, clock: () => Date): Promise<ShipmentService> {
  const context = shipmentContextOn(store, { clock: () => new Date("2026-02-01T12:00:00Z") });
  const service = new ShipmentService(context);
  if (!ledgerReady.has(store)) {
    ledgerReady.add(store);
    const { exporter, consignee, endUser } = example.parties;
    await service.addParty({ ...exporter, id: "nvidia" });
    const certifications = [...(consignee?.certifications ?? []), ...(endUser?.certifications ?? [])];
    await service.addParty({ ...consignee, id: importerId, certifications });
    await context.ledger.usPost(capPolicyDefault, {
      id: "custody-us",
      productId: "nvidia-h200-sxm",
      units: 10_000_000n,
      shippedOn: "2026-01-20",
    });
    await registerDemoLab(sqlEvidenceContext(store, { evaluator: sharedEvaluator, clock, appendAudit }), {
      id: labId,
      name: "Test Laboratory of Austin",
      headquartersCountry: "US",
      qualifiedFrom: "2026-01-15",
    });
  }
  return service;
}

export const resetFixtures = (): void => {
  ledgerReady = new WeakSet<Store>();
};

/** A planned shipment under a granted licence, serials `${id}-1` … `${id}-${units}`. */
export async function licensedShipment(store: Store, clock: () => Date, id: string, units: number) {
  const service = await ready(store, clock);
  const orderId = `${id}-order`;
  await service.createOrder({
    id: orderId,
    productId: "nvidia-h200-sxm",
    quantityUnits: units,
    valueCents: String(units * 2_700_000),
    exporterId: "nvidia",
    consigneeId: importerId,
    endUserId: importerId,
    route: { origin: "TW", exportFrom: "US", destination: "CN" },
    endUse: { purpose: "commercial-cloud" },
    usShippedUnits: units * 100,
  });
  const applied = await service.apply(orderId, { id: `${orderId}:app` });
  const licence = await service.grantLicence({
    id: `${orderId}:lic`,
    applicationId: `${orderId}:app`,
    expiresOn: "2027-12-31",
  });
  if (licence.status !== "created")
    throw new Error(`licence for ${orderId}: ${licence.status} (${JSON.stringify(applied).slice(0, 300)})`);
  await service.planShipment({
    id,
    orderId,
    quantityUnits: units,
    serials: [{ prefix: `${id}-`, first: 1, last: units }],
  });
  return { shipmentId: id, licenceId: licence.licenceId, prefix: `${id}-` };
}

export function services(store: Store, clock: () => Date) {
  let n = 0;
  const deps = {
    store: sqlCustodyStore(store),
    clock,
    newId: () => `id-${Date.now()}-${++n}`,
    rules: custodyRules,
  };
  return {
    deps,
    custody: new CustodyService(deps),
    ingest: new HeartbeatIngest(deps),
    alerts: new AlertService(deps),
    lab: { id: labId, privateKey: demoLabKey(labId).privateKey },
  };
}

export const actor = (role: Actor["role"], partyId: string | null = null): Actor => ({
  id: `test:${role}`,
  role,
  partyId,
});

/** A licensed lot of `chips` chips, keyed by the lab and installed at `site` (declared and permitted). */
export async function installedLot(
  store: Store,
  s: ReturnType<typeof services>,
  id: string,
  chips: number,
  site: { id: string; name: string; address: string; lat: number; lon: number },
) {
  const lot = await licensedShipment(store, () => new Date(), id, chips);
  await s.custody.declareSite({ ...site, importerId }, actor("importer", importerId));
  await s.custody.permitSite({ licenceId: lot.licenceId, siteId: site.id }, actor("us-regulator"));
  await s.custody.importSerials({ shipmentId: lot.shipmentId }, actor("exporter", "nvidia"));
  const serials = Array.from({ length: chips }, (_, i) => `${lot.prefix}${i + 1}`);
  const keys = serials.map((serial) => ({ serial, publicKey: keyPairOf(`device/${serial}`).publicKeyRaw }));
  const certificate = { type: "sluice.device-keys.v1" as const, id: `${id}-dk`, labId, shipmentId: id, keys };
  await s.custody.submitDeviceKeys(signDeviceKeys(certificate, s.lab.privateKey), actor("lab", labId));
  const all = [{ prefix: lot.prefix, first: 1, last: chips }];
  for (const [kind, who] of [
    ["exported", actor("exporter", "nvidia")],
    ["entered_china", actor("cn-customs")],
    ["delivered", actor("importer", importerId)],
  ] as const)
    await s.custody.recordEvent({ id: `${id}-${kind}`, shipmentId: id, kind, serials: all }, who);
  await s.custody.recordEvent(
    { id: `${id}-installed`, shipmentId: id, kind: "installed", serials: all, siteId: site.id },
    actor("importer", importerId),
  );
  return { ...lot, serials };
}
