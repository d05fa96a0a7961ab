// The log's Merkle tree per RFC 9162 §2.1 (RFC 6962): leaf hash = SHA-256(0x00 ‖ entry bytes),
// interior = SHA-256(0x01 ‖ left ‖ right). Proofs are built from the hashes of complete
// (perfect, aligned) subtrees, which never change once written, so a store can keep exactly those
// (`NodeId`: level and index at that level) and an adapter can fetch the ones a proof needs first
// (`nodesNeeded`), then build the proof synchronously. Verification follows RFC 9162 §2.1.3.2 and
// §2.1.4.2 literally. Pure: hashing is deterministic, no I/O.
import * as crypto from "node:crypto";
import { createHash } from "node:crypto";

export const hashBytes = 32;
/** Trees up to 2^53 − 1 leaves: sizes and indices stay exact JavaScript numbers. */
export const treeSizeMax = Number.MAX_SAFE_INTEGER;

/**
 * SHA-256 of bytes. The one-shot `crypto.hash` (Node ≥ 20.12) costs about half of a
 * createHash/update/digest round: the verifier hashes two per entry (bench/log.ts).
 */
const sha256: (data: Uint8Array) => Uint8Array =
  typeof crypto.hash === "function"
    ? (data) => crypto.hash("sha256", data, "buffer") as unknown as Uint8Array
    : (data) => createHash("sha256").update(data).digest();

/** Entries up to this size are hashed from one reused buffer (no allocation per leaf). */
const leafScratchBytes = 64 * 1024;
const leafScratch = new Uint8Array(leafScratchBytes);

export function leafHash(entry: Uint8Array): Uint8Array {
  const data = entry.length < leafScratchBytes ? leafScratch : new Uint8Array(entry.length + 1);
  data[0] = 0;
  data.set(entry, 1);
  return sha256(data.subarray(0, entry.length + 1));
}

const nodeInput = new Uint8Array(1 + 2 * hashBytes);
nodeInput[0] = 1;
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + left.length);
  return left.length === hashBytes && right.length === hashBytes
    ? sha256(nodeInput)
    : createHash("sha256").update(Uint8Array.of(1)).update(left).update(right).digest();
}

/** SHA-256 of nothing: the root of the empty tree. */
export const emptyRoot: Uint8Array = createHash("sha256").digest();

/** A complete subtree: leaves [index · 2^level, (index + 1) · 2^level). */
export interface NodeId {
  level: number;
  index: number;
}
export type NodeSource = (level: number, index: number) => Uint8Array;
/**
 * Hashes of ranges that are not complete subtrees, computed before and reused (keyed
 * "start:end"): a range's hash never changes once its leaves are integrated, and the proofs of one
 * tree size all combine the same few ranges along its right edge.
 */
export interface RangeMemo {
  get(key: string): Uint8Array | undefined;
  set(key: string, hash: Uint8Array): unknown;
}

const largestPowerOfTwoBelow = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

/** The root of leaves [start, end), from complete subtrees (start is aligned as MTH's splits are). */
export function rangeHash(start: number, end: number, node: NodeSource, memo?: RangeMemo): Uint8Array {
  const size = end - start;
  if (size <= 0) return emptyRoot;
  if ((size & (size - 1)) === 0 && start % size === 0) return node(Math.log2(size), start / size);
  const key = memo && `${start}:${end}`;
  const known = key && memo.get(key);
  if (known) return known;
  const k = largestPowerOfTwoBelow(size);
  const hash = nodeHash(rangeHash(start, start + k, node, memo), rangeHash(start + k, end, node, memo));
  if (key) memo.set(key, hash);
  return hash;
}

export const treeRoot = (size: number, node: NodeSource): Uint8Array => rangeHash(0, size, node);

/** RFC 6962 PATH(m, D[start:end]): the audit path of leaf `index` (absolute) in [start, end). */
function path(
  index: number,
  start: number,
  end: number,
  node: NodeSource,
  out: Uint8Array[],
  memo: RangeMemo | undefined,
): void {
  const size = end - start;
  if (size <= 1) return;
  const k = largestPowerOfTwoBelow(size);
  if (index - start < k) {
    path(index, start, start + k, node, out, memo);
    out.push(rangeHash(start + k, end, node, memo));
  } else {
    path(index, start + k, end, node, out, memo);
    out.push(rangeHash(start, start + k, node, memo));
  }
}

/** The inclusion proof of leaf `index` in the tree of `size` leaves (index < size). */
export function inclusionProof(
  index: number,
  size: number,
  node: NodeSource,
  memo?: RangeMemo,
): Uint8Array[] {
  if (!(index >= 0 && index < size)) throw new RangeError(`index ${index} not below size ${size}`);
  const out: Uint8Array[] = [];
  path(index, 0, size, node, out, memo);
  return out;
}

/** RFC 6962 SUBPROOF(m, D[start:end], b). */
function subproof(
  m: number,
  start: number,
  end: number,
  complete: boolean,
  node: NodeSource,
  out: Uint8Array[],
): void {
  const size = end - start;
  if (m === size) {
    if (!complete) out.push(rangeHash(start, end, node));
    return;
  }
  const k = largestPowerOfTwoBelow(size);
  if (m <= k) {
    subproof(m, start, start + k, complete, node, out);
    out.push(rangeHash(start + k, end, node));
  } else {
    subproof(m - k, start + k, end, false, node, out);
    out.push(rangeHash(start, start + k, node));
  }
}

