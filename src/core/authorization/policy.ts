// Authorization policy of Sluice, in one place: which role may do which action, and which objects a
// role may see. Pure data and functions; the HTTP adapter asks `authorize` on every route and the
// use cases ask it again with the object they loaded. Deny by default: an action a role is not
// listed for is forbidden, and an object outside a party-scoped principal's parties is hidden (404,
// so its existence does not leak). A plain typed table rather than Cedar: see docs/api.md.

// Government roles are split by jurisdiction (issue #13): US customs (CBP) writes duty entries,
// Chinese customs clearance and blocks; the Chinese import authority approves imports. A
// compliance reviewer dispositions screening hits and is never the role that applies for licences.
export const roles = [
  "admin",
  "exporter",
  "lab",
  "importer",
  "us-regulator",
  "us-customs",
  "cn-authority",
  "cn-customs",
  "compliance-reviewer",
  "auditor",
  // Custody (issue #16): a landmark operator posts signed observations (heartbeats) and nothing else.
  "landmark-operator",
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
  // issue #13: reversing a mistaken evidence record, by its authority only (never admin).
  "payments.reverse",
  "duty.reverse",
  "approvals.reverse",
  "customs.reverse",
  "evidence.read",
  "duty.read",
  "forfeitures.read",
  // issue #19: run the policy simulator (stateless; the counterfactual reads every stored decision)
  "simulations.run",
  // Custody and location (issue #16).
  "custody.read",
  "sites.write",
  "sites.permit",
  "site-changes.write",
  "landmarks.write",
  "serials.write",
  "custody.write",
  "device-keys.write",
  "device-keys.revoke",
  "heartbeats.write",
  "alerts.read",
  "alerts.write",
  "alerts.sweep",
  // Web app reads (issue #17).
  "session.read",
  "overview.read",
  // Reading the audit log entry by entry (issue #13): who did what, when, through which route.
  "audit.read",
  // issue #15 item 6: rebuild accounts, reservations and shipment states from the log, name differences.
  "audit.reconcile",
  // The importer records its own purchases of domestic chips (DESIGN.md: its authority, #13).
  "purchases.write",
  // Regulator reports (issue #18): one action per kind, so the jurisdiction is the policy table.
  "reports.cap.read",
  "reports.decisions.read",
  "reports.duty.read",
  "reports.prepayments.read",
  "reports.lab-tests.read",
  "reports.china.read",
  "reports.custody.read",
  "reports.key.read",
] as const;
export type Action = (typeof actions)[number];

// A landmark operator only posts observations: it is not among "everyone" who reads the catalog.
const everyone = roles.filter((role) => role !== "landmark-operator");
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
  "reports.duty.read": ["admin", "auditor", "us-customs", "exporter"],
  "reports.prepayments.read": ["admin", "auditor", "us-regulator", "exporter"],
  "reports.lab-tests.read": ["admin", "auditor", "us-regulator"],
  "reports.china.read": ["admin", "auditor", "cn-authority", "cn-customs"],
  // Custody and diversion: the US regulator's; an importer its own chips, the Chinese authority the
  // chips bound for China (the same object rules as custody.read).
  "reports.custody.read": ["admin", "auditor", "us-regulator", "importer", "cn-authority"],
} as const satisfies Partial<Record<Action, readonly Role[]>>;

/**
 * The policy table: for each action, the roles allowed to attempt it. Object-level visibility is
 * a second check (`canSee`) on top of this one: party-scoped roles (exporter, importer, lab) see
 * only objects linked to their party, Chinese roles only objects bound for China. Each role reads
 * what its job needs (docs/api.md has the table with the reasons); `auditor` reads everything and
 * writes nothing.
 */
