// The custody part of the demo story: landmarks (Beijing, Shanghai, Hong Kong, Singapore, Tokyo,
// Frankfurt, Dubai, Ashburn), the importer's declared sites (Zhangbei, Ulanqab, Shanghai) permitted
// by the licence, one lot's serials with device keys from the demo lab, custody events to
// installation, and a simulated fleet: most chips answer from their sites, one range turns up near
// Singapore, and the alerts that raises. Keys are demo keys derived from labels (not secret).
import type { KeyObject } from "node:crypto";
import { v7 as uuidv7 } from "uuid";
import type { Clock, IdSource } from "../ports.ts";
import { demoLabKey } from "../seed/demo.ts";
import { AlertService, type RulesOn } from "./alerts.ts";
import { CustodyService } from "./custody.ts";
import { HeartbeatIngest } from "./ingest.ts";
import { type PlayedLandmark, playHeartbeat } from "./play.ts";
import type { Actor, CustodyStore } from "./ports.ts";
import { keyPairOf, signDeviceKeys } from "./sign.ts";

export const demoLandmarks = [
  { id: "lm-beijing", name: "Beijing", lat: 39.9042, lon: 116.4074 },
  { id: "lm-shanghai", name: "Shanghai", lat: 31.2304, lon: 121.4737 },
  { id: "lm-hong-kong", name: "Hong Kong", lat: 22.3193, lon: 114.1694 },
  { id: "lm-singapore", name: "Singapore", lat: 1.3521, lon: 103.8198 },
  { id: "lm-tokyo", name: "Tokyo", lat: 35.6762, lon: 139.6503 },
  { id: "lm-frankfurt", name: "Frankfurt", lat: 50.1109, lon: 8.6821 },
  { id: "lm-dubai", name: "Dubai", lat: 25.2048, lon: 55.2708 },
  { id: "lm-ashburn", name: "Ashburn", lat: 39.0438, lon: -77.4874 },
] as const;

export const demoSites = [
  {
    id: "site-zhangbei",
    name: "Zhangbei data centre",
    address: "Zhangbei County, Hebei, China",
    lat: 41.159,
    lon: 114.715,
  },
  {
    id: "site-ulanqab",
    name: "Ulanqab data centre",
    address: "Jining District, Ulanqab, Inner Mongolia, China",
    lat: 41.0342,
    lon: 113.1334,
  },
  {
    id: "site-shanghai",
    name: "Shanghai data centre",
    address: "Qingpu District, Shanghai, China",
    lat: 31.15,
    lon: 121.124,
  },
] as const;

/** Near Singapore (Johor Bahru): where the diverted range turns up. */
export const divertedPosition = { lat: 1.4927, lon: 103.7414 };

export const landmarkKeys = (): PlayedLandmark[] =>
  demoLandmarks.map((l) => ({
    id: l.id,
    lat: l.lat,
    lon: l.lon,
    key: keyPairOf(`landmark/${l.id}`).privateKey,
  }));

export const deviceKeyOf = (serial: string): KeyObject => keyPairOf(`device/${serial}`).privateKey;

export interface CustodySeedDeps {
  store: CustodyStore;
  clock: Clock;
  newId: IdSource;
  /** The rules in force on a day (the thresholds of the ingest and the sweeps). */
  rules: RulesOn;
  /** The demo lab's id and private key (it signs the device keys). */
  lab: { id: string; privateKey: KeyObject };
}

const seedActor = (role: Actor["role"], partyId: string | null = null): Actor => ({
  id: `seed:${role}`,
  role,
  partyId,
});

export async function registerDemoLandmarks(custody: CustodyService, validFrom: string): Promise<void> {
  for (const l of demoLandmarks)
    await custody.registerLandmark(
      {
        ...l,
        operator: "Sluice demo landmark network",
        publicKey: keyPairOf(`landmark/${l.id}`).publicKeyRaw,
        validFrom,
      },
      seedActor("admin"),
    );
}

/**
 * Seeds the custody story on one shipment of `importerId` under `licenceId`: its serials are
 * registered, keyed, exported, entered, delivered and installed across the three sites; one round
 * of heartbeats is played (the last `diverted` serials from near Singapore) and the sweeps run.
 */
