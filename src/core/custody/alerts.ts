// Diversion alert detectors: pure functions from a chip's (or an importer's) recent history and the
// rulebook's parameters to alerts as values. Built for sweeps over millions of chips: each detector
// reads a small per-chip summary of plain numbers and returns null when there is nothing to say, so
// a quiet chip costs no allocation. The caller dates detection with the server's clock and stores
// the alert with its evidence; the lifecycle (open → acknowledged → closed) is `transitionAlert`.
import { type Disc, discsContradict } from "./location.ts";

export const alertKinds = [
  "location_impossible",
  "location_inconsistent",
  "silent",
  "fleet_silent_share",
  "clone",
  "undelivered_heartbeat",
  "unlicensed_heartbeat",
  "relay",
  "device_key_revoked",
] as const;
export type AlertKind = (typeof alertKinds)[number];

export const alertStates = ["open", "acknowledged", "closed"] as const;
export type AlertState = (typeof alertStates)[number];

/** The thresholds, from the rulebooks in force (docs/custody.md names each one's source). */
export interface AlertParams {
  /** A chip that has not been heard for more than this many days is silent. */
  silentDaysMax: number;
  /** An importer whose silent chips in the month exceed this share (percent) raises a fleet alert. */
  fleetSilentSharePercentMax: number;
  /** Two heartbeats of one serial within this many minutes whose discs contradict: a clone. */
  cloneWindowMinutes: number;
  /** A relay: the nearest landmark's round trip steps up by at least … */
  relayStepMsMin: number;
  /** … and at most this much … */
  relayStepMsMax: number;
  /** … and stays there for at least this many heartbeats. */
  relayHeartbeatsMin: number;
}
export const defaultAlertParams: AlertParams = Object.freeze({
  silentDaysMax: 7,
  fleetSilentSharePercentMax: 5,
  cloneWindowMinutes: 60,
  relayStepMsMin: 40,
  relayStepMsMax: 300,
  relayHeartbeatsMin: 24,
});

/** An alert as a value: what, about whom, and the evidence that raised it. */
export interface Alert {
  kind: AlertKind;
  /** The chip, or null for an importer-wide alert. */
  serial: string | null;
  importerId: string | null;
  /** One line for people: what was seen. */
  message: string;
  evidence: Record<string, string | number | boolean | null | readonly string[]>;
}

const dayMs = 86_400_000;
const minuteMs = 60_000;

/** From the chip's latest location verdict: impossible or inconsistent is an alert. */
export function detectLocation(
  serial: string,
  latest: { verdict: string; heartbeatId: string; reason: string; siteId: string },
): Alert | null {
  if (latest.verdict !== "impossible" && latest.verdict !== "inconsistent") return null;
  const kind = latest.verdict === "impossible" ? "location_impossible" : "location_inconsistent";
  return {
    kind,
    serial,
    importerId: null,
    message: `serial ${serial}: location ${latest.verdict} for site ${latest.siteId}: ${latest.reason}`,
    evidence: { heartbeatId: latest.heartbeatId, siteId: latest.siteId, verdict: latest.verdict },
  };
}

/**
 * Silent for more than `silentDaysMax` days: counted from the last accepted heartbeat, or from the
 * installation for a chip never heard. A chip not installed is not expected to speak.
 */
export function detectSilence(
  serial: string,
  chip: { installedAtMs: number | null; lastHeardAtMs: number | null },
  nowMs: number,
  params: Pick<AlertParams, "silentDaysMax">,
): Alert | null {
  if (chip.installedAtMs === null) return null;
  const sinceMs = chip.lastHeardAtMs ?? chip.installedAtMs;
  if (nowMs - sinceMs <= params.silentDaysMax * dayMs) return null;
  const days = Math.floor((nowMs - sinceMs) / dayMs);
  const since = new Date(sinceMs).toISOString();
  return {
    kind: "silent",
    serial,
    importerId: null,
    message: `serial ${serial}: silent for ${days} days (since ${since}; limit ${params.silentDaysMax})`,
    evidence: { since, days, silentDaysMax: params.silentDaysMax, neverHeard: chip.lastHeardAtMs === null },
  };
}

/** Integer test of silent / installed > limit % (no rounding at the edge). */
export function detectFleetSilence(
  importerId: string,
  month: { month: string; installed: number; silent: number },
  params: Pick<AlertParams, "fleetSilentSharePercentMax">,
): Alert | null {
  if (month.installed === 0 || month.silent * 100 <= params.fleetSilentSharePercentMax * month.installed)
    return null;
  const percent = Math.round((month.silent * 1000) / month.installed) / 10;
  return {
    kind: "fleet_silent_share",
    serial: null,
    importerId,
    message: `importer ${importerId}: ${month.silent} of ${month.installed} chips (${percent} %) silent in ${month.month}; limit ${params.fleetSilentSharePercentMax} %`,
    evidence: { ...month, percent, fleetSilentSharePercentMax: params.fleetSilentSharePercentMax },
  };
}

