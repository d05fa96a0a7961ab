// What the audit page checks in the browser, trusting no server-side verdict: the latest
// checkpoint's Ed25519 signature against the log key (GET /v1/log/key), then an entry's inclusion:
// its leaf hash from its bytes (GET /v1/log/entries/{index}) and the root recomputed from the
// RFC 9162 proof (GET /v1/log/proofs/inclusion) must equal the signed root. Each step that can
// fail has its own verdict, in the order the checks run.
import type { Api } from "../api/client.ts";
import { base64ToBytes, leafHash, verifyInclusion } from "./merkle.ts";
import { type Checkpoint, parseCheckpoint, parseNote, verifyNote } from "./note.ts";

export const logCheckVerdicts = [
  "verified",
  "no_log",
  "checkpoint_unsigned",
  "checkpoint_malformed",
  "entry_not_yet_checkpointed",
  "entry_missing",
  "proof_refused",
  "proof_malformed",
  "not_included",
] as const;
export type LogCheckVerdict = (typeof logCheckVerdicts)[number];

export interface SignedCheckpoint extends Checkpoint {
  /** the signed note as served, cosignatures included */
  note: string;
  /** names on the note's signatures other than the log's own: the witnesses' cosignatures */
  cosignatureNames: string[];
}

export type CheckpointCheck =
  | { verdict: "verified"; checkpoint: SignedCheckpoint }
  | { verdict: Exclude<LogCheckVerdict, "verified">; detail: string };

/** The latest checkpoint, its signature checked here against the log's published key. */
export async function checkCheckpoint(api: Api): Promise<CheckpointCheck> {
  const [note, key] = await Promise.all([api.getText("/v1/log/checkpoint"), api.getText("/v1/log/key")]);
  if (note === undefined || key === undefined)
    return { verdict: "no_log", detail: "this server publishes no signed checkpoint yet" };
  const signature = await verifyNote(note, key);
  if (signature !== "verified")
    return { verdict: "checkpoint_unsigned", detail: `signature: ${signature.replaceAll("_", " ")}` };
  const parsed = parseNote(note);
  const checkpoint = parsed && parseCheckpoint(parsed.text);
  if (!parsed || !checkpoint)
    return { verdict: "checkpoint_malformed", detail: "not a tlog checkpoint (origin, size, root)" };
  const logName = key.trim().split("+")[0];
  const cosignatureNames = parsed.signatures.map((s) => s.name).filter((name) => name !== logName);
  return { verdict: "verified", checkpoint: { ...checkpoint, note, cosignatureNames } };
}

export interface InclusionCheck {
  verdict: LogCheckVerdict;
  detail: string;
  /** the entry's bytes as proved (shown so the reader sees what the proof covers) */
  entry?: string;
}

const failed = (verdict: Exclude<LogCheckVerdict, "verified">, detail: string): InclusionCheck => ({
  verdict,
  detail,
});

/** Whether the entry at `index` (its seq − 1) is in the signed checkpoint, checked here. */
export async function checkInclusion(api: Api, index: number): Promise<InclusionCheck> {
  const signed = await checkCheckpoint(api);
  if (signed.verdict !== "verified") return failed(signed.verdict, signed.detail);
  const { size, root } = signed.checkpoint;
  if (index >= size)
    return failed("entry_not_yet_checkpointed", `entry ${index} is past the checkpoint of ${size} entries`);
  const response = await fetch(`/v1/log/entries/${index}`, {
    headers: { authorization: `Bearer ${api.token}` },
  });
  if (!response.ok) return failed("entry_missing", `GET entry ${index}: ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const proofResponse = await fetch(`/v1/log/proofs/inclusion?index=${index}&size=${size}`, {
    headers: { authorization: `Bearer ${api.token}`, accept: "application/json" },
  });
  if (!proofResponse.ok) return failed("proof_refused", `GET proof: ${proofResponse.status}`);
  let hashes: Uint8Array[];
  try {
    const proof = (await proofResponse.json()) as { hashes?: unknown };
    if (!Array.isArray(proof.hashes) || !proof.hashes.every((h) => typeof h === "string"))
      return failed("proof_malformed", "the proof has no list of base64 hashes");
    hashes = proof.hashes.map((h: string) => base64ToBytes(h));
  } catch {
    return failed("proof_malformed", "the proof is not JSON with base64 hashes");
  }
  const verdict = await verifyInclusion(index, size, await leafHash(bytes), hashes, root);
  const entry = new TextDecoder().decode(bytes);
  if (verdict !== "included") return { verdict: "not_included", detail: verdict.replaceAll("_", " "), entry };
  return {
    verdict: "verified",
    detail: `entry ${index} is in the signed checkpoint of ${size} entries`,
    entry,
  };
}
