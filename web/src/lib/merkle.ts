// Checks in the browser that an entry is in the transparency log (RFC 6962 / RFC 9162 Merkle
// tree): leaf hash SHA-256(0x00 ‖ entry), node hash SHA-256(0x01 ‖ left ‖ right), and the
// inclusion-proof algorithm of RFC 9162 §2.1.3.2. WebCrypto only (browser and Node 20 alike), so
// the page needs no library and trusts no server-side check.

const subtle = () => globalThis.crypto.subtle;

export async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  const length = parts.reduce((sum, part) => sum + part.length, 0);
  const joined = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return new Uint8Array(await subtle().digest("SHA-256", joined));
}

export const leafHash = (entry: Uint8Array): Promise<Uint8Array> => sha256(Uint8Array.of(0), entry);
export const nodeHash = (left: Uint8Array, right: Uint8Array): Promise<Uint8Array> =>
  sha256(Uint8Array.of(1), left, right);

export const inclusionVerdicts = [
  "included",
  "index_out_of_range",
  "proof_wrong_length",
  "root_mismatch",
] as const;
export type InclusionVerdict = (typeof inclusionVerdicts)[number];

const equalBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((byte, i) => byte === b[i]);

/**
 * Whether the entry at `index` with this leaf hash is in the tree of `size` entries whose root is
 * `root`, given the audit path `proof` (RFC 9162 §2.1.3.2). Indices are numbers: a log of 2^53
 * entries is beyond this app.
 */
export async function verifyInclusion(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): Promise<InclusionVerdict> {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    return "index_out_of_range";
  }
  let fn = index;
  let sn = size - 1;
  let hash = leaf;
  for (const sibling of proof) {
    if (sn === 0) return "proof_wrong_length";
    if (fn % 2 === 1 || fn === sn) {
      hash = await nodeHash(sibling, hash);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      hash = await nodeHash(hash, sibling);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) return "proof_wrong_length";
  return equalBytes(hash, root) ? "included" : "root_mismatch";
}

export function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
