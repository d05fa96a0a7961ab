// The integrator's shortcut for the legacy hash chain: for canonical entry bytes the chain's
// canonical body is the bytes with prevHash and seq appended, so its hash is nextEntry's; any
// bytes that are not exactly canonical take the long way.
import { describe, expect, it } from "vitest";
import { systemActor } from "../audit/actor.ts";
import { entryHash, genesisHash, nextEntry } from "../audit/chain.ts";
import { sha256Hex } from "../digest.ts";
import { chainText, entryText, isCanonicalEntryText, parseEntryText } from "./entry.ts";

const actor = systemActor("entry.test");
const payloads = [
  { i: 1, amountCents: 123_456 },
  { z: [1, { b: 2, a: "é\u2028" }], a: null, "10": true, "2": -0.5, nested: { y: 1e21, x: 5e-7 } },
  "text",
  [],
];

describe("log entry bytes and the legacy chain", () => {
  it("hashes canonical bytes with prevHash and seq appended exactly as nextEntry does", () => {
    for (const [n, payload] of payloads.entries()) {
      const text = entryText({ kind: "test.kind", at: "2026-01-20T10:00:00.000Z", actor, payload });
      const parsed = parseEntryText(text);
      if (!parsed) throw new Error("unreadable");
      const previous = { seq: 40 + n, hash: n === 0 ? genesisHash : "ab".repeat(32) };
      const expected = nextEntry(previous, parsed.at, parsed.kind, parsed.payload, { ...parsed.actor });
      if (!isCanonicalEntryText(text, parsed)) continue; // integer-like keys: V8 reorders them
      expect(sha256Hex(chainText(text, previous.hash, previous.seq + 1))).toBe(expected.hash);
      expect(entryHash({ ...expected })).toBe(expected.hash);
    }
    const plain = entryText({ kind: "k", at: "t", actor, payload: payloads[0] as { i: number } });
    expect(isCanonicalEntryText(plain, parseEntryText(plain) as never)).toBe(true);
  });

  it("sends bytes that are not exactly canonical the long way", () => {
    const text = entryText({ kind: "k", at: "t", actor, payload: { a: 1, b: 2 } });
    const variants = [
      text.replace('"a":1', '"a": 1'), // whitespace
      text.replace('{"a":1,"b":2}', '{"b":2,"a":1}'), // key order
      text.replace('"a":1', '"a":1.0'), // number form
      text.replace(/}$/, ',"zz":1}'), // another key
      text.replace('"a":1', '"a":"\\u0041"'), // escaped letter
    ];
    for (const variant of variants) {
      const parsed = parseEntryText(variant);
      expect(parsed, variant).toBeDefined();
      expect(isCanonicalEntryText(variant, parsed as never), variant).toBe(false);
    }
    // Integer-like keys are reordered by JavaScript objects: never taken as canonical.
    const numeric = entryText({ kind: "k", at: "t", actor, payload: { "10": 1, "2": 2 } });
    expect(isCanonicalEntryText(numeric, parseEntryText(numeric) as never)).toBe(false);
  });
});
