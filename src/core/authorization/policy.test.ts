// The policy table pinned cell by cell (a change to who may do what must change this test too),
// and the ownership rules for every role × action × (no object, own object, someone else's).
import { describe, expect, it } from "vitest";
import {
  type Action,
  actions,
  allowedRoles,
  authorize,
  canSee,
  type Principal,
  partyRequiredRoles,
  type Role,
  roles,
  scopeOf,
} from "./policy.ts";

// Columns: admin exporter lab importer us-regulator us-customs cn-authority cn-customs compliance-reviewer auditor landmark-operator ("x" allowed).
const expectedTable: Record<Action, string> = {
  "products.read": "xxxxxxxxxx.",
  classify: "xxxxxxxxxx.",
  evaluate: "xx.xx.x.xx.",
  "rulebooks.read": "xxxxxxxxxx.",
  screen: "xx..xx..xx.",
  "lists.read": "xx..xx..xx.",
  "lists.write": "xx......x..",
  "audit.verify": "xx..x...xx.",
  "log.read": "xxxxxxxxxxx",
  "quota.read": "xx..x....x.",
  "tokens.create": "x..........",
  "tokens.read": "x..........",
  "tokens.update": "x..........",
  "tokens.revoke": "x..........",
  "parties.read": "xx.xxxxxxx.",
  "parties.write": "xx.........",
  "orders.read": "xx.xxxxx.x.",
  "orders.write": "xx.........",
  "applications.write": "xx.........",
  "decisions.read": "xx.xx.x..x.",
  "licences.read": "xx.xxxx..x.",
  "licences.write": "x...x......",
  "shipments.read": "xx.xxxxx.x.",
  "shipments.write": "xx.........",
  "shipments.release": "xx.........",
  "shipments.ship": "xx.........",
  "shipments.cancel": "xx.........",
  "certificates.read": "xxx.x....x.",
  "certificates.write": "x.x........",
  "screenings.read": "xx..x...xx.",
  "dispositions.write": "x...x...x..",
  "labs.write": "x...x......",
  "duty.write": "x....x.....",
  "payments.write": "xx.........",
  "approvals.write": "x.....x....",
  "customs.write": "x......x...",
  "payments.reverse": ".x.........",
  "duty.reverse": ".....x.....",
  "approvals.reverse": "......x....",
  "customs.reverse": ".......x...",
  "evidence.read": "xx..xxxx.x.",
  "duty.read": "xx..xx...x.",
  "forfeitures.read": "xx.xx....x.",
  "simulations.run": "xx..x.x..x.",
  "custody.read": "xx.xx.xx.x.",
  "sites.write": "x..x.......",
  "sites.permit": "x...x......",
  "site-changes.write": "x...x......",
  "landmarks.write": "x...x......",
  "serials.write": "xx.........",
  "custody.write": "xx.x...x...",
  "device-keys.write": "x.x........",
  "device-keys.revoke": "x.x.x......",
  "heartbeats.write": "x.........x",
  "alerts.read": "xx.xx.x..x.",
  "alerts.write": "xx..x......",
  "alerts.sweep": "x...x......",
  "session.read": "xxxxxxxxxxx",
  "overview.read": "xx.xxxxxxx.",
  "audit.read": "x...x....x.",
  "audit.reconcile": "x...x....x.",
  "purchases.write": "x..x.......",
  "reports.cap.read": "x...x....x.",
  "reports.decisions.read": "xx..x....x.",
  "reports.duty.read": "xx...x...x.",
  "reports.prepayments.read": "xx..x....x.",
  "reports.lab-tests.read": "x...x....x.",
  "reports.china.read": "x.....xx.x.",
  "reports.custody.read": "x..xx.x..x.",
  "reports.key.read": "xxxxxxxxxx.",
};

const principal = (role: Role, partyId: string | null = null): Principal => ({
  id: `tok-${role}`,
  role,
  partyId,
});
const partyFor = (role: Role) => (partyRequiredRoles.includes(role) ? `party-${role}` : null);

