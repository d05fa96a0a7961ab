// Worker thread of the evaluation pool (evaluate-pool.ts): builds its own Evaluator from the
// rulebooks and products it is handed (structured copies of the server's), then answers each job
// with the outcome of evaluateRequestText, exactly as the inline path would (a decision's JSON as
// its UTF-8 bytes). A throw that is not an outcome (a bug) is answered as such, and the worker
// goes on.
import { parentPort, workerData } from "node:worker_threads";
import { catalogOf } from "../../app/catalog.ts";
import { Evaluator } from "../../app/evaluate.ts";
import type { Product } from "../../core/catalog/catalog.ts";
import type { Rulebook } from "../../core/rulebook/schema.ts";
import type { IsoDate } from "../../core/shared.ts";
import { type EvaluateOutcome, evaluateRequestText } from "./evaluate-request.ts";

export interface EvaluateWorkerData {
  rulebooks: readonly Rulebook[];
  products: readonly Product[];
}

export interface EvaluateJob {
  id: number;
  text: string;
  today: IsoDate;
}

export type EvaluateReply = { id: number; outcome: EvaluateOutcome } | { id: number; bug: string };

const encoder = new TextEncoder();
if (parentPort) {
  const port = parentPort;
  const data = workerData as EvaluateWorkerData;
  const evaluator = new Evaluator(data.rulebooks, catalogOf(data.products));
  port.on("message", ({ id, text, today }: EvaluateJob) => {
    let reply: EvaluateReply;
    try {
      const outcome = evaluateRequestText(evaluator, text, today);
      if (outcome.outcome === "decided" && typeof outcome.json === "string") {
        // The answer as UTF-8 bytes, moved (not copied) to the event loop, which writes them as
        // they are: a 10 KB string there was copied by every young-generation GC it lived
        // through, and cost the event loop three times the GC pauses (bench/RESULTS.md).
        const bytes = encoder.encode(outcome.json);
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
