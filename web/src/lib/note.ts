// Signed notes and checkpoints (C2SP signed-note and tlog-checkpoint): a verifier key
// `<name>+<key hash, 8 hex>+<base64(0x01 ‖ Ed25519 public key)>`, a note `<text>\n\n— <name>
// <base64(key hash ‖ signature)>\n…`, and the checkpoint text `<origin>\n<size>\n<base64 root>\n…`.
// The Ed25519 check uses WebCrypto. A note verifies when one of its signatures is by the key.
import { base64ToBytes, sha256 } from "./merkle.ts";

export interface VerifierKey {
  name: string;
  keyHash: Uint8Array;
  publicKey: Uint8Array;
}

export const noteVerdicts = [
  "verified",
  "malformed_key",
  "malformed_note",
  "no_signature_by_key",
  "bad_signature",
] as const;
export type NoteVerdict = (typeof noteVerdicts)[number];

const ed25519Type = 0x01;
const encoder = new TextEncoder();

export async function parseVerifierKey(text: string): Promise<VerifierKey | undefined> {
  // The name has no `+`; the base64 key may (so split on the first two only).
  const match = /^([^+]+)\+([^+]+)\+(.+)$/.exec(text.trim());
  if (!match) return undefined;
  const [, name = "", hashHex = "", keyText = ""] = match;
  if (name === "" || !/^[0-9a-f]{8}$/.test(hashHex)) return undefined;
  let key: Uint8Array;
  try {
    key = base64ToBytes(keyText);
  } catch {
    return undefined;
  }
  if (key.length !== 33 || key[0] !== ed25519Type) return undefined;
  const keyHash = Uint8Array.from(hashHex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
  const expected = (await sha256(encoder.encode(`${name}\n`), key)).slice(0, 4);
  if (!expected.every((byte, i) => byte === keyHash[i])) return undefined;
  return { name, keyHash, publicKey: key.slice(1) };
}

export interface SignedNote {
  text: string;
  signatures: { name: string; keyHash: Uint8Array; signature: Uint8Array }[];
}

export function parseNote(note: string): SignedNote | undefined {
  const split = note.lastIndexOf("\n\n");
  if (split < 0 || !note.endsWith("\n")) return undefined;
  const text = note.slice(0, split + 1);
  const signatures: SignedNote["signatures"] = [];
  for (const line of note.slice(split + 2, -1).split("\n")) {
    const match = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!match) return undefined;
    let bytes: Uint8Array;
    try {
      bytes = base64ToBytes(match[2] ?? "");
    } catch {
      return undefined;
    }
    if (bytes.length < 5) return undefined;
    signatures.push({ name: match[1] ?? "", keyHash: bytes.slice(0, 4), signature: bytes.slice(4) });
  }
  return signatures.length > 0 ? { text, signatures } : undefined;
}

export async function verifyNote(note: string, keyText: string): Promise<NoteVerdict> {
  const key = await parseVerifierKey(keyText);
  if (!key) return "malformed_key";
  const parsed = parseNote(note);
  if (!parsed) return "malformed_note";
  const mine = parsed.signatures.find(
    (sig) => sig.name === key.name && sig.keyHash.every((byte, i) => byte === key.keyHash[i]),
  );
  if (!mine) return "no_signature_by_key";
  const publicKey = await globalThis.crypto.subtle.importKey(
    "raw",
    new Uint8Array(key.publicKey),
    { name: "Ed25519" },
    false,
    ["verify"],
  );
  const ok = await globalThis.crypto.subtle.verify(
    "Ed25519",
    publicKey,
    new Uint8Array(mine.signature),
    encoder.encode(parsed.text),
  );
  return ok ? "verified" : "bad_signature";
}

export interface Checkpoint {
  origin: string;
  size: number;
  root: Uint8Array;
}

export function parseCheckpoint(text: string): Checkpoint | undefined {
  const [origin, sizeText, rootText] = text.split("\n");
  if (!origin || !sizeText || !rootText || !/^\d+$/.test(sizeText)) return undefined;
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) return undefined;
  try {
    const root = base64ToBytes(rootText);
    return root.length === 32 ? { origin, size, root } : undefined;
  } catch {
    return undefined;
  }
}
