// What the custody use cases need from the outside world, as interfaces (implemented on SQL in
// src/adapters/db/custody, wired by the composition roots): the custody store, a clock and ids.
// Writes that check state and then change it take a pure `decide` callback that the store runs
// inside its transaction on a snapshot read there, so check and change are one atomic step.

import type { Role } from "../../core/authorization/policy.ts";
import type { CustodyCoverage, CustodyState } from "../../core/custody/custody-events.ts";
import type { Heartbeat } from "../../core/custody/heartbeat.ts";
import type { LocationVerdict } from "../../core/custody/location.ts";
import type { SerialRange } from "../../core/shipments/model.ts";
import type {
  CustodyEventInput,
  DeviceKeyBody,
  LandmarkInput,
  SiteChangeInput,
  SiteInput,
} from "./inputs.ts";

/** Who acts: from the credential, never from a body. */
export interface Actor {
  id: string;
  role: Role;
  partyId: string | null;
  /** The route or command it came through and its request id (issue #13's audit actor). */
  via?: string;
  requestId?: string;
}

/** A chip's custody state: the core's one state machine (custody-events.ts). */
export type SerialState = CustodyState;

/** A replayed client id: the same content (`exists`) or not. */
export type WriteOutcome = "created" | "exists" | "exists_with_different_content";

export interface ShipmentFacts {
  id: string;
  importerId: string;
  /** The exporter of the lot's order (its party scope, issue #13). */
  exporterId: string;
  licenceId: string | null;
  ranges: SerialRange[];
  status: string;
}

export interface SiteRecord extends SiteInput {
  createdBy: string;
  createdAt: string;
}

export interface LandmarkRecord extends LandmarkInput {
  createdBy: string;
}

export interface SerialRecord {
  serial: string;
  shipmentId: string;
  licenceId: string | null;
  importerId: string;
  state: SerialState;
  siteId: string | null;
  deviceKey: string | null;
  deviceKeyRevokedAt: string | null;
  lastHeartbeatAt: string | null;
  lastVerdict: string | null;
}

/** What a custody event's check reads, inside the writing transaction (the state machine's input). */
export interface EventSnapshot extends CustodyCoverage {
  shipment: ShipmentFacts | null;
  siteIds: (string | null)[];
  site: SiteRecord | null;
  siteChange: (SiteChangeInput & { approvedBy: string }) | null;
}

export interface EventRecord {
  input: CustodyEventInput;
  serialCount: number;
  fromStates: SerialState[];
  toState: SerialState;
  siteId: string | null;
  contentSha256: string;
  actor: Actor;
  at: Date;
}

/** What the device-key check reads inside the writing transaction. */
export interface DeviceKeySnapshot {
  lab: { publicKeyPem: string; revoked: boolean } | null;
  shipment: ShipmentFacts | null;
  /** Serials of the certificate that are registered, with the key they already have. */
  existing: Map<string, string | null>;
}

/** One accepted heartbeat as stored. */
export interface AcceptedHeartbeat {
  heartbeat: Heartbeat;
  canonicalText: string;
  contentSha256: string;
  verdict: LocationVerdict;
  nearestLandmarkId: string;
  nearestRadiusKm: number;
  nearestRttMs: number;
}

export interface AlertDraft {
  kind: string;
  serial: string | null;
  importerId: string | null;
  dedupeKey: string;
  evidence: unknown;
  rulebook: string;
}

export interface AlertRecord extends AlertDraft {
  id: string;
  status: "open" | "acknowledged" | "closed";
  openedBy: string;
  openedAt: string;
  updatedBy: string | null;
  updatedAt: string | null;
  reason: string | null;
  version: number;
}

/** Context the ingest needs per serial: its record and its site's coordinates. */
export interface SerialContext extends SerialRecord {
  site: { lat: number; lon: number } | null;
}

