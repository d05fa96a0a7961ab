// The transparency log end to end on both drivers: 1,000 entries written by business
// transactions, integrated and signed; the HTTP contract (key, checkpoint, entries, proofs) read
// with only the public key; `sluice log verify` over HTTP and from an export; and the attacks of
// the issue: a byte changed in any entry, a cut-off end, a history rewritten and re-signed.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { appendAuditMany } from "../../src/adapters/db/audit.ts";
import { writeExport } from "../../src/adapters/db/log/export.ts";
import { type LogSource, verifyLog } from "../../src/app/log/verify.ts";
import {
  appendLeaves,
  emptyFrontier,
  frontierRoot,
  leafHash,
  verifyConsistency,
  verifyInclusion,
} from "../../src/core/log/merkle.ts";
import {
  formatCheckpoint,
  formatVerifierKey,
  parseCheckpoint,
  parseNote,
  signerFromSeed,
  signNote,
  verifiedBy,
} from "../../src/core/log/note.ts";
import { type Api, startApi } from "../http/support.ts";
import { runCliInProcess } from "../support/cli.ts";
import { forEachDriver } from "../support/drivers.ts";
import { checkpointNow, testLogSigner, testWitnessSigner } from "../support/log.ts";

const b = (text: string) => new Uint8Array(Buffer.from(text, "base64"));
const logKey = formatVerifierKey(testLogSigner);

const withRoot = (entries: readonly Uint8Array[]): Uint8Array =>
  frontierRoot(appendLeaves(emptyFrontier(), entries.map(leafHash), () => {}));

const memorySource = (entries: readonly Uint8Array[], checkpoints: string[] = []): LogSource => ({
  async *entries() {
    yield* entries;
  },
  checkpoints: async () => checkpoints,
});

