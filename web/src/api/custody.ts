// The custody routes the map reads (GET /v1/sites, /v1/landmarks, /v1/alerts, /v1/serials/{serial}):
// their answers are loose objects in the OpenAPI document, so their shapes are written here, from
// src/app/custody/ports.ts and alerts.ts. `loadMap` reads them for the map page.
import type { Api } from "./client.ts";

/** The custody routes answer loose objects in the OpenAPI document; these are their shapes. */
export interface Site {
  id: string;
  importerId: string;
  name: string;
  address: string;
  lat: number;
  lon: number;
}
export interface Landmark {
  id: string;
  name: string;
  operator: string;
  lat: number;
  lon: number;
}
export interface Observation {
  landmarkId: string;
  rttMs: number;
  at?: string;
}
export interface Alert {
  id: string;
  kind: string;
  serial: string | null;
  importerId: string | null;
  status: "open" | "acknowledged" | "closed";
  openedBy: string;
  openedAt: string;
  updatedBy: string | null;
  updatedAt: string | null;
  reason: string | null;
  rulebook: string;
  evidence: { observations?: Observation[]; verdict?: string; siteId?: string } & Record<string, unknown>;
  report: { to: string; under: string; category: string };
}
export interface Serial {
  serial: string;
  siteId: string | null;
  state: string;
  lastVerdict: string | null;
  lastHeartbeatAt: string | null;
}

/** Chips looked up for the map: those named by the newest alerts. */
const chipsShown = 60;

export interface MapData {
  sites: Site[];
  landmarks: Landmark[];
  alerts: Alert[];
  serials: Serial[];
}

export async function loadMap(api: Api): Promise<MapData> {
  const [sites, landmarks, alerts] = await Promise.all([
    api.get<{ sites: Site[] }>("/v1/sites"),
    api.get<{ landmarks: Landmark[] }>("/v1/landmarks"),
    api.get<{ alerts: Alert[] }>("/v1/alerts?limit=200"),
  ]);
  const named = [...new Set(alerts.alerts.flatMap((a) => (a.serial ? [a.serial] : [])))].slice(0, chipsShown);
  const serials = await Promise.all(
    named.map((serial) => api.getOptional<Serial>(`/v1/serials/${encodeURIComponent(serial)}`)),
  );
  return {
    sites: sites.sites,
    landmarks: landmarks.landmarks,
    alerts: alerts.alerts,
    serials: serials.filter((s): s is Serial => s !== undefined),
  };
}
