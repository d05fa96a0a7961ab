// The shipment use cases' ports in memory, for fast tests of ShipmentService without a database:
// a ShipmentContext whose Transactor runs each unit of work on a copy of the rows and records
// (./in-memory.ts, ./in-memory-records.ts) and keeps the copy only when the work returns, with the
// cap ledger journaled (./in-memory-ledger.ts) — a unit that throws leaves nothing, like a rolled-back
// transaction. Units run one at a time (as SERIALIZABLE would order them); a unit must not open
// another. Clock and ids are the caller's; contexts derived by asActor/withClock share the data.

import { type AuditActor, systemActor } from "../../core/audit/actor.ts";
import type { CapPolicy } from "../../core/ledger/cap-policy.ts";
import type { Account } from "../../core/ledger/ledger.ts";
import type { Catalog } from "../evaluation/catalog.ts";
import type { Evaluator } from "../evaluation/evaluator.ts";
import type { UsPostInput, UsReverseInput } from "../ledger/ports.ts";
import type { Clock, IdSource, Transactor } from "../ports.ts";
import { emptyShipmentTables, inMemoryShipmentRepository, type ShipmentTables } from "./in-memory.ts";
import { journalLedger, LedgerJournal } from "./in-memory-ledger.ts";
import {
  type AuditRecord,
  emptyRecordTables,
  type RecordTables,
  recordAudit,
  recordEvidence,
  recordScreening,
  type ScreeningHit,
} from "./in-memory-records.ts";
import { reservationHoldMsDefault, type ShipmentContext, type ShipmentRepos } from "./ports.ts";

interface Tables {
  rows: ShipmentTables;
  records: RecordTables;
}

/**
 * The data every context derived from one shares: the committed tables, the ledger's journal and
 * the queue of units. Tests set up and read it here (evidence on record, screening hits, US
 * postings, the audit entries written).
 */
export class InMemoryShipmentData {
  #tables: Tables = { rows: emptyShipmentTables(), records: emptyRecordTables() };
  /** Read its accounts freely; change the ledger only through units (or usPost/usReverse below). */
  readonly journal = new LedgerJournal();
  #tail: Promise<unknown> = Promise.resolve();

  /** Runs `work` on a copy of the tables, alone; commits the copy and the ledger's operations if it returns. */
  unit<T>(work: (tables: Tables) => Promise<T>): Promise<T> {
    const run = this.#tail.then(async () => {
      const draft = structuredClone(this.#tables);
      try {
        const result = await work(draft);
        this.#tables = draft;
        this.journal.commit();
        return result;
      } catch (error) {
        this.journal.rollback();
        throw error;
      }
    });
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** A copy of everything committed (rows, records, ledger accounts): for "changes nothing" checks. */
  snapshot(): Tables & { accounts: Account[] } {
    return { ...structuredClone(this.#tables), accounts: this.journal.accounts() };
  }

  /** The audit entries committed so far, oldest first. */
  audit(): AuditRecord[] {
    return structuredClone(this.#tables.records.audit);
  }

  /** Sets the evidence of record of an order (and, with `shipmentId`, of one of its shipments). */
  setEvidence(orderId: string, sections: Record<string, unknown>, shipmentId?: string): Promise<void> {
    return this.unit(async ({ records }) => {
      if (shipmentId === undefined) records.orderEvidence.set(orderId, structuredClone(sections));
      else records.shipmentEvidence.set(shipmentId, structuredClone(sections));
    });
  }

  /** Makes screening report these hits for a party from now on. */
  setScreeningHits(partyId: string, hits: ScreeningHit[]): Promise<void> {
    return this.unit(async ({ records }) => {
      records.screeningHits.set(partyId, structuredClone(hits));
    });
  }

  /**
   * US postings and reversals, each its own committed unit at `at` (the test's story clock). Not
   * audited: SqlLedger's `ledger.us_post` entries name an actor, and these are set-up, not acts.
   */
  usPost(policy: CapPolicy, input: UsPostInput, at: Date) {
    return this.unit(() => this.journal.usPost(policy, input, at));
  }

  usReverse(input: UsReverseInput, at: Date) {
    return this.unit(() => this.journal.usReverse(input, at));
  }
}

export interface InMemoryShipmentOptions {
  clock: Clock;
  newId: IdSource;
  /** The evaluator and the catalog it resolves products in (the composition root loads them). */
  evaluator: Evaluator;
  catalog: Catalog;
  reservationHoldMs?: number;
  /** Who acts; the system by default, as the SQL context's default appender. */
  actor?: AuditActor;
  /** Shared data (derived contexts); a new, empty one by default. */
  data?: InMemoryShipmentData;
}

export interface InMemoryShipmentContext extends ShipmentContext {
  data: InMemoryShipmentData;
  actor: AuditActor;
  asActor(actor: AuditActor): InMemoryShipmentContext;
  withClock(clock: Clock, actor?: AuditActor): InMemoryShipmentContext;
}

/** The repositories of one unit of work on its draft tables, attributed to `actor`. */
function reposOn(tables: Tables, data: InMemoryShipmentData, clock: Clock, actor: AuditActor): ShipmentRepos {
  const audit = recordAudit(tables.records, actor);
  return {
    shipments: inMemoryShipmentRepository(tables.rows),
    ledger: journalLedger(data.journal, clock, audit),
    evidence: recordEvidence(tables.records, audit),
    screening: recordScreening(tables.records),
    audit,
  };
}

export function inMemoryShipmentContext(options: InMemoryShipmentOptions): InMemoryShipmentContext {
  const { catalog, evaluator } = options;
  const data = options.data ?? new InMemoryShipmentData();
  const actor = options.actor ?? systemActor("sluice (system)");
  const { clock } = options;
  const settled = { ...options, evaluator, catalog, data, actor };
  const transactor: Transactor<ShipmentRepos> = {
    // Isolation, attempts and queue keys need nothing here: units already run one at a time.
    run: (work) => data.unit((tables) => work(reposOn(tables, data, clock, actor))),
  };
  return {
    transactor,
    evaluator,
    catalog,
    clock,
    newId: options.newId,
    reservationHoldMs: options.reservationHoldMs ?? reservationHoldMsDefault,
    data,
    actor,
    asActor: (next) => inMemoryShipmentContext({ ...settled, actor: next }),
    withClock: (next, nextActor) =>
      inMemoryShipmentContext({ ...settled, clock: next, actor: nextActor ?? actor }),
  };
}
