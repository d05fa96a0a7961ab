// Authorization policy of Sluice, in one place: which role may do which action, and which objects a
// role may see. Pure data and functions; the HTTP adapter asks `authorize` on every route and the
// use cases ask it again with the object they loaded. Deny by default: an action a role is not
// listed for is forbidden, and an object outside a party-scoped principal's parties is hidden (404,
// so its existence does not leak). A plain typed table rather than Cedar: see docs/api.md.

export const roles = [
  "admin",
  "exporter",
  "lab",
  "importer",
  "us-regulator",
  "cn-authority",
  "customs",
  "auditor",
] as const;
export type Role = (typeof roles)[number];

/** Everything a principal can ask for. Adding one forces a line in `allowedRoles` (type-checked). */
export const actions = [
  "products.read",
  "classify",
  "evaluate",
  "rulebooks.read",
  "screen",
  "lists.read",
  "lists.write",
  "audit.verify",
  "quota.read",
  "tokens.create",
  "tokens.read",
  "tokens.update",
  "tokens.revoke",
  "parties.read",
  "parties.write",
  "orders.read",
  "orders.write",
  "applications.write",
  "decisions.read",
  "licences.read",
  "licences.write",
  "shipments.read",
  "shipments.write",
  "shipments.release",
  "shipments.ship",
  "shipments.cancel",
  "certificates.read",
  "certificates.write",
  "screenings.read",
  "dispositions.write",
  "labs.write",
  "duty.write",
  "payments.write",
  "approvals.write",
  "customs.write",
  "evidence.read",
  "duty.read",
  "forfeitures.read",
  // Regulator reports (issue #18): one action per kind, so the jurisdiction is the policy table.
  "reports.cap.read",
  "reports.decisions.read",
  "reports.duty.read",
  "reports.prepayments.read",
  "reports.lab-tests.read",
  "reports.china.read",
  "reports.key.read",
] as const;
export type Action = (typeof actions)[number];

/** Roles that read every object (no party scope). Importers and labs see only their own. */
const readAll = ["admin", "exporter", "us-regulator", "cn-authority", "customs", "auditor"] as const;
const everyone = roles;
/** Roles that decide and oversee: they read records and replay decisions. */
const overseers = ["admin", "exporter", "us-regulator", "auditor"] as const;

/**
 * Regulator reports (issue #18): which role files which report, i.e. its jurisdiction. The US
 * regulator oversees the cap, decisions, prepayments and lab tests; customs (US duty and the Chinese
 * border, one role today) the duty and China's side; the Chinese authority China's side; auditors
 * and admins everything; an exporter its own decisions, prepayments and duty (cut to its orders
 * when its token names its party). Importers and labs file none. When the trust branch splits
 * `customs` into `us-customs` and `cn-customs`, give duty to the first and china to the second.
 */
export const reportJurisdiction = {
  "reports.cap.read": ["admin", "auditor", "us-regulator"],
  "reports.decisions.read": ["admin", "auditor", "us-regulator", "exporter"],
  "reports.duty.read": ["admin", "auditor", "customs", "exporter"],
  "reports.prepayments.read": ["admin", "auditor", "us-regulator", "exporter"],
  "reports.lab-tests.read": ["admin", "auditor", "us-regulator"],
  "reports.china.read": ["admin", "auditor", "cn-authority", "customs"],
} as const satisfies Partial<Record<Action, readonly Role[]>>;

/**
 * The policy table: for each action, the roles allowed to attempt it. Object-level visibility is
 * a second check (`canSee`) on top of this one.
 */
