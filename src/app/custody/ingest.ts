// Heartbeat ingestion, one batch at a time (HTTP `POST /v1/heartbeats` and the NATS consumer both
// call `ingest`). Each item gets one outcome from a closed, ordered list (first failing wins):
// read-only checks first (schema, a replayed id, the device and landmark signatures, nonce age,
// installation), verdict by constraint-based geolocation, then ONE transaction stores the accepted
// heartbeats with their ids and nonces (a concurrent batch that took an id or nonce first wins:
// its loser is answered `duplicate`/`nonce_reused`), the daily summary, the batch row and a
// `heartbeats.batch` audit entry holding the batch's RFC 6962 Merkle root. Nothing is acknowledged
// before that commit, so a crash loses nothing acknowledged and a redelivery doubles nothing.
import { createHash, type KeyObject } from "node:crypto";
import {
  type ChipKeyState,
  checkHeartbeat,
  type Heartbeat,
  type HeartbeatCheckContext,
  heartbeatSchema,
  heartbeatSigningBytes,
  type IngestOutcome,
  publicKeyFromBase64,
} from "../../core/custody/heartbeat.ts";
import { type LocationParams, type LocationVerdict, locate } from "../../core/custody/location.ts";
import { custodyParameters } from "../../core/custody/parameters.ts";
import { appendLeaves, emptyFrontier, frontierRoot, leafHash } from "../../core/log/merkle.ts";
import type { Clock, IdSource } from "../ports.ts";
import type { RulesOn } from "./alerts.ts";
import type {
  AcceptedHeartbeat,
  Actor,
  AlertDraft,
  CustodyStore,
  LandmarkRecord,
  SerialContext,
} from "./ports.ts";

/** The outcomes of one item, in precedence order: the heartbeat wire format's (core/custody/heartbeat.ts). */
export { type IngestOutcome, ingestOutcomes } from "../../core/custody/heartbeat.ts";

/** Heartbeats per HTTP batch: 500 of about 1.3 KB (three observations) stay under the 1 MiB body limit. */
export const batchSizeHttpMax = 500;

/** Device KeyObjects kept by one ingest (about 100 bytes each, plus the key's native memory). */
export const deviceKeysCachedMax = 250_000;

export interface IngestParams extends LocationParams {
  /** An observation older than this by the server's clock is stale. */
  heartbeatAgeMaxMs: number;
  /** An observation this far in the future (clock skew) is still accepted. */
  clockSkewMaxMs: number;
}

/**
 * Clock skew tolerated on an observation's time: a property of clocks, not a policy, so no book
 * sets it (the age limit, the speed and the verified radius come from the books in force).
 */
export const clockSkewMaxMs = 30_000;

/** The ingest parameters of the books in force (`custodyParameters`), and the rule behind them. */
export function ingestParamsOf(rules: ReturnType<RulesOn>): IngestParams & { rule: string | null } {
  const p = custodyParameters(rules);
  return { ...p.location, heartbeatAgeMaxMs: p.heartbeatAgeMaxMs, clockSkewMaxMs, rule: p.sources.location };
}

export interface ItemResult {
  index: number;
  id: string | null;
  outcome: IngestOutcome;
  verdict?: LocationVerdict;
}

export interface IngestDeps {
  store: CustodyStore;
  clock: Clock;
  newId: IdSource;
  /** Fixed parameters (tests); default: those of the books in force on the server's day. */
  params?: IngestParams;
  /** The rules in force on a day (the composition root's books with the custody scenarios). */
  rules: RulesOn;
}

interface Candidate {
  index: number;
  item: AcceptedHeartbeat;
  serial: SerialContext;
}

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

export class HeartbeatIngest {
  /** The parameters of the day last ingested (the books change by day, not by batch). */
  #paramsOfDay: { day: string; params: IngestParams } | null = null;
  #landmarks: { at: number; byId: Map<string, { record: LandmarkRecord; key: KeyObject | null }> } | null =
    null;

  constructor(private readonly deps: IngestDeps) {}

  #params(now: Date): IngestParams {
    if (this.deps.params) return this.deps.params;
    const day = now.toISOString().slice(0, 10);
    if (this.#paramsOfDay?.day !== day)
      this.#paramsOfDay = { day, params: ingestParamsOf(this.deps.rules(day)) };
    return this.#paramsOfDay.params;
  }

  /** Device keys as KeyObjects, by their base64 (a chip is heard every hour; making one costs half a verify). */
  readonly #deviceKeys = new Map<string, KeyObject | null>();

  #deviceKey(raw: string): KeyObject | null {
    let key = this.#deviceKeys.get(raw);
    if (key === undefined) {
      if (this.#deviceKeys.size >= deviceKeysCachedMax) this.#deviceKeys.clear();
      key = publicKeyFromBase64(raw);
      this.#deviceKeys.set(raw, key);
    }
    return key;
  }

