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
  "log.read",
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
] as const;
export type Action = (typeof actions)[number];

/** Roles that read every object (no party scope). Importers and labs see only their own. */
const readAll = ["admin", "exporter", "us-regulator", "cn-authority", "customs", "auditor"] as const;
const everyone = roles;
/** Roles that decide and oversee: they read records and replay decisions. */
const overseers = ["admin", "exporter", "us-regulator", "auditor"] as const;

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
  // The transparency log: every authenticated role may check the record (issue #15).
  "log.read": everyone,
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
