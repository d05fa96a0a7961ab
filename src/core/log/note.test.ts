// Signed notes against the example of the Go note package's documentation (golang.org/x/mod/sumdb/note),
// checkpoints, cosignatures, and the ways a note can be forged or malformed.
import { describe, expect, it } from "vitest";
import {
  checkSignature,
  cosign,
  formatCheckpoint,
  formatSignerKey,
  formatVerifierKey,
  keyTypes,
  parseCheckpoint,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  signerFromSeed,
  signNote,
  verifiedBy,
} from "./note.ts";

const goVerifierKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const goText =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const goSigned = `${goText}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

const unwrap = <T>(parsed: { ok: true; value: T } | { ok: false; why: string }): T => {
  if (!parsed.ok) throw new Error(parsed.why);
  return parsed.value;
};

describe("signed notes", () => {
  it("checks the Go note package's example signed note with its verifier key", () => {
    const verifier = unwrap(parseVerifierKey(goVerifierKey));
    expect(formatVerifierKey(verifier)).toBe(goVerifierKey);
    const note = unwrap(parseNote(goSigned));
    expect(verifiedBy(note, [unwrap(parseVerifierKey(goVerifierKey))]).map((v) => v.name)).toEqual([
      "PeterNeumann",
    ]);
  });

  it("writes signer keys that read back, and notes its own verifier accepts", () => {
    const signer = signerFromSeed("sluice.example/log", new Uint8Array(32).fill(0xfe));
    const again = unwrap(parseSignerKey(formatSignerKey(signer)));
    expect(formatVerifierKey(again)).toBe(formatVerifierKey(signer));
    const verifier = unwrap(parseVerifierKey(formatVerifierKey(signer)));
    const note = unwrap(parseNote(signNote(goText, signer)));
    expect(verifiedBy(note, [verifier])).toHaveLength(1);
    expect(parseSignerKey(formatSignerKey(signer).replace("sluice.example/log", "other"))).toMatchObject({
      ok: false,
    });
  });

  it("refuses a changed text, a changed signature, another key and a wrong key id", () => {
    const verifier = unwrap(parseVerifierKey(goVerifierKey));
    const note = unwrap(parseNote(goSigned));
    expect(verifiedBy({ ...note, text: goText.replace("answer", "anwser") }, [verifier])).toEqual([]);
    const signature = note.signatures[0];
    if (!signature) throw new Error("no signature");
    const flipped = Uint8Array.from(signature.body);
    flipped[10] = (flipped[10] as number) ^ 1;
    expect(checkSignature(note.text, { ...signature, body: flipped }, verifier)).toBe(false);
    const other = signerFromSeed("PeterNeumann", new Uint8Array(32).fill(7));
    expect(verifiedBy(note, [other])).toEqual([]);
    expect(parseVerifierKey(goVerifierKey.replace("c74f20a3", "c74f20a4"))).toMatchObject({ ok: false });
    expect(parseVerifierKey("name+00+AA==")).toMatchObject({ ok: false });
    expect(parseNote("no blank line\n— x AAAA\n")).toMatchObject({ ok: false });
    expect(parseNote(`${goText}\n- PeterNeumann AAAAAAAA\n`)).toMatchObject({ ok: false });
  });

  it("formats and parses checkpoints strictly", () => {
    const root = new Uint8Array(32).fill(9);
    const body = formatCheckpoint({ origin: "sluice.example/log", size: 1234, rootHash: root });
    expect(body).toBe(`sluice.example/log\n1234\n${Buffer.from(root).toString("base64")}\n`);
    expect(unwrap(parseCheckpoint(body))).toEqual({
      origin: "sluice.example/log",
      size: 1234,
      rootHash: root,
    });
    expect(parseCheckpoint(body.replace("1234", "01234"))).toMatchObject({ ok: false });
    expect(parseCheckpoint(body.replace("1234", "-1"))).toMatchObject({ ok: false });
    expect(parseCheckpoint(body.slice(0, -1))).toMatchObject({ ok: false });
    expect(parseCheckpoint("o\n1\nAAAA\n")).toMatchObject({ ok: false });
  });

  it("cosigns a checkpoint per tlog-cosignature/v1 and checks it only with the witness's key", () => {
    const log = signerFromSeed("sluice.example/log", new Uint8Array(32).fill(1));
    const witness = signerFromSeed(
      "regulator.example/witness",
      new Uint8Array(32).fill(2),
      keyTypes.cosignatureV1,
    );
    const text = formatCheckpoint({ origin: log.name, size: 3, rootHash: new Uint8Array(32) });
    const note = `${signNote(text, log)}${cosign(text, witness, 1_767_225_600)}`;
    const parsed = unwrap(parseNote(note));
    expect(parsed.signatures).toHaveLength(2);
    const witnessVerifier = unwrap(parseVerifierKey(formatVerifierKey(witness)));
    expect(verifiedBy(parsed, [log, witnessVerifier]).map((v) => v.name)).toEqual([log.name, witness.name]);
    const asPlainKey = { ...witnessVerifier, type: keyTypes.ed25519 };
    expect(verifiedBy(parsed, [asPlainKey])).toEqual([]);
    const other = {
      ...parsed,
      text: formatCheckpoint({ origin: log.name, size: 4, rootHash: new Uint8Array(32) }),
    };
    expect(verifiedBy(other, [witnessVerifier])).toEqual([]);
  });
});
