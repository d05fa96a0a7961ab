// A process to be killed with SIGKILL in the middle of its work (crash tests). Mode `reserve`:
// reservations with ids c-0, c-1, … (8 in flight at a time), printing `ack <id> <status>` after
// each one returns. Mode `import <csv>`: a bulk import of US shipments in small batches, printing
// `ack-rows <n>` after each batch commits. Also prints `pglite <pid>` when the embedded child is up.
import { readFileSync } from "node:fs";
import { importUsShipmentsText } from "../../src/adapters/cli/commands/us-shipments-import.ts";
import { catalogProducts } from "../../src/adapters/cli/ledger-context.ts";
import { readLock } from "../../src/adapters/db/data-dir-lock.ts";
import { SqlLedger } from "../../src/adapters/db/ledger/sql-ledger.ts";
import { openStore, storeConfigFromEnv } from "../../src/adapters/db/open.ts";
import { loadCatalog } from "../../src/adapters/files/reference-data.ts";
import { capPolicyDefault } from "../../src/core/ledger/cap-policy.ts";

/** The shipped catalog's products with their TPP per unit (the import's product check). */
const products = catalogProducts(loadCatalog());

const [mode, csv] = process.argv.slice(2);
const config = storeConfigFromEnv(process.env, true);
const store = await openStore(config);
if (config.dataDir) process.stdout.write(`pglite ${readLock(config.dataDir)?.pid}\n`);
const ledger = new SqlLedger(store, () => new Date("2026-03-01T00:00:00Z"));
const say = (line: string) => process.stdout.write(`${line}\n`);

if (mode === "reserve") {
  let next = 0;
  const worker = async () => {
    for (;;) {
      const id = `c-${next++}`;
      const { status } = await ledger.reserve(capPolicyDefault, {
        id,
        productId: "crash",
        units: 1n,
        holdMs: 86_400_000,
      });
      say(`ack ${id} ${status}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
} else if (mode === "import" && csv) {
  await importUsShipmentsText(ledger, capPolicyDefault, readFileSync(csv, "utf8"), csv, {
    products,
    batchRows: 200,
    onBatch: (done) => say(`ack-rows ${done}`),
  });
  say("done");
}
await store.close();
