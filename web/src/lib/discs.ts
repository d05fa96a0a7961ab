// A heartbeat's discs for the map: each observation bounds the chip to a disc around its landmark
// of radius RTT/2 × c (the location verdict's speed bound, docs/custody.md). Pure, so the browser
// tests check the arithmetic without a page.

/** The speed bound of the location verdict: light in vacuum, km per ms. */
export const lightKmPerMs = 299.792458;

export interface Disc {
  landmarkId: string;
  lon: number;
  lat: number;
  radiusKm: number;
}

export function discsOf(
  observations: readonly { landmarkId: string; rttMs: number }[],
  landmarks: readonly { id: string; lat: number; lon: number }[],
): Disc[] {
  return observations.flatMap((o) => {
    const mark = landmarks.find((l) => l.id === o.landmarkId);
    return mark
      ? [{ landmarkId: o.landmarkId, lon: mark.lon, lat: mark.lat, radiusKm: (o.rttMs / 2) * lightKmPerMs }]
      : [];
  });
}
