// Witnesses (C2SP tlog-witness) with a real log on both drivers: the log's checkpoints get the
// witness's cosignature and are served cosigned; `sluice log verify --witness` needs it; a history
// rewritten and re-signed with the log's own key is refused (split view), as are a stale old size
// (409 with the witness's size), a bad proof (422), a bad signature (403) and an unknown log (404);
// two racing requests from one old size get one cosignature.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startWitness } from "../../src/adapters/cli/commands/witness.ts";
import { appendAuditMany } from "../../src/adapters/db/audit.ts";
import { DbLogReader } from "../../src/adapters/db/log/reader.ts";
import { WitnessPusher } from "../../src/adapters/db/log/witnesses.ts";
import { emptyRoot, nodeHash } from "../../src/core/log/merkle.ts";
import {
  formatCheckpoint,
  formatVerifierKey,
  parseCheckpoint,
  parseNote,
  signerFromSeed,
  signNote,
} from "../../src/core/log/note.ts";
import { type Api, startApi } from "../http/support.ts";
import { runCliInProcess } from "../support/cli.ts";
import { forEachDriver } from "../support/drivers.ts";
import { checkpointNow, testLogSigner, testWitnessSigner } from "../support/log.ts";

const post = (url: string, body: string) => fetch(`${url}/add-checkpoint`, { method: "POST", body });

forEachDriver("log witnesses", (env) => {
  let api: Api;
  let witness: Awaited<ReturnType<typeof startWitness>>;
  let pusher: WitnessPusher;
  let reader: DbLogReader;
  const write = (n: number, tag: string) =>
    env.store().transaction((tx) =>
      appendAuditMany(
        tx,
        Array.from({ length: n }, (_, i) => ({ kind: "witness.test", payload: { tag, i } })),
        new Date("2026-01-20T10:00:00Z"),
        { tokenId: null, role: "system", partyId: null, via: "test", requestId: tag },
      ),
    );
  beforeAll(async () => {
    witness = await startWitness({
      signer: testWitnessSigner,
      logs: [testLogSigner],
      stateFile: join(mkdtempSync(join(tmpdir(), "sluice-witness-")), "state.json"),
      port: 0,
      now: () => new Date("2026-01-20T10:00:00Z"),
    });
    reader = new DbLogReader(env.store(), { verifier: testLogSigner, witnessQuorum: 1 });
    pusher = new WitnessPusher(env.store(), reader, [{ url: witness.url, key: testWitnessSigner }]);
    api = await startApi(env.store(), `w-${env.driver}`);
  }, 120_000);
  afterAll(async () => {
    await api?.server.close();
    await witness?.close();
  });

  it("cosigns each consistent checkpoint; the log serves the cosigned note and says it is witnessed", async () => {
    await write(20, "one");
    const first = await checkpointNow(env.store());
    expect(first).toBeGreaterThan(0);
    const size1 = (await reader.checkpointStatus())?.size as number;
    expect(await pusher.push(size1)).toEqual([testWitnessSigner.name]);
    await write(33, "two");
    await checkpointNow(env.store());
    const status = await reader.checkpointStatus();
    expect(await pusher.push(status?.size as number)).toEqual([testWitnessSigner.name]);
    expect(await reader.checkpointStatus()).toMatchObject({
      witnessed: true,
      cosigners: [testWitnessSigner.name],
    });
    const served = await (await api.request("/v1/log/checkpoint")).text();
    expect(served.split("\n").filter((l) => l.startsWith("— "))).toHaveLength(2);
    const verified = await runCliInProcess([
      "--server",
      api.server.url,
      "--token",
      api.tokens["us-regulator"],
      "log",
      "verify",
      "--key",
      formatVerifierKey(testLogSigner),
      "--witness",
      formatVerifierKey(testWitnessSigner),
    ]);
    expect(verified.stdout).toMatch(/^log ok: .*cosigned by regulator\.test\/witness/);
    expect(verified.code).toBe(0);
  }, 120_000);

  it("refuses a rewritten history re-signed with the log's key, stale sizes, bad proofs, signatures and logs", async () => {
    const status = await reader.checkpointStatus();
    const size = status?.size as number;
    // The operator rewrites the log and signs a bigger tree with the log's own key.
    const forged = signNote(
      formatCheckpoint({
        origin: testLogSigner.name,
        size: size + 1,
        rootHash: nodeHash(emptyRoot, emptyRoot),
      }),
      testLogSigner,
    );
    const proof = Buffer.from(emptyRoot).toString("base64");
    const refused = await post(witness.url, `old ${size}\n${proof}\n\n${forged}`);
    expect(refused.status).toBe(422);
    const stale = await post(witness.url, `old 3\n\n${forged}`);
    expect(stale.status).toBe(409);
    expect(stale.headers.get("content-type")).toBe("text/x.tlog.size");
    expect((await stale.text()).trim()).toBe(String(size));
    const sameSize = signNote(
      formatCheckpoint({ origin: testLogSigner.name, size, rootHash: emptyRoot }),
      testLogSigner,
    );
    expect((await post(witness.url, `old ${size}\n\n${sameSize}`)).status).toBe(422);
    const otherKey = signerFromSeed(testLogSigner.name, new Uint8Array(32).fill(3));
    const badSignature = signNote(
      formatCheckpoint({ origin: testLogSigner.name, size: size + 1, rootHash: emptyRoot }),
      otherKey,
    );
    expect((await post(witness.url, `old ${size}\n\n${badSignature}`)).status).toBe(403);
    const unknown = signNote(
      formatCheckpoint({ origin: "other.log", size: 1, rootHash: emptyRoot }),
      signerFromSeed("other.log", new Uint8Array(32).fill(4)),
    );
    expect((await post(witness.url, `old 0\n\n${unknown}`)).status).toBe(404);
    expect((await post(witness.url, "old x\n\n")).status).toBe(400);
    // The forged checkpoint has no cosignature: a verifier that requires the witness refuses it.
    const note = parseNote(forged);
    expect(note.ok && parseCheckpoint(note.value.text).ok).toBe(true);
  });

  it("cosigns only one of two racing requests from the same old size", async () => {
    await write(5, "race");
    await checkpointNow(env.store());
    const status = await reader.checkpointStatus();
    const old = Number((await (await post(witness.url, `old 0\n\n${status?.note ?? ""}`)).text()).trim());
    const proof = await reader.consistencyProof(old, status?.size as number);
    const body = `old ${old}\n${proof.status === "ok" ? proof.hashes.map((h) => `${h}\n`).join("") : ""}\n${status?.note.split("\n— regulator")[0]}`;
    const answers = await Promise.all([post(witness.url, body), post(witness.url, body)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
  });
});
