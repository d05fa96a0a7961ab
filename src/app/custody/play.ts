// Plays one chip's heartbeat round: the landmarks nearest to where the chip really is challenge it,
// each measures an RTT no shorter than light allows (2 × distance / fibre speed, plus a delay) and
// signs it, and the chip signs the whole. Used by `sluice heartbeats simulate`, the tests, the bench
// and the demo. INTERIM: part A's generator (src/app/custody/fleet.ts, branch issue-16a) plays the
// whole fleet (honest, diverted, silent, clone, relay); on merge the simulate command drives it and
// this stays the one-heartbeat primitive.
import type { KeyObject } from "node:crypto";
import { type Heartbeat, signHeartbeat, signObservation } from "../../core/custody/heartbeat.ts";
import { distanceKm, speedOfLightKmPerMs } from "../../core/custody/location.ts";
import { nonceOf } from "./sign.ts";

/** Light in fibre, about 2/3 c: what real round trips travel at (so RTTs exceed the vacuum bound). */
export const fibreKmPerMs = (speedOfLightKmPerMs * 2) / 3;

export interface PlayedLandmark {
  id: string;
  lat: number;
  lon: number;
  key: KeyObject;
}

export interface ChipRound {
  serial: string;
  deviceKey: KeyObject;
  /** Where the chip really is. */
  at: { lat: number; lon: number };
  /** A unique label for this round: heartbeat id and nonces are derived from it. */
  round: string;
  /** The instant of the round (the observations' and the heartbeat's `at`). */
  when: Date;
  /** Extra delay added to every RTT (a relay adds tens of ms), ms. */
  delayMs?: number;
  landmarksPerHeartbeat?: number;
}

/** The landmarks nearest to a point, nearest first. */
export function nearestLandmarks<L extends { lat: number; lon: number }>(
  landmarks: readonly L[],
  at: { lat: number; lon: number },
  count: number,
): L[] {
  return [...landmarks].sort((a, b) => distanceKm(a, at) - distanceKm(b, at)).slice(0, count);
}

export function playHeartbeat(landmarks: readonly PlayedLandmark[], chip: ChipRound): Heartbeat {
  const when = chip.when.toISOString();
  const observations = nearestLandmarks(landmarks, chip.at, chip.landmarksPerHeartbeat ?? 3).map(
    (landmark) => {
      const rttMs =
        Math.round(((2 * distanceKm(landmark, chip.at)) / fibreKmPerMs + 0.2 + (chip.delayMs ?? 0)) * 1000) /
        1000;
      return signObservation(landmark.key, chip.serial, {
        landmarkId: landmark.id,
        nonce: nonceOf(`${chip.round}/${landmark.id}`),
        rttMs,
        at: when,
      });
    },
  );
  return signHeartbeat(chip.deviceKey, {
    id: `hb-${chip.round}`,
    serial: chip.serial,
    at: when,
    observations,
  });
}

export interface FleetPlan {
  prefix: string;
  first: number;
  last: number;
  /** Where the honest chips are (their declared site). */
  site: { lat: number; lon: number };
  /** The last `diverted` serials answer from `divertedAt` instead. */
  diverted: number;
  divertedAt: { lat: number; lon: number };
  /** The `silent` serials before the diverted ones never answer. */
  silent: number;
  /** The first serial is also answered by a clone at `divertedAt` (same key, other place). */
  clone: boolean;
  /** The second serial answers through a relay adding `relayDelayMs` to every RTT. */
  relayDelayMs: number;
  /** The relay is put in from this round on (0: from the start, no step to see; the relay sweep needs one). */
  relayFromRound?: number;
  /** A label making this run's heartbeat ids and nonces unique. */
  run: string;
}

/** One round of the fleet's heartbeats at `when` (round number `round`). */
export function playFleetRound(
  landmarks: readonly PlayedLandmark[],
  plan: FleetPlan,
  round: number,
  when: Date,
  deviceKey: (serial: string) => KeyObject,
): Heartbeat[] {
  const out: Heartbeat[] = [];
  const total = plan.last - plan.first + 1;
  for (let i = 0; i < total; i += 1) {
    const serial = `${plan.prefix}${plan.first + i}`;
    const fromEnd = total - i;
    if (fromEnd <= plan.diverted + plan.silent && fromEnd > plan.diverted) continue;
    const at = fromEnd <= plan.diverted ? plan.divertedAt : plan.site;
    const delayMs = i === 1 && round >= (plan.relayFromRound ?? 0) ? plan.relayDelayMs : 0;
    const key = deviceKey(serial);
    out.push(
      playHeartbeat(landmarks, {
        serial,
        deviceKey: key,
        at,
        round: `${plan.run}-${round}-${serial}`,
        when,
        delayMs,
      }),
    );
    if (i === 0 && plan.clone)
      out.push(
        playHeartbeat(landmarks, {
          serial,
          deviceKey: key,
          at: plan.divertedAt,
          round: `${plan.run}-${round}-${serial}-clone`,
          when,
        }),
      );
  }
  return out;
}