export interface CustodyStore {
  shipmentFacts(id: string): Promise<ShipmentFacts | null>;
  writeSite(site: SiteRecord, actor: Actor, at: Date): Promise<WriteOutcome | "unknown_importer">;
  site(id: string): Promise<SiteRecord | null>;
  sites(importerId: string | null): Promise<SiteRecord[]>;
  writePermit(
    licenceId: string,
    siteId: string,
    actor: Actor,
    at: Date,
  ): Promise<"created" | "exists" | "unknown_licence" | "unknown_site">;
  writeSiteChange(
    change: SiteChangeInput,
    actor: Actor,
    at: Date,
  ): Promise<WriteOutcome | "unknown_shipment" | "unknown_site">;
  writeLandmark(landmark: LandmarkRecord, at: Date): Promise<WriteOutcome>;
  landmarks(): Promise<LandmarkRecord[]>;
  importSerials(
    shipment: ShipmentFacts,
    actor: Actor,
    at: Date,
  ): Promise<{ status: "created" | "exists" | "serials_taken"; count: number; clash?: string }>;
  serial(serial: string): Promise<SerialRecord | null>;
  applyEvent<S extends string>(
    input: CustodyEventInput,
    decide: (snapshot: EventSnapshot) => { status: S; record?: EventRecord },
  ): Promise<{ status: S | "exists" | "exists_with_different_content" }>;
  eventsOf(serial: SerialRecord): Promise<
    {
      input: CustodyEventInput;
      fromState: string;
      toState: string;
      recordedBy: string;
      role: string;
      recordedAt: string;
    }[]
  >;
  applyDeviceKeys<S extends string>(
    certificate: { body: DeviceKeyBody; canonicalText: string; signature: string; contentSha256: string },
    decide: (snapshot: DeviceKeySnapshot) => S,
    accepted: S,
    actor: Actor,
    at: Date,
  ): Promise<{ status: S | "exists" }>;
  revokeDeviceKey(
    serial: string,
    reason: string,
    actor: Actor,
    at: Date,
  ): Promise<"revoked" | "exists" | "unknown_serial" | "no_device_key">;
  serialContexts(serials: readonly string[]): Promise<Map<string, SerialContext>>;
  /** The content hash of each id already accepted. */
  knownIds(ids: readonly string[]): Promise<Map<string, string>>;
  storeBatch(batch: {
    id: string;
    source: string;
    accepted: AcceptedHeartbeat[];
    refused: number;
    actor: Actor;
    at: Date;
    merkleRoot: (accepted: AcceptedHeartbeat[]) => string;
  }): Promise<{
    outcomes: Map<string, "accepted" | "duplicate" | "id_reused_with_different_content" | "nonce_reused">;
    auditEntryId: string | null;
  }>;
  raiseAlerts(drafts: readonly AlertDraft[], actor: Actor, at: Date): Promise<number>;
  alerts(filter: {
    importerId: string | null;
    serial?: string;
    status?: string;
    limit: number;
  }): Promise<AlertRecord[]>;
  alert(id: string): Promise<AlertRecord | null>;
  updateAlert(
    id: string,
    status: "acknowledged" | "closed",
    reason: string,
    actor: Actor,
    at: Date,
  ): Promise<"updated" | "unknown_alert" | "already_closed">;
  silentSerials(
    before: Date,
    limit: number,
  ): Promise<{ serial: string; importerId: string; lastHeartbeatAt: string | null }[]>;
  cloneCandidates(
    since: Date,
  ): Promise<
    { serial: string; importerId: string; a: string; b: string; distanceKm: number; radiiKm: number }[]
  >;
  /** Per importer: installed chips and those not heard since `before`. */
  fleetSilenceCounts(before: Date): Promise<{ importerId: string; installed: number; silent: number }[]>;
  /** Installed chips' last `window` round trips per nearest landmark since `since`, oldest first. */
  nearestRttSeries(
    since: Date,
    window: number,
  ): Promise<{ serial: string; importerId: string; landmarkId: string; rttsMs: number[] }[]>;
  dropPartitionsBefore(day: string): Promise<string[]>;
  dailySummary(serial: string, days: number): Promise<unknown[]>;
}

/** A heartbeat stream's names: the JetStream stream, its subject, the durable consumer. */
export interface HeartbeatStreamNames {
  stream: string;
  subject: string;
  durable: string;
}

export interface HeartbeatConsumeOptions {
  stream: HeartbeatStreamNames;
  batchSize: number;
  /** The ingest use case: resolves once the batch is committed (then its messages are acknowledged). */
  ingest: (items: unknown[]) => Promise<unknown>;
  /** Stop after this long without a message (the tests and the bench); default: run until stopped. */
  idleExitMs?: number;
  /** Called after each committed and acknowledged batch. */
  onBatch?: (messages: number) => void;
  signal?: AbortSignal;
}

/** The heartbeat message bus (NATS JetStream in production), as the CLI and the bench use it. */
export interface HeartbeatBus {
  /** Creates the stream and the durable consumer unless they exist. */
  ensureStream(names: HeartbeatStreamNames): Promise<void>;
  /** Publishes one message per heartbeat (its id the message id); resolves with how many. */
  publish(subject: string, heartbeats: readonly unknown[]): Promise<number>;
  /** The consume loop; resolves with the number of messages acknowledged. */
  consume(options: HeartbeatConsumeOptions): Promise<number>;
  close(): Promise<void>;
}