export const allowedRoles: Record<Action, readonly Role[]> = {
  "products.read": everyone,
  classify: everyone,
  evaluate: ["admin", "exporter", "importer", "us-regulator", "cn-authority", "auditor"],
  "rulebooks.read": everyone,
  screen: ["admin", "exporter", "us-regulator", "customs", "auditor"],
  "lists.read": ["admin", "exporter", "us-regulator", "customs", "auditor"],
  "lists.write": ["admin", "exporter"],
  "audit.verify": overseers,
  "quota.read": ["admin", "exporter", "us-regulator", "cn-authority", "auditor"],
  "tokens.create": ["admin"],
  "tokens.read": ["admin"],
  "tokens.update": ["admin"],
  "tokens.revoke": ["admin"],
  "parties.read": [...readAll, "importer"],
  "parties.write": ["admin", "exporter"],
  "orders.read": [...readAll, "importer"],
  "orders.write": ["admin", "exporter"],
  "applications.write": ["admin", "exporter"],
  "decisions.read": [...readAll, "importer"],
  "licences.read": [...readAll, "importer"],
  "licences.write": ["admin", "us-regulator"],
  "shipments.read": [...readAll, "importer"],
  "shipments.write": ["admin", "exporter"],
  "shipments.release": ["admin", "exporter"],
  "shipments.ship": ["admin", "exporter"],
  "shipments.cancel": ["admin", "exporter"],
  "certificates.read": [...readAll, "lab"],
  "certificates.write": ["admin", "lab"],
  "screenings.read": ["admin", "exporter", "us-regulator", "customs", "auditor"],
  "dispositions.write": ["admin", "exporter"],
  "labs.write": ["admin", "us-regulator"],
  "duty.write": ["admin", "customs"],
  "payments.write": ["admin", "exporter"],
  "approvals.write": ["admin", "cn-authority"],
  "customs.write": ["admin", "customs", "cn-authority"],
  "evidence.read": readAll,
  // Duty totals are aggregates over every entry: for the roles that read all records.
  "duty.read": readAll,
  // An importer sees the forfeitures of its own orders (the prepayment it paid).
  "forfeitures.read": [...readAll, "importer"],
  ...reportJurisdiction,
  // The report signing key is public: anyone holding a report may check it.
  "reports.key.read": everyone,
};

/** How a party relates to an object: the links an ownership check can follow. */
export const partyRelations = ["self", "exporter", "importer", "consignee", "endUser", "lab"] as const;
export type PartyRelation = (typeof partyRelations)[number];

/** The relations through which a party-scoped role owns an object; roles absent here read all. */
export const ownedThrough: Partial<Record<Role, readonly PartyRelation[]>> = {
  importer: ["self", "importer", "consignee", "endUser"],
  lab: ["self", "lab"],
};

/** Roles whose tokens must name a party (their view is scoped to it). */
export const partyRequiredRoles: readonly Role[] = Object.keys(ownedThrough) as Role[];

export interface Principal {
  /** The token id: the key idempotency records and audit entries are filed under. */
  id: string;
  role: Role;
  partyId: string | null;
}

/** An object as the policy sees it: the parties linked to it, by relation. */
export interface Resource {
  parties: Partial<Record<PartyRelation, string | null | undefined>>;
}

/** Outcomes, most restrictive first: `hide` answers 404, `forbid` 403. */
export const authorizations = ["hide", "forbid", "allow"] as const;
export type Authorization = (typeof authorizations)[number];

export const isRole = (value: string): value is Role => (roles as readonly string[]).includes(value);

export const mayAttempt = (role: Role, action: Action): boolean => allowedRoles[action].includes(role);

/** Whether `principal` may see `resource` at all (regardless of the action). */
export function canSee(principal: Principal, resource: Resource): boolean {
  const through = ownedThrough[principal.role];
  if (through === undefined) return true;
  if (principal.partyId === null) return false;
  return through.some((relation) => resource.parties[relation] === principal.partyId);
}

/**
 * The one authorization question. Without a resource: may this role attempt the action (route
 * level)? With one: an object the principal may not see is hidden even when the action is
 * forbidden too, so a 403 never confirms that someone else's object exists.
 */
export function authorize(principal: Principal, action: Action, resource?: Resource): Authorization {
  if (resource !== undefined && !canSee(principal, resource)) return "hide";
  return mayAttempt(principal.role, action) ? "allow" : "forbid";
}

/** For list queries: every object, or only those linked to one party through these relations. */
export type Scope = { all: true } | { all: false; partyId: string; relations: readonly PartyRelation[] };

export function scopeOf(principal: Principal): Scope {
  const through = ownedThrough[principal.role];
  if (through === undefined) return { all: true };
  return { all: false, partyId: principal.partyId ?? "", relations: through };
}
