// The IdempotencyStore port over SQL records a write's response in the write's own transaction: the
// HTTP edge hands back the opaque WriteTransaction it was given. Anything that is not a transaction
// of this adapter is a bug of the caller, refused before any SQL runs.
import { describe, expect, it } from "vitest";
import { sqlIdempotencyStore } from "../../src/adapters/db/idempotency.ts";
import type { Store, Tx } from "../../src/adapters/db/store.ts";

const unusedStore = {} as Store;
const key = { principal: "p", key: "k", claim: "c" };
const response = { requestSha256: "00", status: 201, contentType: "application/json", body: "{}" };
const at = new Date("2026-02-01T12:00:00Z");

describe("sqlIdempotencyStore.completeWithin", () => {
  it("completes the key in the transaction it is handed", async () => {
    const seen: unknown[][] = [];
    const tx: Tx = {
      query: async <R>(_text: string, params?: readonly unknown[]) => {
        seen.push([...(params ?? [])]);
        return { rows: [] as R[], rowCount: 1 };
      },
      copyFrom: async () => 0,
    };
    expect(await sqlIdempotencyStore(unusedStore).completeWithin(tx, key, response, at)).toBe(true);
    expect(seen).toEqual([["p", "k", "c", 201, "application/json", "{}", at]]);
  });

  it("refuses what is not a transaction of the database adapter", async () => {
    await expect(sqlIdempotencyStore(unusedStore).completeWithin({}, key, response, at)).rejects.toThrow(
      "idempotency: completeWithin needs the write's transaction from the database adapter",
    );
  });
});
