// What the shipment use cases share: the refusals they raise, loading an order or a shipment that
// must exist, and the dossier an application or a release is evaluated on (parties, evidence of
// record, screening and, when a volume cap applies on that day, the ledger view of its window).
import {
  type Dossier,
  type DossierInput,
  dossierDigest,
  type Party,
  parseDossier,
} from "../../core/dossier/schema.ts";
import { notFound, quote, SluiceError } from "../../core/errors.ts";
import type { Decision } from "../../core/evaluation/types.ts";
import { documentSections } from "../../core/evidence/provenance.ts";
import type { IsoDate } from "../../core/shared.ts";
import type { PartyInput } from "../../core/shipments/model.ts";
import { capPolicyInForce } from "./cap-in-force.ts";
import type { OrderRow, ShipmentContext, ShipmentRepos, ShipmentRow } from "./ports.ts";

export const conflict = (what: string, why: string, code: string) =>
  new SluiceError("conflict", what, why, code);
export const illegal = (what: string, from: string, action: string) =>
  conflict(what, `cannot ${action} from status ${quote(from)}`, "illegal_transition");

export async function requireOrder(repos: ShipmentRepos, id: string): Promise<OrderRow> {
  const order = await repos.shipments.loadOrder(id);
  if (!order) throw notFound(`order ${quote(id)}`);
  return order;
}

export async function requireShipment(repos: ShipmentRepos, id: string): Promise<ShipmentRow> {
  const shipment = await repos.shipments.loadShipment(id);
  if (!shipment) throw notFound(`shipment ${quote(id)}`);
  return shipment;
}

/**
 * The dossier for an order (or one of its shipments): parties, evidence on file and, when a
 * volume cap applies on that day, the ledger view of the cap's window.
 */
export async function buildDossier(
  context: ShipmentContext,
  repos: ShipmentRepos,
  order: OrderRow,
  shipment: ShipmentRow | null,
  at: IsoDate,
  scenarios: string[],
) {
  // One query at a time: the transaction's connection runs queries in order anyway.
  const exporter = await repos.shipments.loadParty(order.doc.exporterId);
  const consignee = await repos.shipments.loadParty(order.doc.consigneeId);
  const endUser = await repos.shipments.loadParty(order.doc.endUserId);
  if (!exporter || !consignee || !endUser) throw new Error(`order ${order.id} refers to a missing party`);
  const input: DossierInput = {
    id: shipment ? `${order.id}/${shipment.id}` : order.id,
    stage: shipment ? "release" : "application",
    submittedOn: at,
    product: { id: order.doc.productId },
    quantityUnits: shipment ? shipment.quantityUnits : order.doc.quantityUnits,
    valueCents: (shipment ? shipment.valueCents : order.doc.valueCents).toString(),
    route: order.doc.route,
    endUse: order.doc.endUse,
    parties: { exporter: asParty(exporter), consignee: asParty(consignee), endUser: asParty(endUser) },
    exporterStatements: {
      ...(order.doc.usShippedUnits !== undefined ? { usShippedUnits: order.doc.usShippedUnits } : {}),
      ...(shipment ? { shipmentId: shipment.id } : {}),
    },
    // Certificates, duty entries, payments, approvals and domestic purchases come only from their
    // authorities' records; a document on file (even one from before PUT refused them) counts
    // only for the exporter's own statements (documentSections, docs/trust.md).
    evidence: {
      ...documentSections(order.evidence),
      ...documentSections(shipment?.evidence),
      ...(await repos.evidence.view(order.id, shipment?.id ?? null)),
    } as DossierInput["evidence"],
  };
  input.screening = await repos.screening.screenParties({ exporter, consignee, endUser }, at);
  const dossier: Dossier = parseDossier(input, input.id);
  const subject = {
    dossier,
    dossierDigest: "",
    product: context.evaluator.productById(order.doc.productId),
    at,
  };
  const policy = capPolicyInForce(context.evaluator.rulesFor(at, scenarios), subject);
  if (policy) dossier.ledger = await repos.ledger.view(policy, order.doc.productId, at);
  return { dossier, digest: dossierDigest(dossier), policy };
}

const asParty = (party: PartyInput): Party => party as Party;

/** The server's day of an instant (UTC), the day rules are taken in force on. */
export const isoDay = (at: Date): IsoDate => at.toISOString().slice(0, 10) as IsoDate;

export function decisionSummary(decisionId: string, orderId: string, decision: Decision) {
  return {
    decisionId,
    orderId,
    decision: decision.decision,
    at: decision.at,
    decidingRuleIds: decision.decidingRuleIds,
    inputHash: decision.inputHash,
    rulebooks: decision.rulebooks.map((book) => `${book.id}@${book.version}`),
  };
}
