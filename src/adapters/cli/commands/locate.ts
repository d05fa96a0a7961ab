// CLI: `sluice locate FILE [--json]`: the location verdict for a declared site from round trips to
// landmarks (src/core/custody/location.ts), with each disc's radius, the site's distance and the
// margin. Reads FILE or stdin (`-`). The verdict is the answer, not an error: exit 0 for every
// verdict; bad input exits 2 with one `error:` line.
import type { Command } from "commander";
import {
  defaultLocationParams,
  fibreSpeedKmPerMs,
  type LocationResult,
  locate,
  parseLocateInput,
  speedOfLightKmPerMs,
} from "../../../core/custody/location.ts";
import { badInput, quote } from "../../../core/errors.ts";
import { action, printJson, println, readJsonInput } from "../io.ts";

interface LocateOptions {
  json?: boolean;
  speed: string;
  verifiedRadiusKm: string;
}

const speeds: Record<string, number> = { vacuum: speedOfLightKmPerMs, fibre: fibreSpeedKmPerMs };

/** Kilometres to the metre: enough for any proof, and stable text. */
const metres = (km: number): number => Math.round(km * 1000) / 1000;

/** The result as JSON, kilometres rounded to the metre. */
export function locateJson(result: LocationResult): unknown {
  return {
    verdict: result.verdict,
    reason: result.reason,
    params: result.params,
    smallestRadiusKm: result.smallestRadiusKm === null ? null : metres(result.smallestRadiusKm),
    marginKm: result.marginKm === null ? null : metres(result.marginKm),
    contradiction: result.contradiction && {
      landmarks: result.contradiction.landmarks,
      centresDistanceKm: metres(result.contradiction.centresDistanceKm),
      radiiSumKm: metres(result.contradiction.radiiSumKm),
    },
    observations: result.observations.map((o) => ({
      landmark: o.landmark,
      lat: o.lat,
      lon: o.lon,
      rttMs: o.rttMs,
      radiusKm: metres(o.radiusKm),
      siteDistanceKm: metres(o.siteDistanceKm),
      marginKm: metres(o.marginKm),
      siteInside: o.siteInside,
    })),
  };
}

function parseOptions(options: LocateOptions): { speedKmPerMs: number; verifiedRadiusKmMax: number } {
  const named = speeds[options.speed];
  const speedKmPerMs = named ?? Number(options.speed);
  if (!Number.isFinite(speedKmPerMs) || speedKmPerMs <= 0 || speedKmPerMs > speedOfLightKmPerMs)
    throw badInput(
      `--speed ${quote(options.speed)}`,
      `expected vacuum, fibre or km/ms in (0, ${speedOfLightKmPerMs}]`,
    );
  const verifiedRadiusKmMax = Number(options.verifiedRadiusKm);
  if (!Number.isFinite(verifiedRadiusKmMax) || verifiedRadiusKmMax <= 0)
    throw badInput(
      `--verified-radius-km ${quote(options.verifiedRadiusKm)}`,
      "expected a positive number of kilometres",
    );
  return { speedKmPerMs, verifiedRadiusKmMax };
}

export function register(program: Command): void {
  program
    .command("locate")
    .description("location verdict for a declared site from signed round trips to landmarks")
    .argument(
      "<file>",
      'JSON {"site": {lat, lon}, "observations": [{landmark, lat, lon, rttMs}]}, or - for stdin',
    )
    .option("--json", "print the verdict, each disc and the margins as JSON")
    .option("--speed <v>", "signal speed bounding each disc: vacuum (c), fibre (2/3 c) or km/ms", "vacuum")
    .option(
      "--verified-radius-km <km>",
      "largest smallest-disc radius for `verified`",
      String(defaultLocationParams.verifiedRadiusKmMax),
    )
    .action(
      action((file: string, options: LocateOptions) => {
        const params = parseOptions(options);
        const result = locate(parseLocateInput(readJsonInput(file), file), params);
        if (options.json) {
          printJson(locateJson(result));
          return undefined;
        }
        println(`${result.verdict}: ${result.reason}`);
        for (const o of result.observations)
          println(
            `  ${o.landmark.padEnd(12)} rtt ${o.rttMs} ms  disc ${Math.round(o.radiusKm)} km  site at ${Math.round(o.siteDistanceKm)} km  margin ${Math.round(o.marginKm)} km${o.siteInside ? "" : "  (outside)"}`,
          );
        return undefined;
      }),
    );
}
