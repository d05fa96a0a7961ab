// Raw Ed25519 verifies per second on one core (node:crypto, pre-made KeyObjects, the signed bytes
// of a real heartbeat and observation), and in the same run the pure custody core's work per
// heartbeat: `checkHeartbeat` on a heartbeat with three observations (four signatures) and the
// location verdict. The heartbeat ingest bench (bench/heartbeats.ts, part B) imports
// `measureVerifiesPerSecond` so its ratio uses a limit measured in its own run.
// Run: node --import tsx bench/ed25519-verify.ts [--seconds S] [--rounds N]
import { generateKeyPairSync, type KeyObject, sign, verify } from "node:crypto";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { generateFleet, heartbeatRound } from "../src/app/custody/fleet.ts";
import { seededRandom } from "../src/app/custody/seeded-random.ts";
import {
  checkHeartbeat,
  type Heartbeat,
  type HeartbeatCheckContext,
  heartbeatSigningBytes,
  publicKeyFromBase64,
} from "../src/core/custody/heartbeat.ts";
import { locate } from "../src/core/custody/location.ts";

/** Runs `work` in rounds of `batch` until `seconds` have passed; returns calls per second. */
function rate(seconds: number, batch: number, work: (i: number) => void): number {
  const start = process.hrtime.bigint();
  const limitNs = BigInt(Math.round(seconds * 1e9));
  let calls = 0;
  for (;;) {
    for (let i = 0; i < batch; i++) work(calls + i);
    calls += batch;
    const elapsed = process.hrtime.bigint() - start;
    if (elapsed >= limitNs) return (calls * 1e9) / Number(elapsed);
  }
}

/**
 * Raw verifies per second of one Ed25519 signature over `message` (default: a heartbeat's signed
 * bytes, about 700 bytes), one core, key made once. The limit the ingest figures are compared with.
 */
export function measureVerifiesPerSecond(seconds = 3, message?: Buffer): number {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const bytes = message ?? Buffer.alloc(700, 0x61);
  const signature = sign(null, bytes, privateKey);
  rate(0.3, 100, () => verify(null, bytes, publicKey, signature)); // warm-up
  return rate(seconds, 100, () => {
    if (!verify(null, bytes, publicKey, signature)) throw new Error("bug: signature does not verify");
  });
}

function main(): void {
  const { values } = parseArgs({
    options: { seconds: { type: "string", default: "2" }, rounds: { type: "string", default: "5" } },
  });
  const seconds = Number(values.seconds);
  const rounds = Number(values.rounds);
  const random = seededRandom(7);
  const fleet = generateFleet(7, { honest: 200, diverted: 0, silent: 0, clones: 0, relays: 0 }, random);
  const heartbeats: Heartbeat[] = [
    ...heartbeatRound(fleet, { hour: 0, atMs: Date.parse("2026-12-06T00:00:00.000Z") }, random),
  ];
  const first = heartbeats[0];
  if (!first) throw new Error("no heartbeat");
  const message = heartbeatSigningBytes(first);
  const deviceKeys = new Map<string, KeyObject | null>(
    fleet.chips.map((c) => [c.serial, publicKeyFromBase64(c.devicePublicKey)]),
  );
  const landmarkKeys = new Map(fleet.landmarks.map((l) => [l.id, publicKeyFromBase64(l.publicKey)]));
  const context: HeartbeatCheckContext = {
    nowMs: Date.parse(first.at) + 1000,
    heartbeatAgeMaxMs: 600_000,
    clockSkewMaxMs: 30_000,
    chip: (serial) => ({
      deviceKey: deviceKeys.get(serial) ?? null,
      deviceKeyRevoked: false,
      installed: true,
    }),
    landmark: (id) => {
      const key = landmarkKeys.get(id);
      return key ? { key, validFromMs: 0, validToMs: null } : undefined;
    },
    nonceSeen: () => false,
  };
  // Alternate the two measurements in rounds: on a shared machine the load changes from second to
  // second, and a ratio of figures taken side by side is steadier than one of figures taken apart.
  const ratios: number[] = [];
  let verifies = 0;
  let checks = 0;
  for (let round = 0; round < rounds; round++) {
    const v = measureVerifiesPerSecond(seconds, message);
    const c = rate(seconds, 20, (i) => {
      const h = heartbeats[i % heartbeats.length] as Heartbeat;
      if (checkHeartbeat(h, context).outcome !== "accepted") throw new Error("bug: not accepted");
    });
    ratios.push((c * (1 + first.observations.length)) / v);
    verifies += v / rounds;
    checks += c / rounds;
    console.log(
      `round ${round + 1}: raw ${Math.round(v)} verifies/s, checkHeartbeat ${Math.round(c)} heartbeats/s, ratio ${(ratios.at(-1) ?? 0).toFixed(2)}`,
    );
  }
  const site = fleet.sites[0] ?? { lat: 0, lon: 0 };
  const located = heartbeats.map((h) => ({
    site,
    observations: h.observations.map((o) => {
      const l = fleet.landmarks.find((m) => m.id === o.landmarkId);
      return { landmark: o.landmarkId, lat: l?.lat ?? 0, lon: l?.lon ?? 0, rttMs: o.rttMs };
    }),
  }));
  const verdicts = rate(seconds, 1000, (i) =>
    locate(located[i % located.length] ?? { site, observations: [] }),
  );
  const signatures = 1 + first.observations.length;
  console.log(
    `message ${message.length} bytes (a heartbeat's signed bytes, ${first.observations.length} observations)`,
  );
  const sorted = [...ratios].sort((a, b) => a - b);
  const ratioText = (x: number | undefined) => (x ?? 0).toFixed(2);
  console.log(`raw Ed25519 verify: ${Math.round(verifies)} verifies/s (one core, mean of ${rounds} rounds)`);
  console.log(
    `checkHeartbeat (${signatures} signatures): ${Math.round(checks)} heartbeats/s = ${Math.round(checks * signatures)} verifies/s`,
  );
  console.log(
    `ratio per round (heartbeats/s × ${signatures} ÷ raw verifies/s): median ${ratioText(sorted[Math.floor(rounds / 2)])}, range ${ratioText(sorted[0])}–${ratioText(sorted.at(-1))}`,
  );
  console.log(`locate (${first.observations.length} discs): ${Math.round(verdicts)} verdicts/s`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
