// The gates of one shipment, in the order the shipment passes them (DESIGN.md, "The path of one
// shipment"), each with its state, the evidence that decides it, who recorded it and when, as far
// as the records this server keeps say. Pure: the page loads the records and passes them in;
// a record the viewer may not read is `undefined` and its gate says "not visible to you".
import { dollars } from "./format.ts";

export const gateIds = [
  "screening",
  "decision",
  "prepayment",
  "duty",
  "lab-certificate",
  "reservation",
  "release",
  "cn-approval",
  "customs",
  "delivered",
  "installed",
] as const;
export type GateId = (typeof gateIds)[number];

/** Closed, in order of severity for a summary: failed first. */
export const gateStates = ["failed", "pending", "waiting", "hidden", "untracked", "passed"] as const;
export type GateState = (typeof gateStates)[number];

export interface Gate {
  id: GateId;
  label: string;
  state: GateState;
  /** What decides the gate, as label/value pairs. */
  evidence: [string, string][];
  author: string | null;
  at: string | null;
  /** A page that shows more (the decision). */
  link?: string;
}

type Evidence = Record<string, unknown>;

export interface GateInputs {
  shipment: { status: string; reservationId: string | null; evidence: Evidence };
  order: { evidence: Evidence } | undefined;
  /** The order's recorded decisions, oldest first (undefined: not visible). */
  decisions: { id: string; decision: string; at: string; decidingRuleIds: string[] }[] | undefined;
  /** The lab certificates on file for this shipment (undefined: not visible). */
  certificates?:
    | { id: string; labId: string; testedOn: string; status: string; submittedAt: string }[]
    | undefined;
  /** The consignee's latest screening review (undefined: not visible). */
  screening:
    | { screening: { screenedAt: string; reason: string }; review: { outcome: string; hits: unknown[] } }
    | undefined;
}

const labels: Record<GateId, string> = {
  screening: "Party screening",
  decision: "Licence decision",
  prepayment: "Prepayment",
  duty: "§232 duty",
  "lab-certificate": "Lab certificate",
  reservation: "Quota reservation",
  release: "Export release",
  "cn-approval": "Chinese import approval",
  customs: "Chinese customs",
  delivered: "Delivered",
  installed: "Installed at a declared site",
};

const text = (value: unknown): string =>
  typeof value === "string" || typeof value === "number" ? String(value) : JSON.stringify(value);
const record = (value: unknown): Evidence | undefined =>
  typeof value === "object" && value !== null ? (value as Evidence) : undefined;
/** Money fields (`…Cents`, integer strings) read as dollars; everything else as sent. */
const shown = (key: string, value: unknown): string =>
  key.endsWith("Cents") && /^-?\d+$/.test(text(value)) ? dollars(text(value)) : text(value);
const pairs = (evidence: Evidence): [string, string][] =>
  Object.entries(evidence).map(([key, value]) => [key, shown(key, value)]);

function gate(id: GateId, state: GateState, more: Partial<Omit<Gate, "id" | "label" | "state">> = {}): Gate {
  return { id, label: labels[id], state, evidence: [], author: null, at: null, ...more };
}

function screeningGate(inputs: GateInputs): Gate {
  if (!inputs.screening) return gate("screening", "hidden");
  const { screening, review } = inputs.screening;
  const state =
    review.outcome === "clear" ? "passed" : review.outcome === "true_match" ? "failed" : "pending";
  return gate("screening", state, {
    evidence: [
      ["outcome", review.outcome],
      ["hits", String(review.hits.length)],
      ["why screened", screening.reason],
    ],
    author: "screening service",
    at: screening.screenedAt,
  });
}

function decisionGate(inputs: GateInputs): Gate {
  if (!inputs.decisions) return gate("decision", "hidden");
  const last = inputs.decisions.at(-1);
  if (!last) return gate("decision", "waiting");
  const state = last.decision === "approve" ? "passed" : last.decision === "deny" ? "failed" : "pending";
  return gate("decision", state, {
    evidence: [
      ["decision", last.decision],
      ["deciding rules", last.decidingRuleIds.join(", ") || "—"],
    ],
    author: "rules in force",
    at: last.at,
    link: `/decisions/${encodeURIComponent(last.id)}`,
  });
}

function evidenceGate(id: GateId, value: unknown, passed: (e: Evidence) => boolean, dateKey: string): Gate {
  const evidence = record(value);
  if (!evidence) return gate(id, "waiting");
  const at = evidence[dateKey];
  return gate(id, passed(evidence) ? "passed" : "pending", {
    evidence: pairs(evidence),
    at: typeof at === "string" ? at : null,
  });
}

/** The certificate on file (the lab's signed record) decides; evidence in the dossier otherwise. */
function certificateGate(inputs: GateInputs): Gate {
  const live = inputs.certificates?.find((c) => c.status === "ok") ?? inputs.certificates?.[0];
  if (!live)
    return evidenceGate("lab-certificate", inputs.shipment.evidence.labCertificate, () => true, "testedOn");
  return gate("lab-certificate", live.status === "ok" ? "passed" : "failed", {
    evidence: [
      ["certificate", live.id],
      ["tested on", live.testedOn],
      ["status", live.status],
    ],
    author: live.labId,
    at: live.submittedAt,
  });
}

const paidInFull = (e: Evidence): boolean =>
  e.paidCents !== undefined &&
  e.invoicedCents !== undefined &&
  BigInt(text(e.paidCents)) >= BigInt(text(e.invoicedCents));

export function gatesOf(inputs: GateInputs): Gate[] {
  const { shipment, order } = inputs;
  const released = shipment.status === "released" || shipment.status === "shipped";
  return [
    screeningGate(inputs),
    decisionGate(inputs),
    order
      ? evidenceGate("prepayment", order.evidence.payment, paidInFull, "paidOn")
      : gate("prepayment", "hidden"),
    evidenceGate("duty", shipment.evidence.dutyEntry, (e) => e.dutyPaidCents !== undefined, "enteredOn"),
    certificateGate(inputs),
    shipment.reservationId
      ? gate("reservation", "passed", { evidence: [["reservation", shipment.reservationId]] })
      : gate("reservation", shipment.status === "cancelled" ? "failed" : "waiting"),
    gate("release", released ? "passed" : shipment.status === "cancelled" ? "failed" : "waiting", {
      evidence: [["shipment status", shipment.status]],
    }),
    order
      ? evidenceGate("cn-approval", order.evidence.cnImportApproval, () => true, "approvedOn")
      : gate("cn-approval", "hidden"),
    evidenceGate("customs", shipment.evidence.cnCustoms, (e) => e.outcome === "cleared", "on"),
    // Delivery and installation are custody records (issue #16): not kept by this server yet.
    gate("delivered", "untracked"),
    gate("installed", "untracked"),
  ];
}
