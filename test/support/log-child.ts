// A server-like process for the log's crash and lease tests: four writers append entries in small
// business transactions (printing `ack <id>` after each commit) while an integrator with a short
// lease integrates and signs (printing `batch <from> <to>` and `signed <size>`). Killed with SIGKILL.
import { appendAuditMany } from "../../src/adapters/db/audit.ts";
import { readLock } from "../../src/adapters/db/data-dir-lock.ts";
import { startIntegrator } from "../../src/adapters/db/log/runner.ts";
import { openStore, storeConfigFromEnv } from "../../src/adapters/db/open.ts";
import { testLogSigner } from "./log.ts";

const [name = "p", writersText = "4"] = process.argv.slice(2);
const config = storeConfigFromEnv(process.env, true);
const store = await openStore(config);
const say = (line: string) => process.stdout.write(`${line}\n`);
if (config.dataDir) say(`pglite ${readLock(config.dataDir)?.pid}`);

startIntegrator(store, {
  signer: testLogSigner,
  holder: name,
  leaseMs: 1000,
  idleMs: 5,
  batchMax: 40,
  onBatch: ({ integrated, size }) => say(`batch ${size - integrated} ${size}`),
  onSigned: async (size) => {
    say(`signed ${size}`);
  },
  logError: (error) => say(`error ${String(error)}`),
});

let next = 0;
const writer = async () => {
  for (;;) {
    const ids = Array.from({ length: 3 }, () => `${name}-${next++}`);
    await store.transaction((tx) =>
      appendAuditMany(
        tx,
        ids.map((id) => ({ kind: "crash.entry", payload: { id } })),
        new Date("2026-03-01T00:00:00Z"),
        { tokenId: null, role: "system", partyId: null, via: "log-child", requestId: name },
      ),
    );
    for (const id of ids) say(`ack ${id}`);
  }
};
await Promise.all(Array.from({ length: Number(writersText) }, writer));
