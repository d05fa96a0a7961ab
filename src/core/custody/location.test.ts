// Location verdicts: a table per verdict on real geography, the disc arithmetic, and the property
// over random geometry the issue asks for (an honest chip is never inconsistent or impossible; a
// chip far from its site is never verified there, whatever delay it adds).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  convexDiscsMeet,
  defaultLocationParams,
  discRadiusKm,
  distanceKm,
  fibreSpeedKmPerMs,
  type LatLon,
  locate,
  parseLocateInput,
  speedOfLightKmPerMs,
} from "./location.ts";

const beijing = { lat: 39.9042, lon: 116.4074 };
const shanghai = { lat: 31.2304, lon: 121.4737 };
const singapore = { lat: 1.3521, lon: 103.8198 };
const hongKong = { lat: 22.3193, lon: 114.1694 };
const zhangbei = { lat: 41.159, lon: 114.7 };
const frankfurt = { lat: 50.1109, lon: 8.6821 };

/** The least RTT light allows between two points, ms, plus `extraMs`. */
const rttFor = (a: LatLon, b: LatLon, extraMs = 0): number =>
  (2 * distanceKm(a, b)) / speedOfLightKmPerMs + extraMs;
const obs = (landmark: string, at: LatLon, rttMs: number) => ({ landmark, lat: at.lat, lon: at.lon, rttMs });

describe("distance and discs", () => {
  it("measures great-circle distance by haversine on the mean Earth radius", () => {
    expect(distanceKm(beijing, shanghai)).toBeCloseTo(1067.3, 0);
    expect(distanceKm({ lat: 0, lon: 0 }, { lat: 0, lon: 180 })).toBeCloseTo(Math.PI * 6371.0088, 6);
    expect(distanceKm(beijing, beijing)).toBe(0);
  });
  it("bounds a round trip by rtt / 2 × v (light in vacuum by default, fibre as the alternative)", () => {
    expect(discRadiusKm(10, speedOfLightKmPerMs)).toBeCloseTo(1498.96229, 5);
    expect(discRadiusKm(10, fibreSpeedKmPerMs)).toBeCloseTo(999.3082, 4);
  });
});

describe("locate: one row per verdict", () => {
  const rows = [
    {
      name: "verified: the site is inside every disc and Beijing's is under 500 km",
      input: {
        site: zhangbei,
        observations: [obs("beijing", beijing, 2.5), obs("shanghai", shanghai, 12), obs("hk", hongKong, 20)],
      },
      verdict: "verified",
    },
    {
      name: "unprovable: inside every disc, but every disc is larger than 500 km",
      input: { site: zhangbei, observations: [obs("beijing", beijing, 8), obs("shanghai", shanghai, 12)] },
      verdict: "unprovable",
    },
    {
      name: "unprovable: no observations",
      input: { site: zhangbei, observations: [] },
      verdict: "unprovable",
    },
    {
      name: "inconsistent: a fast Singapore round trip puts the chip far from Zhangbei",
      input: { site: zhangbei, observations: [obs("singapore", singapore, 1.2), obs("hk", hongKong, 25)] },
      verdict: "inconsistent",
    },
    {
      name: "impossible: fast replies from both Beijing and Singapore (4,470 km apart)",
      input: { site: zhangbei, observations: [obs("beijing", beijing, 1), obs("singapore", singapore, 1)] },
      verdict: "impossible",
    },
    {
      name: "impossible: three discs that meet in pairs but share no point",
      input: {
        site: { lat: 0, lon: 1 },
        // Landmarks on a triangle 1,000 km a side; each disc reaches just past half the way.
        observations: [
          obs("a", { lat: 0, lon: 0 }, (2 * 520) / speedOfLightKmPerMs),
          obs("b", { lat: 0, lon: 8.993 }, (2 * 520) / speedOfLightKmPerMs),
          obs("c", { lat: 7.79, lon: 4.4966 }, (2 * 520) / speedOfLightKmPerMs),
        ],
      },
      verdict: "impossible",
    },
  ] as const;
  for (const row of rows)
    it(row.name, () => {
      const result = locate(parseLocateInput(row.input, "table"));
      expect(result.verdict, result.reason).toBe(row.verdict);
    });

  it("reports each disc's radius, the site's distance and the margin", () => {
    const result = locate({
      site: zhangbei,
      observations: [obs("singapore", singapore, 1.2), obs("hk", hongKong, 25)],
    });
    const [sg, hk] = result.observations;
    expect(sg?.radiusKm).toBeCloseTo(0.6 * speedOfLightKmPerMs, 9);
    expect(sg?.siteDistanceKm).toBeCloseTo(distanceKm(singapore, zhangbei), 9);
    expect(sg?.marginKm).toBeCloseTo((sg?.radiusKm ?? 0) - (sg?.siteDistanceKm ?? 0), 9);
    expect(sg?.siteInside).toBe(false);
    expect(hk?.siteInside).toBe(true);
    expect(result.marginKm).toBe(sg?.marginKm);
    expect(result.smallestRadiusKm).toBe(sg?.radiusKm);
    expect(result.reason).toContain("singapore");
  });

  it("names the two landmarks of a contradiction", () => {
    const result = locate({
      site: zhangbei,
      observations: [obs("beijing", beijing, 1), obs("singapore", singapore, 1)],
    });
    expect(result.contradiction?.landmarks).toEqual(["beijing", "singapore"]);
    expect(result.contradiction?.centresDistanceKm).toBeGreaterThan(result.contradiction?.radiiSumKm ?? 0);
  });

  it("uses the radius limit and the speed it is given", () => {
    const input = { site: zhangbei, observations: [obs("beijing", beijing, 4)] };
    expect(locate(input).verdict).toBe("unprovable");
    expect(locate(input, { ...defaultLocationParams, verifiedRadiusKmMax: 600 }).verdict).toBe("verified");
    // At fibre speed the Beijing disc shrinks to 400 km, under the 500 km limit.
    expect(locate(input, { speedKmPerMs: fibreSpeedKmPerMs, verifiedRadiusKmMax: 500 }).verdict).toBe(
      "verified",
    );
  });
});

