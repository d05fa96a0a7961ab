// Rows the ShipmentRepository contract (./repository-contract.ts) writes: parties, orders, an
// approval decision evaluated on the approvable example, a licence and shipments, each under the
// calling test's id prefix.
import type { DecisionRecord, ShipmentRepository } from "../../src/app/shipments/ports.ts";
import type { OrderScope } from "../../src/core/authorization/policy.ts";
import { dossierDigest } from "../../src/core/dossier/schema.ts";
import {
  type OrderInput,
  orderInputSchema,
  type PartyInput,
  partyInputSchema,
  type ShipmentInput,
} from "../../src/core/shipments/model.ts";
import {
  approvable,
  exampleOrder,
  exampleParties,
  sharedCatalog,
  sharedEvaluator,
} from "../support/dossiers.ts";

export const at = (minute: number) => new Date(Date.UTC(2026, 1, 10, 12, minute));
export const product = sharedCatalog.require("nvidia-h200-sxm");
const [exporterDoc, buyerDoc] = exampleParties();
export const party = (id: string, doc = exporterDoc): PartyInput => partyInputSchema.parse({ ...doc, id });
export const everyone: OrderScope = { partyId: null, asExporter: false, asBuyer: false, destination: null };
export const ids = (rows: readonly { id: string }[]) => rows.map((row) => row.id);

/** Parties `<p>exp`, `<p>buy`, `<p>other` and the product every order names. */
export async function seedParties(repos: ShipmentRepository, p: string): Promise<void> {
  await repos.insertParty(party(`${p}exp`), at(0));
  await repos.insertParty(party(`${p}buy`, buyerDoc), at(0));
  await repos.insertParty(party(`${p}other`, buyerDoc), at(0));
  await repos.ensureProduct(product, at(0));
}

export const order = (p: string, id: string, overrides: Record<string, unknown> = {}): OrderInput =>
  orderInputSchema.parse(
    exampleOrder({ id, exporterId: `${p}exp`, consigneeId: `${p}buy`, endUserId: `${p}buy`, ...overrides }),
  );

export function decision(id: string, orderId: string): DecisionRecord {
  const dossier = approvable();
  const digest = dossierDigest(dossier);
  const result = sharedEvaluator.evaluate(dossier, "2026-02-10", [], digest);
  return { id, orderId, shipmentId: null, purpose: "application", dossier, digest, decision: result };
}

export const shipment = (id: string, orderId: string, first: number, last: number): ShipmentInput => ({
  id,
  orderId,
  quantityUnits: last - first + 1,
  serials: [{ prefix: "H200-", first, last }],
});

/** An order `<p>o` with its approval decision and licence `<p>lic` of 1,000 units and 2,700,000 cents. */
export async function licensedOrder(repos: ShipmentRepository, p: string): Promise<void> {
  await seedParties(repos, p);
  await repos.insertOrder(order(p, `${p}o`), at(1));
  await repos.insertDecision(decision(`${p}d`, `${p}o`), at(2));
  const licence = { id: `${p}lic`, applicationId: `${p}d`, expiresOn: "2027-01-31", conditions: [] };
  await repos.insertLicence(
    { ...licence, grantedUnits: 1000, grantedValueCents: 2_700_000n },
    `${p}o`,
    at(3),
  );
}
