// Heartbeats from NATS JetStream into PostgreSQL through the real CLI consumer: a consumer is
// killed with SIGKILL in the middle of ingesting, then two consumers share the one durable consumer
// at once. Afterwards every published heartbeat is stored exactly once (nothing acknowledged lost,
// nothing doubled), the daily summary counts each once, every batch's Merkle root recomputes from
// its stored heartbeats, and the audit chain verifies. Needs NATS on 127.0.0.1:4222 (CI starts it).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { connect } from "nats";
import { expect, it } from "vitest";
import { verifyAudit } from "../../src/adapters/db/audit.ts";
import { ensureStream, publishHeartbeats } from "../../src/adapters/nats/heartbeats.ts";
import { batchMerkleRootHex } from "../../src/app/custody/ingest.ts";
import { playFleetRound } from "../../src/app/custody/play.ts";
import {
  demoSites,
  deviceKeyOf,
  divertedPosition,
  landmarkKeys,
  registerDemoLandmarks,
} from "../../src/app/custody/seed-custody.ts";
import { keyPairOf, signDeviceKeys } from "../../src/app/custody/sign.ts";
import { type Heartbeat, heartbeatSigningBytes } from "../../src/core/custody/heartbeat.ts";
import { repoRoot } from "../support/cli.ts";
import { forEachDriver } from "../support/drivers.ts";
import { actor, importerId, licensedShipment, resetFixtures, services } from "./support.ts";

const mainFile = fileURLToPath(new URL("../../src/adapters/cli/main.ts", import.meta.url));
const chips = 200;
const rounds = 8;

function consumer(
  env: Record<string, string>,
  stream: { stream: string; subject: string; durable: string },
  idleExitMs: number,
) {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      mainFile,
      "heartbeats",
      "consume",
      "--stream",
      stream.stream,
      "--subject",
      stream.subject,
      "--durable",
      stream.durable,
      "--batch",
      "25",
      "--idle-exit-ms",
      String(idleExitMs),
      "--json",
    ],
    {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => (stdout += String(d)));
  child.stderr?.on("data", (d) => (stderr += String(d)));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("exit", (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

forEachDriver(
  "heartbeats from NATS",
  (env) => {
    it("loses nothing acknowledged and doubles nothing across kill -9 and two consumers at once", {
      timeout: 300_000,
    }, async () => {
      resetFixtures();
      const store = env.store();
      const clock = () => new Date();
      const s = services(store, clock);
      const lot = await licensedShipment(store, clock, "nats-lot", chips);
      await registerDemoLandmarks(s.custody, "2026-01-01T00:00:00.000Z");
      const site = demoSites[1];
      await s.custody.declareSite({ ...site, importerId }, actor("importer", importerId));
      await s.custody.permitSite({ licenceId: lot.licenceId, siteId: site.id }, actor("us-regulator"));
      await s.custody.importSerials({ shipmentId: lot.shipmentId }, actor("exporter", "nvidia"));
      const serials = Array.from({ length: chips }, (_, i) => `${lot.prefix}${i + 1}`);
      await s.custody.submitDeviceKeys(
        signDeviceKeys(
          {
            type: "sluice.device-keys.v1",
            id: "nats-dk",
            labId: s.lab.id,
            shipmentId: lot.shipmentId,
            keys: serials.map((serial) => ({
              serial,
              publicKey: keyPairOf(`device/${serial}`).publicKeyRaw,
            })),
          },
          s.lab.privateKey,
        ),
        actor("lab", s.lab.id),
      );
      const all = [{ prefix: lot.prefix, first: 1, last: chips }];
      for (const [kind, who] of [
        ["exported", "exporter"],
        ["entered_china", "cn-customs"],
        ["delivered", "importer"],
      ] as const)
        await s.custody.recordEvent(
          { id: `nats-${kind}`, shipmentId: lot.shipmentId, kind, serials: all },
          actor(who, who === "exporter" ? "nvidia" : importerId),
        );
      await s.custody.recordEvent(
        {
          id: "nats-installed",
          shipmentId: lot.shipmentId,
          kind: "installed",
          serials: all,
          siteId: site.id,
        },
        actor("importer", importerId),
      );

      const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
      const stream = { stream: `T_HB_${run}`, subject: `test.hb.${run}`, durable: `d-${run}` };
      const nc = await connect({ servers: "nats://127.0.0.1:4222" });
      // Unacknowledged messages (the killed consumer's batch) come back after 2 s.
      await ensureStream(nc, stream, 2000);
      const landmarks = landmarkKeys();
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
        run,
      };
      const published: Heartbeat[] = [];
      for (let round = 0; round < rounds; round += 1)
        published.push(...playFleetRound(landmarks, plan, round, new Date(), deviceKeyOf));
      await publishHeartbeats(nc.jetstream(), stream.subject, published);
      // A re-publish of the first round (an at-least-once producer): the stream or the ids drop it.
      await publishHeartbeats(nc.jetstream(), stream.subject, published.slice(0, chips));

      const count = async (sql: string) => Number((await store.query<{ n: bigint }>(sql)).rows[0]?.n ?? -1n);
      const first = consumer(env.config().env, stream, 60_000);
      while ((await count("SELECT count(*) AS n FROM heartbeat_ids")) < 300) await sleep(50);
      first.child.kill("SIGKILL");
      await first.done;
      const storedAtKill = await count("SELECT count(*) AS n FROM heartbeat_ids");
      expect(storedAtKill).toBeLessThan(published.length);

      const [b, c] = [consumer(env.config().env, stream, 6000), consumer(env.config().env, stream, 6000)];
      const results = await Promise.all([b.done, c.done]);
      for (const r of results) expect(r.code, r.stderr).toBe(0);
      const acked = results.map((r) => (JSON.parse(r.stdout) as { acknowledged: number }).acknowledged);
      expect(acked[0], "both consumers took messages").toBeGreaterThan(0);
      expect(acked[1], "both consumers took messages").toBeGreaterThan(0);

      const info = await (await nc.jetstreamManager()).consumers.info(stream.stream, stream.durable);
      expect(info.num_pending).toBe(0);
      expect(info.num_ack_pending).toBe(0);
      expect(await count("SELECT count(*) AS n FROM heartbeat_ids")).toBe(published.length);
      expect(await count(`SELECT count(*) AS n FROM heartbeats WHERE serial LIKE 'nats-lot-%'`)).toBe(
        published.length,
      );
      expect(await count(`SELECT count(DISTINCT id) AS n FROM heartbeats`)).toBe(published.length);
      expect(await count("SELECT coalesce(sum(heartbeats), 0) AS n FROM heartbeat_daily")).toBe(
        published.length,
      );

      // Every batch's root recomputes from its stored heartbeats, in leaf order.
      const batches = await store.query<{ id: string; merkle_root: string }>(
        "SELECT id, merkle_root FROM heartbeat_batches",
      );
      for (const batch of batches.rows) {
        const leaves = await store.query<{ body: Heartbeat }>(
          "SELECT body FROM heartbeats WHERE batch_id = $1 ORDER BY leaf_index",
          [batch.id],
        );
        expect(batchMerkleRootHex(leaves.rows.map((r) => heartbeatSigningBytes(r.body)))).toBe(
          batch.merkle_root,
        );
      }
      expect(await verifyAudit(store)).toMatchObject({ ok: true });
      await (await nc.jetstreamManager()).streams.delete(stream.stream);
      await nc.close();
    });
  },
  ["postgres"],
);
