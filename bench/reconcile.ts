// Benchmark of `sluice audit reconcile`'s pure part (src/core/log/reconcile.ts): replaying a log of
// N synthetic ledger and shipment entries and comparing the result with tables of the same size.
// Prints entries/s for the replay and rows/s for the comparison. The SQL reads are not measured.
// Usage: node --import tsx bench/reconcile.ts [--entries 1000000]
import { performance } from "node:perf_hooks";
import { compareState, type ReplayEntry, replayLog } from "../src/core/log/reconcile.ts";

const flag = process.argv.indexOf("--entries");
const total = flag >= 0 ? Number(process.argv[flag + 1]) : 1_000_000;
if (!Number.isSafeInteger(total) || total < 10) throw new Error("--entries: a whole number ≥ 10");

/** A story that cycles: US post, reserve, plan, release, post or void, ship or cancel (6 entries). */
function* story(count: number): Generator<ReplayEntry> {
  for (let i = 0; i < count; i++) {
    const n = Math.floor(i / 6);
    const account = [`units/h200/2026-${String((n % 12) + 1).padStart(2, "0")}`];
    const payloads: [string, unknown][] = [
      ["ledger.us_post", { id: `us-${n}`, amount: "100", accountIds: account }],
      ["ledger.reserve", { id: `r-${n}`, amount: "40", accountIds: account }],
      ["shipment.planned", { id: `s-${n}` }],
      ["shipment.released", { shipmentId: `s-${n}` }],
      [n % 2 ? "ledger.post" : "ledger.void", { id: `r-${n}`, amount: "40" }],
      ["shipment.shipped", { shipmentId: `s-${n}`, to: n % 2 ? "shipped" : "cancelled" }],
    ];
    const [kind, payload] = payloads[i % 6] as [string, unknown];
    yield { index: i, kind, payload };
  }
}

const entries = [...story(total)];
const t0 = performance.now();
const { state, problems } = replayLog(entries);
const t1 = performance.now();
const differences = compareState(state, state);
const t2 = performance.now();
const rows = state.accounts.size + state.reservations.size + state.shipments.size;
if (problems.length > 0 || differences.length > 0) throw new Error("the synthetic story should replay clean");
console.log(
  `entries replayed: ${total} in ${(t1 - t0).toFixed(0)} ms = ${Math.round(total / ((t1 - t0) / 1000))} entries/s`,
);
console.log(
  `rows compared: ${rows} in ${(t2 - t1).toFixed(0)} ms = ${Math.round(rows / ((t2 - t1) / 1000))} rows/s`,
);
