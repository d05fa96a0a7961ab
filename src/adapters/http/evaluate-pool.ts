// Where POST /v1/evaluate's work runs. Inline on the event loop (tests, `threads: 0`), or in a pool
// of worker threads: a request's parse, validation, evaluation and JSON text (~60 µs of CPU, 95 %
// of what the route costs beyond HTTP) then run beside the event loop, which keeps serving I/O —
// other routes, the database's answers, /healthz. Each request goes to the worker with the fewest
// in flight. A worker answers a decision as UTF-8 bytes in a buffer it moves to the event loop;
// once the response is written the route hands the buffer back (`release`), and the worker
// encodes a later answer into it, so answers allocate no memory on the event loop. A pool was measured against piscina before it was written (bench/RESULTS.md,
// 2026-12-03): piscina's per-task overhead cut evaluate throughput by a third on 2 cores.
//
// Limits: at most `evaluateInFlightMax` requests wait or run in the pool (more are refused with a
// 503, not queued without bound). A worker that dies fails its requests in flight (500, logged),
// is replaced, and the pool goes on; one that keeps dying within `workerRestartWindowMs` is not
// replaced again past `workerRestartsMax`, and the pool answers 503 once none is left.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { Evaluator } from "../../app/evaluation/evaluator.ts";
import type { Product } from "../../core/catalog/catalog.ts";
import { badInput, quote, SluiceError } from "../../core/errors.ts";
import type { Rulebook } from "../../core/rulebook/schema.ts";
import type { IsoDate } from "../../core/shared.ts";
import { type EvaluateOutcome, evaluateRequestText } from "./evaluate-request.ts";
import type { EvaluateJob, EvaluateReply, EvaluateWorkerData } from "./evaluate-worker.ts";
import { typescriptWorkerSource } from "./worker-source.ts";

/** Requests waiting or running in the pool at once; the next one is refused (503). */
export const evaluateInFlightMax = 4096;
/** Replacements of dead workers allowed within the window before the pool stops replacing them. */
export const workerRestartsMax = 16;
export const workerRestartWindowMs = 60_000;

/**
 * A worker's young generation: nearly all an evaluation allocates dies with it, so a larger one
 * means fewer scavenges for the same work (V8's default gave 70 a second at 10,000 evaluations a
 * second, 4–7 % of the worker's time; this about 25, 3 %: bench/RESULTS.md, 2026-12-03).
 */
export const workerYoungGenerationMb = 128;

/** One thread fewer than the cores (the event loop keeps one), at least one. */
export const evaluateThreadsDefault = (): number => Math.max(1, availableParallelism() - 1);
export const evaluateThreadsMax = 64;

/**
 * The thread count a server was asked for: the option's text, else SLUICE_EVALUATE_THREADS, else
 * the default; 0 evaluates inline. `what` names the option in the error.
 */
export function evaluateThreadsOf(option: string | undefined, env: NodeJS.ProcessEnv = process.env): number {
  const text = option ?? env.SLUICE_EVALUATE_THREADS;
  if (text === undefined || text === "") return evaluateThreadsDefault();
  const threads = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(threads <= evaluateThreadsMax))
    throw badInput(
      option === undefined ? `SLUICE_EVALUATE_THREADS ${quote(text)}` : `--evaluate-threads ${quote(text)}`,
      `expected a whole number of threads from 0 (inline) to ${evaluateThreadsMax}`,
    );
  return threads;
}

export interface EvaluationRunner {
  /** Worker threads behind it (0: inline on the event loop). */
  readonly threads: number;
  run(text: string, today: IsoDate): Promise<EvaluateOutcome>;
  /** An answer's bytes, once written to the socket, back to the worker that made them (reuse). */
  release(bytes: Uint8Array): void;
  close(): Promise<void>;
}

/** The evaluation on the calling thread. */
export function inlineEvaluation(evaluator: Evaluator): EvaluationRunner {
  return {
    threads: 0,
    run: async (text, today) => evaluateRequestText(evaluator, text, today),
    release: () => {},
    close: async () => {},
  };
}

export interface PoolOptions {
  threads: number;
  rulebooks: readonly Rulebook[];
  products: readonly Product[];
  /** The worker module (tests give one that can be made to die); default evaluate-worker.ts. */
  workerModule?: URL;
  /** Requests waiting or running at once (default evaluateInFlightMax). */
  inFlightMax?: number;
  /** Where a dead worker is reported (default: console.error). */
  logError?: (error: unknown) => void;
}

interface Pending {
  resolve: (outcome: EvaluateOutcome) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  /** Answer buffers written and waiting to go back to this worker (sent once per turn). */
  released: ArrayBuffer[];
}

const defaultWorkerModule = new URL("./evaluate-worker.ts", import.meta.url);

const unavailable = (why: string, code: string) => new SluiceError("unavailable", "evaluation", why, code);

