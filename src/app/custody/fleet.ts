// The fleet simulator's generator: landmarks with key pairs, declared sites, and chips that behave
// as the diversion story needs — honest chips at their sites, a diverted lot that turns up near
// Singapore, silent chips, a clone (one serial, one key, two places) and a relay (a latency step at
// the site). Randomness comes through the `FleetRandom` port (seeded for tests, the bench and the
// demo), time from the caller: the same seed and hours give the same heartbeats, byte for byte.
// Round trips follow physics: light in fibre over a path longer than the great circle, plus
// processing, so an honest chip's RTT is never below 2 × distance / c.
import type { KeyObject } from "node:crypto";
import { v7 as uuidv7 } from "uuid";
import {
  type Heartbeat,
  type Observation,
  privateKeyFromSeed,
  publicKeyToBase64,
  signHeartbeat,
  signObservation,
} from "../../core/custody/heartbeat.ts";
import { distanceKm, fibreSpeedKmPerMs, type LatLon } from "../../core/custody/location.ts";

/** Randomness for the simulator (a port: seeded in tests and benches). */
export interface FleetRandom {
  /** Uniform in [0, 1). */
  float(): number;
  bytes(count: number): Uint8Array;
}

export interface SimLandmark extends LatLon {
  id: string;
  name: string;
  operator: string;
  publicKey: string;
  privateKey: KeyObject;
}

export interface SimSite extends LatLon {
  id: string;
  name: string;
  address: string;
}

export const chipBehaviours = ["honest", "diverted", "silent", "clone", "relay"] as const;
export type ChipBehaviour = (typeof chipBehaviours)[number];

export interface SimChip {
  serial: string;
  behaviour: ChipBehaviour;
  /** The declared site the importer installed it at. */
  siteId: string;
  /** Where the chip really is. */
  position: LatLon;
  /** For a clone: where the second device (same serial, same key) is. */
  clonePosition: LatLon | null;
  devicePublicKey: string;
  devicePrivateKey: KeyObject;
  /** Silent chips stop at this hour (0: never heard). */
  silentFromHour: number | null;
  /** Relay chips: from this hour every round trip carries `relayStepMs` more. */
  relayFromHour: number | null;
  relayStepMs: number;
}

export interface Fleet {
  seed: number;
  importerId: string;
  landmarks: SimLandmark[];
  sites: SimSite[];
  chips: SimChip[];
}

export interface FleetOptions {
  importerId?: string;
  serialPrefix?: string;
  honest: number;
  diverted: number;
  silent: number;
  clones: number;
  relays: number;
  silentFromHour?: number;
  relayFromHour?: number;
  relayStepMs?: number;
}

/** The demo's landmarks: the eight cities. */
export const landmarkPlaces: readonly {
  id: string;
  name: string;
  operator: string;
  lat: number;
  lon: number;
}[] = [
  { id: "lm-beijing", name: "Beijing", operator: "landmark-operator-cn", lat: 39.9042, lon: 116.4074 },
  { id: "lm-shanghai", name: "Shanghai", operator: "landmark-operator-cn", lat: 31.2304, lon: 121.4737 },
  { id: "lm-hong-kong", name: "Hong Kong", operator: "landmark-operator-hk", lat: 22.3193, lon: 114.1694 },
  { id: "lm-singapore", name: "Singapore", operator: "landmark-operator-sg", lat: 1.3521, lon: 103.8198 },
  { id: "lm-tokyo", name: "Tokyo", operator: "landmark-operator-jp", lat: 35.6762, lon: 139.6503 },
  { id: "lm-frankfurt", name: "Frankfurt", operator: "landmark-operator-de", lat: 50.1109, lon: 8.6821 },
  { id: "lm-dubai", name: "Dubai", operator: "landmark-operator-ae", lat: 25.2048, lon: 55.2708 },
  { id: "lm-ashburn", name: "Ashburn", operator: "landmark-operator-us", lat: 39.0438, lon: -77.4874 },
];

/** The demo's declared sites. */
export const sitePlaces: readonly SimSite[] = [
  {
    id: "site-zhangbei",
    name: "Zhangbei data centre",
    address: "Zhangbei County, Zhangjiakou, Hebei",
    lat: 41.159,
    lon: 114.7,
  },
  {
    id: "site-ulanqab",
    name: "Ulanqab data centre",
    address: "Jining District, Ulanqab, Inner Mongolia",
    lat: 41.0349,
    lon: 113.1339,
  },
  {
    id: "site-shanghai",
    name: "Shanghai data centre",
    address: "Pudong New Area, Shanghai",
    lat: 31.2214,
    lon: 121.5447,
  },
];

/** Where the diverted lot turns up: across the causeway from Singapore (Johor Bahru). */
const divertedTo: LatLon = { lat: 1.4927, lon: 103.7414 };
/** Where the clone's twin answers from (Kuala Lumpur). */
const cloneTwinAt: LatLon = { lat: 3.139, lon: 101.6869 };

const keyPair = (random: FleetRandom) => {
  const privateKey = privateKeyFromSeed(random.bytes(32));
  return { privateKey, publicKey: publicKeyToBase64(privateKey) };
};

