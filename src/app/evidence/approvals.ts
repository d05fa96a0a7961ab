// China's side of the evidence: the import authority's approvals (written down per shipment at
// release, src/app/evidence/shipment-hooks.ts), an importer's purchases of domestic chips, and
// customs clearance or rejection of a shipped lot.
import { notFound, quote } from "../../core/errors.ts";
import {
  approvalInputSchema,
  type CustomsEventInput,
  customsEventInputSchema,
  domesticPurchaseInputSchema,
} from "../../core/evidence/approvals.ts";
import { parseInput } from "../../core/validation.ts";
import type { CreateStatus, EvidenceContext } from "./ports.ts";
import { audit, recordedBy, replayStatus, write } from "./unit.ts";

const approvalFields = [
  ["importerId", "importerId"],
  ["importer", "importer"],
  ["authority", "authority"],
  ["approvedOn", "approvedOn"],
  ["validFrom", "validFrom"],
  ["validTo", "validTo"],
  ["approvedUnits", "approvedUnits"],
  ["purpose", "purpose"],
] as const satisfies readonly [string, string][];
const purchaseFields = [
  ["importerId", "importer_id"],
  ["vendor", "vendor"],
  ["product", "product"],
  ["units", "units"],
  ["tppPerUnit", "tpp_per_unit"],
  ["purchasedOn", "purchased_on"],
] as const satisfies readonly [string, string][];
const customsFields = [
  ["shipmentId", "shipment_id"],
  ["kind", "kind"],
  ["on", "on_date"],
  ["reason", "reason"],
] as const satisfies readonly [string, string][];

export async function recordImportApproval(
  context: EvidenceContext,
  input: unknown,
): Promise<{ status: CreateStatus; approvalId: string }> {
  const approval = parseInput(approvalInputSchema, input, "import approval");
  return write(context, async (repos) => {
    const stored = await repos.evidence.loadApproval(approval.id);
    if (stored)
      return {
        status: replayStatus(stored.doc as unknown as Record<string, unknown>, approval, approvalFields),
        approvalId: approval.id,
      };
    if (!(await repos.shipments.loadParty(approval.importerId)))
      throw notFound(
        `import approval ${quote(approval.id)} at \`importerId\``,
        `unknown party ${quote(approval.importerId)}`,
      );
    await repos.evidence.insertApproval(approval, context.clock(), recordedBy(context));
    await audit(context, repos, "approval.recorded", approval);
    return { status: "created" as const, approvalId: approval.id };
  });
}

export async function recordDomesticPurchase(
  context: EvidenceContext,
  input: unknown,
): Promise<{ status: CreateStatus; purchaseId: string }> {
  const purchase = parseInput(domesticPurchaseInputSchema, input, "domestic purchase");
  return write(context, async (repos) => {
    const stored = await repos.evidence.loadDoc("domestic_purchases", purchase.id);
    if (stored) return { status: replayStatus(stored, purchase, purchaseFields), purchaseId: purchase.id };
    if (!(await repos.shipments.loadParty(purchase.importerId)))
      throw notFound(
        `domestic purchase ${quote(purchase.id)} at \`importerId\``,
        `unknown party ${quote(purchase.importerId)}`,
      );
    await repos.evidence.insertDomesticPurchase(purchase, context.clock());
    await audit(context, repos, "domestic.purchased", purchase);
    return { status: "created" as const, purchaseId: purchase.id };
  });
}

/** Customs clearance or rejection of a shipped lot. */
export async function recordCustomsEvent(
  context: EvidenceContext,
  input: unknown,
): Promise<{ status: CreateStatus | "shipment_not_shipped"; eventId: string }> {
  const event: CustomsEventInput = parseInput(customsEventInputSchema, input, "customs event");
  return write(context, async (repos) => {
    const stored = await repos.evidence.loadDoc("customs_events", event.id);
    if (stored) return { status: replayStatus(stored, event, customsFields), eventId: event.id };
    const shipment = await repos.shipments.loadShipment(event.shipmentId);
    if (!shipment) throw notFound(`shipment ${quote(event.shipmentId)}`);
    if (shipment.status !== "shipped") return { status: "shipment_not_shipped" as const, eventId: event.id };
    await repos.evidence.insertCustomsEvent(event, context.clock(), recordedBy(context));
    await audit(context, repos, `customs.${event.kind}`, event);
    return { status: "created" as const, eventId: event.id };
  });
}
