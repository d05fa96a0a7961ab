// The custody state machine of one chip: which event may follow which, and who may record it. Each
// event is asserted by its authority (exporter, Chinese customs, importer); a refusal is a value
// from a closed, ordered list with a message that says what and why. Pure: the caller supplies the
// chip's current custody, the sites the importer declared and the licence permits, and the approved
// site changes. A range of chips is checked in full before any is changed (validate, then commit).

export const custodyStates = [
  "registered",
  "exported",
  "in_china",
  "delivered",
  "installed",
  "in_repair",
  "destroyed",
] as const;
export type CustodyState = (typeof custodyStates)[number];

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

/** The parties whose word makes a custody fact (DESIGN.md, "each fact from its authority"). */
export const custodyAuthorities = ["exporter", "cn-customs", "importer"] as const;
export type CustodyAuthority = (typeof custodyAuthorities)[number];

/** Refusals in precedence order: the first that applies is the answer. */
export const custodyRefusals = [
  "wrong_authority",
  "already_destroyed",
  "not_allowed_from_state",
  "site_required",
  "site_not_declared",
  "site_not_permitted",
  "same_site",
  "site_change_not_approved",
  "evidence_required",
] as const;
export type CustodyRefusal = (typeof custodyRefusals)[number];

interface Transition {
  by: readonly CustodyAuthority[];
  from: readonly CustodyState[];
  to: CustodyState;
  needsSite: boolean;
}

/** The machine as a table: who records each event, from which states, into which. */
export const custodyTransitions: Record<CustodyEventKind, Transition> = {
  exported: { by: ["exporter"], from: ["registered"], to: "exported", needsSite: false },
  entered_china: { by: ["cn-customs"], from: ["exported"], to: "in_china", needsSite: false },
  delivered: { by: ["importer"], from: ["in_china"], to: "delivered", needsSite: false },
  installed: { by: ["importer"], from: ["delivered", "in_repair"], to: "installed", needsSite: true },
  moved: { by: ["importer"], from: ["installed"], to: "installed", needsSite: true },
  returned_for_repair: {
    by: ["importer"],
    from: ["delivered", "installed"],
    to: "in_repair",
    needsSite: false,
  },
  destroyed: {
    by: ["exporter", "importer"],
    from: ["registered", "exported", "in_china", "delivered", "installed", "in_repair"],
    to: "destroyed",
    needsSite: false,
  },
};

export interface ChipCustody {
  serial: string;
  state: CustodyState;
  /** The declared site the chip is installed at (installed only). */
  siteId: string | null;
}

export interface CustodyEvent {
  kind: CustodyEventKind;
  by: CustodyAuthority;
  /** The site of an installation or the destination of a move. */
  siteId?: string;
  /** For `destroyed`: a reference to the evidence (certificate of destruction, photos' digest). */
  evidence?: string;
}

export interface CustodyContext {
  /** The importer's declared sites. */
  declaredSiteIds: ReadonlySet<string>;
  /** The sites the licence (and the Chinese approval, where it names sites) permits. */
  permittedSiteIds: ReadonlySet<string>;
  /** Whether the regulator approved moving chips from one declared site to another. */
  siteChangeApproved(fromSiteId: string, toSiteId: string): boolean;
}

export type CustodyOutcome =
  | { ok: true; next: ChipCustody }
  | { ok: false; refusal: CustodyRefusal; message: string };

const refuse = (refusal: CustodyRefusal, message: string): CustodyOutcome => ({
  ok: false,
  refusal,
  message,
});

function siteRefusal(chip: ChipCustody, event: CustodyEvent, context: CustodyContext): CustodyOutcome | null {
  const site = event.siteId;
  if (site === undefined || site === "")
    return refuse("site_required", `${event.kind} of serial \`${chip.serial}\` must name a declared site`);
  if (!context.declaredSiteIds.has(site))
    return refuse("site_not_declared", `site \`${site}\` is not one of the importer's declared sites`);
  if (!context.permittedSiteIds.has(site))
    return refuse("site_not_permitted", `site \`${site}\` is not permitted by the licence`);
  if (event.kind !== "moved") return null;
  const from = chip.siteId ?? "";
  if (from === site) return refuse("same_site", `serial \`${chip.serial}\` is already at site \`${site}\``);
  if (!context.siteChangeApproved(from, site))
    return refuse("site_change_not_approved", `no approved site change from \`${from}\` to \`${site}\``);
  return null;
}

/** The chip's custody after the event, or why the event is refused. */
export function applyCustodyEvent(
  chip: ChipCustody,
  event: CustodyEvent,
  context: CustodyContext,
): CustodyOutcome {
  const transition = custodyTransitions[event.kind];
  if (!transition.by.includes(event.by))
    return refuse(
      "wrong_authority",
      `${event.kind} is recorded by ${transition.by.join(" or ")}, not by ${event.by}`,
    );
  if (chip.state === "destroyed")
    return refuse("already_destroyed", `serial \`${chip.serial}\` was destroyed; no later event is possible`);
  if (!transition.from.includes(chip.state))
    return refuse(
      "not_allowed_from_state",
      `serial \`${chip.serial}\` is ${chip.state.replace("_", " ")}; ${event.kind} needs ${transition.from.join(" or ")}`,
    );
  if (transition.needsSite) {
    const refusal = siteRefusal(chip, event, context);
    if (refusal) return refusal;
  }
  if (event.kind === "destroyed" && (event.evidence === undefined || event.evidence.trim() === ""))
    return refuse("evidence_required", `destruction of serial \`${chip.serial}\` needs evidence`);
  const siteId = transition.to === "installed" ? (event.siteId ?? null) : null;
  return { ok: true, next: { serial: chip.serial, state: transition.to, siteId } };
}

/**
 * One event for many chips (a range in one request): every chip is checked first; either all
 * change or none does, and a refusal names the first chip that stops it.
 */
export function applyCustodyEventToAll(
  chips: readonly ChipCustody[],
  event: CustodyEvent,
  context: CustodyContext,
):
  | { ok: true; next: ChipCustody[] }
  | { ok: false; refusal: CustodyRefusal; message: string; serial: string } {
  const next: ChipCustody[] = [];
  for (const chip of chips) {
    const outcome = applyCustodyEvent(chip, event, context);
    if (!outcome.ok) return { ...outcome, serial: chip.serial };
    next.push(outcome.next);
  }
  return { ok: true, next };
}
