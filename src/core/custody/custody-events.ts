// The one custody state machine (issue #16): which event may follow which, who may record it, and
// every refusal as a value from a closed, ordered list with a message that says what and why. An
// event covers serial ranges of one lot; the store reads what the ranges hold (counts by state and
// site, the site, its permit, the site change) in the writing transaction and this decides, so a
// range changes in full or not at all. Pure: no I/O, no clock.
import type { Role } from "../authorization/policy.ts";
import { type SerialRange, serialCount } from "../shipments/model.ts";

/** The states of a chip, in the order it meets them. */
export const custodyStates = [
  "registered",
  "exported",
  "entered_china",
  "delivered",
  "installed",
  "in_repair",
  "destroyed",
] as const;
export type CustodyState = (typeof custodyStates)[number];

/** Custody event kinds, in the order a chip meets them. */
export const custodyEventKinds = [
  "exported",
  "entered_china",
  "delivered",
  "installed",
  "moved",
  "returned_for_repair",
  "destroyed",
] as const;
export type CustodyEventKind = (typeof custodyEventKinds)[number];

/** What an event must name besides its ranges. */
export type CustodyEventNeeds = "site" | "site_change" | "evidence" | null;

export interface CustodyTransition {
  /** The roles with the authority to assert the event (admin may record any). */
  by: readonly Role[];
  from: readonly CustodyState[];
  to: CustodyState;
  needs: CustodyEventNeeds;
}

/**
 * The machine as a table. A repaired chip comes back `delivered`: it must be installed again at a
 * declared site, with its own `installed` event, before it may send heartbeats.
 */
export const custodyTransitions: Record<CustodyEventKind, CustodyTransition> = {
  exported: { by: ["exporter"], from: ["registered"], to: "exported", needs: null },
  entered_china: { by: ["cn-customs"], from: ["exported"], to: "entered_china", needs: null },
  delivered: { by: ["importer"], from: ["entered_china", "in_repair"], to: "delivered", needs: null },
  installed: { by: ["importer"], from: ["delivered"], to: "installed", needs: "site" },
  moved: { by: ["importer"], from: ["installed"], to: "installed", needs: "site_change" },
  returned_for_repair: { by: ["importer"], from: ["delivered", "installed"], to: "in_repair", needs: null },
  destroyed: {
    by: ["importer"],
    from: ["registered", "exported", "entered_china", "delivered", "installed", "in_repair"],
    to: "destroyed",
    needs: "evidence",
  },
};

/** The answers to a custody event, refusals in precedence order (the first that applies wins). */
export const custodyEventStatuses = [
  "created",
  "unknown_shipment",
  "not_your_authority",
  "serials_not_in_lot",
  "serials_not_registered",
  "wrong_state",
  "site_required",
  "unknown_site",
  "site_not_permitted",
  "site_change_required",
  "unknown_site_change",
  "site_change_mismatch",
  "evidence_required",
] as const;
export type CustodyEventStatus = (typeof custodyEventStatuses)[number];
export type CustodyRefusal = Exclude<CustodyEventStatus, "created">;

/** Whether `role` may record `kind`: its authority, or admin. */
export const mayRecord = (role: Role, kind: CustodyEventKind): boolean =>
  role === "admin" || custodyTransitions[kind].by.includes(role);

/** One event over ranges of one lot's serials, as requested. */
export interface CustodyEventRequest {
  kind: CustodyEventKind;
  shipmentId: string;
  serials: readonly SerialRange[];
  siteId?: string | undefined;
  siteChangeId?: string | undefined;
  evidence?: unknown;
}

/** What the request's ranges and names meet in the store, read in the writing transaction. */
export interface CustodyCoverage {
  shipment: { id: string; importerId: string; ranges: readonly SerialRange[] } | null;
  /** How many serials of the ranges are registered, and how many are in each state. */
  registered: number;
  states: Partial<Record<CustodyState, number>>;
  /** The distinct sites the covered serials are at (null: at none). */
  siteIds: readonly (string | null)[];
  /** The site the request names, when it exists. */
  site: { importerId: string } | null;
  /** Whether the lot's licence permits the named site. */
  sitePermitted: boolean;
  /** The approved site change the request names, when it exists. */
  siteChange: { shipmentId: string; fromSiteId: string; toSiteId: string } | null;
}