/** The consistency proof from the tree of `from` leaves to the tree of `size` leaves. */
export function consistencyProof(from: number, size: number, node: NodeSource): Uint8Array[] {
  if (!(from >= 0 && from <= size)) throw new RangeError(`size ${from} above size ${size}`);
  const out: Uint8Array[] = [];
  if (from > 0 && from < size) subproof(from, 0, size, true, node, out);
  return out;
}

/** The complete subtrees a proof (or root) reads: run `build` against a recorder, not the store. */
export function nodesNeeded(build: (node: NodeSource) => unknown): NodeId[] {
  const seen = new Map<string, NodeId>();
  build((level, index) => {
    seen.set(`${level}:${index}`, { level, index });
    return emptyRoot;
  });
  return [...seen.values()];
}

const equalBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((byte, i) => byte === b[i]);

/** RFC 9162 §2.1.3.2: does `proof` show the leaf with `leaf` hash at `index` in (size, root)? */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(size) && index >= 0 && index < size))
    return false;
  if (proof.some((p) => p.length !== hashBytes)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equalBytes(r, root);
}

/** RFC 9162 §2.1.4.2: does `proof` show (size1, root1) is a prefix of (size2, root2)? */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): boolean {
  if (!(Number.isSafeInteger(size1) && Number.isSafeInteger(size2) && size1 >= 0 && size1 <= size2)) {
    return false;
  }
  if (proof.some((p) => p.length !== hashBytes)) return false;
  if (size1 === size2) return proof.length === 0 && equalBytes(root1, root2);
  if (size1 === 0) return proof.length === 0;
  const path = [...proof];
  // If size1 is a power of two, the first tree is a complete subtree of the second: its root
  // starts the path.
  if ((size1 & (size1 - 1)) === 0) path.unshift(root1);
  if (path.length === 0) return false;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0] as Uint8Array;
  let sr = fr;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return equalBytes(fr, root1) && equalBytes(sr, root2) && sn === 0;
}

/**
 * The right edge of a tree: the roots of its complete subtrees, largest first (one per set bit of
 * the size). Appending leaves to it yields every complete subtree that appears, so an integrator
 * stores each new node once and never rereads the tree.
 */
export interface Frontier {
  size: number;
  /** Largest subtree first; levels strictly decreasing. */
  nodes: { level: number; hash: Uint8Array }[];
}

export const emptyFrontier = (): Frontier => ({ size: 0, nodes: [] });

/** The complete subtrees that make up the frontier of a tree of `size` leaves. */
export function frontierIds(size: number): NodeId[] {
  const ids: NodeId[] = [];
  let start = 0;
  for (let level = 52; level >= 0; level--) {
    const width = 2 ** level;
    if (Math.floor(size / width) % 2 === 1) {
      ids.push({ level, index: start / width });
      start += width;
    }
  }
  return ids;
}

/** Appends leaf hashes; calls `onNode` for every complete subtree made (leaves included). */
export function appendLeaves(
  frontier: Frontier,
  leaves: readonly Uint8Array[],
  onNode: (level: number, index: number, hash: Uint8Array) => void,
): Frontier {
  const nodes = [...frontier.nodes];
  let size = frontier.size;
  for (const leaf of leaves) {
    let level = 0;
    let hash = leaf;
    let index = size;
    onNode(0, index, hash);
    while (nodes.length > 0 && (nodes[nodes.length - 1] as { level: number }).level === level) {
      const left = nodes.pop() as { level: number; hash: Uint8Array };
      hash = nodeHash(left.hash, hash);
      level++;
      index = Math.floor(index / 2);
      onNode(level, index, hash);
    }
    nodes.push({ level, hash });
    size++;
  }
  return { size, nodes };
}

/** The root of the tree whose right edge this is. */
export function frontierRoot(frontier: Frontier): Uint8Array {
  const last = frontier.nodes.at(-1);
  if (!last) return emptyRoot;
  let hash = last.hash;
  for (let i = frontier.nodes.length - 2; i >= 0; i--) {
    hash = nodeHash((frontier.nodes[i] as { hash: Uint8Array }).hash, hash);
  }
  return hash;
}

/**
 * A tree's root computed while entries are appended, for verifiers that read a whole log: the
 * right edge kept by level (present where the size has a 1 bit), no allocation but the hashes.
 */
export class TreeHasher {
  readonly #levels: Uint8Array[] = [];
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Appends one entry (its bytes; the leaf hash is taken here). */
  appendEntry(entry: Uint8Array): void {
    let hash = leafHash(entry);
    let level = 0;
    for (let n = this.#size; n % 2 === 1; n = (n - 1) / 2) {
      hash = nodeHash(this.#levels[level] as Uint8Array, hash);
      level++;
    }
    this.#levels[level] = hash;
    this.#size++;
  }

  /** The root of the entries appended so far (RFC 9162 MTH). */
  root(): Uint8Array {
    let hash: Uint8Array | undefined;
    let level = 0;
    for (let n = this.#size; n > 0; n = Math.floor(n / 2)) {
      if (n % 2 === 1) {
        const node = this.#levels[level] as Uint8Array;
        hash = hash ? nodeHash(node, hash) : node;
      }
      level++;
    }
    return hash ?? emptyRoot;
  }
}
