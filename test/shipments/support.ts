// Fixtures of the use-case tests on the in-memory shipment context: a service on a pinned,
// movable clock with counted ids, the example's parties and order, the approvable example's
// evidence as the authorities' records, and a refusal check that the data is left unchanged.
import { expect } from "vitest";
import {
  type InMemoryShipmentContext,
  inMemoryShipmentContext,
} from "../../src/app/shipments/in-memory-context.ts";
import { ShipmentService } from "../../src/app/shipments/service.ts";
import { SluiceError } from "../../src/core/errors.ts";
import { capPolicyDefault } from "../../src/core/ledger/cap-policy.ts";
import {
  exampleJson,
  exampleOrder,
  exampleParties,
  sharedCatalog,
  sharedEvaluator,
} from "../support/dossiers.ts";
import { type FakeClock, fakeClock } from "../support/workload.ts";

export const dayMs = 86_400_000;
export const h200 = "nvidia-h200-sxm";
export const capAccount = `units/product:${h200}/since:2026-01-15`;

export interface World {
  context: InMemoryShipmentContext;
  service: ShipmentService;
  clock: FakeClock;
}

/** An empty in-memory shipment context on 2026-02-01 12:00 UTC, ids `id-1`, `id-2`, … */
export function world(start = "2026-02-01T12:00:00Z"): World {
  const clock = fakeClock(start);
  let counter = 0;
  const context = inMemoryShipmentContext({
    clock: clock.now,
    newId: () => `id-${++counter}`,
    evaluator: sharedEvaluator,
    catalog: sharedCatalog,
  });
  return { context, service: new ShipmentService(context), clock };
}

/** US end-use shipments of the H200 that let China reserve up to half of them. */
export const postUsVolume = ({ context, clock }: World, units = 4000n) =>
  context.data.usPost(
    capPolicyDefault,
    { id: `us-${units}`, productId: h200, units, shippedOn: "2026-01-20" },
    clock.now(),
  );

/** Parties, order `ord-1` (1,000 units, overrides applied), US volume, approval `app-1`, licence `lic-1`. */
export async function licensedOrder(
  w: World,
  order: Record<string, unknown> = {},
  licence: Record<string, unknown> = {},
) {
  for (const party of exampleParties()) await w.service.addParty(party);
  await w.service.createOrder(exampleOrder(order));
  await postUsVolume(w);
  const applied = await w.service.apply("ord-1", { id: "app-1" });
  expect(applied.decision.decision).toBe("approve");
  await w.service.grantLicence({ id: "lic-1", applicationId: "app-1", expiresOn: "2027-01-31", ...licence });
}

export const plan = (id: string, first: number, last: number, orderId = "ord-1") => ({
  id,
  orderId,
  quantityUnits: last - first + 1,
  serials: [{ prefix: "H200-", first, last }],
});

/**
 * The approvable example's evidence as its authorities record it: payment and import approval on
 * the order, the lab certificate and duty entry on the shipment.
 */
export async function recordEvidence(w: World, shipmentId: string, approval: Record<string, unknown> = {}) {
  const { evidence } = exampleJson("h200-alibaba-approvable.json") as { evidence: Record<string, unknown> };
  const { labCertificate, dutyEntry, cnImportApproval, ...order } = evidence;
  const approved = { ...(cnImportApproval as object), ...approval };
  await w.context.data.setEvidence("ord-1", { ...order, cnImportApproval: approved });
  await w.context.data.setEvidence(
    "ord-1",
    { labCertificate: { ...(labCertificate as object), shipmentId }, dutyEntry },
    shipmentId,
  );
}

/** A licensed order with shipment `shp-1` (1,000 units) planned and its evidence on record. */
export async function releasable(w: World): Promise<void> {
  await licensedOrder(w);
  expect((await w.service.planShipment(plan("shp-1", 1, 1000))).status).toBe("created");
  await recordEvidence(w, "shp-1");
}

/** `run` fails with a SluiceError of `code` (message matching `message`) and leaves every record as it was. */
export async function expectRefusal(w: World, run: () => Promise<unknown>, code: string, message?: RegExp) {
  const before = w.context.data.snapshot();
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SluiceError);
  expect((error as SluiceError).code).toBe(code);
  if (message) expect((error as SluiceError).message).toMatch(message);
  expect(w.context.data.snapshot()).toEqual(before);
}

/** The kinds of the audit entries written since `from` entries. */
export const auditKinds = (w: World, from = 0) =>
  w.context.data
    .audit()
    .slice(from)
    .map((entry) => entry.kind);