export type CustodyDecision =
  | { ok: true; from: CustodyState[]; to: CustodyState; siteId: string | null }
  | { ok: false; refusal: CustodyRefusal; message: string };

const refuse = (refusal: CustodyRefusal, message: string): CustodyDecision => ({
  ok: false,
  refusal,
  message,
});

/** The states the covered serials are in, in the order the store counted them (kept in the audit). */
const heldStates = (coverage: CustodyCoverage): CustodyState[] =>
  (Object.keys(coverage.states) as CustodyState[]).filter((state) => (coverage.states[state] ?? 0) > 0);

const within = (lot: readonly SerialRange[], range: SerialRange): boolean =>
  lot.some((r) => r.prefix === range.prefix && r.first <= range.first && range.last <= r.last);

/** The refusal about what the event must name (site, site change, evidence), or null. */
function needsRefusal(request: CustodyEventRequest, coverage: CustodyCoverage, lotImporterId: string) {
  const { needs } = custodyTransitions[request.kind];
  if (needs === "site") {
    if (!request.siteId)
      return refuse("site_required", `${request.kind} must name a declared site (\`siteId\`)`);
    if (!coverage.site || coverage.site.importerId !== lotImporterId)
      return refuse(
        "unknown_site",
        `site \`${request.siteId}\` is not one of the lot's importer's declared sites`,
      );
    if (!coverage.sitePermitted)
      return refuse("site_not_permitted", `site \`${request.siteId}\` is not permitted by the lot's licence`);
  }
  if (needs === "site_change") {
    if (!request.siteChangeId)
      return refuse(
        "site_change_required",
        `${request.kind} must name an approved site change (\`siteChangeId\`)`,
      );
    const change = coverage.siteChange;
    if (!change || change.shipmentId !== request.shipmentId)
      return refuse(
        "unknown_site_change",
        `no approved site change \`${request.siteChangeId}\` for shipment \`${request.shipmentId}\``,
      );
    const elsewhere = coverage.siteIds.filter((site) => site !== change.fromSiteId);
    if (elsewhere.length > 0)
      return refuse(
        "site_change_mismatch",
        `site change \`${request.siteChangeId}\` moves chips from \`${change.fromSiteId}\`; some of the ranges are at ${elsewhere.map((s) => (s === null ? "no site" : `\`${s}\``)).join(", ")}`,
      );
  }
  if (needs === "evidence" && !request.evidence)
    return refuse(
      "evidence_required",
      `${request.kind} needs evidence (a certificate's sha256 and a description)`,
    );
  return null;
}

/** The event's outcome for the ranges: the state (and site) they move to, or why it is refused. */
export function decideCustodyEvent(
  request: CustodyEventRequest,
  role: Role,
  coverage: CustodyCoverage,
): CustodyDecision {
  const lot = coverage.shipment;
  if (!lot) return refuse("unknown_shipment", `shipment \`${request.shipmentId}\` is not known`);
  const transition = custodyTransitions[request.kind];
  if (!mayRecord(role, request.kind))
    return refuse(
      "not_your_authority",
      `${request.kind} is recorded by ${transition.by.join(" or ")}, not by ${role}`,
    );
  if (!request.serials.every((range) => within(lot.ranges, range)))
    return refuse("serials_not_in_lot", `the ranges are not all within the lot of shipment \`${lot.id}\``);
  const requested = serialCount(request.serials);
  if (coverage.registered !== requested)
    return refuse(
      "serials_not_registered",
      `${coverage.registered} of the ${requested} serials of the ranges are registered`,
    );
  const from = heldStates(coverage);
  const wrong = from.filter((state) => !transition.from.includes(state));
  if (wrong.length > 0)
    return refuse(
      "wrong_state",
      `${request.kind} needs every serial ${transition.from.join(" or ")}; some are ${wrong.join(", ")}`,
    );
  const refusal = needsRefusal(request, coverage, lot.importerId);
  if (refusal) return refusal;
  const siteId =
    transition.needs === "site"
      ? (request.siteId ?? null)
      : transition.needs === "site_change"
        ? (coverage.siteChange?.toSiteId ?? null)
        : null;
  return { ok: true, from, to: transition.to, siteId };
}
