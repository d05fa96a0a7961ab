// Location verdicts by constraint-based geolocation (Gueye et al.). Each signed round trip bounds
// the chip to a disc around its landmark of radius rttMs / 2 × v: a delay can add distance but
// never remove it, so with v the speed of light in vacuum (the default) a site outside a disc is a
// proof, not an estimate. Distances are great-circle (haversine, mean Earth radius). Pure.
//
// Verdicts, in precedence order:
//   impossible   — the discs have no common point: the measurements contradict each other
//   inconsistent — they have one, but the declared site lies outside at least one disc
//   verified     — the site lies inside every disc and the smallest disc is ≤ verifiedRadiusKmMax
//   unprovable   — the site lies inside every disc but no disc is that small (or none was given)
import { z } from "zod";
import { badInput, quote } from "../errors.ts";
import { reportIssues } from "../validation.ts";

export const locationVerdicts = ["impossible", "inconsistent", "unprovable", "verified"] as const;
export type LocationVerdict = (typeof locationVerdicts)[number];

export const speedOfLightKmPerMs = 299.792458;
/** Light in optical fibre, about 2/3 c: the alternative (looser for honest chips, weaker as proof). */
export const fibreSpeedKmPerMs = (speedOfLightKmPerMs * 2) / 3;
export const earthRadiusKm = 6371.0088;
/**
 * Slack on every "inside" test: 1 m. Floating-point haversine is exact to far less than this, so an
 * honest chip on the edge of its disc is never pushed out by rounding, and no real forgery fits in it.
 */
export const insideToleranceKm = 0.001;
/** Observations one `locate` call may weigh. */
export const locateObservationsMax = 1000;

export interface LocationParams {
  /** v: distance per millisecond of one-way delay. */
  speedKmPerMs: number;
  /** The smallest disc must be at most this for `verified`. */
  verifiedRadiusKmMax: number;
}
export const defaultLocationParams: LocationParams = Object.freeze({
  speedKmPerMs: speedOfLightKmPerMs,
  verifiedRadiusKmMax: 500,
});

export interface LatLon {
  lat: number;
  lon: number;
}
export interface LocateObservation extends LatLon {
  landmark: string;
  rttMs: number;
}
export interface LocateInput {
  site: LatLon;
  observations: LocateObservation[];
}

export interface ObservationBound {
  landmark: string;
  lat: number;
  lon: number;
  rttMs: number;
  radiusKm: number;
  /** Great-circle distance from the landmark to the declared site. */
  siteDistanceKm: number;
  /** radiusKm − siteDistanceKm: negative when the site is outside this disc. */
  marginKm: number;
  siteInside: boolean;
}

export interface LocationResult {
  verdict: LocationVerdict;
  reason: string;
  params: LocationParams;
  observations: ObservationBound[];
  /** The smallest disc (null without observations). */
  smallestRadiusKm: number | null;
  /** The least margin over all discs (null without observations): negative means outside one. */
  marginKm: number | null;
  /** For `impossible`: two discs that do not meet, or null when only three or more fail together. */
  contradiction: { landmarks: [string, string]; centresDistanceKm: number; radiiSumKm: number } | null;
}

const latitude = z.number().finite().min(-90).max(90);
const longitude = z.number().finite().min(-180).max(180);
export const locateInputSchema = z.strictObject({
  site: z.strictObject({ lat: latitude, lon: longitude }),
  observations: z
    .array(
      z.strictObject({
        landmark: z.string().min(1).max(128),
        lat: latitude,
        lon: longitude,
        rttMs: z.number().finite().min(0).max(10_000),
      }),
    )
    .max(locateObservationsMax),
});

/** Validates a `locate` input; the error names the source, the path and why. */
export function parseLocateInput(input: unknown, source: string): LocateInput {
  const result = locateInputSchema.safeParse(input);
  if (result.success) return result.data;
  const { where, why } = reportIssues(result.error.issues);
  throw badInput(`locate input ${quote(source)} at ${quote(where)}`, why);
}

const radians = Math.PI / 180;

/** Great-circle distance by haversine, kilometres. */
export function distanceKm(a: LatLon, b: LatLon): number {
  return distanceKmRaw(a.lat, a.lon, b.lat, b.lon);
}

