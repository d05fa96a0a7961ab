// The audit log's hash chain: each entry's hash is SHA-256 over the RFC 8785 canonical JSON of
// {seq, at, kind, payload, prevHash}, and prevHash is the previous entry's hash (64 zeros first).
// `verify` walks entries in seq order and names the first bad position and why. A chain alone
// cannot see entries cut off its end: compare the head with a published one (`expectHead`).
// Pure: hashing is deterministic, no I/O.
import { createHash } from "node:crypto";
import canonicalize from "canonicalize";

export const genesisHash = "0".repeat(64);

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface AuditEntry {
  seq: number;
  /** ISO 8601 instant, as given by the clock. */
  at: string;
  kind: string;
  payload: Json;
  prevHash: string;
  hash: string;
  /**
   * Who did it (src/core/audit/actor.ts), as JSON; covered by the hash when present. Entries
   * written before actors were recorded have none, and hash as they always did.
   */
  actor?: Json;
}

export const verifyReasons = [
  "removed",
  "inserted",
  "reordered",
  "changed",
  "broken_link",
  "head_mismatch",
] as const;
export type VerifyReason = (typeof verifyReasons)[number];

export type VerifyResult =
  | { ok: true; count: number; head: { seq: number; hash: string } }
  | { ok: false; position: number; seq: number | null; reason: VerifyReason; detail: string };

export function entryHash(entry: Omit<AuditEntry, "hash">): string {
  const text = canonicalize({
    seq: entry.seq,
    at: entry.at,
    kind: entry.kind,
    payload: entry.payload,
    prevHash: entry.prevHash,
    ...(entry.actor === undefined ? {} : { actor: entry.actor }),
  });
  if (text === undefined) throw new Error("audit entry cannot be canonicalized");
  return createHash("sha256").update(text).digest("hex");
}

/** The entry that follows `prevHash` at `seq`. */
export function nextEntry(
  previous: { seq: number; hash: string },
  at: string,
  kind: string,
  payload: Json,
  actor?: Json,
): AuditEntry {
  const body = {
    seq: previous.seq + 1,
    at,
    kind,
    payload,
    prevHash: previous.hash,
    ...(actor === undefined ? {} : { actor }),
  };
  return { ...body, hash: entryHash(body) };
}

/** How far an entry's seq has moved: k when its stored hash matches seq + k (|k| ≤ shiftMax). */
const shiftMax = 64;
function seqShift(entry: AuditEntry): number | undefined {
  for (let k = 1; k <= shiftMax; k++) {
    for (const shift of [k, -k]) {
      if (entry.seq + shift < 1) continue;
      if (entryHash({ ...entry, seq: entry.seq + shift }) === entry.hash) return shift;
    }
  }
  return undefined;
}

/**
 * Verifies entries sorted by seq. Positions are 1-based. The reason names the tampering that
 * explains the first break: a gap in seq or an entry whose hash proves it sat later (`removed`),
 * an entry that links past its predecessor or proves it sat earlier (`inserted`), an entry that
 * links to a later one (`reordered`), content that no longer matches its hash (`changed`).
 */
export function verifyChain(
  entries: readonly AuditEntry[],
  expectHead?: { seq: number; hash: string },
): VerifyResult {
  let previous = { seq: 0, hash: genesisHash };
  const laterHashes = new Map(entries.map((entry, index) => [entry.hash, index]));
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index] as AuditEntry;
    const position = index + 1;
    const fail = (reason: VerifyReason, detail: string, at = position): VerifyResult => ({
      ok: false,
      position: at,
      seq: entries[at - 1]?.seq ?? null,
      reason,
      detail,
    });
    if (entry.seq > previous.seq + 1) {
      return fail("removed", `seq ${previous.seq + 1} to ${entry.seq - 1} missing`);
    }
    if (entry.seq <= previous.seq) return fail("inserted", `seq ${entry.seq} repeats or goes back`);
    const selfValid = entryHash(entry) === entry.hash;
    if (selfValid && entry.prevHash === previous.hash) {
      previous = { seq: entry.seq, hash: entry.hash };
      continue;
    }
    const linkedIndex = laterHashes.get(entry.prevHash);
    if (linkedIndex !== undefined && linkedIndex > index) {
      return fail("reordered", `links to the entry at position ${linkedIndex + 1}`);
    }
    const before = entries[index - 1];
    if (before && entry.prevHash === before.prevHash) {
      return fail("inserted", "the entry before it was not in the chain", position - 1);
    }
    if (selfValid && position > 1) {
      // Both entries hash correctly but do not link: the previous one was rewritten and re-hashed.
      return fail("changed", "re-hashed: the next entry links to another hash", position - 1);
    }
    if (selfValid) return fail("broken_link", "the first entry does not link to the genesis hash");
    const shift = seqShift(entry);
    if (shift !== undefined && shift > 0) return fail("removed", `entry was at seq ${entry.seq + shift}`);
    if (shift !== undefined && shift < 0) {
      return fail("inserted", `entry was at seq ${entry.seq + shift}`, Math.max(1, position + shift));
    }
    if (entries[index + 1]?.prevHash === previous.hash) {
      return fail("inserted", "the next entry links past it to the previous one");
    }
    return fail("changed", "content does not match its hash");
  }
  if (expectHead && (previous.seq !== expectHead.seq || previous.hash !== expectHead.hash)) {
    return {
      ok: false,
      position: entries.length,
      seq: previous.seq,
      reason: "head_mismatch",
      detail: `head is seq ${previous.seq}, expected seq ${expectHead.seq} with hash ${expectHead.hash}`,
    };
  }
  return { ok: true, count: entries.length, head: previous };
}
