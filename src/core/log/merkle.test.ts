// The Merkle tree against RFC 6962's definitions written out naively (MTH, PATH, PROOF over the
// leaf data itself, no stored nodes), the public test vectors of certificate-transparency-go
// (the eight leaves of its merkle tree tests and their roots), and forged proofs.
import { createHash } from "node:crypto";

/** A copy of `bytes` with bit `bit` flipped. */
const flip = (bytes: Uint8Array, bit: number): Uint8Array => {
  const copy = Uint8Array.from(bytes);
  copy[bit >> 3] = (copy[bit >> 3] as number) ^ (1 << (bit & 7));
  return copy;
};

import { describe, expect, it } from "vitest";
import { ctLeaves, ctRoots } from "../../../test/support/ct-vectors.ts";
import {
  appendLeaves,
  consistencyProof,
  emptyFrontier,
  emptyRoot,
  frontierIds,
  frontierRoot,
  inclusionProof,
  leafHash,
  type NodeSource,
  nodesNeeded,
  TreeHasher,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
} from "./merkle.ts";

const sha = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest();
};
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

// RFC 6962 §2.1, literally.
const k = (n: number): number => 2 ** Math.ceil(Math.log2(n) - 1);
function mth(d: Uint8Array[]): Uint8Array {
  if (d.length === 0) return sha();
  if (d.length === 1) return sha(Uint8Array.of(0), d[0] as Uint8Array);
  const s = k(d.length);
  return sha(Uint8Array.of(1), mth(d.slice(0, s)), mth(d.slice(s)));
}
function refPath(m: number, d: Uint8Array[]): Uint8Array[] {
  if (d.length <= 1) return [];
  const s = k(d.length);
  return m < s
    ? [...refPath(m, d.slice(0, s)), mth(d.slice(s))]
    : [...refPath(m - s, d.slice(s)), mth(d.slice(0, s))];
}
function refSubproof(m: number, d: Uint8Array[], b: boolean): Uint8Array[] {
  if (m === d.length) return b ? [] : [mth(d)];
  const s = k(d.length);
  return m <= s
    ? [...refSubproof(m, d.slice(0, s), b), mth(d.slice(s))]
    : [...refSubproof(m - s, d.slice(s), false), mth(d.slice(0, s))];
}
const refProof = (m: number, d: Uint8Array[]): Uint8Array[] =>
  m === 0 || m === d.length ? [] : refSubproof(m, d, true);

/** A node source over stored complete subtrees, as the integrator would write them. */
function storedTree(leaves: Uint8Array[]): NodeSource {
  const nodes = new Map<string, Uint8Array>();
  appendLeaves(
    emptyFrontier(),
    leaves.map((l) => leafHash(l)),
    (level, index, hash) => nodes.set(`${level}:${index}`, hash),
  );
  return (level, index) => {
    const hash = nodes.get(`${level}:${index}`);
    if (!hash) throw new Error(`node ${level}:${index} is not a complete subtree`);
    return hash;
  };
}

const leavesOf = (n: number): Uint8Array[] => Array.from({ length: n }, (_, i) => Buffer.from(`entry ${i}`));

