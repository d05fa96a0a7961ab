// Heartbeats over HTTP into PostgreSQL through a real `sluice serve`, killed with SIGKILL in the
// middle of ingesting: every batch the server answered 200 is stored, once. Then a new server, the
// client sends every batch again (at least once, as a landmark operator does after a failure):
// nothing doubles, the daily summary counts each heartbeat once, every batch's Merkle root
// recomputes and the audit chain verifies. The same server answers `sluice serials show --server`
// and takes `sluice heartbeats simulate --server` (the CLI's remote modes).
import { type ChildProcess, spawn } from "node:child_process";
import { expect, it } from "vitest";
import { verifyAudit } from "../../src/adapters/db/audit.ts";
import { createToken } from "../../src/adapters/db/tokens.ts";
import { batchMerkleRootHex } from "../../src/app/custody/ingest.ts";
import { playFleetRound } from "../../src/app/custody/play.ts";
import {
  demoSites,
  deviceKeyOf,
  divertedPosition,
  landmarkKeys,
  registerDemoLandmarks,
} from "../../src/app/custody/seed-custody.ts";
import { type Heartbeat, heartbeatSigningBytes } from "../../src/core/custody/heartbeat.ts";
import { repoRoot, runCli } from "../support/cli.ts";
import { forEachDriver } from "../support/drivers.ts";
import { installedLot, resetFixtures, services } from "./support.ts";

const chips = 100;
const rounds = 8;
const batchSize = 25;

/** `sluice serve --port 0` on the test's store; resolves with the child and its URL. */
async function serve(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "src/adapters/cli/main.ts", "serve", "--port", "0", "--evaluate-threads", "0"],
    { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const match = /^sluice: serving (http:\/\/127\.0\.0\.1:\d+) /m.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.stderr?.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
    child.once("exit", (code) => reject(new Error(`serve exited early (${code}): ${out}`)));
  });
  return { child, url };
}

/** Posts one batch; the ids it acknowledged (an answer of 200), or null when no answer came. */
async function post(url: string, token: string, batch: Heartbeat[]) {
  try {
    const response = await fetch(`${url}/v1/heartbeats`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ heartbeats: batch }),
    });
    if (response.status !== 200) return null;
    const answer = (await response.json()) as { counts: Record<string, number> };
    return answer.counts;
  } catch {
    return null;
  }
}

