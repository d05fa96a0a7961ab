// An offline world map (Natural Earth land at 1:110m from the world-atlas package, projected with
// d3-geo; no tile server): declared sites, landmarks, chips' latest verdicts and alerts as marks,
// and for one heartbeat its discs (each landmark's RTT/2 × v bound, a circle on the sphere).
// Props only: the custody pages (issue #16) load the data and pass it in.
import { geoCircle, geoEqualEarth, geoPath } from "d3-geo";
import { feature } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import land from "world-atlas/land-110m.json";

export interface MapPoint {
  id: string;
  label: string;
  lon: number;
  lat: number;
}

export interface MapDisc {
  landmarkId: string;
  lon: number;
  lat: number;
  /** Radius in kilometres (RTT/2 × the speed bound). */
  radiusKm: number;
}

export interface WorldMapProps {
  sites: readonly MapPoint[];
  landmarks: readonly MapPoint[];
  /** Chips' latest verdicts; `alert` marks one with an open alert. */
  verdicts: readonly (MapPoint & { verdict: string; alert: boolean })[];
  discs?: readonly MapDisc[];
  onSelect?: (id: string) => void;
  /** Points to zoom to (fitted with a margin); the whole Earth when absent or empty. */
  focus?: readonly { lon: number; lat: number }[];
}

const width = 960;
const height = 500;
const earthRadiusKm = 6371;
const topology = land as unknown as Topology<{ land: GeometryCollection }>;
const landShape = feature(topology, topology.objects.land);
const world = geoEqualEarth().fitSize([width, height], { type: "Sphere" });
const margin = 60;

function projectionFor(focus: readonly { lon: number; lat: number }[]) {
  if (focus.length === 0) return world;
  return geoEqualEarth().fitExtent(
    [
      [margin, margin],
      [width - margin, height - margin],
    ],
    // Each point as a 4° box, so one point (or points close together) never zooms without end.
    {
      type: "MultiPoint",
      coordinates: focus.flatMap((p) => [
        [p.lon - 2, p.lat - 2],
        [p.lon + 2, p.lat + 2],
      ]),
    },
  );
}

export function WorldMap({ sites, landmarks, verdicts, discs = [], onSelect, focus = [] }: WorldMapProps) {
  const projection = projectionFor(focus);
  const path = geoPath(projection);
  const xy = (p: { lon: number; lat: number }) => projection([p.lon, p.lat]) ?? [0, 0];
  return (
    <svg
      viewBox={`0 0 ${width} ${height}`}
      class="world"
      // With clickable chips it is a group of links (an img may not hold interactive children).
      role={onSelect ? "group" : "img"}
      aria-label="map of sites, landmarks and chips"
    >
      <path d={path({ type: "Sphere" }) ?? ""} class="sea" />
      <path d={path(landShape) ?? ""} class="land" />
      {discs.map((disc) => (
        <path
          key={disc.landmarkId}
          class="disc"
          d={
            path(
              geoCircle()
                .center([disc.lon, disc.lat])
                .radius((disc.radiusKm / earthRadiusKm) * (180 / Math.PI))(),
            ) ?? ""
          }
        />
      ))}
      {sites.map((site) => {
        const [x, y] = xy(site);
        return (
          <rect key={site.id} x={x - 4} y={y - 4} width="8" height="8" class="site">
            <title>{site.label}</title>
          </rect>
        );
      })}
      {landmarks.map((mark) => {
        const [x, y] = xy(mark);
        return (
          <path
            key={mark.id}
            d={`M ${x} ${y - 6} L ${x + 5} ${y + 4} L ${x - 5} ${y + 4} Z`}
            class="landmark"
          >
            <title>{mark.label}</title>
          </path>
        );
      })}
      {verdicts.map((chip) => {
        const [x, y] = xy(chip);
        return (
          <a
            key={chip.id}
            href={`#chip-${encodeURIComponent(chip.id)}`}
            aria-label={`${chip.label}: ${chip.verdict}${chip.alert ? " (alert)" : ""}`}
            onClick={(event) => {
              event.preventDefault();
              onSelect?.(chip.id);
            }}
          >
            <circle
              cx={x}
              cy={y}
              r={chip.alert ? 6 : 4}
              class={chip.alert ? "chip alert" : `chip ${chip.verdict}`}
            >
              <title>{`${chip.label}: ${chip.verdict}${chip.alert ? " (alert)" : ""}`}</title>
            </circle>
          </a>
        );
      })}
    </svg>
  );
}