export class EvaluationPool implements EvaluationRunner {
  readonly #slots: Slot[] = [];
  readonly #data: EvaluateWorkerData;
  readonly #module: URL;
  readonly #logError: (error: unknown) => void;
  readonly #inFlightMax: number;
  #restarts: number[] = [];
  /** Which worker an answer buffer came from (it goes back there for reuse). */
  readonly #owners = new WeakMap<ArrayBuffer, Slot>();
  #releaseScheduled = false;
  #nextId = 0;
  #inFlight = 0;
  #closed = false;

  constructor(options: PoolOptions) {
    if (!Number.isInteger(options.threads) || options.threads < 1)
      throw new RangeError(`evaluation pool: threads must be a positive integer, got ${options.threads}`);
    this.#data = { rulebooks: options.rulebooks, products: options.products };
    this.#module = options.workerModule ?? defaultWorkerModule;
    this.#logError = options.logError ?? ((error) => console.error("sluice http:", error));
    this.#inFlightMax = options.inFlightMax ?? evaluateInFlightMax;
    for (let i = 0; i < options.threads; i++) this.#slots.push(this.#start());
  }

  get threads(): number {
    return this.#slots.length;
  }

  run(text: string, today: IsoDate): Promise<EvaluateOutcome> {
    const slot = this.#leastBusy();
    if (this.#closed || slot === undefined)
      return Promise.reject(unavailable("no evaluation worker is running", "evaluation_unavailable"));
    if (this.#inFlight >= this.#inFlightMax)
      return Promise.reject(
        unavailable(`${this.#inFlightMax} evaluations in flight; retry shortly`, "evaluation_busy"),
      );
    const id = ++this.#nextId;
    this.#inFlight += 1;
    return new Promise<EvaluateOutcome>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, text, today } satisfies EvaluateJob);
    });
  }

  release(bytes: Uint8Array): void {
    const buffer = bytes.buffer as ArrayBuffer;
    const slot = this.#owners.get(buffer);
    if (slot === undefined || buffer.byteLength === 0) return;
    this.#owners.delete(buffer);
    slot.released.push(buffer);
    if (this.#releaseScheduled) return;
    this.#releaseScheduled = true;
    setImmediate(() => this.#sendReleased());
  }

  #sendReleased(): void {
    this.#releaseScheduled = false;
    for (const slot of this.#slots) {
      if (slot.released.length === 0) continue;
      const buffers = slot.released.splice(0);
      slot.worker.postMessage({ released: buffers } satisfies EvaluateJob, buffers);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const slots = this.#slots.splice(0);
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  #leastBusy(): Slot | undefined {
    let best = this.#slots[0];
    for (const slot of this.#slots) if (best && slot.pending.size < best.pending.size) best = slot;
    return best;
  }

  #start(): Slot {
    const worker = new Worker(typescriptWorkerSource(this.#module), {
      eval: true,
      workerData: this.#data,
      resourceLimits: { maxYoungGenerationSizeMb: workerYoungGenerationMb },
    });
    const slot: Slot = { worker, pending: new Map(), released: [] };
    worker.on("message", (reply: EvaluateReply) => this.#settle(slot, reply));
    // An 'error' (an uncaught throw in the worker) is followed by 'exit': both end the slot.
    worker.on("error", (error) => this.#logError(error));
    worker.on("exit", (code) => this.#ended(slot, code));
    return slot;
  }

  #settle(slot: Slot, reply: EvaluateReply): void {
    const pending = slot.pending.get(reply.id);
    if (pending === undefined) return;
    slot.pending.delete(reply.id);
    this.#inFlight -= 1;
    if ("bug" in reply) {
      pending.reject(new Error(`evaluation worker: ${reply.bug}`));
      return;
    }
    const { outcome } = reply;
    if (outcome.outcome === "decided" && typeof outcome.json !== "string")
      this.#owners.set(outcome.json.buffer, slot);
    pending.resolve(outcome);
  }

  /** A worker ended: fail what it had, and replace it unless closing or dying too often. */
  #ended(slot: Slot, code: number): void {
    const failure = new Error(`evaluation worker exited with code ${code} while evaluating`);
    for (const pending of slot.pending.values()) pending.reject(failure);
    this.#inFlight -= slot.pending.size;
    slot.pending.clear();
    const at = this.#slots.indexOf(slot);
    if (at < 0 || this.#closed) return;
    this.#slots.splice(at, 1);
    const now = Date.now();
    this.#restarts = this.#restarts.filter((t) => now - t < workerRestartWindowMs);
    if (this.#restarts.length >= workerRestartsMax) {
      this.#logError(
        new Error(`evaluation worker died ${workerRestartsMax} times in a minute; not replaced`),
      );
      return;
    }
    this.#restarts.push(now);
    this.#slots.push(this.#start());
  }
}