describe("locate input", () => {
  const bad: [string, unknown, string][] = [
    ["latitude out of range", { site: { lat: 91, lon: 0 }, observations: [] }, "`site.lat`"],
    [
      "negative round trip",
      { site: beijing, observations: [{ ...obs("x", beijing, 1), rttMs: -1 }] },
      "`observations[0].rttMs`",
    ],
    ["unknown field", { site: beijing, observations: [], sight: 1 }, "sight"],
    [
      "missing landmark",
      { site: beijing, observations: [{ lat: 0, lon: 0, rttMs: 1 }] },
      "`observations[0].landmark`",
    ],
  ];
  for (const [name, input, where] of bad)
    it(`refuses ${name}, saying where`, () => {
      expect(() => parseLocateInput(input, "f.json")).toThrow(where);
    });
});

const point = fc.record({
  lat: fc.double({ min: -90, max: 90, noNaN: true }),
  lon: fc.double({ min: -180, max: 180, noNaN: true }),
});
const landmarks = fc.array(point, { minLength: 1, maxLength: 8 });
const delays = (n: number) =>
  fc.array(fc.double({ min: 0, max: 400, noNaN: true }), { minLength: n, maxLength: n });

describe("locate over random geometry (property)", () => {
  it("never judges an honest chip inconsistent or impossible at its own site", () => {
    fc.assert(
      fc.property(
        point,
        landmarks.chain((l) => fc.tuple(fc.constant(l), delays(l.length))),
        (chip, [marks, extra]) => {
          const observations = marks.map((m, i) =>
            obs(`l${i}`, m, Math.min(10_000, rttFor(chip, m, extra[i] ?? 0))),
          );
          const { verdict } = locate({ site: chip, observations });
          return verdict === "verified" || verdict === "unprovable";
        },
      ),
      { numRuns: 5000 },
    );
  });

  it("never verifies a chip more than twice the verified radius from its declared site", () => {
    const farApart = fc
      .tuple(point, point)
      .filter(([chip, site]) => distanceKm(chip, site) > 2 * defaultLocationParams.verifiedRadiusKmMax);
    fc.assert(
      fc.property(
        farApart,
        landmarks.chain((l) => fc.tuple(fc.constant(l), delays(l.length))),
        ([chip, site], [marks, extra]) => {
          const observations = marks.map((m, i) =>
            obs(`l${i}`, m, Math.min(10_000, rttFor(chip, m, extra[i] ?? 0))),
          );
          return locate({ site, observations }).verdict !== "verified";
        },
      ),
      { numRuns: 5000 },
    );
  });

  it("finds a common point of convex discs that all contain one point", () => {
    fc.assert(
      fc.property(
        point,
        fc.array(fc.tuple(point, fc.double({ min: 0, max: 50, noNaN: true })), {
          minLength: 1,
          maxLength: 6,
        }),
        (inside, discs) => {
          const withRadius = discs
            .map(([centre, slack]) => ({ ...centre, radiusKm: distanceKm(centre, inside) + slack }))
            .filter((d) => d.radiusKm < 9_000);
          return convexDiscsMeet(withRadius);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("keeps the counterexamples it once found: tangent discs of metres, and pole-to-pole hemispheres", () => {
    const cases: [LatLon, LatLon[]][] = [
      [
        { lat: -0.000008993203637245386, lon: 0 },
        [
          { lat: -0.00032539563630518066, lon: 0 },
          { lat: 0, lon: 0 },
        ],
      ],
      [
        { lat: 0, lon: 0 },
        [
          { lat: 89.99999999999982, lon: 3.993455809220641e-16 },
          { lat: -89.99999999999996, lon: -2.5e-323 },
        ],
      ],
    ];
    for (const [chip, marks] of cases) {
      const observations = marks.map((m, i) => obs(`l${i}`, m, rttFor(chip, m)));
      expect(locate({ site: chip, observations }).verdict).toMatch(/verified|unprovable/);
    }
  });

  it("a site near Frankfurt is never verified by an honest chip in Beijing", () => {
    const observations = [
      obs("beijing", beijing, rttFor(beijing, beijing, 0.3)),
      obs("frankfurt", frankfurt, rttFor(beijing, frankfurt)),
    ];
    expect(locate({ site: frankfurt, observations }).verdict).toBe("inconsistent");
  });
});