/** One heartbeat's discs (the verdicts' input), kept per chip for the clone sweep. */
export interface HeartbeatDiscs {
  heartbeatId: string;
  atMs: number;
  discs: readonly (Disc & { landmark: string })[];
}

/**
 * One serial heard from two places: two heartbeats within `cloneWindowMinutes` whose discs, taken
 * together, have no common point. A real chip moves; within minutes it cannot cross between
 * disjoint regions. `recent` must be in time order; pairs are tried in a sliding window.
 */
export function detectClone(
  serial: string,
  recent: readonly HeartbeatDiscs[],
  params: Pick<AlertParams, "cloneWindowMinutes">,
): Alert | null {
  const windowMs = params.cloneWindowMinutes * minuteMs;
  for (let j = 1; j < recent.length; j++) {
    const later = recent[j] as HeartbeatDiscs;
    for (let i = j - 1; i >= 0; i--) {
      const earlier = recent[i] as HeartbeatDiscs;
      if (later.atMs - earlier.atMs > windowMs) break;
      // Each heartbeat alone is consistent (or it raised its own alert): only the pair is tested.
      if (discsContradict(earlier.discs) || discsContradict(later.discs)) continue;
      if (!discsContradict([...earlier.discs, ...later.discs])) continue;
      const minutes = Math.round((later.atMs - earlier.atMs) / minuteMs);
      return {
        kind: "clone",
        serial,
        importerId: null,
        message: `serial ${serial}: heard from two places ${minutes} minutes apart whose discs cannot both hold`,
        evidence: {
          heartbeatIds: [earlier.heartbeatId, later.heartbeatId],
          minutesApart: minutes,
          landmarks: [...earlier.discs, ...later.discs].map((d) => d.landmark),
          cloneWindowMinutes: params.cloneWindowMinutes,
        },
      };
    }
  }
  return null;
}

/** A heartbeat from a serial no importer received, or that no licence covers. */
export function detectUnlicensed(
  serial: string,
  chip: { delivered: boolean; licensed: boolean },
  heartbeatId: string,
): Alert | null {
  if (!chip.licensed)
    return {
      kind: "unlicensed_heartbeat",
      serial,
      importerId: null,
      message: `serial ${serial}: heartbeat from a serial under no licence`,
      evidence: { heartbeatId },
    };
  if (!chip.delivered)
    return {
      kind: "undelivered_heartbeat",
      serial,
      importerId: null,
      message: `serial ${serial}: heartbeat from a serial never delivered to an importer`,
      evidence: { heartbeatId },
    };
  return null;
}

/**
 * The relay step in `rttsMs[start..end)` (oldest first), or NaN when there is none: the round trip
 * to the chip's nearest landmark steps up by `relayStepMsMin`–`relayStepMsMax` and stays up for the
 * last `relayHeartbeatsMin` heartbeats. The baseline is the least round trip before those (the
 * path's physical floor, needing at least as many heartbeats of history); the step is the least of
 * the recent ones above it, so every recent heartbeat carries it. A step above the maximum is not a
 * relay pattern (an outage or a reroute). Allocation-free, for sweeps over packed columns.
 */
export function relayStepMs(
  rttsMs: ArrayLike<number>,
  start: number,
  end: number,
  params: Pick<AlertParams, "relayStepMsMin" | "relayStepMsMax" | "relayHeartbeatsMin">,
): number {
  const k = params.relayHeartbeatsMin;
  const recentFrom = end - k;
  if (k < 1 || recentFrom - start < k) return Number.NaN;
  let baseline = Number.POSITIVE_INFINITY;
  for (let i = start; i < recentFrom; i++) baseline = Math.min(baseline, rttsMs[i] as number);
  let recentMin = Number.POSITIVE_INFINITY;
  let recentMax = Number.NEGATIVE_INFINITY;
  for (let i = recentFrom; i < end; i++) {
    const rtt = rttsMs[i] as number;
    recentMin = Math.min(recentMin, rtt);
    recentMax = Math.max(recentMax, rtt);
  }
  const step = recentMin - baseline;
  // NaN in the data (a missing heartbeat) fails both tests: no alert on incomplete evidence.
  if (!(step >= params.relayStepMsMin && recentMax - baseline <= params.relayStepMsMax)) return Number.NaN;
  return step;
}

