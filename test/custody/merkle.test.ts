// A heartbeat batch's Merkle root is the transparency log's RFC 6962 tree: the roots of
// certificate-transparency-go's test leaves (every prefix of its eight) and the empty tree's.
import { describe, expect, it } from "vitest";
import { batchMerkleRootHex } from "../../src/app/custody/ingest.ts";
import { ctLeaves, ctRoots } from "../support/ct-vectors.ts";

describe("batchMerkleRootHex", () => {
  it("gives certificate-transparency-go's roots for every prefix of its leaves", () => {
    const leaves = ctLeaves.map((hex) => Buffer.from(hex, "hex"));
    for (let n = 1; n <= leaves.length; n++)
      expect(batchMerkleRootHex(leaves.slice(0, n)), `${n} leaves`).toBe(ctRoots[n - 1]);
  });

  it("gives the empty tree's root (SHA-256 of nothing) for no leaves", () => {
    expect(batchMerkleRootHex([])).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });
});
