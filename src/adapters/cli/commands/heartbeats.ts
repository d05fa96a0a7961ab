// `sluice heartbeats consume`: the NATS JetStream consumer (ingest batches, acknowledge after
// commit; run several at once on one durable consumer). `sluice heartbeats simulate`: plays a
// fleet's rounds (honest chips at their site, a diverted range, silent chips, a clone, a relay) with
// the demo keys into HTTP (with the global `--server URL --token T`, batches of POST
// /v1/heartbeats) or NATS (without). The bus and the store come from the composition root (hooks).
import type { Command } from "commander";
import { v7 as uuidv7 } from "uuid";
import type { HeartbeatIngest } from "../../../app/custody/ingest.ts";
import { batchSizeHttpMax, pruneHeartbeats, retentionDaysDefault } from "../../../app/custody/ingest.ts";
import { playFleetRound } from "../../../app/custody/play.ts";
import type { Actor, CustodyStore, HeartbeatBus } from "../../../app/custody/ports.ts";
import { demoSites, deviceKeyOf, divertedPosition, landmarkKeys } from "../../../app/custody/seed-custody.ts";
import type { Heartbeat } from "../../../core/custody/heartbeat.ts";
import { badInput, quote, SluiceError } from "../../../core/errors.ts";
import { action, printJson, println } from "../io.ts";
import { type Remote, type ServerOptions, serve } from "../remote.ts";

interface Hooks {
  withIngest: <T>(run: (ingest: HeartbeatIngest) => Promise<T>) => Promise<T>;
  withStore: <T>(run: (store: CustodyStore) => Promise<T>) => Promise<T>;
  /** The heartbeat bus (NATS JetStream), connected; the caller closes it. */
  bus: () => Promise<HeartbeatBus>;
  actor: () => Actor;
}

const integer = (name: string, value: string, min: number, max: number): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw badInput(`${name} ${quote(value)}`, `expected an integer from ${min} to ${max}`);
  return n;
};

interface StreamFlags {
  stream: string;
  subject: string;
  durable: string;
}

function registerConsume(heartbeats: Command, hooks: Hooks): void {
  heartbeats
    .command("consume")
    .description("ingest heartbeats from the NATS JetStream stream (NATS_URL, default nats://127.0.0.1:4222)")
    .option("--stream <name>", "stream", "SLUICE_HEARTBEATS")
    .option("--subject <subject>", "subject", "sluice.heartbeats")
    .option("--durable <name>", "durable consumer (shared by every consumer process)", "sluice-ingest")
    .option("--batch <n>", "messages per batch", "200")
    .option("--idle-exit-ms <ms>", "exit after this long without a message (default: run until stopped)")
    .option("--json", "print JSON")
    .action(
      action(async (o: StreamFlags & { batch: string; idleExitMs?: string; json?: boolean }) => {
        const batchSize = integer("--batch", o.batch, 1, 5000);
        const idleExitMs =
          o.idleExitMs === undefined ? undefined : integer("--idle-exit-ms", o.idleExitMs, 0, 86_400_000);
        const bus = await hooks.bus();
        const stream = { stream: o.stream, subject: o.subject, durable: o.durable };
        const stop = new AbortController();
        process.once("SIGTERM", () => stop.abort());
        process.once("SIGINT", () => stop.abort());
        try {
          await bus.ensureStream(stream);
          const actor = { ...hooks.actor(), id: `nats:${o.stream}/${o.durable}` };
          const acknowledged = await hooks.withIngest((ingest) =>
            bus.consume({
              stream,
              batchSize,
              ingest: (items) => ingest.ingest(items, actor, `nats:${o.stream}`),
              ...(idleExitMs === undefined ? {} : { idleExitMs }),
              onBatch: (n) => {
                if (!o.json) println(`acknowledged ${n}`);
              },
              signal: stop.signal,
            }),
          );
          if (o.json) printJson({ acknowledged });
          else println(`consumed and acknowledged ${acknowledged} heartbeats`);
        } finally {
          await bus.close();
        }
      }),
    );
}

interface SimulateFlags extends StreamFlags {
  prefix: string;
  first: string;
  last: string;
  site: string;
  diverted: string;
  silent: string;
  clone?: boolean;
  relayMs: string;
  relayFromRound: string;
  rounds: string;
  target: string;
  batch: string;
  json?: boolean;
}

async function postBatches(server: string, token: string, heartbeats: Heartbeat[], batch: number) {
  const counts: Record<string, number> = {};
  for (let from = 0; from < heartbeats.length; from += batch) {
    // Each batch is its own POST (one Idempotency-Key per invocation would replay the first).
    const response = await fetch(`${server.replace(/\/$/, "")}/v1/heartbeats`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ heartbeats: heartbeats.slice(from, from + batch) }),
    }).catch(() => {
      throw new SluiceError("unavailable", `server ${quote(server)}`, "cannot be reached");
    });
    const answer = (await response.json()) as { counts?: Record<string, number>; detail?: string };
    if (!response.ok)
      throw badInput(`server ${quote(server)}`, `answered ${response.status}: ${answer.detail ?? ""}`);
    for (const [outcome, n] of Object.entries(answer.counts ?? {}))
      counts[outcome] = (counts[outcome] ?? 0) + n;
  }
  return counts;
}