export const allowedRoles: Record<Action, readonly Role[]> = {
  "products.read": everyone,
  classify: everyone,
  // Evaluating a standalone dossier changes nothing: anyone who prepares or reviews one.
  evaluate: [
    "admin",
    "exporter",
    "importer",
    "us-regulator",
    "cn-authority",
    "compliance-reviewer",
    "auditor",
  ],
  "rulebooks.read": everyone,
  screen: ["admin", "exporter", "us-regulator", "us-customs", "compliance-reviewer", "auditor"],
  "lists.read": ["admin", "exporter", "us-regulator", "us-customs", "compliance-reviewer", "auditor"],
  "lists.write": ["admin", "exporter", "compliance-reviewer"],
  "audit.verify": [...overseers, "compliance-reviewer"],
  // The US cap ledger: the exporter and the US regulator watch it; nobody abroad reads it.
  "quota.read": ["admin", "exporter", "us-regulator", "auditor"],
  // The transparency log: every authenticated role may check the record (issue #15).
  "log.read": roles,
  "tokens.create": ["admin"],
  "tokens.read": ["admin"],
  "tokens.update": ["admin"],
  "tokens.revoke": ["admin"],
  "parties.read": [
    "admin",
    "exporter",
    "importer",
    "us-regulator",
    "us-customs",
    "cn-authority",
    "cn-customs",
    "compliance-reviewer",
    "auditor",
  ],
  "parties.write": ["admin", "exporter"],
  "orders.read": [
    "admin",
    "exporter",
    "importer",
    "us-regulator",
    "us-customs",
    "cn-authority",
    "cn-customs",
    "auditor",
  ],
  "orders.write": ["admin", "exporter"],
  "applications.write": ["admin", "exporter"],
  // Decisions: the applicant, its buyer, the regulator, the Chinese import authority (for China-bound
  // orders) and the auditor. Roles without quota.read get the decision without its ledger view.
  "decisions.read": ["admin", "exporter", "importer", "us-regulator", "cn-authority", "auditor"],
  "licences.read": ["admin", "exporter", "importer", "us-regulator", "us-customs", "cn-authority", "auditor"],
  "licences.write": ["admin", "us-regulator"],
  "shipments.read": [
    "admin",
    "exporter",
    "importer",
    "us-regulator",
    "us-customs",
    "cn-authority",
    "cn-customs",
    "auditor",
  ],
  "shipments.write": ["admin", "exporter"],
  "shipments.release": ["admin", "exporter"],
  "shipments.ship": ["admin", "exporter"],
  "shipments.cancel": ["admin", "exporter"],
  "certificates.read": ["admin", "exporter", "lab", "us-regulator", "auditor"],
  "certificates.write": ["admin", "lab"],
  "screenings.read": ["admin", "exporter", "us-regulator", "compliance-reviewer", "auditor"],
  // Separation of duties: the role that applies for licences (exporter) never dispositions its own
  // hits; a strong hit dismissed by a reviewer waits for a second reviewer or the regulator.
  "dispositions.write": ["admin", "us-regulator", "compliance-reviewer"],
  "labs.write": ["admin", "us-regulator"],
  "duty.write": ["admin", "us-customs"],
  "payments.write": ["admin", "exporter"],
  "approvals.write": ["admin", "cn-authority"],
  "customs.write": ["admin", "cn-customs"],
  // Reversal, never deletion (#13): a record is reversed by its author (src/core/evidence/
  // reversals.ts); an administrator may record evidence but never stands in for its authority.
  "payments.reverse": ["exporter"],
  "duty.reverse": ["us-customs"],
  "approvals.reverse": ["cn-authority"],
  "customs.reverse": ["cn-customs"],
  "evidence.read": [
    "admin",
    "exporter",
    "us-regulator",
    "us-customs",
    "cn-authority",
    "cn-customs",
    "auditor",
  ],
  // Duty totals are aggregates over every entry: for the US roles that read all records.
  "duty.read": ["admin", "exporter", "us-regulator", "us-customs", "auditor"],
  // An importer sees the forfeitures of its own orders (the prepayment it paid).
  "forfeitures.read": ["admin", "exporter", "importer", "us-regulator", "auditor"],
  "audit.read": ["admin", "us-regulator", "auditor"],
  "audit.reconcile": ["admin", "us-regulator", "auditor"],
  "purchases.write": ["admin", "importer"],
  // issue #19: the simulator's counterfactual lists flips of every stored decision, so only roles
  // that read all decisions (and the auditor) run it; importers, labs and customs do not.
  "simulations.run": ["admin", "exporter", "us-regulator", "cn-authority", "auditor"],
  // Custody (issue #16): each fact from its authority (src/app/custody/custody.ts checks the
  // event kind against the role: exported by the exporter, entered China by Chinese customs, the
  // rest by the importer); an importer sees only its own chips, sites and alerts.
  "custody.read": ["admin", "exporter", "importer", "us-regulator", "cn-authority", "cn-customs", "auditor"],
  "sites.write": ["admin", "importer"],
  "sites.permit": ["admin", "us-regulator"],
  "site-changes.write": ["admin", "us-regulator"],
  "landmarks.write": ["admin", "us-regulator"],
  "serials.write": ["admin", "exporter"],
  "custody.write": ["admin", "exporter", "cn-customs", "importer"],
  "device-keys.write": ["admin", "lab"],
  "device-keys.revoke": ["admin", "lab", "us-regulator"],
  "heartbeats.write": ["admin", "landmark-operator"],
  "alerts.read": ["admin", "exporter", "importer", "us-regulator", "cn-authority", "auditor"],
  "alerts.write": ["admin", "us-regulator", "exporter"],
  "alerts.sweep": ["admin", "us-regulator"],
  // Web app reads (issue #17): every token may ask who it is; the overview's counts are scoped.
  "session.read": roles,
  "overview.read": everyone.filter((role) => role !== "lab"),
  ...reportJurisdiction,
  // The report signing key is public: anyone holding a report may check it.
  "reports.key.read": everyone,
};

