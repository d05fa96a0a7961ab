// Sample requests for the custody routes in the route × role matrix (issue #16). Set-up goes
// through the use cases as admin: one licensed shipment of the importer `alibaba-cloud` with its
// serials registered and keyed by the sample lab `us-test-lab` (the same key pair as the evidence
// samples), landmarks, and an alert. Writes a role may repeat answer 200 `exists` on a replay.

import type { KeyObject } from "node:crypto";
import { systemAudit } from "../../src/adapters/db/audit.ts";
import { sqlEvidenceContext } from "../../src/adapters/db/evidence/repository.ts";

const appendAudit = systemAudit("test");

import type { Store } from "../../src/adapters/db/store.ts";
import { playHeartbeat } from "../../src/app/custody/play.ts";
import {
  demoSites,
  deviceKeyOf,
  landmarkKeys,
  registerDemoLandmarks,
} from "../../src/app/custody/seed-custody.ts";
import { keyPairOf, signDeviceKeys } from "../../src/app/custody/sign.ts";
import { EvidenceService } from "../../src/app/evidence/service.ts";
import { actor, licensedShipment, services } from "../custody/support.ts";
import { sharedEvaluator } from "../support/dossiers.ts";
import { labBody } from "./evidence-samples.ts";
import { clock, importerParty, labParty } from "./support.ts";

type Sample = () => Promise<{ path: string; body?: unknown; headers?: Record<string, string> }>;

export function custodySamples(
  store: () => Store,
  labKeys: { publicKey: KeyObject; privateKey: KeyObject },
): Record<string, Sample> {
  let counter = 0;
  const next = (prefix: string) => `${prefix}-${++counter}`;
  let ready: ReturnType<typeof setUp> | undefined;
  let readyFor: Store | undefined;
  const admin = actor("admin");
  async function setUp() {
    const s = services(store(), clock);
    await new EvidenceService(
      sqlEvidenceContext(store(), { evaluator: sharedEvaluator, clock, appendAudit }),
    ).registerLab(labBody(labParty, labKeys));
    const lot = await licensedShipment(store(), clock, "mx-custody", 6);
    await registerDemoLandmarks(s.custody, "2026-01-01T00:00:00.000Z");
    for (const site of demoSites.slice(0, 2)) {
      await s.custody.declareSite({ ...site, importerId: importerParty }, admin);
      await s.custody.permitSite({ licenceId: lot.licenceId, siteId: site.id }, admin);
    }
    await s.custody.importSerials({ shipmentId: lot.shipmentId }, admin);
    const serials = Array.from({ length: 6 }, (_, i) => `${lot.prefix}${i + 1}`);
    await s.custody.submitDeviceKeys(
      signDeviceKeys(
        {
          type: "sluice.device-keys.v1",
          id: "mx-dk",
          labId: labParty,
          shipmentId: lot.shipmentId,
          keys: serials.map((serial) => ({ serial, publicKey: keyPairOf(`device/${serial}`).publicKeyRaw })),
        },
        labKeys.privateKey,
      ),
      admin,
    );
    const all = [{ prefix: lot.prefix, first: 1, last: 6 }];
    for (const kind of ["exported", "entered_china", "delivered"])
      await s.custody.recordEvent(
        { id: `mx-${kind}`, shipmentId: lot.shipmentId, kind, serials: all },
        admin,
      );
    await s.custody.recordEvent(
      {
        id: "mx-installed",
        shipmentId: lot.shipmentId,
        kind: "installed",
        serials: all,
        siteId: demoSites[0].id,
      },
      admin,
    );
    await s.custody.revokeDeviceKey(serials[5] as string, "matrix sample", admin);
    const alert = (await s.alerts.list(admin, { serial: serials[5] as string }))[0];
    if (!alert) throw new Error("custody samples: no alert raised");
    return { lot, serials, alertId: alert.id };
  }
  const fixtures = () => {
    if (readyFor !== store()) ready = undefined;
    readyFor = store();
    ready ??= setUp();
    return ready;
  };
  const landmarks = landmarkKeys();
  return {
    "post /v1/sites": async () => {
      await fixtures();
      return { path: "/v1/sites", body: { ...demoSites[2], id: next("mx-site"), importerId: importerParty } };
    },
    "get /v1/sites": async () => ({ path: "/v1/sites" }),
    "post /v1/licence-sites": async () => {
      const { lot } = await fixtures();
      return { path: "/v1/licence-sites", body: { licenceId: lot.licenceId, siteId: demoSites[1].id } };
    },
    "post /v1/site-changes": async () => {
      const { lot } = await fixtures();
      return {
        path: "/v1/site-changes",
        body: {
          id: next("mx-change"),
          shipmentId: lot.shipmentId,
          fromSiteId: demoSites[0].id,
          toSiteId: demoSites[1].id,
          reason: "matrix sample",
        },
      };
    },
    "post /v1/landmarks": async () => {
      const id = next("mx-lm");
      return {
        path: "/v1/landmarks",
        body: {
          id,
          name: id,
          operator: "matrix",
          lat: 10,
          lon: 20,
          publicKey: keyPairOf(`matrix/${id}`).publicKeyRaw,
          validFrom: "2026-01-01T00:00:00.000Z",
        },
      };
    },
    "get /v1/landmarks": async () => ({ path: "/v1/landmarks" }),
    "post /v1/serials/import": async () => {
      const { lot } = await fixtures();
      return { path: "/v1/serials/import", body: { shipmentId: lot.shipmentId } };
    },
    "get /v1/serials/{serial}": async () => ({ path: `/v1/serials/${(await fixtures()).serials[0]}` }),
    "post /v1/custody-events": async () => {
      const { lot } = await fixtures();
      return {
        path: "/v1/custody-events",
        body: {
          id: "mx-exported",
          shipmentId: lot.shipmentId,
          kind: "exported",
          serials: [{ prefix: lot.prefix, first: 1, last: 6 }],
        },
      };
    },
    "post /v1/device-keys": async () => {
      const { lot, serials } = await fixtures();
      return {
        path: "/v1/device-keys",
        body: signDeviceKeys(
          {
            type: "sluice.device-keys.v1",
            id: next("mx-dk"),
            labId: labParty,
            shipmentId: lot.shipmentId,
            keys: [
              { serial: serials[0] as string, publicKey: keyPairOf(`device/${serials[0]}`).publicKeyRaw },
            ],
          },
          labKeys.privateKey,
        ),
      };
    },
    "post /v1/device-keys/revoke": async () => ({
      path: "/v1/device-keys/revoke",
      body: { serial: (await fixtures()).serials[5], reason: "matrix sample" },
    }),
    "post /v1/heartbeats": async () => {
      const serial = (await fixtures()).serials[0] as string;
      const heartbeat = playHeartbeat(landmarks, {
        serial,
        deviceKey: deviceKeyOf(serial),
        at: demoSites[0],
        round: next("mx-hb"),
        when: clock(),
      });
      return { path: "/v1/heartbeats", body: { heartbeats: [heartbeat] } };
    },
    "get /v1/alerts": async () => ({ path: "/v1/alerts" }),
    "get /v1/alerts/{id}": async () => ({ path: `/v1/alerts/${(await fixtures()).alertId}` }),
    "post /v1/alerts/{id}/status": async () => ({
      path: `/v1/alerts/${(await fixtures()).alertId}/status`,
      body: { status: "acknowledged", reason: "matrix sample" },
    }),
    "post /v1/alerts/sweep": async () => ({ path: "/v1/alerts/sweep", body: {} }),
  };
}
