// The custody routes the map reads (GET /v1/sites, /v1/landmarks, /v1/alerts, /v1/serials/{serial}),
// typed from the OpenAPI document (routes/custody-responses.ts). `loadMap` reads them for the map page.
import type { Api, GetAnswer } from "./client.ts";

export type Site = GetAnswer<"/v1/sites">["sites"][number];
export type Landmark = GetAnswer<"/v1/landmarks">["landmarks"][number];
export type Serial = GetAnswer<"/v1/serials/{serial}">;

/** A landmark's round trip, as a location alert's evidence holds it (src/core/custody). */
export interface Observation {
  landmarkId: string;
  rttMs: number;
  at?: string;
}
/**
 * An alert as documented, with the evidence the map draws: the server documents evidence as an
 * open object (each alert kind has its own), and location alerts carry their observations.
 */
export type Alert = GetAnswer<"/v1/alerts">["alerts"][number] & {
  evidence: { observations?: Observation[]; verdict?: string; siteId?: string } & Record<string, unknown>;
};

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
