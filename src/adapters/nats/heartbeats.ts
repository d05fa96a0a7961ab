// Heartbeats over NATS JetStream (the `nats` client): a stream of signed heartbeats (one message
// each, its NATS message id the heartbeat id, so the server's duplicate window drops a re-publish),
// a durable pull consumer with explicit acks, and the consume loop: fetch a batch, hand it to the
// ingest use case, and acknowledge each message only after the batch's transaction committed (a
// crash before that redelivers it; ingestion is idempotent by heartbeat id, so a redelivery is a
// `duplicate`, never a second row). Several processes may consume one durable consumer at once:
// JetStream gives each message to one of them at a time. Unparseable JSON is terminated (it can
// never succeed); a batch whose ingest throws (database down) is negatively acknowledged.
import {
  AckPolicy,
  type ConsumerMessages,
  connect,
  type JetStreamClient,
  type JsMsg,
  type NatsConnection,
  nanos,
} from "nats";
import type { HeartbeatBus, HeartbeatConsumeOptions, HeartbeatStreamNames } from "../../app/custody/ports.ts";

export const natsUrlDefault = "nats://127.0.0.1:4222";

export type HeartbeatStream = HeartbeatStreamNames;

export const streamDefaults: HeartbeatStream = {
  stream: "SLUICE_HEARTBEATS",
  subject: "sluice.heartbeats",
  durable: "sluice-ingest",
};

/** How long a delivered, unacknowledged message waits before JetStream delivers it again. */
export const ackWaitMs = 30_000;

export const connectNats = (url = process.env.NATS_URL || natsUrlDefault): Promise<NatsConnection> =>
  connect({ servers: url, name: "sluice" });

/** Creates the stream and the durable consumer unless they exist (`ackWait`: the redelivery delay). */
export async function ensureStream(
  nc: NatsConnection,
  s: HeartbeatStream,
  ackWait = ackWaitMs,
): Promise<void> {
  const jsm = await nc.jetstreamManager();
  try {
    await jsm.streams.info(s.stream);
  } catch {
    await jsm.streams.add({ name: s.stream, subjects: [s.subject], duplicate_window: nanos(120_000) });
  }
  try {
    await jsm.consumers.info(s.stream, s.durable);
  } catch {
    await jsm.consumers.add(s.stream, {
      durable_name: s.durable,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(ackWait),
      max_ack_pending: 20_000,
    });
  }
}

/** Publishes heartbeats (any JSON values), awaiting each acknowledgement of the stream, in windows. */
export async function publishHeartbeats(
  js: JetStreamClient,
  subject: string,
  heartbeats: readonly unknown[],
  windowSize = 256,
): Promise<number> {
  let published = 0;
  for (let from = 0; from < heartbeats.length; from += windowSize) {
    const window = heartbeats.slice(from, from + windowSize);
    await Promise.all(
      window.map((h) => {
        const id =
          h !== null && typeof h === "object" && "id" in h && typeof h.id === "string" ? h.id : undefined;
        return js.publish(subject, JSON.stringify(h), id === undefined ? {} : { msgID: id });
      }),
    );
    published += window.length;
  }
  return published;
}

export interface ConsumeOptions extends HeartbeatConsumeOptions {
  nc: NatsConnection;
}

/** The heartbeat bus port (src/app/custody/ports.ts) on a NATS connection (NATS_URL by default). */
export async function openHeartbeatBus(url?: string): Promise<HeartbeatBus> {
  const nc = await connectNats(url);
  return {
    ensureStream: (names) => ensureStream(nc, names),
    publish: (subject, heartbeats) => publishHeartbeats(nc.jetstream(), subject, heartbeats),
    consume: (options) => consumeHeartbeats({ ...options, nc }),
    close: () => nc.close(),
  };
}

async function drain(messages: ConsumerMessages): Promise<JsMsg[]> {
  const out: JsMsg[] = [];
  for await (const m of messages) out.push(m);
  return out;
}

/** Batches ingested at once: the next batch is verified while the previous one commits. */
export const batchesInFlightMax = 2;

/** The consume loop; resolves with the number of messages acknowledged. */
export async function consumeHeartbeats(options: ConsumeOptions): Promise<number> {
  const js = options.nc.jetstream();
  const consumer = await js.consumers.get(options.stream.stream, options.stream.durable);
  let acknowledged = 0;
  let idleSince = Date.now();
  const inFlight = new Set<Promise<void>>();
  const settle = async (items: unknown[], kept: JsMsg[]) => {
    try {
      await options.ingest(items);
    } catch (error) {
      for (const m of kept) m.nak(1000);
      throw error;
    }
    // Committed: now, and only now, the messages are acknowledged (and the server confirms it).
    await Promise.all(kept.map((m) => m.ackAck()));
    acknowledged += kept.length;
    options.onBatch?.(kept.length);
  };
  while (!options.signal?.aborted) {
    const batch = await drain(await consumer.fetch({ max_messages: options.batchSize, expires: 1000 }));
    if (batch.length === 0) {
      // Idle means nothing delivered and nothing being ingested: time spent committing is not idle.
      if (inFlight.size > 0) {
        await Promise.all(inFlight);
        idleSince = Date.now();
      }
      if (options.idleExitMs !== undefined && Date.now() - idleSince >= options.idleExitMs) break;
      continue;
    }
    idleSince = Date.now();
    const items: unknown[] = [];
    const kept: JsMsg[] = [];
    for (const m of batch) {
      try {
        items.push(JSON.parse(m.string()));
        kept.push(m);
      } catch {
        m.term("not JSON");
      }
    }
    const work = settle(items, kept);
    inFlight.add(work);
    void work.then(
      () => inFlight.delete(work),
      () => inFlight.delete(work),
    );
    if (inFlight.size >= batchesInFlightMax) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return acknowledged;
}
