// The pure part of the silence and relay sweeps over a fleet (default 2,000,000 chips), from packed
// per-chip columns as a store would hand them over: last-heard and installed instants (Float64),
// and each chip's last `window` round trips to its nearest landmark (Float32). Prints the time of
// each sweep, the alerts found and the peak memory. The database reads are part B's bench; this is
// the floor under them (the detectors' own cost).
// Run: node --import tsx bench/custody-sweep.ts [--chips N] [--window W] [--rounds R]
import { parseArgs } from "node:util";
import { seededRandom } from "../src/app/custody/seeded-random.ts";
import { defaultAlertParams, sweepRelay, sweepSilence } from "../src/core/custody/alerts.ts";

const { values } = parseArgs({
  options: {
    chips: { type: "string", default: "2000000" },
    window: { type: "string", default: String(2 * defaultAlertParams.relayHeartbeatsMin) },
    rounds: { type: "string", default: "3" },
  },
});
const chips = Number(values.chips);
const window = Number(values.window);
const rounds = Number(values.rounds);
const nowMs = Date.parse("2026-12-06T00:00:00.000Z");
const dayMs = 86_400_000;

const random = seededRandom(16);
const installedAtMs = new Float64Array(chips);
const lastHeardAtMs = new Float64Array(chips);
const rttsMs = new Float32Array(chips * window);
const built = process.hrtime.bigint();
for (let i = 0; i < chips; i++) {
  installedAtMs[i] = i % 100 === 0 ? Number.NaN : nowMs - 60 * dayMs;
  // About 2 % silent (heard more than 7 days ago), 0.5 % never heard.
  const r = random.float();
  lastHeardAtMs[i] =
    r < 0.005 ? Number.NaN : r < 0.02 ? nowMs - 10 * dayMs : nowMs - random.float() * 2 * 3_600_000;
  const base = 1 + 20 * random.float();
  const step = i % 1000 === 0 ? 70 : 0; // one chip in a thousand behind a relay
  for (let j = 0; j < window; j++)
    rttsMs[i * window + j] =
      base + (j >= window - defaultAlertParams.relayHeartbeatsMin ? step : 0) + random.float();
}
const buildSeconds = Number(process.hrtime.bigint() - built) / 1e9;

const time = (work: () => number): { seconds: number; found: number } => {
  const start = process.hrtime.bigint();
  const found = work();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, found };
};
const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
let peakRss = process.memoryUsage().rss;

console.log(
  `${chips} chips, relay window ${window} round trips (Float32), columns built in ${buildSeconds.toFixed(1)} s`,
);
console.log(
  `columns: ${mib(installedAtMs.byteLength + lastHeardAtMs.byteLength)} instants + ${mib(rttsMs.byteLength)} round trips`,
);
for (let round = 1; round <= rounds; round++) {
  const silence = time(() =>
    sweepSilence({ installedAtMs, lastHeardAtMs }, nowMs, defaultAlertParams, () => {}),
  );
  const relay = time(() => sweepRelay(rttsMs, window, defaultAlertParams, () => {}));
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  console.log(
    `round ${round}: silence sweep ${silence.seconds.toFixed(3)} s (${silence.found} silent), relay sweep ${relay.seconds.toFixed(3)} s (${relay.found} relays)`,
  );
}
console.log(`peak RSS ${mib(peakRss)}`);