describe("merkle tree", () => {
  it("matches the certificate-transparency-go roots for every prefix of its eight leaves", () => {
    const data = ctLeaves.map((h) => Buffer.from(h, "hex"));
    for (let n = 1; n <= data.length; n++) {
      expect(hex(treeRoot(n, storedTree(data.slice(0, n))))).toBe(ctRoots[n - 1]);
      expect(hex(mth(data.slice(0, n)))).toBe(ctRoots[n - 1]);
    }
    expect(hex(treeRoot(0, storedTree([])))).toBe(hex(emptyRoot));
    expect(hex(emptyRoot)).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  it("builds the roots and proofs of RFC 6962's definitions for every size up to 70", () => {
    const all = leavesOf(70);
    const source = storedTree(all);
    let frontier = emptyFrontier();
    for (let n = 1; n <= all.length; n++) {
      const d = all.slice(0, n);
      frontier = appendLeaves(frontier, [leafHash(all[n - 1] as Uint8Array)], () => {});
      expect(hex(frontierRoot(frontier))).toBe(hex(mth(d)));
      expect(frontier.nodes.map((x) => x.level)).toEqual(frontierIds(n).map((x) => x.level));
      const root = treeRoot(n, source);
      expect(hex(root)).toBe(hex(mth(d)));
      for (let i = 0; i < n; i++) {
        const proof = inclusionProof(i, n, source);
        expect(proof.map(hex)).toEqual(refPath(i, d).map(hex));
        expect(verifyInclusion(i, n, leafHash(d[i] as Uint8Array), proof, root)).toBe(true);
      }
      for (let m = 0; m <= n; m++) {
        const proof = consistencyProof(m, n, source);
        expect(proof.map(hex)).toEqual(refProof(m, d).map(hex));
        expect(verifyConsistency(m, n, proof, mth(all.slice(0, m)), root)).toBe(true);
      }
    }
  });

  it("computes every prefix's root while entries are appended (TreeHasher), large entries included", () => {
    const data = ctLeaves.map((h) => Buffer.from(h, "hex"));
    const ct = new TreeHasher();
    expect(hex(ct.root())).toBe(hex(emptyRoot));
    for (const [n, entry] of data.entries()) {
      ct.appendEntry(entry);
      expect(ct.size).toBe(n + 1);
      expect(hex(ct.root())).toBe(ctRoots[n]);
    }
    // Entries of any length, one above the reused leaf buffer's size among them.
    const all = [...leavesOf(70), new Uint8Array(70_000).fill(7), Buffer.from("after")];
    const tree = new TreeHasher();
    for (let n = 1; n <= all.length; n++) {
      tree.appendEntry(all[n - 1] as Uint8Array);
      expect(hex(tree.root())).toBe(hex(mth(all.slice(0, n))));
    }
  });

  it("gives the same proofs with a range memo shared across proofs and sizes", () => {
    const all = leavesOf(70);
    const source = storedTree(all);
    const memo = new Map<string, Uint8Array>();
    for (let n = 1; n <= all.length; n++) {
      for (let i = 0; i < n; i++) {
        const proof = inclusionProof(i, n, source, memo);
        expect(proof.map(hex)).toEqual(refPath(i, all.slice(0, n)).map(hex));
      }
    }
    expect(memo.size).toBeGreaterThan(0);
  });

  it("names the complete subtrees a proof reads, so a store can fetch them in one query", () => {
    const source = storedTree(leavesOf(1000));
    const needed = nodesNeeded((node) => inclusionProof(517, 1000, node));
    const fetched = new Map(needed.map((id) => [`${id.level}:${id.index}`, source(id.level, id.index)]));
    const proof = inclusionProof(517, 1000, (l, i) => fetched.get(`${l}:${i}`) as Uint8Array);
    expect(proof.map(hex)).toEqual(inclusionProof(517, 1000, source).map(hex));
    expect(needed.length).toBeLessThan(40);
  });

  it("refuses forged inclusion proofs: bit flips, wrong leaf, index ± 1, wrong size, extra or missing hashes", () => {
    const leaves = leavesOf(21);
    const source = storedTree(leaves);
    const root = treeRoot(21, source);
    for (const index of [0, 1, 7, 8, 15, 16, 19, 20]) {
      const leaf = leafHash(leaves[index] as Uint8Array);
      const proof = inclusionProof(index, 21, source);
      expect(verifyInclusion(index, 21, leaf, proof, root)).toBe(true);
      for (let p = 0; p < proof.length; p++) {
        for (const bit of [0, 7, 255]) {
          const forged = proof.map((h, i) => (i === p ? flip(h, bit) : h));
          expect(verifyInclusion(index, 21, leaf, forged, root)).toBe(false);
        }
      }
      const flippedRoot = flip(root, 248);
      expect(verifyInclusion(index, 21, leaf, proof, flippedRoot)).toBe(false);
      expect(verifyInclusion(index, 21, leafHash(Buffer.from("not the entry")), proof, root)).toBe(false);
      expect(verifyInclusion(index, 21, leaves[index] as Uint8Array, proof, root)).toBe(false);
      expect(verifyInclusion(index + 1, 21, leaf, proof, root)).toBe(false);
      if (index > 0) expect(verifyInclusion(index - 1, 21, leaf, proof, root)).toBe(false);
      // Wrong tree height, as the public vectors probe it (a size whose path has the same shape
      // cannot be told apart by the proof: the root binds the size's contents instead).
      for (const size of [index, 42, 10, 0])
        expect(verifyInclusion(index, size, leaf, proof, root)).toBe(false);
      expect(verifyInclusion(index ^ 2, 21, leaf, proof, root)).toBe(false);
      expect(verifyInclusion(index, 21, leaf, [...proof, emptyRoot], root)).toBe(false);
      expect(verifyInclusion(index, 21, leaf, proof.slice(0, -1), root)).toBe(false);
      expect(verifyInclusion(index, 21, leaf, proof.slice(1), root)).toBe(false);
      expect(verifyInclusion(index, 21, leaf, [emptyRoot, ...proof], root)).toBe(false);
      expect(verifyInclusion(-1, 21, leaf, proof, root)).toBe(false);
    }
    expect(() => inclusionProof(21, 21, source)).toThrow(RangeError);
  });

  it("refuses forged consistency proofs", () => {
    const leaves = leavesOf(37);
    const source = storedTree(leaves);
    const root2 = treeRoot(37, source);
    for (const size1 of [1, 2, 3, 4, 7, 8, 16, 20, 33, 36]) {
      const root1 = treeRoot(size1, source);
      const proof = consistencyProof(size1, 37, source);
      expect(verifyConsistency(size1, 37, proof, root1, root2)).toBe(true);
      for (let p = 0; p < proof.length; p++) {
        const forged = proof.map((h, i) => (i === p ? flip(h, (p % 32) * 8 + 7) : h));
        expect(verifyConsistency(size1, 37, forged, root1, root2)).toBe(false);
      }
      expect(verifyConsistency(size1, 37, proof, root2, root2)).toBe(false);
      expect(verifyConsistency(size1, 37, proof, root1, root1)).toBe(false);
      expect(verifyConsistency(size1 + 1, 37, proof, root1, root2)).toBe(false);
      expect(verifyConsistency(size1 - 1, 37, proof, root1, root2)).toBe(false);
      expect(verifyConsistency(size1, 74, proof, root1, root2)).toBe(false);
      expect(verifyConsistency(size1, 18, proof, root1, root2)).toBe(false);
      expect(verifyConsistency(size1 ^ 2, 37, proof, root1, root2)).toBe(false);
      expect(verifyConsistency(size1, 37, [...proof, emptyRoot], root1, root2)).toBe(false);
      expect(verifyConsistency(size1, 37, proof.slice(0, -1), root1, root2)).toBe(false);
      expect(verifyConsistency(size1, 37, [], root1, root2)).toBe(false);
    }
    // A tree that differs in one early leaf is not an extension, whatever the proof.
    const other = storedTree([Buffer.from("rewritten"), ...leaves.slice(1)]);
    expect(
      verifyConsistency(8, 37, consistencyProof(8, 37, other), treeRoot(8, source), treeRoot(37, other)),
    ).toBe(false);
    expect(verifyConsistency(37, 37, [], root2, root2)).toBe(true);
    expect(verifyConsistency(37, 37, [emptyRoot], root2, root2)).toBe(false);
    expect(verifyConsistency(38, 37, [], root2, root2)).toBe(false);
  });
});