describe("policy table", () => {
  it("lists every action once and pins who may attempt it", () => {
    expect(Object.keys(allowedRoles).sort()).toEqual([...actions].sort());
    const actual = Object.fromEntries(
      actions.map((action) => [
        action,
        roles.map((role) => (allowedRoles[action].includes(role) ? "x" : ".")).join(""),
      ]),
    );
    expect(actual).toEqual(expectedTable);
  });

  it("gives admin every action but reversals, auditors no write, and regulators only the writes of their office", () => {
    // A reversal is its record's author's act (issue #13): an administrator never stands in for it.
    for (const action of actions)
      expect(authorize(principal("admin"), action)).toBe(action.endsWith(".reverse") ? "forbid" : "allow");
    // A simulation run changes nothing (issue #19), like evaluate; nor does a reconcile (#15).
    const writes = actions.filter(
      (a) => !/\.(read|verify|run|reconcile)$/.test(a) && !["classify", "evaluate", "screen"].includes(a),
    );
    for (const action of writes) expect(authorize(principal("auditor"), action)).toBe("forbid");
    expect(writes.filter((action) => authorize(principal("us-regulator"), action) === "allow")).toEqual([
      "licences.write",
      // the second reviewer of a strong screening hit's dismissal (four eyes, issue #13)
      "dispositions.write",
      "labs.write",
      // custody (issue #16): permitted sites, site changes, landmarks, key revocation, alerts
      "sites.permit",
      "site-changes.write",
      "landmarks.write",
      "device-keys.revoke",
      "alerts.write",
      "alerts.sweep",
    ]);
  });
});

describe("ownership", () => {
  it("scopes importers to objects linked to their party through importer, consignee, end user or self", () => {
    const importer = principal("importer", "alibaba-cloud");
    for (const relation of ["self", "importer", "consignee", "endUser"] as const) {
      expect(canSee(importer, { parties: { [relation]: "alibaba-cloud" } })).toBe(true);
    }
    expect(canSee(importer, { parties: { exporter: "alibaba-cloud" } })).toBe(false);
    expect(canSee(importer, { parties: { lab: "alibaba-cloud" } })).toBe(false);
    expect(canSee(importer, { parties: { consignee: "tencent-cloud", endUser: "tencent-cloud" } })).toBe(
      false,
    );
    expect(canSee(importer, { parties: {} })).toBe(false);
    expect(scopeOf(importer)).toEqual({
      all: false,
      partyId: "alibaba-cloud",
      relations: ["self", "importer", "consignee", "endUser"],
    });
  });

  it("scopes labs to their own certificates", () => {
    const lab = principal("lab", "us-test-lab");
    expect(authorize(lab, "certificates.read", { parties: { lab: "us-test-lab" } })).toBe("allow");
    expect(authorize(lab, "certificates.read", { parties: { lab: "other-lab" } })).toBe("hide");
    expect(authorize(lab, "orders.read", { parties: { consignee: "us-test-lab" } })).toBe("hide");
    expect(scopeOf(lab)).toEqual({ all: false, partyId: "us-test-lab", relations: ["self", "lab"] });
  });

  it("lets every other role see every object, and hides nothing from them", () => {
    for (const role of roles.filter((r) => !partyRequiredRoles.includes(r))) {
      expect(canSee(principal(role), { parties: { consignee: "anyone" } })).toBe(true);
      expect(scopeOf(principal(role))).toEqual({ all: true });
    }
  });

  it("answers every role × action × (no object, own, someone else's) as table then ownership", () => {
    for (const role of roles) {
      const me = principal(role, partyFor(role));
      const own = { parties: { self: partyFor(role), consignee: partyFor(role), lab: partyFor(role) } };
      const others = { parties: { self: "someone-else", consignee: "someone-else", lab: "someone-else" } };
      for (const action of actions) {
        const allowed = allowedRoles[action].includes(role);
        expect(authorize(me, action), `${role} ${action}`).toBe(allowed ? "allow" : "forbid");
        expect(authorize(me, action, own), `${role} ${action} own`).toBe(allowed ? "allow" : "forbid");
        const scoped = partyRequiredRoles.includes(role);
        expect(authorize(me, action, others), `${role} ${action} other`).toBe(
          scoped ? "hide" : allowed ? "allow" : "forbid",
        );
      }
    }
  });

  it("sees nothing for a party-scoped principal without a party (deny by default)", () => {
    expect(canSee(principal("importer", null), { parties: { consignee: "x" } })).toBe(false);
    expect(authorize(principal("importer", null), "orders.read", { parties: {} })).toBe("hide");
  });
});
