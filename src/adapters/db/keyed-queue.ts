// Units of work that would conflict on the same rows, run one after another within this process.
// Under SERIALIZABLE, 64 concurrent releases that all read and write the cap ledger's account abort
// each other and retry until their attempts run out; queued, each runs once. Correctness never
// rests on the queue: another process (a second `sluice serve`) is still kept apart by the
// database's serializable isolation and the store's retries; the queue only avoids the aborts.

export class KeyedQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Runs `work` after every earlier `run` with the same key has settled. */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    // Forget a key once its last unit has settled, so the map holds only keys with work in flight.
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}