  /** Landmarks are few and rarely change: read at most once a second. */
  async #landmarkMap(now: number) {
    if (this.#landmarks && now - this.#landmarks.at < 1000) return this.#landmarks.byId;
    const byId = new Map<string, { record: LandmarkRecord; key: KeyObject | null }>();
    for (const record of await this.deps.store.landmarks())
      byId.set(record.id, { record, key: publicKeyFromBase64(record.publicKey) });
    this.#landmarks = { at: now, byId };
    return byId;
  }

  async ingest(items: readonly unknown[], actor: Actor, source: string) {
    const now = this.deps.clock();
    const results: ItemResult[] = [];
    const parsed: { index: number; heartbeat: Heartbeat }[] = [];
    items.forEach((raw, index) => {
      const result = heartbeatSchema.safeParse(raw);
      if (result.success) parsed.push({ index, heartbeat: result.data });
      else results.push({ index, id: idOf(raw), outcome: "malformed" });
    });
    const serials = await this.deps.store.serialContexts([...new Set(parsed.map((p) => p.heartbeat.serial))]);
    const landmarks = await this.#landmarkMap(now.getTime());
    const params = this.#params(now);
    const candidates: Candidate[] = [];
    const alerts: AlertDraft[] = [];
    const known = await this.deps.store.knownIds(parsed.map((p) => p.heartbeat.id));
    for (const { index, heartbeat } of parsed) {
      const seen = known.get(heartbeat.id);
      if (seen !== undefined) {
        const same = seen === contentHashOf(heartbeatSigningBytes(heartbeat).toString("utf8"), heartbeat);
        results.push({
          index,
          id: heartbeat.id,
          outcome: same ? "duplicate" : "id_reused_with_different_content",
        });
        continue;
      }
      const checked = this.#check(
        heartbeat,
        serials.get(heartbeat.serial),
        landmarks,
        { now, params },
        alerts,
      );
      if ("outcome" in checked) results.push({ index, id: heartbeat.id, outcome: checked.outcome });
      else candidates.push({ index, item: checked.item, serial: checked.serial });
    }
    const batchId = this.deps.newId();
    const stored = await this.deps.store.storeBatch({
      id: batchId,
      source,
      accepted: candidates.map((c) => c.item),
      refused: items.length - candidates.length,
      actor,
      at: now,
      merkleRoot: (accepted) => batchMerkleRootHex(accepted.map((a) => Buffer.from(a.canonicalText, "utf8"))),
    });
    for (const candidate of candidates) {
      const outcome = stored.outcomes.get(candidate.item.heartbeat.id) ?? "nonce_reused";
      results.push({
        index: candidate.index,
        id: candidate.item.heartbeat.id,
        outcome,
        ...(outcome === "accepted" ? { verdict: candidate.item.verdict } : {}),
      });
      if (
        outcome === "accepted" &&
        (candidate.item.verdict === "inconsistent" || candidate.item.verdict === "impossible")
      )
        alerts.push(locationAlert(candidate));
    }
    if (alerts.length > 0) await this.deps.store.raiseAlerts(alerts, actor, now);
    results.sort((a, b) => a.index - b.index);
    const counts: Partial<Record<IngestOutcome, number>> = {};
    for (const r of results) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
    return { batchId, auditEntryId: stored.auditEntryId, counts, results };
  }

  /**
   * The read-only checks of one heartbeat: core's `checkHeartbeat` (the outcome list's order) on
   * this batch's serials and landmarks, with the cached keys; the store decides nonces used by other
   * heartbeats when it commits. Then the verdict for the chip's declared site.
   */
  #check(
    heartbeat: Heartbeat,
    serial: SerialContext | undefined,
    landmarks: Map<string, { record: LandmarkRecord; key: KeyObject | null }>,
    { now, params }: { now: Date; params: IngestParams },
    alerts: AlertDraft[],
  ): { outcome: IngestOutcome } | { item: AcceptedHeartbeat; serial: SerialContext } {
    const signed = heartbeatSigningBytes(heartbeat);
    const checked = checkHeartbeat(heartbeat, this.#checkContext(serial, landmarks, now, params), signed);
    if (serial && checked.outcome === "device_key_revoked")
      alerts.push(
        serialAlert("device_key_revoked", serial, {
          heartbeatId: heartbeat.id,
          revokedAt: serial.deviceKeyRevokedAt,
        }),
      );
    if (serial && checked.outcome === "not_installed")
      // A chip heard from before it was delivered and installed, or outside any licence.
      alerts.push(
        serialAlert("heartbeat_not_installed", serial, {
          heartbeatId: heartbeat.id,
          state: serial.state,
          licenceId: serial.licenceId,
        }),
      );
    if (checked.outcome !== "accepted" || !serial?.site) return { outcome: checked.outcome };
    const located = heartbeat.observations.map((o) => {
      const { record } = landmarks.get(o.landmarkId) ?? {};
      return { landmark: o.landmarkId, lat: record?.lat ?? 0, lon: record?.lon ?? 0, rttMs: o.rttMs };
    });
    const location = locate(
      { site: serial.site, observations: located },
      { speedKmPerMs: params.speedKmPerMs, verifiedRadiusKmMax: params.verifiedRadiusKmMax },
    );
    const nearest = located[smallestDiscIndex(location.observations.map((o) => o.radiusKm))];
    const text = signed.toString("utf8");
    return {
      serial,
      item: {
        heartbeat,
        canonicalText: text,
        contentSha256: contentHashOf(text, heartbeat),
        verdict: location.verdict,
        nearestLandmarkId: nearest?.landmark ?? "",
        nearestRadiusKm: location.smallestRadiusKm ?? Number.POSITIVE_INFINITY,
        nearestRttMs: nearest?.rttMs ?? 0,
      },
    };
  }

  /** What core's check reads of one serial and the batch's landmarks, by the server's clock. */
  #checkContext(
    serial: SerialContext | undefined,
    landmarks: Map<string, { record: LandmarkRecord; key: KeyObject | null }>,
    now: Date,
    params: IngestParams,
  ): HeartbeatCheckContext {
    const chip: ChipKeyState | undefined = serial && {
      deviceKey: serial.deviceKey ? (this.#deviceKey(serial.deviceKey) ?? "unreadable") : null,
      deviceKeyRevoked: Boolean(serial.deviceKeyRevokedAt),
      installed: serial.state === "installed" && serial.site !== null,
    };
    return {
      nowMs: now.getTime(),
      heartbeatAgeMaxMs: params.heartbeatAgeMaxMs,
      clockSkewMaxMs: params.clockSkewMaxMs,
      chip: () => chip,
      landmark: (id) => {
        const landmark = landmarks.get(id);
        if (!landmark?.key) return undefined; // a key that does not decode verifies nothing
        const { validFrom, validUntil } = landmark.record;
        return {
          key: landmark.key,
          validFromMs: Date.parse(validFrom),
          validToMs: validUntil ? Date.parse(validUntil) : null,
        };
      },
      // Nonces of other heartbeats are claimed by the store in the commit (a loser is nonce_reused).
      nonceSeen: () => false,
    };
  }
}