/** A point within `radiusKm` of `centre` (small offsets: flat-earth degrees are fine at this scale). */
function near(centre: LatLon, radiusKm: number, random: FleetRandom): LatLon {
  const distance = radiusKm * Math.sqrt(random.float());
  const bearing = 2 * Math.PI * random.float();
  const dLat = (distance * Math.cos(bearing)) / 111.2;
  const dLon = (distance * Math.sin(bearing)) / (111.2 * Math.cos((centre.lat * Math.PI) / 180));
  return { lat: centre.lat + dLat, lon: centre.lon + dLon };
}

/** Builds a fleet: every key, position and behaviour drawn from `random`, in a fixed order. */
export function generateFleet(seed: number, options: FleetOptions, random: FleetRandom): Fleet {
  const prefix = options.serialPrefix ?? "SIM-H200-";
  const landmarks = landmarkPlaces.map((place) => ({ ...place, ...keyPair(random) }));
  const plan: [ChipBehaviour, number][] = [
    ["honest", options.honest],
    ["diverted", options.diverted],
    ["silent", options.silent],
    ["clone", options.clones],
    ["relay", options.relays],
  ];
  const chips: SimChip[] = [];
  for (const [behaviour, count] of plan)
    for (let i = 0; i < count; i++) {
      const n = chips.length + 1;
      // Chips sit at Zhangbei and Shanghai (each within 500 km of a landmark, so they can be
      // verified); the diverted lot is declared at Ulanqab.
      const site = behaviour === "diverted" ? sitePlaces[1] : sitePlaces[n % 2 === 0 ? 0 : 2];
      if (!site) throw new Error("bug: no site");
      const key = keyPair(random);
      chips.push({
        serial: `${prefix}${String(n).padStart(7, "0")}`,
        behaviour,
        siteId: site.id,
        position: behaviour === "diverted" ? near(divertedTo, 30, random) : near(site, 5, random),
        clonePosition: behaviour === "clone" ? near(cloneTwinAt, 10, random) : null,
        devicePublicKey: key.publicKey,
        devicePrivateKey: key.privateKey,
        silentFromHour: behaviour === "silent" ? (options.silentFromHour ?? 0) : null,
        relayFromHour: behaviour === "relay" ? (options.relayFromHour ?? 24) : null,
        relayStepMs: behaviour === "relay" ? (options.relayStepMs ?? 70) : 0,
      });
    }
  return { seed, importerId: options.importerId ?? "importer-sim", landmarks, sites: [...sitePlaces], chips };
}

/**
 * A physically honest round trip: fibre over a path 1.1–1.4 times the great circle, plus 0.1–0.5 ms
 * of processing, rounded up to the microsecond (never below the light-speed minimum).
 */
function roundTripMs(from: LatLon, to: LatLon, random: FleetRandom): number {
  const pathKm = distanceKm(from, to) * (1.1 + 0.3 * random.float());
  const ms = (2 * pathKm) / fibreSpeedKmPerMs + 0.1 + 0.4 * random.float();
  return Math.ceil(ms * 1000) / 1000;
}

const nearestLandmarks = (fleet: Fleet, at: LatLon, count: number): SimLandmark[] =>
  [...fleet.landmarks].sort((a, b) => distanceKm(at, a) - distanceKm(at, b)).slice(0, count);

function heartbeatFrom(
  fleet: Fleet,
  chip: SimChip,
  position: LatLon,
  extraMs: number,
  atMs: number,
  observationsPerHeartbeat: number,
  random: FleetRandom,
): Heartbeat {
  const at = new Date(atMs).toISOString();
  const observations: Observation[] = nearestLandmarks(fleet, position, observationsPerHeartbeat).map(
    (landmark) =>
      signObservation(landmark.privateKey, chip.serial, {
        landmarkId: landmark.id,
        nonce: Buffer.from(random.bytes(16)).toString("base64url"),
        rttMs: Math.round((roundTripMs(position, landmark, random) + extraMs) * 1000) / 1000,
        at: new Date(atMs - 1000).toISOString(),
      }),
  );
  const id = uuidv7({ msecs: atMs, random: random.bytes(16) });
  return signHeartbeat(chip.devicePrivateKey, { id, serial: chip.serial, at, observations });
}

/**
 * The heartbeats of one hourly round at `atMs` (hour `hour` of the run), in chip order: silent
 * chips say nothing from their hour on, a clone's twin answers too (a few minutes later), a relay
 * chip's round trips step up from its hour on.
 */
export function* heartbeatRound(
  fleet: Fleet,
  round: { hour: number; atMs: number },
  random: FleetRandom,
  observationsPerHeartbeat = 3,
): Generator<Heartbeat> {
  for (const chip of fleet.chips) {
    if (chip.silentFromHour !== null && round.hour >= chip.silentFromHour) continue;
    const extraMs = chip.relayFromHour !== null && round.hour >= chip.relayFromHour ? chip.relayStepMs : 0;
    yield heartbeatFrom(fleet, chip, chip.position, extraMs, round.atMs, observationsPerHeartbeat, random);
    if (chip.clonePosition)
      yield heartbeatFrom(
        fleet,
        chip,
        chip.clonePosition,
        0,
        round.atMs + 7 * 60_000,
        observationsPerHeartbeat,
        random,
      );
  }
}
