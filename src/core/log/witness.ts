// A witness per C2SP tlog-witness: it remembers the last checkpoint it cosigned for each log and
// cosigns a new one only if the log's key signed it and a consistency proof shows it extends the
// remembered one. So a log that rewrites its history and re-signs it with its own key gets no
// cosignature: a split view is refused. Pure: the caller keeps the state and persists the new
// state BEFORE answering (src/adapters/cli/commands/witness.ts does it under one lock).
import { verifyConsistency } from "./merkle.ts";
import {
  type Checkpoint,
  cosign,
  parseCheckpoint,
  parseNote,
  type Signer,
  type Verifier,
  verifiedBy,
} from "./note.ts";

/** Outcomes in the order they are checked, with the HTTP status tlog-witness gives each. */
export const witnessStatuses = [
  "ok",
  "bad_request",
  "unknown_log",
  "bad_signature",
  "conflict",
  "bad_proof",
] as const;
export type WitnessStatus = (typeof witnessStatuses)[number];
export const witnessHttpStatus: Record<WitnessStatus, number> = {
  ok: 200,
  bad_request: 400,
  unknown_log: 404,
  bad_signature: 403,
  conflict: 409,
  bad_proof: 422,
};

export interface WitnessedLog {
  size: number;
  /** base64 root of the last cosigned checkpoint */
  rootHash: string;
}
export type WitnessState = Record<string, WitnessedLog>;

export type AddCheckpointResult =
  | { status: "ok"; cosignature: string; state: WitnessState }
  | { status: "conflict"; size: number }
  | { status: Exclude<WitnessStatus, "ok" | "conflict">; why: string };

/** Hashes in a request's proof at most (a proof has at most 2 · 63 of them). */
export const proofHashesMax = 128;

interface Request {
  old: number;
  proof: Uint8Array[];
  note: string;
}

/** Splits the add-checkpoint body: `old <size>`, proof lines, a blank line, the signed note. */
export function parseAddCheckpoint(body: string): Request | string {
  const blank = body.indexOf("\n\n");
  if (blank < 0) return "no blank line before the checkpoint";
  const head = body.slice(0, blank).split("\n");
  const oldMatch = /^old (0|[1-9][0-9]{0,15})$/.exec(head[0] ?? "");
  if (!oldMatch) return "the first line is not `old <size>`";
  const proof: Uint8Array[] = [];
  for (const line of head.slice(1)) {
    if (!/^[A-Za-z0-9+/]{43}=$/.test(line))
      return `proof line \`${line.slice(0, 60)}\` is not base64 of 32 bytes`;
    proof.push(new Uint8Array(Buffer.from(line, "base64")));
  }
  if (proof.length > proofHashesMax) return "too many proof lines";
  return { old: Number(oldMatch[1]), proof, note: body.slice(blank + 2) };
}

export function addCheckpoint(
  state: WitnessState,
  body: string,
  logs: readonly Verifier[],
  witness: Signer,
  nowSeconds: number,
): AddCheckpointResult {
  const request = parseAddCheckpoint(body);
  if (typeof request === "string") return { status: "bad_request", why: request };
  const note = parseNote(request.note);
  if (!note.ok) return { status: "bad_request", why: note.why };
  const parsed = parseCheckpoint(note.value.text);
  if (!parsed.ok) return { status: "bad_request", why: parsed.why };
  const checkpoint: Checkpoint = parsed.value;
  const log = logs.find((l) => l.name === checkpoint.origin);
  if (!log) return { status: "unknown_log", why: `no log \`${checkpoint.origin}\` known to this witness` };
  if (verifiedBy(note.value, [log]).length === 0)
    return { status: "bad_signature", why: "not signed by the log's key" };
  const known = state[checkpoint.origin] ?? { size: 0, rootHash: "" };
  if (request.old !== known.size) return { status: "conflict", size: known.size };
  if (checkpoint.size < known.size)
    return { status: "bad_request", why: "the checkpoint is smaller than old" };
  const oldRoot = new Uint8Array(Buffer.from(known.rootHash, "base64"));
  const consistent =
    known.size === 0
      ? request.proof.length === 0
      : verifyConsistency(known.size, checkpoint.size, request.proof, oldRoot, checkpoint.rootHash);
  if (!consistent) return { status: "bad_proof", why: "the consistency proof does not check" };
  const rootHash = Buffer.from(checkpoint.rootHash).toString("base64");
  return {
    status: "ok",
    cosignature: cosign(note.value.text, witness, nowSeconds),
    state: { ...state, [checkpoint.origin]: { size: checkpoint.size, rootHash } },
  };
}