/** A relay alert from the nearest landmark's series (oldest first), or null: see `relayStepMs`. */
export function detectRelay(
  serial: string,
  landmark: string,
  rttsMs: ArrayLike<number>,
  params: Pick<AlertParams, "relayStepMsMin" | "relayStepMsMax" | "relayHeartbeatsMin">,
): Alert | null {
  const step = relayStepMs(rttsMs, 0, rttsMs.length, params);
  if (Number.isNaN(step)) return null;
  const k = params.relayHeartbeatsMin;
  let baseline = Number.POSITIVE_INFINITY;
  let recentMax = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < rttsMs.length; i++) {
    const rtt = rttsMs[i] as number;
    if (i < rttsMs.length - k) baseline = Math.min(baseline, rtt);
    else recentMax = Math.max(recentMax, rtt);
  }
  return {
    kind: "relay",
    serial,
    importerId: null,
    message: `serial ${serial}: round trip to ${landmark} stepped up by ${Math.round(step)} ms for the last ${k} heartbeats`,
    evidence: {
      landmark,
      baselineMs: baseline,
      stepMs: step,
      recentMaxMs: recentMax,
      heartbeats: k,
      relayStepMsMin: params.relayStepMsMin,
      relayStepMsMax: params.relayStepMsMax,
    },
  };
}

/**
 * Silent chips of a whole fleet from packed columns (index i is one chip; NaN = not installed /
 * never heard): calls `visit(i)` for each, returns how many. No allocation per chip, so a sweep
 * over millions costs one pass over two arrays; the caller builds `detectSilence`'s alert for hits.
 */
export function sweepSilence(
  columns: { installedAtMs: Float64Array; lastHeardAtMs: Float64Array },
  nowMs: number,
  params: Pick<AlertParams, "silentDaysMax">,
  visit: (index: number) => void,
): number {
  const { installedAtMs, lastHeardAtMs } = columns;
  const heardAfterMs = nowMs - params.silentDaysMax * dayMs;
  let silent = 0;
  for (let i = 0; i < installedAtMs.length; i++) {
    const installed = installedAtMs[i] as number;
    if (Number.isNaN(installed)) continue;
    const heard = lastHeardAtMs[i] as number;
    if ((Number.isNaN(heard) ? installed : heard) < heardAfterMs) {
      silent += 1;
      visit(i);
    }
  }
  return silent;
}

/**
 * Relay steps of a whole fleet from one packed column (Float32 is enough: microseconds at 10 s): chip i's last `window` round trips to its
 * nearest landmark at `rttsMs[i × window ..]`, oldest first (NaN where no heartbeat came). Calls
 * `visit(i, stepMs)` for each chip with a step; returns how many.
 */
export function sweepRelay(
  rttsMs: Float32Array | Float64Array,
  window: number,
  params: Pick<AlertParams, "relayStepMsMin" | "relayStepMsMax" | "relayHeartbeatsMin">,
  visit: (index: number, stepMs: number) => void,
): number {
  let found = 0;
  const chips = Math.floor(rttsMs.length / window);
  for (let i = 0; i < chips; i++) {
    const step = relayStepMs(rttsMs, i * window, (i + 1) * window, params);
    if (!Number.isNaN(step)) {
      found += 1;
      visit(i, step);
    }
  }
  return found;
}

/** A device key revoked by the lab or the regulator: the chip can no longer prove where it is. */
export function detectRevokedKey(
  serial: string,
  key: { revokedAtMs: number | null; revokedBy: string | null; reason: string | null },
): Alert | null {
  if (key.revokedAtMs === null) return null;
  const at = new Date(key.revokedAtMs).toISOString();
  return {
    kind: "device_key_revoked",
    serial,
    importerId: null,
    message: `serial ${serial}: device key revoked at ${at}${key.reason ? ` (${key.reason})` : ""}`,
    evidence: { revokedAt: at, revokedBy: key.revokedBy, reason: key.reason },
  };
}

export const alertActions = ["acknowledge", "close", "reopen"] as const;
export type AlertAction = (typeof alertActions)[number];

export const alertTransitionRefusals = [
  "already_in_state",
  "not_allowed_from_state",
  "reason_required",
] as const;
export type AlertTransitionRefusal = (typeof alertTransitionRefusals)[number];

const targetOf: Record<AlertAction, AlertState> = {
  acknowledge: "acknowledged",
  close: "closed",
  reopen: "open",
};
const allowedFrom: Record<AlertAction, readonly AlertState[]> = {
  acknowledge: ["open"],
  close: ["open", "acknowledged"],
  reopen: ["acknowledged", "closed"],
};

/** Who moves an alert, why: every transition names its reason (closing one is a claim). */
export function transitionAlert(
  state: AlertState,
  action: AlertAction,
  why: string,
): { ok: true; state: AlertState } | { ok: false; refusal: AlertTransitionRefusal; message: string } {
  const target = targetOf[action];
  if (state === target)
    return { ok: false, refusal: "already_in_state", message: `the alert is already ${state}` };
  if (!allowedFrom[action].includes(state))
    return {
      ok: false,
      refusal: "not_allowed_from_state",
      message: `cannot ${action} an alert that is ${state}`,
    };
  if (why.trim() === "")
    return { ok: false, refusal: "reason_required", message: `say why you ${action} the alert` };
  return { ok: true, state: target };
}
