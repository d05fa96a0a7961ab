import { describe, expect, it } from "vitest";
import { type AuditEntry, entryHash, genesisHash, nextEntry, verifyChain } from "./chain.ts";

function chain(count: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  let head = { seq: 0, hash: genesisHash };
  for (let i = 1; i <= count; i++) {
    const entry = nextEntry(head, `2026-02-01T00:00:0${i % 10}.000Z`, "test.event", {
      n: i,
      tags: ["a", "b"],
    });
    entries.push(entry);
    head = entry;
  }
  return entries;
}

const renumber = (entries: AuditEntry[]) => entries.map((entry, index) => ({ ...entry, seq: index + 1 }));

describe("audit hash chain", () => {
  it("hashes canonical JSON, so key order does not matter", () => {
    const a = entryHash({ seq: 1, at: "t", kind: "k", payload: { x: 1, y: 2 }, prevHash: genesisHash });
    const b = entryHash({ seq: 1, at: "t", kind: "k", payload: { y: 2, x: 1 }, prevHash: genesisHash });
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it("verifies an intact chain and reports its head", () => {
    const entries = chain(8);
    expect(verifyChain(entries)).toEqual({ ok: true, count: 8, head: { seq: 8, hash: entries[7]?.hash } });
    expect(verifyChain([])).toEqual({ ok: true, count: 0, head: { seq: 0, hash: genesisHash } });
  });

  it("names a changed entry", () => {
    const entries = chain(8);
    entries[4] = { ...(entries[4] as AuditEntry), payload: { n: 999 } };
    expect(verifyChain(entries)).toMatchObject({ ok: false, position: 5, reason: "changed" });
  });

  it("names a changed and re-hashed entry by its broken successor", () => {
    const entries = chain(8);
    const forged = { ...(entries[2] as AuditEntry), payload: { n: 0 } };
    entries[2] = { ...forged, hash: entryHash(forged) };
    expect(verifyChain(entries)).toMatchObject({ ok: false, position: 3, reason: "changed" });
  });

  it("names a removal, with or without renumbering", () => {
    const gap = chain(8).filter((entry) => entry.seq !== 4);
    expect(verifyChain(gap)).toMatchObject({ ok: false, position: 4, reason: "removed" });
    expect(verifyChain(renumber(gap))).toMatchObject({ ok: false, position: 4, reason: "removed" });
  });

  it("names an inserted entry even when it links correctly", () => {
    const entries = chain(8);
    const forged = nextEntry(entries[2] as AuditEntry, "2026-02-01T00:00:00.000Z", "test.event", { n: -1 });
    const tampered = renumber([...entries.slice(0, 3), forged, ...entries.slice(3)]);
    expect(verifyChain(tampered)).toMatchObject({ ok: false, position: 4, reason: "inserted" });
  });

  it("names reordered entries", () => {
    const entries = chain(8);
    const swapped = renumber([
      ...entries.slice(0, 5),
      entries[6] as AuditEntry,
      entries[5] as AuditEntry,
      entries[7] as AuditEntry,
    ]);
    expect(verifyChain(swapped)).toMatchObject({ ok: false, position: 6, reason: "reordered" });
  });

  it("sees a cut-off end only against the expected head", () => {
    const entries = chain(8);
    const head = { seq: 8, hash: (entries[7] as AuditEntry).hash };
    expect(verifyChain(entries.slice(0, 7)).ok).toBe(true);
    expect(verifyChain(entries.slice(0, 7), head)).toMatchObject({ ok: false, reason: "head_mismatch" });
  });
});
