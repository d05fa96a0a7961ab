// The web app's pure modules, in Node: the RFC 6962 inclusion check against trees and proofs
// built here from the RFC's definitions (every index of every size up to 33, and tampered
// proofs), the C2SP signed-note check against notes signed here with node:crypto, the cap's
// alert levels, the shipment gates and the replay comparison.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { compareFindings } from "../../web/src/lib/diff.ts";
import { gateIds, gatesOf } from "../../web/src/lib/gates.ts";
import { leafHash, verifyInclusion } from "../../web/src/lib/merkle.ts";
import { parseCheckpoint, verifyNote } from "../../web/src/lib/note.ts";
import { capUse } from "../../web/src/lib/thresholds.ts";

const h = (...parts: Buffer[]): Buffer => createHash("sha256").update(Buffer.concat(parts)).digest();
const leaf = (entry: Buffer) => h(Buffer.of(0), entry);
const node = (l: Buffer, r: Buffer) => h(Buffer.of(1), l, r);

/** Largest power of two smaller than n (RFC 6962 §2.1). */
const split = (n: number): number => 2 ** Math.floor(Math.log2(n - 1));

/** MTH(D[n]) by the RFC's recursive definition. */
function root(entries: Buffer[]): Buffer {
  if (entries.length === 1) return leaf(entries[0] as Buffer);
  const k = split(entries.length);
  return node(root(entries.slice(0, k)), root(entries.slice(k)));
}

/** PATH(m, D[n]) by the RFC's recursive definition. */
function path(m: number, entries: Buffer[]): Buffer[] {
  if (entries.length === 1) return [];
  const k = split(entries.length);
  return m < k
    ? [...path(m, entries.slice(0, k)), root(entries.slice(k))]
    : [...path(m - k, entries.slice(k)), root(entries.slice(0, k))];
}

const entriesOf = (n: number) => Array.from({ length: n }, (_, i) => Buffer.from(`entry ${i}`));
const u8 = (b: Buffer) => new Uint8Array(b);

describe("inclusion proofs (RFC 6962 / 9162)", () => {
  it("accepts every index of every tree size up to 33 with the RFC's audit path", async () => {
    for (let size = 1; size <= 33; size++) {
      const entries = entriesOf(size);
      const treeRoot = u8(root(entries));
      for (let index = 0; index < size; index++) {
        const proof = path(index, entries).map(u8);
        const verdict = await verifyInclusion(
          index,
          size,
          await leafHash(u8(entries[index] as Buffer)),
          proof,
          treeRoot,
        );
        expect(verdict, `size ${size} index ${index}`).toBe("included");
      }
    }
  });

  it("refuses a wrong entry, a tampered sibling, a wrong size, a short or long proof", async () => {
    const entries = entriesOf(13);
    const treeRoot = u8(root(entries));
    const proof = path(6, entries).map(u8);
    const good = await leafHash(u8(entries[6] as Buffer));
    expect(await verifyInclusion(6, 13, await leafHash(u8(Buffer.from("entry 7"))), proof, treeRoot)).toBe(
      "root_mismatch",
    );
    const tampered = proof.map((p, i) => (i === 1 ? Uint8Array.from(p, (b, j) => (j === 0 ? b ^ 1 : b)) : p));
    expect(await verifyInclusion(6, 13, good, tampered, treeRoot)).toBe("root_mismatch");
    expect(await verifyInclusion(6, 7, good, proof, treeRoot)).toBe("proof_wrong_length");
    expect(await verifyInclusion(6, 13, good, proof.slice(0, -1), treeRoot)).toBe("proof_wrong_length");
    expect(await verifyInclusion(6, 13, good, [...proof, proof[0] as Uint8Array], treeRoot)).toBe(
      "proof_wrong_length",
    );
    expect(await verifyInclusion(13, 13, good, proof, treeRoot)).toBe("index_out_of_range");
  });
});

describe("signed notes (C2SP)", () => {
  // A fixed key whose base64 holds a `+` (a verifier key splits on the first two `+` only).
  const seed = Buffer.alloc(32, 8);
  const privateKey = createPrivateKey({
    key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]),
    format: "der",
    type: "pkcs8",
  });
  const publicKey = createPublicKey(privateKey);
  const raw = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
  const name = "sluice.example/log";
  const keyBytes = Buffer.concat([Buffer.of(1), raw]);
  const keyHash = h(Buffer.from(`${name}\n`), keyBytes).subarray(0, 4);
  const verifierKey = `${name}+${keyHash.toString("hex")}+${keyBytes.toString("base64")}`;
  it("uses a key whose base64 holds a plus sign", () => expect(keyBytes.toString("base64")).toContain("+"));
  const treeRoot = root(entriesOf(5));
  const body = `${name}\n5\n${treeRoot.toString("base64")}\n`;
  const signed = (text: string) =>
    `${body}\n\u2014 ${name} ${Buffer.concat([keyHash, sign(null, Buffer.from(text), privateKey)]).toString("base64")}\n`;

  it("verifies a checkpoint signed by the key and reads its size and root", async () => {
    expect(await verifyNote(signed(body), verifierKey)).toBe("verified");
    const checkpoint = parseCheckpoint(body);
    expect(checkpoint?.size).toBe(5);
    expect(Buffer.from(checkpoint?.root ?? []).equals(treeRoot)).toBe(true);
  });

  it("refuses a changed text, another key, and malformed notes and keys", async () => {
    const note = signed(body);
    expect(await verifyNote(note.replace("\n5\n", "\n6\n"), verifierKey)).toBe("bad_signature");
    const other = generateKeyPairSync("ed25519")
      .publicKey.export({ format: "der", type: "spki" })
      .subarray(-32);
    const otherBytes = Buffer.concat([Buffer.of(1), other]);
    const otherHash = h(Buffer.from(`${name}\n`), otherBytes)
      .subarray(0, 4)
      .toString("hex");
    expect(await verifyNote(note, `${name}+${otherHash}+${otherBytes.toString("base64")}`)).toBe(
      "no_signature_by_key",
    );
    expect(await verifyNote(note, `${name}+00000000+${keyBytes.toString("base64")}`)).toBe("malformed_key");
    expect(await verifyNote(body, verifierKey)).toBe("malformed_note");
    expect(parseCheckpoint("origin\nnot a size\nAAAA\n")).toBeUndefined();
  });
});

