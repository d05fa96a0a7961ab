// The offline verifier: trusts only the keys it is given. It checks the checkpoint's signature and
// the required witness cosignatures, recomputes the Merkle root from every entry's bytes (served
// over HTTP or read from an export), compares it at every signed checkpoint it knows of (an export
// carries them all), checks that a checkpoint saved earlier (`since`) is a prefix of this one, and
// names the first bad entry: exactly when the source can give inclusion proofs (HTTP), else the
// range between the last checkpoint that matched and the first that did not.
import { leafHash, TreeHasher, verifyInclusion } from "../../core/log/merkle.ts";
import {
  type Checkpoint,
  parseCheckpoint,
  parseNote,
  type Verifier,
  verifiedBy,
} from "../../core/log/note.ts";

export const logVerifyReasons = [
  "bad_checkpoint",
  "bad_signature",
  "missing_cosignatures",
  "rolled_back",
  "truncated",
  "extra_entries",
  "entry_changed",
  "inconsistent_with_since",
] as const;
export type LogVerifyReason = (typeof logVerifyReasons)[number];

export type LogVerifyResult =
  | { ok: true; size: number; rootHash: string; cosigners: string[]; sinceSize: number | undefined }
  | { ok: false; reason: LogVerifyReason; detail: string; index?: number; range?: [number, number] };

/** Where the verifier reads the log from. */
export interface LogSource {
  /**
   * Every entry's bytes in index order, from 0 (at most `size`, more is reported): one entry or a
   * batch of them per step (a batch spares the verifier an async step per entry).
   */
  entries(size: number): AsyncIterable<Uint8Array | readonly Uint8Array[]>;
  /** Other signed checkpoints the source carries (an export's history), oldest first. */
  checkpoints?(): Promise<string[]>;
  /** The server's inclusion proof (base64 hashes), to name the exact bad entry. */
  inclusionProof?(index: number, size: number): Promise<string[]>;
  /** The entry's bytes again (for the exact bad entry). */
  entry?(index: number): Promise<Uint8Array>;
}