function registerSimulate(heartbeats: Command, hooks: Hooks): void {
  const simulate = heartbeats
    .command("simulate")
    .description("play a fleet's heartbeats (demo keys) into NATS, or with --server into HTTP")
    .requiredOption("--prefix <prefix>", "serial prefix of the lot")
    .requiredOption("--first <n>", "first serial number")
    .requiredOption("--last <n>", "last serial number")
    .option(
      "--site <id>",
      `the chips' declared site (${demoSites.map((s) => s.id).join(", ")})`,
      demoSites[0].id,
    )
    .option("--diverted <n>", "the last n chips answer from near Singapore", "0")
    .option("--silent <n>", "n chips before them never answer", "0")
    .option("--clone", "the first chip is also answered by a clone near Singapore")
    .option("--relay-ms <ms>", "the second chip answers through a relay adding this delay", "0")
    .option(
      "--relay-from-round <n>",
      "the relay is put in from this round (a step the relay sweep sees)",
      "0",
    )
    .option("--rounds <n>", "rounds (one heartbeat per chip each)", "1")
    .option("--target <target>", "http (needs --server and --token) or nats; default: http with --server", "")
    .option("--batch <n>", "heartbeats per HTTP request", String(batchSizeHttpMax))
    .option("--stream <name>", "stream", "SLUICE_HEARTBEATS")
    .option("--subject <subject>", "subject", "sluice.heartbeats")
    .option("--durable <name>", "durable consumer", "sluice-ingest")
    .option("--json", "print JSON");
  serve(
    simulate,
    (o: SimulateFlags) => playFleet(o, hooks, undefined),
    (_client: Remote, o: SimulateFlags) => {
      const { server = "", token } = simulate.optsWithGlobals<ServerOptions>();
      return playFleet(o, hooks, { server, token: token ?? "" });
    },
  );
}

/** The fleet plan of the flags, each checked (a bad one is refused before anything is played). */
function planOf(o: SimulateFlags) {
  const first = integer("--first", o.first, 0, Number.MAX_SAFE_INTEGER);
  const last = integer("--last", o.last, first, first + 10_000_000);
  const site = demoSites.find((s) => s.id === o.site);
  if (!site)
    throw badInput(`--site ${quote(o.site)}`, `expected one of ${demoSites.map((s) => s.id).join(", ")}`);
  return {
    prefix: o.prefix,
    first,
    last,
    site,
    divertedAt: divertedPosition,
    clone: o.clone === true,
    run: uuidv7(),
    diverted: integer("--diverted", o.diverted, 0, last - first + 1),
    silent: integer("--silent", o.silent, 0, last - first + 1),
    relayDelayMs: integer("--relay-ms", o.relayMs, 0, 5000),
    relayFromRound: integer("--relay-from-round", o.relayFromRound, 0, 10_000),
  };
}

/** Plays the fleet's rounds into HTTP when a server is given, else into the bus (NATS). */
async function playFleet(
  o: SimulateFlags,
  hooks: Hooks,
  http: { server: string; token: string } | undefined,
) {
  const target = o.target || (http ? "http" : "nats");
  if (target !== "http" && target !== "nats")
    throw badInput(`--target ${quote(o.target)}`, "expected http or nats");
  if (target === "http" && !http?.token)
    throw badInput("--target http", "needs --server and --token (a landmark-operator or admin token)");
  if (target === "nats" && http) throw badInput("--target nats", "takes no --server");
  const plan = planOf(o);
  const rounds = integer("--rounds", o.rounds, 1, 10_000);
  const batch = integer("--batch", o.batch, 1, batchSizeHttpMax);
  const landmarks = landmarkKeys();
  const summary: Record<string, number> = {};
  const bus = http ? undefined : await hooks.bus();
  try {
    await bus?.ensureStream({ stream: o.stream, subject: o.subject, durable: o.durable });
    for (let round = 0; round < rounds; round += 1) {
      const played = playFleetRound(landmarks, plan, round, new Date(), deviceKeyOf);
      if (bus) summary.published = (summary.published ?? 0) + (await bus.publish(o.subject, played));
      else if (http)
        for (const [k, n] of Object.entries(await postBatches(http.server, http.token, played, batch)))
          summary[k] = (summary[k] ?? 0) + n;
    }
  } finally {
    await bus?.close();
  }
  if (o.json) printJson(summary);
  else
    println(
      Object.entries(summary)
        .map(([k, n]) => `${k} ${n}`)
        .join(", "),
    );
}

function registerPrune(heartbeats: Command, hooks: Hooks): void {
  heartbeats
    .command("prune")
    .description("drop raw heartbeats (whole days) older than the retention period; daily summaries stay")
    .option("--keep-days <n>", "retention period in days", String(retentionDaysDefault))
    .option("--json", "print JSON")
    .action(
      action(async (o: { keepDays: string; json?: boolean }) => {
        const keepDays = integer("--keep-days", o.keepDays, 0, 36_500);
        const result = await hooks.withStore((store) => pruneHeartbeats(store, () => new Date(), keepDays));
        if (o.json) printJson(result);
        else println(`dropped ${result.dropped.length} day partitions before ${result.before}`);
      }),
    );
}

export function registerHeartbeats(program: Command, hooks: Hooks): void {
  const heartbeats = program
    .command("heartbeats")
    .description("signed heartbeats: consume from NATS, simulate a fleet");
  registerConsume(heartbeats, hooks);
  registerSimulate(heartbeats, hooks);
  registerPrune(heartbeats, hooks);
}
