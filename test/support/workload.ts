// A seeded random ledger workload (reserve, post, void, expire, US post, US reversal, replays with
// same and different fields, clock steps), applied to the SQL ledger and to the reference model
// side by side; every status and every account is compared after every operation. The seed is in
// every failure message; LEDGER_SEED=<n> replays a run.
import type { SqlLedger } from "../../src/adapters/db/ledger/sql-ledger.ts";
import { expireBatchMax } from "../../src/adapters/db/ledger/types.ts";
import type { CapPolicy } from "../../src/core/ledger/cap-policy.ts";
import type { Account } from "../../src/core/ledger/ledger.ts";
import { LedgerModel } from "../../src/core/ledger/model.ts";

/** mulberry32: small, fast, good enough to drive a workload reproducibly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FakeClock {
  now: () => Date;
  advance: (ms: number) => void;
}

export function fakeClock(start: string): FakeClock {
  let t = Date.parse(start);
  return { now: () => new Date(t), advance: (ms) => (t += ms) };
}

const hourMs = 3_600_000;
const tppByProduct: Record<string, number> = { a: 15832.5, b: 4000 };

const show = (a: Account) =>
  `${a.id} us=${a.usPosted} pend=${a.cnPending} post=${a.cnPosted} blocked=${a.blocked} max=${a.blockedCnMax} enforced=${a.enforced}`;

export async function runWorkload(options: {
  ledger: SqlLedger;
  clock: FakeClock;
  policy: CapPolicy;
  prefix: string;
  accountPrefix: string;
  seed: number;
  steps: number;
}): Promise<{ ops: Record<string, number> }> {
  const { ledger, clock, policy, prefix, seed } = options;
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const model = new LedgerModel();
  const reservationIds: string[] = [];
  const postingIds: string[] = [];
  const reversalIds: string[] = [];
  const ops: Record<string, number> = {};
  const fail = (step: number, what: string) => {
    throw new Error(`LEDGER_SEED=${seed} step ${step}: ${what}`);
  };
  const product = () => `${prefix}-${pick(["a", "b"])}`;
  const tpp = (productId: string) => tppByProduct[productId.slice(-1)];
  const recent = <T>(items: T[], fresh: () => T) =>
    items.length > 0 && random() < 0.3 ? pick(items) : fresh();
  for (let step = 0; step < options.steps; step++) {
    const roll = random();
    let op: string;
    let expected: string;
    let actual: string;
    const now = clock.now();
    if (roll < 0.25) {
      op = "us_post";
      const day = new Date(now.getTime() - int(0, 10) * 24 * hourMs).toISOString().slice(0, 10);
      const input = {
        id: recent(postingIds, () => `${prefix}-us-${step}`),
        productId: product(),
        units: BigInt(int(1, 40)),
        shippedOn: day,
      };
      const productTpp = tpp(input.productId);
      const full = { ...input, tppPerUnit: productTpp };
      expected = model.usPost(policy, full);
      actual = (await ledger.usPost(policy, full)).status;
      if (!postingIds.includes(input.id)) postingIds.push(input.id);
    } else if (roll < 0.55) {
      op = "reserve";
      const input = {
        id: recent(reservationIds, () => `${prefix}-r-${step}`),
        productId: product(),
        units: BigInt(int(1, 12)),
      };
      const full = { ...input, tppPerUnit: tpp(input.productId) };
      const holdMs = int(1, 72) * hourMs;
      expected = model.reserve(policy, full, now, holdMs);
      actual = (await ledger.reserve(policy, { ...full, holdMs })).status;
      if (!reservationIds.includes(input.id)) reservationIds.push(input.id);
    } else if (roll < 0.7) {
      op = "post";
      const id = random() < 0.1 ? `${prefix}-missing` : recent(reservationIds, () => `${prefix}-missing`);
      expected = model.settle("post", id, now);
      actual = (await ledger.post(id)).status;
    } else if (roll < 0.78) {
      op = "void";
      const id = recent(reservationIds, () => `${prefix}-missing`);
      expected = model.settle("void", id, now);
      actual = (await ledger.void(id)).status;
    } else if (roll < 0.85) {
      op = "expire";
      expected = model.expire(now, expireBatchMax).join(",");
      // Other workloads may share the store: only this run's reservations are compared.
      const mine = (await ledger.expire()).expired.filter((id) => id.startsWith(`${prefix}-`));
      actual = mine.join(",");
    } else if (roll < 0.93) {
      op = "us_reverse";
      const input = {
        id: recent(reversalIds, () => `${prefix}-rev-${step}`),
        postingId: postingIds.length > 0 ? pick(postingIds) : `${prefix}-nothing`,
        units: BigInt(int(1, 15)),
      };
      expected = model.usReverse(input);
      actual = (await ledger.usReverse(input)).status;
      if (!reversalIds.includes(input.id)) reversalIds.push(input.id);
    } else {
      op = "clock";
      clock.advance(int(1, 30) * hourMs);
      expected = actual = "ok";
    }
    const outcome = op === "expire" ? (actual === "" ? "none" : "some") : actual;
    ops[`${op}:${outcome}`] = (ops[`${op}:${outcome}`] ?? 0) + 1;
    if (expected !== actual) fail(step, `${op}: model says ${expected}, store says ${actual}`);
    const stored = (await ledger.accounts(options.accountPrefix)).map(show).join("\n");
    const modelled = [...model.accounts.values()]
      .filter((a) => a.id.startsWith(options.accountPrefix))
      .sort((x, y) => (x.id < y.id ? -1 : 1))
      .map(show)
      .join("\n");
    if (stored !== modelled) fail(step, `${op}: accounts differ\nstore:\n${stored}\nmodel:\n${modelled}`);
  }
  const alerts = (await ledger.alerts()).map((a) => a.id).filter((id) => id.startsWith(prefix));
  if (alerts.sort().join(",") !== [...model.alerts].sort().join(",")) fail(options.steps, "alerts differ");
  return { ops };
}