forEachDriver("transparency log over HTTP", (env) => {
  let api: Api;
  let size = 0;
  let firstNote = "";
  beforeAll(async () => {
    api = await startApi(env.store(), `log-${env.driver}`);
    await checkpointNow(env.store());
    firstNote = await (await api.request("/v1/log/checkpoint")).text();
    // Ten business transactions of 100 entries each, with an actor each.
    for (let t = 0; t < 10; t++) {
      await env.store().transaction((tx) =>
        appendAuditMany(
          tx,
          Array.from({ length: 100 }, (_, i) => ({
            kind: "test.entry",
            payload: { t, i, amountCents: 1000n * BigInt(i) },
          })),
          new Date("2026-01-20T10:00:00Z"),
          { tokenId: `tok-${t}`, role: "exporter", partyId: "nvidia", via: "test", requestId: `req-${t}` },
        ),
      );
    }
    await checkpointNow(env.store());
  }, 120_000);
  afterAll(async () => {
    await api?.server.close();
  });

  it("serves the key and a checkpoint signed by it, covering every acknowledged entry", async () => {
    const key = await api.request("/v1/log/key");
    expect(key.headers.get("content-type")).toMatch(/^text\/plain/);
    expect((await key.text()).trim()).toBe(logKey);
    const response = await api.request("/v1/log/checkpoint");
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    const note = parseNote(await response.text());
    if (!note.ok) throw new Error(note.why);
    expect(verifiedBy(note.value, [testLogSigner])).toHaveLength(1);
    const body = parseCheckpoint(note.value.text);
    if (!body.ok) throw new Error(body.why);
    expect(body.value.origin).toBe("sluice.test/log");
    const { rows } = await env.store().query<{ n: bigint }>("SELECT count(*) AS n FROM audit_log");
    size = body.value.size;
    expect(size).toBe(Number(rows[0]?.n));
    expect(size).toBeGreaterThanOrEqual(1000);
    const json = await (await api.request("/v1/log/checkpoint.json")).json();
    expect(json).toMatchObject({ size, origin: "sluice.test/log", witnessed: false, cosigners: [] });
  });

  it("serves entry bytes that hash into the signed root through the served proofs", async () => {
    const note = parseNote(await (await api.request("/v1/log/checkpoint")).text());
    if (!note.ok) throw new Error(note.why);
    const body = parseCheckpoint(note.value.text);
    if (!body.ok) throw new Error(body.why);
    for (const index of [0, 1, 7, 500, size - 2, size - 1]) {
      const bytes = new Uint8Array(await (await api.request(`/v1/log/entries/${index}`)).arrayBuffer());
      const proof = (await (
        await api.request(`/v1/log/proofs/inclusion?index=${index}&size=${size}`)
      ).json()) as {
        hashes: string[];
      };
      expect(verifyInclusion(index, size, leafHash(bytes), proof.hashes.map(b), body.value.rootHash)).toBe(
        true,
      );
    }
    const last = JSON.parse(await (await api.request(`/v1/log/entries/${size - 1}`)).text());
    expect(last).toMatchObject({
      kind: "test.entry",
      actor: { tokenId: "tok-9", role: "exporter" },
      payload: { t: 9, i: 99, amountCents: "99000" },
    });
    const first = parseCheckpoint((parseNote(firstNote) as { ok: true; value: { text: string } }).value.text);
    if (!first.ok) throw new Error(first.why);
    const consistency = (await (
      await api.request(`/v1/log/proofs/consistency?from=${first.value.size}&size=${size}`)
    ).json()) as {
      hashes: string[];
    };
    expect(
      verifyConsistency(
        first.value.size,
        size,
        consistency.hashes.map(b),
        first.value.rootHash,
        body.value.rootHash,
      ),
    ).toBe(true);
  });

  it("refuses entries without a token, an index not below the size, and a size above the checkpoint", async () => {
    expect((await api.request("/v1/log/entries/0", { token: null })).status).toBe(401);
    expect((await api.request(`/v1/log/entries/${size + 5}`)).status).toBe(404);
    const notBelow = await api.request(`/v1/log/proofs/inclusion?index=${size}&size=${size}`);
    expect(notBelow.status).toBe(400);
    expect(await notBelow.json()).toMatchObject({ code: "index_not_below_size" });
    expect((await api.request(`/v1/log/proofs/inclusion?index=0&size=${size + 1}`)).status).toBe(400);
    expect((await api.request(`/v1/log/proofs/consistency?from=${size + 1}&size=${size}`)).status).toBe(400);
    expect((await api.request("/v1/log/proofs/inclusion?index=-1&size=3")).status).toBe(400);
  });

  it("verifies with `sluice log verify` over HTTP and from an export, and saves the checkpoint for --since", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sluice-log-"));
    const saved = join(dir, "checkpoint.txt");
    writeFileSync(saved, firstNote);
    const server = ["--server", api.server.url, "--token", api.tokens.auditor];
    const overHttp = await runCliInProcess([
      ...server,
      "log",
      "verify",
      "--key",
      logKey,
      "--since",
      saved,
      "--save",
      join(dir, "now.txt"),
    ]);
    expect(overHttp.stderr).toBe("");
    expect(overHttp.stdout).toMatch(
      new RegExp(`^log ok: ${size} entries, root .*, consistent with the earlier size`),
    );
    expect(overHttp.code).toBe(0);
    const out = join(dir, "export.jsonl");
    await writeExport(env.store(), out);
    const fromFile = await runCliInProcess([
      "log",
      "verify",
      "--key",
      logKey,
      "--file",
      out,
      "--since",
      saved,
      "--json",
    ]);
    expect(JSON.parse(fromFile.stdout)).toMatchObject({ ok: true, size });
    const wrongKey = formatVerifierKey(signerFromSeed("sluice.test/log", new Uint8Array(32).fill(1)));
    const refused = await runCliInProcess(["log", "verify", "--key", wrongKey, "--file", out]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/bad signature/);
    const witness = await runCliInProcess([
      "log",
      "verify",
      "--key",
      logKey,
      "--file",
      out,
      "--witness",
      formatVerifierKey(testWitnessSigner),
    ]);
    expect(witness.stderr).toMatch(/missing cosignatures/);
  });

  it("detects every single-byte change to any of the entries, a cut-off end and a re-signed rewrite", async () => {
    const note = await (await api.request("/v1/log/checkpoint")).text();
    const { rows } = await env.store().query<{ entry: string }>("SELECT entry FROM audit_log ORDER BY seq");
    const entries = rows.map((r) => new Uint8Array(Buffer.from(r.entry, "utf8")));
    const input = { note, logKey: testLogSigner, since: firstNote };
    expect(await verifyLog({ ...input, source: memorySource(entries) })).toMatchObject({ ok: true, size });
    for (let index = 0; index < entries.length; index++) {
      const entry = entries[index] as Uint8Array;
      const changed = Uint8Array.from(entry);
      const at = (index * 7919) % changed.length;
      changed[at] = (changed[at] as number) ^ (1 << (index % 8));
      const forged = entries.map((e, i) => (i === index ? changed : e));
      const result = await verifyLog({ ...input, source: memorySource(forged) });
      expect(result.ok, `entry ${index} byte ${at}`).toBe(false);
    }
    expect(await verifyLog({ ...input, source: memorySource(entries.slice(0, -1)) })).toMatchObject({
      ok: false,
      reason: "truncated",
      index: size - 1,
    });
    // The operator rewrites entry 3 and signs the new history with the log's own key.
    const rewritten = entries.map((e, i) => (i === 3 ? new Uint8Array(Buffer.from('{"forged":true}')) : e));
    const forgedNote = signNote(
      formatCheckpoint({ origin: testLogSigner.name, size, rootHash: withRoot(rewritten) }),
      testLogSigner,
    );
    expect(
      await verifyLog({ note: forgedNote, logKey: testLogSigner, source: memorySource(rewritten) }),
    ).toMatchObject({ ok: true });
    expect(
      await verifyLog({ note: forgedNote, logKey: testLogSigner, source: memorySource(rewritten, [note]) }),
    ).toMatchObject({ ok: false, reason: "inconsistent_with_since" });
  }, 120_000);

  it("names the exact entry changed in the database, from the server's proofs", async () => {
    const index = 617;
    await env
      .store()
      .query(
        `UPDATE audit_log SET entry = replace(entry, '"kind":"test.entry"', '"kind":"test.entrz"') WHERE seq = $1`,
        [index + 1],
      );
    const verdict = await runCliInProcess([
      "--server",
      api.server.url,
      "--token",
      api.tokens.auditor,
      "log",
      "verify",
      "--key",
      logKey,
      "--json",
    ]);
    expect(JSON.parse(verdict.stdout)).toMatchObject({ ok: false, reason: "entry_changed", index });
    expect(verdict.code).toBe(3);
    const prove = await runCliInProcess([
      "--server",
      api.server.url,
      "--token",
      api.tokens.auditor,
      "log",
      "prove",
      String(index),
      "--key",
      logKey,
    ]);
    expect(prove.code).toBe(3);
    const fine = await runCliInProcess([
      "--server",
      api.server.url,
      "--token",
      api.tokens.auditor,
      "log",
      "prove",
      "3",
      "--key",
      logKey,
    ]);
    expect(fine.stdout).toMatch(/^entry 3 is in the log/);
  }, 120_000);
});