export interface VerifyLogInput {
  note: string;
  logKey: Verifier;
  witnessKeys?: readonly Verifier[];
  /** Cosignatures required among witnessKeys (default: all of them). */
  witnessQuorum?: number;
  /** A signed checkpoint saved earlier: this one must extend it. */
  since?: string | undefined;
  source: LogSource;
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");
const same = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

type Checked =
  | { ok: true; checkpoint: Checkpoint; cosigners: string[] }
  | { ok: false; result: LogVerifyResult };

/** Parses a note and checks it is this log's checkpoint, signed by its key. */
export function checkCheckpointNote(
  note: string,
  logKey: Verifier,
  witnessKeys: readonly Verifier[] = [],
): Checked {
  const fail = (reason: LogVerifyReason, detail: string): Checked => ({
    ok: false,
    result: { ok: false, reason, detail },
  });
  const parsed = parseNote(note);
  if (!parsed.ok) return fail("bad_checkpoint", parsed.why);
  const body = parseCheckpoint(parsed.value.text);
  if (!body.ok) return fail("bad_checkpoint", body.why);
  if (body.value.origin !== logKey.name) {
    return fail("bad_checkpoint", `origin \`${body.value.origin}\` is not the key's name \`${logKey.name}\``);
  }
  if (verifiedBy(parsed.value, [logKey]).length === 0)
    return fail("bad_signature", "not signed by the log key");
  const cosigners = verifiedBy(parsed.value, witnessKeys).map((w) => w.name);
  return { ok: true, checkpoint: body.value, cosigners };
}

interface Walk {
  tree: TreeHasher;
  /** Sizes and roots of the known checkpoints, to compare at. */
  marks: Map<number, Uint8Array>;
  lastGood: number;
  /** The first checkpoint the entries did not hash to, and the last one before it they did. */
  firstBad: { size: number; lastGood: number } | undefined;
  finalBad: boolean;
}

/** Compares the running root with the checkpoint signed at this size. */
function compare(state: Walk, size: number, expected: Uint8Array): void {
  if (same(state.tree.root(), expected)) {
    if (!state.firstBad) state.lastGood = state.tree.size;
    return;
  }
  state.firstBad ??= { size: state.tree.size, lastGood: state.lastGood };
  if (state.tree.size === size) state.finalBad = true;
}

/** Hashes every entry once, comparing the running root at each known checkpoint's size. */
async function walk(input: VerifyLogInput, size: number, state: Walk): Promise<LogVerifyResult | undefined> {
  const { tree, marks } = state;
  const one = (entry: Uint8Array): LogVerifyResult | undefined => {
    if (tree.size >= size) {
      return { ok: false, reason: "extra_entries", detail: `more than ${size} entries`, index: size };
    }
    tree.appendEntry(entry);
    const expected = marks.get(tree.size);
    if (expected) compare(state, size, expected);
    return undefined;
  };
  for await (const step of input.source.entries(size)) {
    if (step instanceof Uint8Array) {
      const extra = one(step);
      if (extra) return extra;
      continue;
    }
    for (const entry of step) {
      const extra = one(entry);
      if (extra) return extra;
    }
  }
  if (tree.size < size) {
    return {
      ok: false,
      reason: "truncated",
      detail: `${tree.size} entries, the checkpoint has ${size}`,
      index: tree.size,
    };
  }
  const expected = marks.get(0);
  if (size === 0 && expected) compare(state, size, expected);
  return undefined;
}

/** Names the exact bad entry in `range` from the source's inclusion proofs, when it has them. */
async function pinpoint(
  input: VerifyLogInput,
  checkpoint: Checkpoint,
  range: [number, number],
): Promise<number | undefined> {
  const { inclusionProof, entry } = input.source;
  if (!inclusionProof || !entry) return undefined;
  for (let index = range[0]; index <= range[1]; index++) {
    const proof = (await inclusionProof(index, checkpoint.size)).map(
      (h) => new Uint8Array(Buffer.from(h, "base64")),
    );
    const leaf = leafHash(await entry(index));
    if (!verifyInclusion(index, checkpoint.size, leaf, proof, checkpoint.rootHash)) return index;
  }
  return undefined;
}

export async function verifyLog(input: VerifyLogInput): Promise<LogVerifyResult> {
  const witnessKeys = input.witnessKeys ?? [];
  const head = checkCheckpointNote(input.note, input.logKey, witnessKeys);
  if (!head.ok) return head.result;
  const { checkpoint, cosigners } = head;
  const quorum = input.witnessQuorum ?? witnessKeys.length;
  if (cosigners.length < quorum) {
    return {
      ok: false,
      reason: "missing_cosignatures",
      detail: `${cosigners.length} of the ${quorum} required witness cosignatures (${cosigners.join(", ") || "none"})`,
    };
  }
  const marks = new Map<number, Uint8Array>([[checkpoint.size, checkpoint.rootHash]]);
  let sinceSize: number | undefined;
  if (input.since !== undefined) {
    const since = checkCheckpointNote(input.since, input.logKey);
    if (!since.ok)
      return {
        ...since.result,
        detail: `the earlier checkpoint: ${since.result.ok ? "" : since.result.detail}`,
      } as LogVerifyResult;
    sinceSize = since.checkpoint.size;
    if (sinceSize > checkpoint.size) {
      return {
        ok: false,
        reason: "rolled_back",
        detail: `size ${checkpoint.size} is below the earlier ${sinceSize}`,
      };
    }
    const known = marks.get(sinceSize);
    if (known && !same(known, since.checkpoint.rootHash)) {
      return {
        ok: false,
        reason: "inconsistent_with_since",
        detail: "same size, another root: a split view",
      };
    }
    marks.set(sinceSize, since.checkpoint.rootHash);
  }
  for (const note of (await input.source.checkpoints?.()) ?? []) {
    const other = checkCheckpointNote(note, input.logKey);
    if (!other.ok || other.checkpoint.size > checkpoint.size) continue;
    const known = marks.get(other.checkpoint.size);
    if (known && !same(known, other.checkpoint.rootHash)) {
      return {
        ok: false,
        reason: "inconsistent_with_since",
        detail: `two signed checkpoints of size ${other.checkpoint.size} with different roots: a split view`,
      };
    }
    marks.set(other.checkpoint.size, other.checkpoint.rootHash);
  }
  const state: Walk = { tree: new TreeHasher(), marks, lastGood: 0, firstBad: undefined, finalBad: false };
  const cut = await walk(input, checkpoint.size, state);
  if (cut) return cut;
  if (state.firstBad && !state.finalBad) {
    // The entries hash to the new checkpoint but not to an earlier signed one: history was
    // rewritten and signed again (a split view), not an entry changed in place.
    return {
      ok: false,
      reason: "inconsistent_with_since",
      detail: `the entries match this checkpoint but not the earlier one of size ${state.firstBad.size}`,
    };
  }
  if (state.firstBad) {
    const range: [number, number] = [state.firstBad.lastGood, state.firstBad.size - 1];
    const index = await pinpoint(input, checkpoint, range);
    return index === undefined
      ? {
          ok: false,
          reason: "entry_changed",
          detail: `an entry in ${range[0]}..${range[1]} was changed`,
          range,
        }
      : {
          ok: false,
          reason: "entry_changed",
          detail: `entry ${index} does not match its leaf`,
          index,
          range,
        };
  }
  return { ok: true, size: checkpoint.size, rootHash: b64(checkpoint.rootHash), cosigners, sinceSize };
}

/** The export file: a header line, then each entry's bytes on a line of their own. */
export const exportFormat = "sluice-log-export/v1";
