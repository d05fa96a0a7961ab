// The ports the shipment use cases run on: the store, the ledger, the evaluator, a clock and an id
// source. Tests and the server build one; nothing in the use cases reads a global clock.
import { v7 as uuidv7 } from "uuid";
import { auditAs, systemAudit } from "../adapters/db/audit.ts";
import { SqlLedger } from "../adapters/db/ledger/sql-ledger.ts";
import type { Store, Tx } from "../adapters/db/store.ts";
import type { AuditActor } from "../core/audit/actor.ts";
import type { DossierInput, PartyRole } from "../core/dossier/schema.ts";
import type { IsoDate } from "../core/shared.ts";
import type { PartyInput } from "../core/shipments/model.ts";
import type { AuditAppender } from "./audit/ports.ts";
import { type Catalog, loadCatalog } from "./catalog.ts";
import { Evaluator } from "./evaluate.ts";
import { loadRulebooks } from "./rulebooks.ts";
import { screen } from "./screening.ts";
import { storeListScreener } from "./screening-store.ts";

/** Screens a dossier's parties; returns the dossier's `screening` section. */
export type PartyScreener = (
  tx: Tx,
  parties: Record<PartyRole, PartyInput>,
  at: IsoDate,
) => Promise<NonNullable<DossierInput["screening"]>>;

/**
 * Screening against the bundled lists, with no memory of reviewers' dispositions: every alert
 * stays open. For tests that need no stored lists; the default is the store-backed screener
 * (stored list versions, party screenings, dispositions — src/app/screening-store.ts).
 */
export const bundledListScreener: PartyScreener = async (_tx, parties, at) => {
  const hits: NonNullable<DossierInput["screening"]>["hits"] = [];
  let versions: { listId: string; version: string }[] = [];
  for (const [role, party] of Object.entries(parties) as [PartyRole, PartyInput][]) {
    const result = screen(party.name, { country: party.country });
    versions = result.listVersions.map((v) => ({ listId: v.listId, version: v.contentHash.slice(0, 16) }));
    for (const hit of result.hits) {
      const explanation = hit.explanation.summary;
      hits.push({
        party: role,
        listId: hit.listId,
        entryId: hit.entryId,
        name: hit.name,
        score: hit.score,
        explanation,
      });
    }
  }
  return { screenedOn: at, listVersions: versions, hits };
};

/** How long a China reservation made at export release holds before it expires unshipped. */
export const reservationHoldMsDefault = 14 * 86_400_000;

export interface ShipmentContext {
  store: Store;
  ledger: SqlLedger;
  evaluator: Evaluator;
  catalog: Catalog;
  clock: () => Date;
  newId: () => string;
  reservationHoldMs: number;
  /** Bound to the principal that acts (HTTP: the token; CLI: the operator; seeder: the system). */
  appendAudit: AuditAppender;
  screenParties: PartyScreener;
}

/**
 * The context of one principal's request: the same ports, with the audit appender, the screener
 * and the ledger naming `actor` in every entry they write (issue #13).
 */
export function asActor(context: ShipmentContext, actor: AuditActor): ShipmentContext {
  const appendAudit = auditAs(actor);
  return {
    ...context,
    appendAudit,
    ledger: new SqlLedger(context.store, context.clock, { actor }),
    screenParties: storeListScreener({ clock: context.clock, appendAudit }),
  };
}

export function shipmentContext(store: Store, overrides: Partial<ShipmentContext> = {}): ShipmentContext {
  const clock = overrides.clock ?? (() => new Date());
  const catalog = overrides.catalog ?? loadCatalog();
  const appendAudit = overrides.appendAudit ?? systemAudit("sluice (system)");
  return {
    store,
    ledger: overrides.ledger ?? new SqlLedger(store, clock),
    evaluator: overrides.evaluator ?? new Evaluator(loadRulebooks(), catalog),
    catalog,
    clock,
    newId: overrides.newId ?? uuidv7,
    reservationHoldMs: overrides.reservationHoldMs ?? reservationHoldMsDefault,
    appendAudit,
    screenParties: overrides.screenParties ?? storeListScreener({ clock, appendAudit }),
  };
}