/** The index of the smallest disc (the nearest landmark's observation; the first of equals). */
function smallestDiscIndex(radiiKm: readonly number[]): number {
  let nearest = 0;
  for (let i = 1; i < radiiKm.length; i += 1) if ((radiiKm[i] ?? 0) < (radiiKm[nearest] ?? 0)) nearest = i;
  return nearest;
}

/** The identity of a heartbeat's content: its signed text and signature. */
const contentHashOf = (text: string, heartbeat: Heartbeat): string =>
  sha256(`${text}\n${heartbeat.signature}`);

const idOf = (raw: unknown): string | null =>
  raw !== null && typeof raw === "object" && "id" in raw && typeof raw.id === "string"
    ? raw.id.slice(0, 128)
    : null;

const chipSecurityBook = "scenario-chip-security-act";

function serialAlert(kind: string, serial: SerialContext, evidence: Record<string, unknown>): AlertDraft {
  return {
    kind,
    serial: serial.serial,
    importerId: serial.importerId,
    dedupeKey: `${kind}:${serial.serial}`,
    evidence: { ...evidence, serial: serial.serial, shipmentId: serial.shipmentId },
    rulebook: chipSecurityBook,
  };
}

function locationAlert(candidate: Candidate): AlertDraft {
  const { heartbeat, verdict, nearestLandmarkId, nearestRadiusKm } = candidate.item;
  return serialAlert(`location_${verdict}`, candidate.serial, {
    heartbeatId: heartbeat.id,
    verdict,
    siteId: candidate.serial.siteId,
    nearestLandmarkId,
    nearestRadiusKm,
    observations: heartbeat.observations.map((o) => ({ landmarkId: o.landmarkId, rttMs: o.rttMs, at: o.at })),
  });
}

/** Raw heartbeats are kept this many days by default (the daily summary for the licence's life). */
export const retentionDaysDefault = 90;

/**
 * Drops the raw heartbeat partitions (and the ids and nonces kept as long) older than `keepDays`
 * days before today by the clock; returns the partitions dropped. The daily summary stays.
 */
export async function pruneHeartbeats(store: CustodyStore, clock: Clock, keepDays = retentionDaysDefault) {
  const cut = new Date(clock().getTime() - keepDays * 86_400_000).toISOString().slice(0, 10);
  return { before: cut, dropped: await store.dropPartitionsBefore(cut) };
}

/**
 * A batch's RFC 6962 root (hex) over its leaves' bytes, with the transparency log's tree functions
 * (src/core/log/merkle.ts, checked against certificate-transparency-go's vectors): one pass.
 */
export function batchMerkleRootHex(leaves: readonly Uint8Array[]): string {
  const frontier = appendLeaves(emptyFrontier(), leaves.map(leafHash), () => {});
  return Buffer.from(frontierRoot(frontier)).toString("hex");
}
