// The bytes of one log entry: RFC 8785 canonical JSON of {kind, at, actor, payload}. These bytes
// are what a business transaction stores, what the Merkle leaf hashes and what
// GET /v1/log/entries/{index} serves, so anyone can recompute a leaf without Sluice's code.
// The index is not in the bytes: it is assigned later by the integrator (docs/log.md).
import canonicalize from "canonicalize";
import type { AuditActor } from "../audit/actor.ts";
import type { Json } from "../audit/chain.ts";

export interface LogEntry {
  kind: string;
  /** ISO 8601 instant from the server's clock. */
  at: string;
  actor: AuditActor;
  payload: Json;
}

/** An entry larger than this is refused by the log (a payload is a record, not a document). */
export const entryBytesMax = 1_000_000;

export function entryText(entry: LogEntry): string {
  const text = canonicalize({ kind: entry.kind, at: entry.at, actor: entry.actor, payload: entry.payload });
  if (text === undefined) throw new Error("log entry cannot be canonicalized");
  return text;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const nullableString = (v: unknown): boolean => v === null || typeof v === "string";

/** Reads entry bytes back; undefined when they are not an entry this log writes. */
export function parseEntryText(text: string): LogEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || typeof value.kind !== "string" || typeof value.at !== "string") return undefined;
  const actor = value.actor;
  if (!isRecord(actor) || typeof actor.role !== "string" || typeof actor.via !== "string") return undefined;
  if (
    !nullableString(actor.tokenId) ||
    !nullableString(actor.partyId) ||
    typeof actor.requestId !== "string"
  ) {
    return undefined;
  }
  if (!("payload" in value)) return undefined;
  return value as unknown as LogEntry;
}

/** Whether every object in `value` lists its keys in RFC 8785 order (by UTF-16 code units). */
function keysSorted(value: unknown): boolean {
  if (Array.isArray(value)) return value.every(keysSorted);
  if (!isRecord(value)) return true;
  const keys = Object.keys(value);
  for (let i = 1; i < keys.length; i++) if (!((keys[i - 1] as string) < (keys[i] as string))) return false;
  return keys.every((key) => keysSorted(value[key]));
}

/**
 * Whether `text` is exactly the RFC 8785 form of the entry parsed from it, with no other keys:
 * then it is the prefix of the legacy chain's canonical body (chainText), which spares the
 * integrator a second canonicalization per entry. RFC 8785 is JSON.stringify with sorted keys, so
 * the stringified parse must give the text back and every object's keys must be in order.
 */
export function isCanonicalEntryText(text: string, entry: LogEntry): boolean {
  const keys = Object.keys(entry);
  return (
    keys.length === 4 &&
    keys[0] === "actor" &&
    keys[1] === "at" &&
    keys[2] === "kind" &&
    keys[3] === "payload" &&
    JSON.stringify(entry) === text &&
    keysSorted(entry)
  );
}

/**
 * The legacy hash chain's canonical body {actor, at, kind, payload, prevHash, seq} of a canonical
 * entry text (isCanonicalEntryText): the keys after `payload` sort after it, so they are appended.
 */
export const chainText = (canonicalEntryText: string, prevHash: string, seq: number): string =>
  `${canonicalEntryText.slice(0, -1)},"prevHash":${JSON.stringify(prevHash)},"seq":${seq}}`;
