// Worker thread of the evaluation pool (evaluate-pool.ts): builds its own Evaluator from the
// rulebooks and products it is handed (structured copies of the server's), then answers each job
// with the outcome of evaluateRequestText, exactly as the inline path would. A throw that is not an
// outcome (a bug) is answered as such, and the worker goes on.
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

if (parentPort) {
  const port = parentPort;
  const data = workerData as EvaluateWorkerData;
  const evaluator = new Evaluator(data.rulebooks, catalogOf(data.products));
  port.on("message", ({ id, text, today }: EvaluateJob) => {
    let reply: EvaluateReply;
    try {
      reply = { id, outcome: evaluateRequestText(evaluator, text, today) };
    } catch (error) {
      reply = { id, bug: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    }
    port.postMessage(reply);
  });
}