export async function seedCustody(
  deps: CustodySeedDeps,
  lot: {
    shipmentId: string;
    importerId: string;
    licenceId: string;
    prefix: string;
    first: number;
    last: number;
    diverted: number;
  },
) {
  const custody = new CustodyService(deps);
  const admin = seedActor("admin");
  const importer = seedActor("importer", lot.importerId);
  await registerDemoLandmarks(custody, new Date(deps.clock().getTime() - 86_400_000).toISOString());
  for (const site of demoSites) {
    await custody.declareSite({ ...site, importerId: lot.importerId }, importer);
    await custody.permitSite({ licenceId: lot.licenceId, siteId: site.id }, seedActor("us-regulator"));
  }
  await custody.importSerials({ shipmentId: lot.shipmentId }, seedActor("exporter", "nvidia"));
  const serials = Array.from({ length: lot.last - lot.first + 1 }, (_, i) => `${lot.prefix}${lot.first + i}`);
  await custody.submitDeviceKeys(
    signDeviceKeys(
      {
        type: "sluice.device-keys.v1",
        id: `dk-${lot.shipmentId}`,
        labId: deps.lab.id,
        shipmentId: lot.shipmentId,
        keys: serials.map((serial) => ({ serial, publicKey: keyPairOf(`device/${serial}`).publicKeyRaw })),
      },
      deps.lab.privateKey,
    ),
    seedActor("lab", deps.lab.id),
  );
  const all = [{ prefix: lot.prefix, first: lot.first, last: lot.last }];
  const event = (kind: string, role: Actor["role"], extra: object = {}, serialsOf = all, suffix = "") =>
    custody.recordEvent(
      {
        id: `ev-${lot.shipmentId}-${kind}${suffix}`,
        shipmentId: lot.shipmentId,
        kind,
        serials: serialsOf,
        ...extra,
      },
      role === "importer" ? importer : seedActor(role, role === "exporter" ? "nvidia" : null),
    );
  await event("exported", "exporter");
  await event("entered_china", "cn-customs");
  await event("delivered", "importer");
  const thirds = splitRange(lot.first, lot.last, demoSites.length);
  for (const [i, site] of demoSites.entries())
    await event(
      "installed",
      "importer",
      { siteId: site.id },
      [{ prefix: lot.prefix, ...(thirds[i] as { first: number; last: number }) }],
      `-${site.id}`,
    );
  const landmarks = landmarkKeys();
  const now = deps.clock();
  const heartbeats = serials.map((serial, i) => {
    const third = thirds.findIndex((t) => lot.first + i >= t.first && lot.first + i <= t.last);
    const site = demoSites[third] ?? demoSites[0];
    const diverted = i >= serials.length - lot.diverted;
    return playHeartbeat(landmarks, {
      serial,
      deviceKey: deviceKeyOf(serial),
      at: diverted ? divertedPosition : site,
      round: `seed-${serial}`,
      when: now,
    });
  });
  const ingest = new HeartbeatIngest(deps);
  const result = await ingest.ingest(heartbeats, admin, "seed");
  const swept = await new AlertService(deps).sweep(admin);
  return { serials: serials.length, ingest: result.counts, swept };
}

function splitRange(first: number, last: number, parts: number): { first: number; last: number }[] {
  const size = Math.ceil((last - first + 1) / parts);
  return Array.from({ length: parts }, (_, i) => ({
    first: first + i * size,
    last: Math.min(last, first + (i + 1) * size - 1),
  })).filter((r) => r.first <= r.last);
}

/**
 * The demo's custody story on the seeded store (src/app/seed/demo.ts): the first `chips` serials of the
 * shipped lot `ord-alibaba-1-s1` (licence `lic-ord-alibaba-1`, lab `lab-austin`), the last
 * `diverted` of them near Singapore. Called once, after seedDemo, by the composition root.
 */
export async function seedCustodyDemo(
  store: CustodyStore,
  clock: Clock,
  rules: RulesOn,
  chips = 600,
  diverted = 24,
) {
  return seedCustody(
    {
      store,
      clock,
      newId: uuidv7,
      rules,
      lab: { id: "lab-austin", privateKey: demoLabKey("lab-austin").privateKey },
    },
    {
      shipmentId: "ord-alibaba-1-s1",
      importerId: "alibaba-cloud",
      licenceId: "lic-ord-alibaba-1",
      prefix: "ord-alibaba-1-H200-",
      first: 1,
      last: chips,
      diverted,
    },
  );
}
