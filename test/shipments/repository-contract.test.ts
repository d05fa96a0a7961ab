// Runs the ShipmentRepository contract (./repository-contract.ts) against the in-memory shipment
// context and against the SQL shipment context on both store drivers (PGlite, and the PostgreSQL
// server of TEST_DATABASE_URL: skipped when unreachable, failed under CI=true).
import { inMemoryShipmentContext } from "../../src/app/shipments/in-memory-context.ts";
import { shipmentContextOn } from "../../src/compose.ts";
import { sharedCatalog, sharedEvaluator } from "../support/dossiers.ts";
import { forEachDriver } from "../support/drivers.ts";
import { contractClock, repositoryContract } from "./repository-contract.ts";

repositoryContract("in memory", () => {
  let counter = 0;
  const context = inMemoryShipmentContext({
    clock: contractClock,
    newId: () => `id-${++counter}`,
    evaluator: sharedEvaluator,
    catalog: sharedCatalog,
  });
  return {
    transactor: context.transactor,
    usPost: (policy, input) => context.data.usPost(policy, input, contractClock()),
  };
});

forEachDriver("ShipmentRepository contract on SQL", (env) => {
  repositoryContract("SQL", () => {
    const context = shipmentContextOn(env.store(), { clock: contractClock });
    return {
      transactor: context.transactor,
      usPost: (policy, input) => context.ledger.usPost(policy, input),
    };
  });
});
