// What the log's readers need (HTTP routes, reports, the web app): the latest signed checkpoint,
// entries by index and proofs. The database adapter implements it (src/adapters/db/log/reader.ts).
// Sizes and indices are plain numbers (a log stays far below 2^53 entries).

/** The latest checkpoint as signed: what a report names as "computed at". */
export interface CheckpointRef {
  origin: string;
  size: number;
  /** base64 of the 32-byte Merkle root */
  rootHash: string;
  /** the signed note text (with the cosignatures collected so far) */
  note: string;
}

export interface CheckpointStatus extends CheckpointRef {
  /** when the log signed it (the server's clock) */
  signedAt: string;
  /** names of the witnesses whose cosignatures the note carries */
  cosigners: string[];
  /** cosignatures the configuration requires for "witnessed" (0: no witnesses configured) */
  witnessQuorum: number;
  /** whether the configured quorum of witnesses has cosigned */
  witnessed: boolean;
}

/** For reports: the log checkpoint a report was computed at. */
export interface LogCheckpoints {
  latestCheckpoint(): Promise<CheckpointRef | undefined>;
}

export const proofRefusals = ["index_not_below_size", "size_above_tree", "from_above_size"] as const;
export type ProofRefusal = (typeof proofRefusals)[number];
export type ProofOutcome = { status: "ok"; hashes: string[] } | { status: ProofRefusal; size: number };

export interface LogReader extends LogCheckpoints {
  /** The C2SP verifier key of the log, or undefined when this server has no log key. */
  verifierKey(): string | undefined;
  checkpointStatus(): Promise<CheckpointStatus | undefined>;
  /** The entry's bytes exactly as hashed into its leaf; undefined past the tree. */
  entry(index: number): Promise<string | undefined>;
  inclusionProof(index: number, size: number): Promise<ProofOutcome>;
  consistencyProof(from: number, size: number): Promise<ProofOutcome>;
}
