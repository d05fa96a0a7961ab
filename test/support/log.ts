// A fixed log key for tests (never used outside them) and a helper that integrates and signs.
import { integrateAll } from "../../src/adapters/db/log/integrate.ts";
import type { Store } from "../../src/adapters/db/store.ts";
import { keyTypes, signerFromSeed } from "../../src/core/log/note.ts";

export const testLogSigner = signerFromSeed("sluice.test/log", new Uint8Array(32).fill(0x5a));
export const testWitnessSigner = signerFromSeed(
  "regulator.test/witness",
  new Uint8Array(32).fill(0xa5),
  keyTypes.cosignatureV1,
);

/** Integrates every pending entry and signs a checkpoint covering them. */
export const checkpointNow = (store: Store): Promise<number> =>
  integrateAll(store, { signer: testLogSigner, now: () => new Date("2026-02-01T12:00:00Z") });