forEachDriver(
  "heartbeats over HTTP",
  (env) => {
    it("loses nothing acknowledged and doubles nothing across kill -9 of the server", {
      timeout: 300_000,
    }, async () => {
      resetFixtures();
      const store = env.store();
      const s = services(store, () => new Date());
      await registerDemoLandmarks(s.custody, "2026-01-01T00:00:00.000Z");
      const site = demoSites[0];
      const lot = await installedLot(store, s, "crash-lot", chips, site);
      const { secret } = await createToken(
        store,
        () => new Date(),
        { newId: () => `tok-crash-${Date.now()}`, newSecret: () => `sluice_crash_${Date.now()}` },
        { role: "landmark-operator" },
      );
      const plan = {
        prefix: lot.prefix,
        first: 1,
        last: chips,
        site,
        divertedAt: divertedPosition,
        diverted: 0,
        silent: 0,
        clone: false,
        relayDelayMs: 0,
        run: `crash-${Date.now().toString(36)}`,
      };
      const landmarks = landmarkKeys();
      const sent: Heartbeat[] = [];
      for (let round = 0; round < rounds; round += 1)
        sent.push(...playFleetRound(landmarks, plan, round, new Date(), deviceKeyOf));
      const batches: Heartbeat[][] = [];
      for (let i = 0; i < sent.length; i += batchSize) batches.push(sent.slice(i, i + batchSize));

      // Two requests in flight; the server is killed once a few batches were acknowledged.
      const first = await serve(env.config().env);
      const acknowledged: string[] = [];
      let next = 0;
      let killed = false;
      await Promise.all(
        [0, 1].map(async () => {
          while (next < batches.length && !killed) {
            const batch = batches[next++] as Heartbeat[];
            const counts = await post(first.url, secret, batch);
            if (counts) {
              expect(counts).toEqual({ accepted: batch.length });
              acknowledged.push(...batch.map((h) => h.id));
            }
            if (acknowledged.length >= 4 * batchSize && !killed) {
              killed = true;
              first.child.kill("SIGKILL");
            }
          }
        }),
      );
      expect(killed).toBe(true);
      const count = async (sql: string, params: unknown[] = []) =>
        Number((await store.query<{ n: bigint }>(sql, params)).rows[0]?.n ?? -1n);
      // Everything acknowledged is stored, once.
      expect(
        await count("SELECT count(DISTINCT id) AS n FROM heartbeats WHERE id = ANY($1)", [acknowledged]),
      ).toBe(acknowledged.length);
      expect(await count("SELECT count(*) AS n FROM heartbeats WHERE id = ANY($1)", [acknowledged])).toBe(
        acknowledged.length,
      );
      expect(await count("SELECT count(*) AS n FROM heartbeats")).toBeLessThan(sent.length);

      // A new server; the client sends every batch again.
      const second = await serve(env.config().env);
      try {
        const outcomes: Record<string, number> = {};
        for (const batch of batches) {
          const counts = await post(second.url, secret, batch);
          expect(counts).not.toBeNull();
          for (const [k, n] of Object.entries(counts ?? {})) outcomes[k] = (outcomes[k] ?? 0) + n;
        }
        expect(outcomes.duplicate ?? 0).toBeGreaterThanOrEqual(acknowledged.length);
        expect((outcomes.accepted ?? 0) + (outcomes.duplicate ?? 0)).toBe(sent.length);
        expect(await count("SELECT count(*) AS n FROM heartbeat_ids")).toBe(sent.length);
        expect(await count("SELECT count(*) AS n FROM heartbeats")).toBe(sent.length);
        expect(await count("SELECT count(DISTINCT id) AS n FROM heartbeats")).toBe(sent.length);
        expect(await count("SELECT coalesce(sum(heartbeats), 0) AS n FROM heartbeat_daily")).toBe(
          sent.length,
        );
        const batchRows = await store.query<{ id: string; merkle_root: string }>(
          "SELECT id, merkle_root FROM heartbeat_batches",
        );
        for (const batch of batchRows.rows) {
          const leaves = await store.query<{ body: Heartbeat }>(
            "SELECT body FROM heartbeats WHERE batch_id = $1 ORDER BY leaf_index",
            [batch.id],
          );
          const texts = leaves.rows.map((r) => heartbeatSigningBytes(r.body));
          expect(batchMerkleRootHex(texts)).toBe(batch.merkle_root);
        }
        expect(await verifyAudit(store)).toMatchObject({ ok: true });

        // The CLI's remote modes against the same server.
        const remote = { SLUICE_SERVER: second.url, SLUICE_TOKEN: secret };
        const simulated = runCli(
          [
            "heartbeats",
            "simulate",
            "--prefix",
            lot.prefix,
            "--first",
            "1",
            "--last",
            String(chips),
            "--json",
          ],
          { env: remote },
        );
        expect(simulated.stderr).toBe("");
        expect(JSON.parse(simulated.stdout)).toEqual({ accepted: chips });
        const { secret: admin } = await createToken(
          store,
          () => new Date(),
          { newId: () => `tok-admin-${Date.now()}`, newSecret: () => `sluice_admin_${Date.now()}` },
          { role: "admin" },
        );
        const shown = runCli(["serials", "show", lot.serials[0] as string, "--json"], {
          env: { SLUICE_SERVER: second.url, SLUICE_TOKEN: admin },
        });
        expect(shown.stderr).toBe("");
        expect(JSON.parse(shown.stdout)).toMatchObject({
          serial: lot.serials[0],
          state: "installed",
          siteId: site.id,
          lastVerdict: "verified",
          history: [
            { toState: "exported" },
            { toState: "entered_china" },
            { toState: "delivered" },
            { toState: "installed" },
          ],
        });
        const missing = runCli(["serials", "show", "no-such-serial"], {
          env: { SLUICE_SERVER: second.url, SLUICE_TOKEN: admin },
        });
        expect(missing.code).toBe(2);
        expect(missing.stderr).toContain("no-such-serial");
      } finally {
        second.child.kill("SIGTERM");
      }
    });
  },
  ["postgres"],
);
