// Audit verification for the server without stalling it. The chain and its head are read in one
// snapshot, page by page (the event loop turns between pages); a short chain is re-hashed inline,
// a long one in a worker thread that receives each page as it is read, so /healthz and other
// requests keep being answered. The verdict is the same as verifyAudit's (src/adapters/db). The
// snapshot comes through the AuditChainSnapshots port (src/app/audit/snapshot.ts).
import { Worker } from "node:worker_threads";
import type { AuditChainSnapshots } from "../../app/audit/snapshot.ts";
import { type AuditEntry, type VerifyResult, verifyChain } from "../../core/audit/chain.ts";
import type { VerifyJobMessage } from "./audit-verify-worker.ts";
import { typescriptWorkerSource } from "./worker-source.ts";

/** Chains up to this many entries are verified inline (≈ 30 ms at ≈ 30 µs per entry). */
export const inlineVerifyEntriesMax = 1000;

const workerShim = typescriptWorkerSource(new URL("./audit-verify-worker.ts", import.meta.url));

function startWorker(): { send: (message: VerifyJobMessage) => void; verdict: Promise<VerifyResult> } {
  const worker = new Worker(workerShim, { eval: true });
  const verdict = new Promise<VerifyResult>((resolve, reject) => {
    worker.once("message", (result: VerifyResult) => resolve(result));
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`audit verification worker exited with ${code}`)));
  }).finally(() => void worker.terminate());
  // A failure while pages are still being read is reported when the verdict is awaited, not as an
  // unhandled rejection in between.
  verdict.catch(() => undefined);
  return { send: (message) => worker.postMessage(message), verdict };
}

/**
 * The snapshot is read in a transaction (holding a connection only while reading); the worker's
 * hashing runs after it committed, so other requests get the connection meanwhile.
 */
export async function verifyAuditOffLoop(
  chain: AuditChainSnapshots,
  expectHead?: { seq: number; hash: string },
): Promise<VerifyResult> {
  let worker: ReturnType<typeof startWorker> | undefined;
  try {
    const inline = await chain.read(async (snapshot) => {
      const head = await snapshot.head();
      const anchor = expectHead ?? head;
      if (head.seq <= inlineVerifyEntriesMax) {
        const entries: AuditEntry[] = [];
        await snapshot.pages((page) => entries.push(...page));
        return verifyChain(entries, anchor);
      }
      worker ??= startWorker();
      const job = worker;
      job.send({ start: true });
      await snapshot.pages((page) => job.send({ page }));
      job.send({ done: true, head: anchor });
      return undefined;
    });
    if (inline !== undefined) return inline;
    if (worker === undefined) throw new Error("audit verification: no worker for a long chain");
    return await worker.verdict;
  } finally {
    await worker?.verdict.catch(() => undefined);
  }
}