export function distanceKmRaw(latA: number, lonA: number, latB: number, lonB: number): number {
  const sinLat = Math.sin(((latB - latA) * radians) / 2);
  const sinLon = Math.sin(((lonB - lonA) * radians) / 2);
  const h = sinLat * sinLat + Math.cos(latA * radians) * Math.cos(latB * radians) * sinLon * sinLon;
  return 2 * earthRadiusKm * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The disc one round trip proves, kilometres. */
export const discRadiusKm = (rttMs: number, speedKmPerMs: number): number => (rttMs / 2) * speedKmPerMs;

/** A disc on the sphere: a landmark's position and the radius its round trip allows. */
export interface Disc extends LatLon {
  radiusKm: number;
}

/** Half the Earth's circumference: a disc at least this large covers the whole sphere. */
const wholeSphereKm = Math.PI * earthRadiusKm;
/**
 * Discs smaller than a quarter of the circumference are convex, where the common-point search below
 * is exact; a kilometre less, so two of them with antipodal centres are always apart by more than
 * the tolerance (and caught in pairs) rather than touching along a great circle.
 */
const convexRadiusKm = wholeSphereKm / 2 - 1;

type Vec = [number, number, number];
const toVec = ({ lat, lon }: LatLon): Vec => {
  const cosLat = Math.cos(lat * radians);
  return [cosLat * Math.cos(lon * radians), cosLat * Math.sin(lon * radians), Math.sin(lat * radians)];
};
const toLatLon = ([x, y, z]: Vec): LatLon => ({
  lat: Math.atan2(z, Math.hypot(x, y)) / radians,
  lon: Math.atan2(y, x) / radians,
});
const dot = (a: Vec, b: Vec): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

const insideAll = (point: LatLon, discs: readonly Disc[]): boolean =>
  discs.every((d) => distanceKm(point, d) <= d.radiusKm + insideToleranceKm);

/** The points where two circles (disc edges) cross, or [] when they do not (or share a centre). */
function edgeCrossings(a: Disc, b: Disc): LatLon[] {
  const va = toVec(a);
  const vb = toVec(b);
  const cosAB = dot(va, vb);
  const denominator = 1 - cosAB * cosAB;
  if (denominator < 1e-15) return [];
  const ca = Math.cos(a.radiusKm / earthRadiusKm);
  const cb = Math.cos(b.radiusKm / earthRadiusKm);
  const alpha = (ca - cb * cosAB) / denominator;
  const beta = (cb - ca * cosAB) / denominator;
  const cross: Vec = [
    va[1] * vb[2] - va[2] * vb[1],
    va[2] * vb[0] - va[0] * vb[2],
    va[0] * vb[1] - va[1] * vb[0],
  ];
  const inPlane = alpha * alpha + beta * beta + 2 * alpha * beta * cosAB;
  // Below zero only by rounding for tangent circles (disjoint ones were ruled out by the caller):
  // clamped, and every candidate is checked against every disc anyway.
  const gamma = Math.sqrt(Math.max(0, (1 - inPlane) / denominator));
  const base: Vec = [
    alpha * va[0] + beta * vb[0],
    alpha * va[1] + beta * vb[1],
    alpha * va[2] + beta * vb[2],
  ];
  return [1, -1].map((sign) =>
    toLatLon([
      base[0] + sign * gamma * cross[0],
      base[1] + sign * gamma * cross[1],
      base[2] + sign * gamma * cross[2],
    ]),
  );
}

/**
 * The point of two discs' common part on the great-circle arc between their centres (the middle
 * of the stretch the two cover), or null. For tangent discs it is the one common point, which the
 * crossing formula finds only to the square root of the rounding error.
 */
function pointBetween(a: Disc, b: Disc): LatLon | null {
  const d = distanceKm(a, b);
  if (d === 0) return { lat: a.lat, lon: a.lon };
  const from = Math.max(0, d - b.radiusKm);
  const to = Math.min(d, a.radiusKm);
  const theta = d / earthRadiusKm;
  // Near-antipodal centres make the weights below explode; such convex discs never meet anyway.
  if (from > to + insideToleranceKm || (theta > Math.PI / 2 && Math.sin(theta) < 1e-6)) return null;
  const fraction = Math.min(1, (from + to) / 2 / d);
  const va = toVec(a);
  const vb = toVec(b);
  const wa = Math.sin((1 - fraction) * theta) / Math.sin(theta);
  const wb = Math.sin(fraction * theta) / Math.sin(theta);
  return toLatLon([wa * va[0] + wb * vb[0], wa * va[1] + wb * vb[1], wa * va[2] + wb * vb[2]]);
}

/**
 * Whether convex discs (radius < a quarter of the circumference) share a point. Their common part
 * is convex; if it is not empty, either it is one whole disc (whose centre is then in every disc)
 * or its edge has a corner where two circles cross (a tangent point when it is a single point).
 * So trying the centres, the crossings and each pair's point between centres is exact, up to the
 * tolerance.
 */
export function convexDiscsMeet(discs: readonly Disc[]): boolean {
  if (discs.length === 0) return true;
  for (const d of discs) if (insideAll(d, discs)) return true;
  for (let i = 0; i < discs.length; i++)
    for (let j = i + 1; j < discs.length; j++) {
      const a = discs[i] as Disc;
      const b = discs[j] as Disc;
      for (const point of edgeCrossings(a, b)) if (insideAll(point, discs)) return true;
      const between = pointBetween(a, b);
      if (between && insideAll(between, discs)) return true;
    }
  return false;
}

/** Two discs that cannot both hold (their centres further apart than their radii together). */
export function disjointPair(discs: readonly Disc[]): [number, number] | null {
  for (let i = 0; i < discs.length; i++)
    for (let j = i + 1; j < discs.length; j++) {
      const a = discs[i] as Disc;
      const b = discs[j] as Disc;
      if (distanceKm(a, b) > a.radiusKm + b.radiusKm + insideToleranceKm) return [i, j];
    }
  return null;
}

/**
 * Whether the discs provably have no common point: two of them do not meet, or the convex ones
 * (where the search is exact) do not. Larger discs are only used pairwise, so `true` is always a
 * proof; a contradiction hidden among several hemisphere-sized discs is left to the site test.
 */
export function discsContradict(discs: readonly Disc[]): boolean {
  if (disjointPair(discs) !== null) return true;
  return !convexDiscsMeet(discs.filter((d) => d.radiusKm < convexRadiusKm));
}

function boundOf(site: LatLon, o: LocateObservation, speedKmPerMs: number): ObservationBound {
  const radiusKm = discRadiusKm(o.rttMs, speedKmPerMs);
  const siteDistanceKm = distanceKm(site, o);
  const marginKm = radiusKm - siteDistanceKm;
  const siteInside = radiusKm >= wholeSphereKm || marginKm >= -insideToleranceKm;
  return {
    landmark: o.landmark,
    lat: o.lat,
    lon: o.lon,
    rttMs: o.rttMs,
    radiusKm,
    siteDistanceKm,
    marginKm,
    siteInside,
  };
}

const km = (value: number): string => `${Math.round(value)} km`;

/** The verdict on a declared site from signed round trips, with each disc and the site's margins. */
export function locate(input: LocateInput, params: LocationParams = defaultLocationParams): LocationResult {
  const bounds = input.observations.map((o) => boundOf(input.site, o, params.speedKmPerMs));
  const base = { params, observations: bounds, contradiction: null };
  if (bounds.length === 0)
    return {
      ...base,
      verdict: "unprovable",
      reason: "no observations",
      smallestRadiusKm: null,
      marginKm: null,
    };
  let smallest = bounds[0] as ObservationBound;
  let tightest = smallest;
  for (const b of bounds) {
    if (b.radiusKm < smallest.radiusKm) smallest = b;
    if (b.marginKm < tightest.marginKm) tightest = b;
  }
  const figures = { smallestRadiusKm: smallest.radiusKm, marginKm: tightest.marginKm };
  const discs: Disc[] = bounds.map((b) => ({ lat: b.lat, lon: b.lon, radiusKm: b.radiusKm }));
  const pair = disjointPair(discs);
  if (pair) {
    const a = bounds[pair[0]] as ObservationBound;
    const b = bounds[pair[1]] as ObservationBound;
    const centresDistanceKm = distanceKm(a, b);
    const radiiSumKm = a.radiusKm + b.radiusKm;
    const reason = `landmarks ${a.landmark} and ${b.landmark} are ${km(centresDistanceKm)} apart, but their discs reach only ${km(radiiSumKm)} together`;
    const contradiction = {
      landmarks: [a.landmark, b.landmark] as [string, string],
      centresDistanceKm,
      radiiSumKm,
    };
    return { ...base, ...figures, verdict: "impossible", reason, contradiction };
  }
  if (!convexDiscsMeet(discs.filter((d) => d.radiusKm < convexRadiusKm)))
    return {
      ...base,
      ...figures,
      verdict: "impossible",
      reason: "the discs meet in pairs but have no point in common",
    };
  if (!tightest.siteInside) {
    const reason = `the site is ${km(tightest.siteDistanceKm)} from ${tightest.landmark}, outside its ${km(tightest.radiusKm)} disc by ${km(-tightest.marginKm)}`;
    return { ...base, ...figures, verdict: "inconsistent", reason };
  }
  if (smallest.radiusKm <= params.verifiedRadiusKmMax) {
    const reason = `the site is inside every disc; the smallest (${smallest.landmark}) is ${km(smallest.radiusKm)} ≤ ${km(params.verifiedRadiusKmMax)}`;
    return { ...base, ...figures, verdict: "verified", reason };
  }
  const reason = `the site is inside every disc, but the smallest (${smallest.landmark}) is ${km(smallest.radiusKm)} > ${km(params.verifiedRadiusKmMax)}`;
  return { ...base, ...figures, verdict: "unprovable", reason };
}
