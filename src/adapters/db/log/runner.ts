// Runs the integrator in a server process: a loop that integrates what is pending, signs a
// checkpoint per batch, and sleeps a little when there is nothing to do. Every process runs one;
// the lease (integrate.ts) lets exactly one of them integrate at a time, and another takes over
// within a lease's time when its holder dies. Errors are reported and retried, never fatal.
import type { Signer } from "../../../core/log/note.ts";
import type { Store } from "../store.ts";
import { type IntegrateOutcome, integrateOnce } from "./integrate.ts";

export interface IntegratorOptions {
  signer: Signer;
  /** Pause when nothing was pending (default 50 ms): the integration latency floor. */
  idleMs?: number;
  leaseMs?: number;
  batchMax?: number;
  holder?: string;
  now?: () => Date;
  /** Called after each batch that integrated entries (tests record who integrated what). */
  onBatch?: (outcome: { integrated: number; size: number }) => void;
  /** Called after each batch that signed a checkpoint (e.g. to send it to witnesses). */
  onSigned?: (size: number) => Promise<void>;
  logError?: (error: unknown) => void;
}

export interface RunningIntegrator {
  stop(): Promise<void>;
  /** Outcomes seen so far, for tests and benches. */
  readonly stats: {
    batches: number;
    integrated: number;
    signed: number;
    leasedElsewhere: number;
    errors: number;
  };
}

export function startIntegrator(store: Store, options: IntegratorOptions): RunningIntegrator {
  const stats = { batches: 0, integrated: 0, signed: 0, leasedElsewhere: 0, errors: 0 };
  let stopped = false;
  let wake: (() => void) | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const idleMs = options.idleMs ?? 50;
  const loop = (async () => {
    while (!stopped) {
      let outcome: IntegrateOutcome | undefined;
      try {
        outcome = await integrateOnce(store, {
          signer: options.signer,
          holder: options.holder,
          leaseMs: options.leaseMs,
          batchMax: options.batchMax,
          now: options.now,
        });
      } catch (error) {
        stats.errors++;
        if (!stopped) (options.logError ?? console.error)(error);
      }
      if (outcome?.status === "integrated") {
        stats.batches++;
        stats.integrated += outcome.integrated;
        if (outcome.integrated > 0) options.onBatch?.(outcome);
        if (outcome.signed !== undefined) {
          stats.signed++;
          await options.onSigned?.(outcome.signed).catch(options.logError ?? console.error);
        }
        if (outcome.integrated > 0) continue;
      } else if (outcome) stats.leasedElsewhere++;
      if (!stopped) await pause(outcome?.status === "leased_elsewhere" ? idleMs * 4 : idleMs);
    }
  })();
  return {
    stats,
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
