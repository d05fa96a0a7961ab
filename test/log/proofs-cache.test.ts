// Proofs served from the in-memory tiles (src/adapters/db/log/tiles.ts) on both drivers: a proof
// built while a tile sat at the tree's right edge, then the tree grown past it, proofs at the new
// size and at the old one, with a cache too small for the tree (tiles dropped and fetched again).
// Every proof is checked against the signed roots with the RFC 9162 verifier.
import { expect, it } from "vitest";
import { appendAuditMany } from "../../src/adapters/db/audit.ts";
import { DbLogReader } from "../../src/adapters/db/log/reader.ts";
import { systemActor } from "../../src/core/audit/actor.ts";
import { entryText } from "../../src/core/log/entry.ts";
import { leafHash, TreeHasher, verifyConsistency, verifyInclusion } from "../../src/core/log/merkle.ts";
import { forEachDriver } from "../support/drivers.ts";
import { checkpointNow } from "../support/log.ts";

const at = "2026-01-20T10:00:00.000Z";
const actor = systemActor("proofs-cache.test");
const b = (text: string) => new Uint8Array(Buffer.from(text, "base64"));

forEachDriver("log proofs from cached tiles", (env) => {
  it("stay right while the tree grows past a cached edge tile and while tiles are dropped", async () => {
    const store = env.store();
    const entries: Uint8Array[] = [];
    const append = async (n: number) => {
      const items = Array.from({ length: n }, (_, i) => ({
        kind: "test.tile",
        payload: { n: entries.length + i },
      }));
      await store.transaction((tx) => appendAuditMany(tx, items, new Date(at), actor));
      for (const item of items) entries.push(Buffer.from(entryText({ ...item, at, actor })));
      await checkpointNow(store);
    };
    const rootOf = (size: number) => {
      const tree = new TreeHasher();
      for (const entry of entries.slice(0, size)) tree.appendEntry(entry);
      return tree.root();
    };
    const { rows } = await store.query<{ n: bigint }>("SELECT count(*) AS n FROM audit_log");
    const before = Number(rows[0]?.n ?? 0); // entries the store held already (a seed)
    expect(before).toBe(0);
    const reader = new DbLogReader(store, { tilesMax: 2 });
    const roomy = new DbLogReader(store);
    await append(300);
    const checkAll = async (r: DbLogReader, size: number) => {
      const root = rootOf(size);
      for (let index = 0; index < size; index += index < 20 ? 1 : 7) {
        const proof = await r.inclusionProof(index, size);
        if (proof.status !== "ok") throw new Error(proof.status);
        const leaf = leafHash(entries[index] as Uint8Array);
        expect(verifyInclusion(index, size, leaf, proof.hashes.map(b), root), `${index} of ${size}`).toBe(
          true,
        );
      }
    };
    await checkAll(reader, 300);
    await checkAll(roomy, 300);
    await append(457); // the tiles cached at size 300 lacked nodes this size needs
    await checkAll(roomy, 757);
    await checkAll(reader, 757);
    await checkAll(roomy, 300);
    const consistency = await roomy.consistencyProof(300, 757);
    if (consistency.status !== "ok") throw new Error(consistency.status);
    expect(verifyConsistency(300, 757, consistency.hashes.map(b), rootOf(300), rootOf(757))).toBe(true);
    expect(await roomy.inclusionProof(757, 757)).toEqual({ status: "index_not_below_size", size: 757 });
    expect(await roomy.inclusionProof(0, 758)).toEqual({ status: "size_above_tree", size: 757 });
  }, 120_000);
});
