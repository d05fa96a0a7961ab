// `sluice tokens create|list|revoke` as a user runs them, on a fresh embedded database: the secret
// is printed once and works against the server's authenticator; bad input exits 2 and stores nothing.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../src/adapters/db/open.ts";
import { hashSecret, principalOf } from "../src/adapters/db/tokens.ts";
import { runCli } from "./support/cli.ts";

const dataDir = mkdtempSync(join(tmpdir(), "sluice-cli-tokens-"));
const env = { SLUICE_DATA_DIR: dataDir, DATABASE_URL: "" };

describe("sluice tokens", () => {
  // Only the commands that create a store may create one: make it as `sluice db migrate` would.
  beforeAll(async () => (await openStore({ dataDir, create: true })).close());
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  // Spawns open the embedded database three times: slow on a loaded machine.
  it("creates, lists and revokes a token; refuses an importer without a party", {
    timeout: 300_000,
  }, async () => {
    const bad = runCli(["tokens", "create", "--role", "importer"], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe("error: token `partyId`: roles exporter, importer, lab need a party");
    const badRole = runCli(["tokens", "create", "--role", "root"], { env });
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toMatch(/^error: token `role`: /);

    const created = runCli(
      ["tokens", "create", "--role", "importer", "--party", "alibaba-cloud", "--label", "ali", "--json"],
      { env },
    );
    expect(created.code).toBe(0);
    const token = JSON.parse(created.stdout) as { id: string; token: string; role: string; partyId: string };
    expect(token).toMatchObject({
      role: "importer",
      partyId: "alibaba-cloud",
      label: "ali",
      revokedAt: null,
    });
    expect(token.token).toMatch(/^sluice_[A-Za-z0-9_-]{43}$/);

    const listed = runCli(["tokens", "list", "--json"], { env });
    const tokens = (JSON.parse(listed.stdout) as { tokens: Record<string, unknown>[] }).tokens;
    expect(tokens.map((t) => t.id)).toEqual([token.id]);
    expect(listed.stdout).not.toContain(token.token);

    const revoked = runCli(["tokens", "revoke", token.id], { env });
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(new RegExp(`^revoked token ${token.id} at 20`));
    const after = await openStore({ dataDir });
    try {
      expect(await principalOf(after, token.token)).toBeUndefined();
      const { rows } = await after.query<{ secret_sha256: string; revoked: boolean }>(
        "SELECT secret_sha256, revoked_at IS NOT NULL AS revoked FROM api_tokens",
      );
      // One row, holding the secret's hash only.
      expect(rows).toEqual([{ secret_sha256: hashSecret(token.token), revoked: true }]);
    } finally {
      await after.close();
    }
  });
});
