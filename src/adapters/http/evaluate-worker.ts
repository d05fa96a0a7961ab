// Worker thread of the evaluation pool (evaluate-pool.ts): builds its own Evaluator from the
// rulebooks and products it is handed (structured copies of the server's), then answers each job
// with the outcome of evaluateRequestText, exactly as the inline path would (a decision's JSON as
// its UTF-8 bytes). A throw that is not an outcome (a bug) is answered as such, and the worker
// goes on.
import { parentPort, workerData } from "node:worker_threads";
import { catalogOf } from "../../app/evaluation/catalog.ts";
import { Evaluator } from "../../app/evaluation/evaluator.ts";
import type { Product } from "../../core/catalog/catalog.ts";
import type { Rulebook } from "../../core/rulebook/schema.ts";
import type { IsoDate } from "../../core/shared.ts";
import { type EvaluateOutcome, evaluateRequestText } from "./evaluate-request.ts";

export interface EvaluateWorkerData {
  rulebooks: readonly Rulebook[];
  products: readonly Product[];
}

/** A request to evaluate, or answer buffers handed back for reuse. */
export type EvaluateJob = { id: number; text: string; today: IsoDate } | { released: ArrayBuffer[] };

export type EvaluateReply = { id: number; outcome: EvaluateOutcome } | { id: number; bug: string };

const encoder = new TextEncoder();
/** An answer buffer's least size; UTF-8 takes at most 3 bytes per UTF-16 unit. */
const answerBufferBytesMin = 64 * 1024;
const spareBuffersMax = 256;
/** Buffers the event loop handed back once it had written them: reused, so none is allocated per answer. */
const spare: ArrayBuffer[] = [];

function bytesOf(json: string): Uint8Array<ArrayBuffer> {
  const needed = json.length * 3;
  let buffer = spare.pop();
  if (buffer === undefined || buffer.byteLength < needed)
    buffer = new ArrayBuffer(Math.max(answerBufferBytesMin, needed));
  const { written } = encoder.encodeInto(json, new Uint8Array(buffer));
  return new Uint8Array(buffer, 0, written);
}
if (parentPort) {
  const port = parentPort;
  const data = workerData as EvaluateWorkerData;
  const evaluator = new Evaluator(data.rulebooks, catalogOf(data.products));
  port.on("message", (job: EvaluateJob) => {
    if ("released" in job) {
      for (const buffer of job.released) if (spare.length < spareBuffersMax) spare.push(buffer);
      return;
    }
    const { id, text, today } = job;
    let reply: EvaluateReply;
    try {
      const outcome = evaluateRequestText(evaluator, text, today);
      if (outcome.outcome === "decided" && typeof outcome.json === "string") {
        const bytes = bytesOf(outcome.json);
        port.postMessage({ id, outcome: { outcome: "decided", json: bytes } } satisfies EvaluateReply, [
          bytes.buffer,
        ]);
        return;
      }
      reply = { id, outcome };
    } catch (error) {
      reply = { id, bug: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    }
    port.postMessage(reply);
  });
}
