// The custody store port (src/app/custody/ports.ts) on the SQL store: one object whose methods are
// the functions of registry.ts, keys.ts, heartbeats.ts and alerts.ts bound to one Store.
import type { CustodyStore } from "../../../app/custody/ports.ts";
import type { Store } from "../store.ts";
import * as a from "./alerts.ts";
import * as e from "./events.ts";
import * as h from "./heartbeats.ts";
import * as k from "./keys.ts";
import * as r from "./registry.ts";

export function sqlCustodyStore(store: Store): CustodyStore {
  const partitions = new Set<string>();
  return {
    shipmentFacts: (id) => r.shipmentFacts(store, id),
    writeSite: (site, actor, at) => r.writeSite(store, site, actor, at),
    site: (id) => r.site(store, id),
    sites: (importerId) => r.sites(store, importerId),
    writePermit: (licenceId, siteId, actor, at) => r.writePermit(store, licenceId, siteId, actor, at),
    writeSiteChange: (change, actor, at) => r.writeSiteChange(store, change, actor, at),
    writeLandmark: (landmark, at) => r.writeLandmark(store, landmark, at),
    landmarks: () => r.landmarks(store),
    importSerials: (shipment, actor, at) => r.importSerials(store, shipment, actor, at),
    serial: (id) => r.serial(store, id),
    applyEvent: (input, decide) => e.applyEvent(store, input, decide),
    eventsOf: (record) => e.eventsOf(store, record),
    applyDeviceKeys: (certificate, decide, accepted, actor, at) =>
      k.applyDeviceKeys(store, certificate, decide, accepted, actor, at),
    revokeDeviceKey: (serial, reason, actor, at) => k.revokeDeviceKey(store, serial, reason, actor, at),
    serialContexts: (serials) => h.serialContexts(store, serials),
    knownIds: (ids) => h.knownIds(store, ids),
    storeBatch: (batch) => h.storeBatch(store, partitions, batch),
    raiseAlerts: (drafts, actor, at) => a.raiseAlerts(store, drafts, actor, at),
    alerts: (filter) => a.alerts(store, filter),
    alert: (id) => a.alert(store, id),
    updateAlert: (id, status, reason, actor, at) => a.updateAlert(store, id, status, reason, actor, at),
    silentSerials: (before, limit) => a.silentSerials(store, before, limit),
    cloneCandidates: (since) => a.cloneCandidates(store, since),
    fleetSilenceCounts: (before) => a.fleetSilenceCounts(store, before),
    nearestRttSeries: (since, window) => a.nearestRttSeries(store, since, window),
    dropPartitionsBefore: (day) => h.dropPartitionsBefore(store, day),
    dailySummary: (serial, days) => h.dailySummary(store, serial, days),
  };
}
