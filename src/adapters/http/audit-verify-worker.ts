// Worker thread for audit verification: receives the chain page by page as it is read, then the
// head to compare with, and answers the verdict. Kept off the server's event loop because
// re-hashing a long chain takes seconds (≈ 30 µs per entry).
import { parentPort } from "node:worker_threads";
import { type AuditEntry, verifyChain } from "../../core/audit/chain.ts";

export type VerifyJobMessage =
  | { start: true }
  | { page: AuditEntry[] }
  | { done: true; head: { seq: number; hash: string } };

let entries: AuditEntry[] = [];
parentPort?.on("message", (message: VerifyJobMessage) => {
  if ("start" in message) entries = [];
  else if ("page" in message) for (const entry of message.page) entries.push(entry);
  else parentPort?.postMessage(verifyChain(entries, message.head));
});
