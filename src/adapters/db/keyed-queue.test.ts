// The keyed queue runs units with one key one after another, in the order they came, lets a failed
// unit fail alone, and runs units with different keys side by side.
import { describe, expect, it } from "vitest";
import { KeyedQueue } from "./keyed-queue.ts";

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe("KeyedQueue", () => {
  it("runs units with the same key one at a time, in arrival order", async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const unit = (name: string) => async () => {
      running++;
      most = Math.max(most, running);
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
      running--;
      return name;
    };
    const results = await Promise.all(["a", "b", "c"].map((name) => queue.run("k", unit(name))));
    expect(results).toEqual(["a", "b", "c"]);
    expect(most).toBe(1);
    expect(log).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
  });

  it("a failing unit rejects its own caller only; the next unit still runs", async () => {
    const queue = new KeyedQueue();
    const failed = queue.run("k", async () => {
      throw new Error("boom");
    });
    const next = queue.run("k", async () => "ran");
    await expect(failed).rejects.toThrow("boom");
    await expect(next).resolves.toBe("ran");
  });

  it("runs units with different keys concurrently", async () => {
    const queue = new KeyedQueue();
    let running = 0;
    let most = 0;
    const unit = async () => {
      running++;
      most = Math.max(most, running);
      await tick();
      running--;
    };
    await Promise.all([queue.run("a", unit), queue.run("b", unit), queue.run("c", unit)]);
    expect(most).toBe(3);
  });
});