/** How a party relates to an object: the links an ownership check can follow. */
export const partyRelations = ["self", "exporter", "importer", "consignee", "endUser", "lab"] as const;
export type PartyRelation = (typeof partyRelations)[number];

/** The relations through which a party-scoped role owns an object; roles absent here read all. */
export const ownedThrough: Partial<Record<Role, readonly PartyRelation[]>> = {
  // An exporter's token names its party: it sees its own orders, not another exporter's (#13).
  exporter: ["self", "exporter"],
  importer: ["self", "importer", "consignee", "endUser"],
  lab: ["self", "lab"],
};

/**
 * Roles that see only objects bound for their country (an order's or shipment's destination):
 * the Chinese authorities have no business with a Singapore-bound order. Objects without a
 * destination (parties, labs, lists) are not restricted by this.
 */
export const jurisdictionOf: Partial<Record<Role, string>> = {
  "cn-authority": "CN",
  "cn-customs": "CN",
};

/** Party-scoped roles that still read the party directory (an exporter onboards its customers). */
export const readsPartyDirectory: readonly Role[] = ["exporter"];

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
  /** The country the object is bound for (orders, shipments and what hangs on them). */
  destination?: string | undefined;
  /** A party's own directory entry (not an object owned by it). */
  directoryEntry?: boolean;
}

/** Outcomes, most restrictive first: `hide` answers 404, `forbid` 403. */
export const authorizations = ["hide", "forbid", "allow"] as const;
export type Authorization = (typeof authorizations)[number];

export const isRole = (value: string): value is Role => (roles as readonly string[]).includes(value);

export const mayAttempt = (role: Role, action: Action): boolean => allowedRoles[action].includes(role);

/** Whether `principal` may see `resource` at all (regardless of the action). */
export function canSee(principal: Principal, resource: Resource): boolean {
  const country = jurisdictionOf[principal.role];
  if (country !== undefined && resource.destination !== undefined && resource.destination !== country)
    return false;
  if (resource.directoryEntry && readsPartyDirectory.includes(principal.role)) return true;
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

/** For list queries of orders and shipments: the party filter plus the destination filter. */
export interface OrderScope {
  /** Only orders this party is linked to (null: any). */
  partyId: string | null;
  /** Through the exporter link (exporter roles) or the consignee / end-user links (buyers). */
  asExporter: boolean;
  asBuyer: boolean;
  /** Only orders bound for this country (null: any). */
  destination: string | null;
}

export function orderScopeOf(principal: Principal): OrderScope {
  const scope = scopeOf(principal);
  const destination = jurisdictionOf[principal.role] ?? null;
  if (scope.all) return { partyId: null, asExporter: false, asBuyer: false, destination };
  return {
    partyId: scope.partyId,
    asExporter: scope.relations.includes("exporter"),
    asBuyer: scope.relations.includes("consignee") || scope.relations.includes("endUser"),
    destination,
  };
}
