// From an accepted heartbeat to what the verdict and the clone detector read: the landmarks'
// positions from the registry, each observation's disc, and the verdict for the chip's declared
// site under the parameters in force. Pure glue between heartbeat.ts, location.ts and alerts.ts,
// so the ingest path and the sweeps build their inputs the same way.
import type { HeartbeatDiscs } from "./alerts.ts";
import type { Heartbeat } from "./heartbeat.ts";
import {
  discRadiusKm,
  type LatLon,
  type LocateInput,
  type LocationParams,
  type LocationResult,
  locate,
} from "./location.ts";

/** Where a landmark stands (from the registry); undefined for a landmark it does not know. */
export type LandmarkPosition = (landmarkId: string) => LatLon | undefined;

/** The `locate` input for a heartbeat at a site, or null when a landmark's position is unknown. */
export function locateInputOf(h: Heartbeat, site: LatLon, landmarkAt: LandmarkPosition): LocateInput | null {
  const observations: LocateInput["observations"] = [];
  for (const o of h.observations) {
    const at = landmarkAt(o.landmarkId);
    if (!at) return null;
    observations.push({ landmark: o.landmarkId, lat: at.lat, lon: at.lon, rttMs: o.rttMs });
  }
  return { site: { lat: site.lat, lon: site.lon }, observations };
}

/** The verdict on a heartbeat for the chip's declared site, or null when a landmark is unknown. */
export function heartbeatVerdict(
  h: Heartbeat,
  site: LatLon,
  landmarkAt: LandmarkPosition,
  params: LocationParams,
): LocationResult | null {
  const input = locateInputOf(h, site, landmarkAt);
  return input && locate(input, params);
}

/** The heartbeat's discs for the clone detector, or null when a landmark is unknown. */
export function heartbeatDiscs(
  h: Heartbeat,
  landmarkAt: LandmarkPosition,
  params: Pick<LocationParams, "speedKmPerMs">,
): HeartbeatDiscs | null {
  const discs: HeartbeatDiscs["discs"][number][] = [];
  for (const o of h.observations) {
    const at = landmarkAt(o.landmarkId);
    if (!at) return null;
    discs.push({
      landmark: o.landmarkId,
      lat: at.lat,
      lon: at.lon,
      radiusKm: discRadiusKm(o.rttMs, params.speedKmPerMs),
    });
  }
  return { heartbeatId: h.id, atMs: Date.parse(h.at), discs };
}
