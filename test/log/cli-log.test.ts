// `sluice log keygen` and `sluice log export` as the CLI runs them through its wiring port
// (src/compose.ts): keygen prints a signer key and, on stderr, its verifier key; export writes the
// configured store's signed checkpoints and entries, which `sluice log verify --file` accepts, and
// refuses a store with no checkpoint yet.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendAudit } from "../../src/adapters/db/audit.ts";
import { openStore } from "../../src/adapters/db/open.ts";
import { systemActor } from "../../src/core/audit/actor.ts";
import { formatVerifierKey, parseSignerKey } from "../../src/core/log/note.ts";
import { runCliInProcess } from "../support/cli.ts";
import { checkpointNow, testLogSigner } from "../support/log.ts";

const dataDir = mkdtempSync(join(tmpdir(), "sluice-cli-log-"));
const saved = { dataDir: process.env.SLUICE_DATA_DIR, url: process.env.DATABASE_URL };

describe("sluice log keygen", () => {
  it("prints a signer key and its verifier key; refuses a name with a space", async () => {
    const made = await runCliInProcess(["log", "keygen", "--name", "example.test/log"]);
    expect(made.code).toBe(0);
    const signer = parseSignerKey(made.stdout.trim());
    if (!signer.ok) throw new Error(signer.why);
    expect(signer.value.name).toBe("example.test/log");
    expect(made.stderr.trim()).toBe(formatVerifierKey(signer.value));
    const refused = await runCliInProcess(["log", "keygen", "--name", "a b"]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe("");
  });
});

describe("sluice log export on the configured store", () => {
  beforeAll(() => {
    process.env.SLUICE_DATA_DIR = dataDir;
    process.env.DATABASE_URL = "";
  });
  afterAll(() => {
    for (const [key, value] of [
      ["SLUICE_DATA_DIR", saved.dataDir],
      ["DATABASE_URL", saved.url],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("refuses before any checkpoint, then exports what verify accepts", { timeout: 300_000 }, async () => {
    const store = await openStore({ dataDir, create: true });
    try {
      const at = new Date("2026-02-01T12:00:00Z");
      await store.transaction(async (tx) => {
        for (const n of [1, 2, 3]) await appendAudit(tx, "test.entry", { n }, at, systemActor("test", "r-1"));
      });
    } finally {
      await store.close();
    }
    const out = join(dataDir, "export.jsonl");
    const early = await runCliInProcess(["log", "export", "--out", out]);
    expect(early.code).toBe(2); // not_found exits as bad input (src/core/errors.ts)
    expect(early.stderr).toMatch(/log checkpoint: none signed yet/);

    const signing = await openStore({ dataDir });
    try {
      await checkpointNow(signing);
    } finally {
      await signing.close();
    }
    const exported = await runCliInProcess(["log", "export", "--out", out]);
    expect(exported.stderr).toBe("");
    expect(exported.stdout).toMatch(/^exported 3 entries and 1 checkpoints to /);
    expect(readFileSync(out, "utf8").trim().split("\n")).toHaveLength(4);
    const key = formatVerifierKey(testLogSigner);
    const verified = await runCliInProcess(["log", "verify", "--key", key, "--file", out, "--json"]);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, size: 3 });
  });
});