describe("cap alert levels", () => {
  const account = (pending: number, posted: number, us = 1000) => ({
    ratioPercent: 50,
    usPosted: String(us),
    cnPending: String(pending),
    cnPosted: String(posted),
  });

  it("reaches 80, 90, 95 and 100 % exactly at the boundary", () => {
    expect(capUse(account(399, 0)).level).toBeNull();
    expect(capUse(account(300, 100)).level).toBe(80);
    expect(capUse(account(449, 0)).level).toBe(80);
    expect(capUse(account(400, 50)).level).toBe(90);
    expect(capUse(account(475, 0)).level).toBe(95);
    expect(capUse(account(250, 250)).level).toBe(100);
    const use = capUse(account(45000, 5000, 250000));
    expect(use.capUnits).toBe(125000n);
    expect(use.headroomUnits).toBe(75000n);
    expect(use.usedBasisPoints).toBe(4000);
  });

  it("treats a zero cap with use as past every level, and unused as at none", () => {
    expect(capUse(account(1, 0, 0)).level).toBe(100);
    expect(capUse(account(0, 0, 0)).level).toBeNull();
  });
});

describe("shipment gates", () => {
  it("lists every gate in order and reads each from its record", () => {
    const gates = gatesOf({
      shipment: {
        status: "released",
        reservationId: "r-1",
        evidence: { dutyEntry: { id: "E-1", enteredOn: "2026-01-27", dutyPaidCents: "25" } },
      },
      order: { evidence: { payment: { paidCents: "100", invoicedCents: "100" } } },
      decisions: [{ id: "d-1", decision: "approve", at: "2026-02-02", decidingRuleIds: [] }],
      screening: undefined,
    });
    expect(gates.map((g) => g.id)).toEqual([...gateIds]);
    const state = Object.fromEntries(gates.map((g) => [g.id, g.state]));
    expect(state).toMatchObject({
      screening: "hidden",
      decision: "passed",
      prepayment: "passed",
      duty: "passed",
      "lab-certificate": "waiting",
      reservation: "passed",
      release: "passed",
      "cn-approval": "waiting",
      delivered: "untracked",
    });
    expect(gates.find((g) => g.id === "duty")?.at).toBe("2026-01-27");
    expect(gates.find((g) => g.id === "decision")?.link).toBe("/decisions/d-1");
  });

  it("reads the lab certificate on file, with the lab as its author", () => {
    const gates = gatesOf({
      shipment: { status: "planned", reservationId: null, evidence: {} },
      order: undefined,
      decisions: undefined,
      screening: undefined,
      certificates: [
        {
          id: "c-1",
          labId: "lab-austin",
          testedOn: "2026-01-30",
          status: "ok",
          submittedAt: "2026-01-30T10:00:00Z",
        },
      ],
    });
    expect(gates.find((g) => g.id === "lab-certificate")).toMatchObject({
      state: "passed",
      author: "lab-austin",
      at: "2026-01-30T10:00:00Z",
    });
  });

  it("holds on a part payment and a held decision", () => {
    const gates = gatesOf({
      shipment: { status: "planned", reservationId: null, evidence: {} },
      order: { evidence: { payment: { paidCents: "99", invoicedCents: "100" } } },
      decisions: [{ id: "d-1", decision: "hold", at: "2026-02-02", decidingRuleIds: ["c6"] }],
      screening: {
        screening: { screenedAt: "t", reason: "party_created" },
        review: { outcome: "open_alert", hits: [1] },
      },
    });
    const state = Object.fromEntries(gates.map((g) => [g.id, g.state]));
    expect(state).toMatchObject({
      screening: "pending",
      decision: "pending",
      prepayment: "pending",
      release: "waiting",
    });
  });
});

describe("replay comparison", () => {
  it("pairs findings by rule id and marks what changed", () => {
    const rows = compareFindings(
      [
        { ruleId: "a", status: "pass", message: "ok" },
        { ruleId: "b", status: "pending", message: "short", measured: "5" },
        { ruleId: "c", status: "pass", message: "gone" },
      ],
      [
        { ruleId: "b", status: "pass", message: "short", measured: "5" },
        { ruleId: "a", status: "pass", message: "ok" },
        { ruleId: "d", status: "fail", message: "new" },
      ],
    );
    expect(rows.map((r) => [r.ruleId, r.changed])).toEqual([
      ["a", false],
      ["b", true],
      ["c", true],
      ["d", true],
    ]);
    expect(rows[2]?.after).toBeUndefined();
    expect(rows[3]?.before).toBeUndefined();
  });
});
