// C2SP signed notes with Ed25519 keys, tlog-checkpoint bodies and tlog-cosignature/v1 cosignatures:
// the text formats a verifier that shares no code with Sluice reads. A note is text ending in a
// newline, a blank line, then lines `— <name> <base64(key id ‖ signature)>`; key id = the first 4
// bytes of SHA-256(name ‖ "\n" ‖ type ‖ public key), type 0x01 for Ed25519 and 0x04 for a
// witness's cosignature (whose signed message is "cosignature/v1\ntime <t>\n" + the checkpoint).
// Pure: Ed25519 signing is deterministic; keys are made elsewhere (adapters), from randomness.
import { createHash, createPrivateKey, createPublicKey, sign, verify } from "node:crypto";

export const keyTypes = { ed25519: 0x01, cosignatureV1: 0x04 } as const;
export type KeyType = (typeof keyTypes)[keyof typeof keyTypes];

export const publicKeyBytes = 32;
export const signatureBytes = 64;
/** Notes, origins and names stay small: a checkpoint is a few lines. */
export const noteBytesMax = 1_000_000;
export const signaturesPerNoteMax = 100;

export interface Verifier {
  name: string;
  type: KeyType;
  keyId: Uint8Array;
  publicKey: Uint8Array;
}
export interface Signer extends Verifier {
  seed: Uint8Array;
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
const strictBase64 = /^[A-Za-z0-9+/]*={0,2}$/;
const fromB64 = (text: string): Uint8Array | undefined =>
  strictBase64.test(text) && text.length % 4 === 0 ? new Uint8Array(Buffer.from(text, "base64")) : undefined;
const validName = (name: string): boolean => name.length > 0 && !/[\s+]/u.test(name);
/** Splits on the first `count - 1` plus signs: the last field is base64, which may hold some. */
const splitPlus = (text: string, count: number): string[] => {
  const parts = text.split("+");
  return parts.length < count ? parts : [...parts.slice(0, count - 1), parts.slice(count - 1).join("+")];
};

export function keyId(name: string, type: KeyType, publicKey: Uint8Array): Uint8Array {
  return createHash("sha256")
    .update(`${name}\n`)
    .update(Uint8Array.of(type))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

const pkcs8Prefix = Buffer.from("302e020100300506032b657004220420", "hex");
const spkiPrefix = Buffer.from("302a300506032b6570032100", "hex");

/** The Ed25519 public key of a 32-byte seed. */
export function publicKeyOf(seed: Uint8Array): Uint8Array {
  const key = createPublicKey(
    createPrivateKey({ key: Buffer.concat([pkcs8Prefix, seed]), format: "der", type: "pkcs8" }),
  );
  return new Uint8Array(key.export({ format: "der", type: "spki" }).subarray(spkiPrefix.length));
}

export function signerFromSeed(name: string, seed: Uint8Array, type: KeyType = keyTypes.ed25519): Signer {
  if (!validName(name)) throw new RangeError(`key name ${name} is empty or has a space or +`);
  if (seed.length !== 32) throw new RangeError("an Ed25519 seed is 32 bytes");
  const publicKey = publicKeyOf(seed);
  return { name, type, keyId: keyId(name, type, publicKey), publicKey, seed };
}

export function ed25519Sign(seed: Uint8Array, message: Uint8Array | string): Uint8Array {
  const key = createPrivateKey({ key: Buffer.concat([pkcs8Prefix, seed]), format: "der", type: "pkcs8" });
  return new Uint8Array(sign(null, typeof message === "string" ? Buffer.from(message) : message, key));
}

export function ed25519Verify(
  publicKey: Uint8Array,
  message: Uint8Array | string,
  signature: Uint8Array,
): boolean {
  if (publicKey.length !== publicKeyBytes || signature.length !== signatureBytes) return false;
  try {
    const key = createPublicKey({ key: Buffer.concat([spkiPrefix, publicKey]), format: "der", type: "spki" });
    return verify(null, typeof message === "string" ? Buffer.from(message) : message, key, signature);
  } catch {
    return false;
  }
}

/** `<name>+<hex key id>+<base64(type ‖ public key)>` */
export const formatVerifierKey = (v: Verifier): string =>
  `${v.name}+${hex(v.keyId)}+${b64(Uint8Array.of(v.type, ...v.publicKey))}`;

/** `PRIVATE+KEY+<name>+<hex key id>+<base64(type ‖ seed)>`, the Go note package's signer key. */
export const formatSignerKey = (s: Signer): string =>
  `PRIVATE+KEY+${s.name}+${hex(s.keyId)}+${b64(Uint8Array.of(s.type, ...s.seed))}`;

export type Parsed<T> = { ok: true; value: T } | { ok: false; why: string };

export function parseVerifierKey(text: string): Parsed<Verifier> {
  const parts = splitPlus(text.trim(), 3);
  if (parts.length !== 3) return { ok: false, why: "expected <name>+<hex key id>+<base64 key>" };
  const [name, idHex, keyB64] = parts as [string, string, string];
  const raw = fromB64(keyB64);
  if (!validName(name)) return { ok: false, why: "the name is empty" };
  if (!/^[0-9a-f]{8}$/.test(idHex)) return { ok: false, why: "the key id is not 8 hex digits" };
  if (!raw || raw.length !== 1 + publicKeyBytes)
    return { ok: false, why: "the key is not base64 of 33 bytes" };
  const type = raw[0];
  if (type !== keyTypes.ed25519 && type !== keyTypes.cosignatureV1) {
    return { ok: false, why: `key type ${type} is not Ed25519 (1) or cosignature/v1 (4)` };
  }
  const publicKey = raw.subarray(1);
  const id = keyId(name, type, publicKey);
  if (hex(id) !== idHex) return { ok: false, why: "the key id does not match the name and key" };
  return { ok: true, value: { name, type, keyId: id, publicKey } };
}

export function parseSignerKey(text: string): Parsed<Signer> {
  const parts = splitPlus(text.trim(), 5);
  if (parts.length !== 5 || parts[0] !== "PRIVATE" || parts[1] !== "KEY") {
    return { ok: false, why: "expected PRIVATE+KEY+<name>+<hex key id>+<base64 key>" };
  }
  const raw = fromB64(parts[4] as string);
  const type = raw?.[0];
  if (raw?.length !== 33 || (type !== keyTypes.ed25519 && type !== keyTypes.cosignatureV1)) {
    return { ok: false, why: "the key is not base64 of a type byte and a 32-byte seed" };
  }
  const name = parts[2] as string;
  if (!validName(name)) return { ok: false, why: "the name is empty" };
  const signer = signerFromSeed(name, raw.subarray(1), type);
  if (hex(signer.keyId) !== parts[3]) return { ok: false, why: "the key id does not match the name and key" };
  return { ok: true, value: signer };
}

export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Uint8Array;
}

/** The tlog-checkpoint body: origin, decimal size, base64 root, each on its own line. */
export const formatCheckpoint = (c: Checkpoint): string => `${c.origin}\n${c.size}\n${b64(c.rootHash)}\n`;

export function parseCheckpoint(body: string): Parsed<Checkpoint> {
  const lines = body.split("\n");
  if (lines.length < 4 || lines.at(-1) !== "")
    return { ok: false, why: "expected at least 3 lines ending in a newline" };
  const [origin, sizeText, rootText] = lines as [string, string, string];
  if (origin.length === 0) return { ok: false, why: "the origin line is empty" };
  if (!/^(0|[1-9][0-9]{0,15})$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) {
    return { ok: false, why: `the size \`${sizeText}\` is not a decimal tree size` };
  }
  const rootHash = fromB64(rootText);
  if (rootHash?.length !== 32) return { ok: false, why: "the root is not base64 of 32 bytes" };
  return { ok: true, value: { origin, size: Number(sizeText), rootHash } };
}

export interface NoteSignature {
  name: string;
  keyId: Uint8Array;
  /** Everything after the key id: a signature, or a timestamp and a signature for cosignatures. */
  body: Uint8Array;
  line: string;
}
export interface Note {
  text: string;
  signatures: NoteSignature[];
}

const dash = "\u2014";

/** Splits a signed note into its text and signature lines (signatures are not checked here). */
export function parseNote(note: string): Parsed<Note> {
  if (note.length > noteBytesMax) return { ok: false, why: "the note is too long" };
  const split = note.lastIndexOf("\n\n");
  if (split < 0 || !note.endsWith("\n")) return { ok: false, why: "no blank line before the signatures" };
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split("\n");
  if (lines.length > signaturesPerNoteMax) return { ok: false, why: "too many signatures" };
  const signatures: NoteSignature[] = [];
  for (const line of lines) {
    const match = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/u.exec(line);
    const raw = match ? fromB64(match[2] as string) : undefined;
    if (!match || !raw || raw.length < 5) return { ok: false, why: `malformed signature line \`${line}\`` };
    signatures.push({ name: match[1] as string, keyId: raw.subarray(0, 4), body: raw.subarray(4), line });
  }
  return { ok: true, value: { text, signatures } };
}

export const signatureLine = (name: string, id: Uint8Array, body: Uint8Array): string =>
  `${dash} ${name} ${b64(Uint8Array.of(...id, ...body))}\n`;

/** The note's text signed by the log key: text, blank line, signature line. */
export function signNote(text: string, signer: Signer): string {
  return `${text}\n${signatureLine(signer.name, signer.keyId, ed25519Sign(signer.seed, text))}`;
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/** The message a witness signs: cosignature/v1, the time, then the checkpoint text. */
export const cosignedMessage = (text: string, time: number): string =>
  `cosignature/v1\ntime ${time}\n${text}`;

const timeBytes = (time: number): Uint8Array => {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(time));
  return out;
};

/** A witness's tlog-cosignature line over a checkpoint text at `time` (seconds since 1970). */
export function cosign(text: string, witness: Signer, time: number): string {
  const signature = ed25519Sign(witness.seed, cosignedMessage(text, time));
  return signatureLine(witness.name, witness.keyId, Uint8Array.of(...timeBytes(time), ...signature));
}

/** Is `signature` a valid signature (or cosignature) of `text` by `verifier`? */
export function checkSignature(text: string, signature: NoteSignature, verifier: Verifier): boolean {
  if (signature.name !== verifier.name || !sameBytes(signature.keyId, verifier.keyId)) return false;
  if (verifier.type === keyTypes.ed25519) return ed25519Verify(verifier.publicKey, text, signature.body);
  if (signature.body.length !== 8 + signatureBytes) return false;
  const time = new DataView(signature.body.buffer, signature.body.byteOffset, 8).getBigUint64(0);
  if (time > BigInt(Number.MAX_SAFE_INTEGER)) return false;
  return ed25519Verify(verifier.publicKey, cosignedMessage(text, Number(time)), signature.body.subarray(8));
}

/** The verifiers (by name) among `verifiers` whose signature on the note checks. */
export function verifiedBy(note: Note, verifiers: readonly Verifier[]): Verifier[] {
  return verifiers.filter((v) => note.signatures.some((s) => checkSignature(note.text, s, v)));
}
