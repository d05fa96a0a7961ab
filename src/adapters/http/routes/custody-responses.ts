// What the custody routes answer (issue #17: the OpenAPI document and the web app's types), from
// src/app/custody/custody.ts, ingest.ts and alerts.ts: sites, landmarks, alerts with their
// diversion report, one serial's story, and each write's acknowledgement (its status, the id it
// wrote), a heartbeat batch's outcome per item and a sweep's counts. Objects are open
// (looseObject) where a feature may add fields; the fields named here are the ones clients read,
// and test/http/response-schemas.test.ts checks real answers against them.
import { z } from "@hono/zod-openapi";
import { ingestOutcomes } from "../../../app/custody/ingest.ts";
import { locationVerdicts } from "../../../core/custody/location.ts";

const instant = z.string().meta({ description: "ISO 8601 instant, the server's clock" });

export const siteSchema = z.looseObject({
  id: z.string(),
  importerId: z.string(),
  name: z.string(),
  address: z.string(),
  lat: z.number(),
  lon: z.number(),
  createdBy: z.string(),
  createdAt: instant,
});

export const landmarkSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  operator: z.string(),
  lat: z.number(),
  lon: z.number(),
  publicKey: z.string(),
  validFrom: instant,
  validUntil: instant.optional(),
});

export const alertSchema = z.looseObject({
  id: z.string(),
  kind: z.string(),
  serial: z.string().nullable(),
  importerId: z.string().nullable(),
  status: z.enum(["open", "acknowledged", "closed"]),
  openedBy: z.string(),
  openedAt: instant,
  updatedBy: z.string().nullable(),
  updatedAt: instant.nullable(),
  reason: z.string().nullable(),
  rulebook: z.string().meta({ description: "the rulebook whose thresholds raised it" }),
  evidence: z.looseObject({}).meta({ description: "what was seen: observations, verdict, site …" }),
  report: z
    .looseObject({ to: z.string(), under: z.string(), category: z.string() })
    .meta({ description: "the diversion report to the US regulator" }),
});

const serialRecordFields = {
  serial: z.string(),
  shipmentId: z.string(),
  licenceId: z.string().nullable(),
  importerId: z.string(),
  state: z.string(),
  siteId: z.string().nullable(),
  deviceKey: z.string().nullable(),
  deviceKeyRevokedAt: instant.nullable(),
  lastHeartbeatAt: instant.nullable(),
  lastVerdict: z.string().nullable(),
};

export const serialStorySchema = z.looseObject({
  ...serialRecordFields,
  site: siteSchema.nullable(),
  history: z
    .array(
      z.looseObject({
        input: z.looseObject({ id: z.string(), kind: z.string(), shipmentId: z.string() }),
        fromState: z.string(),
        toState: z.string(),
        recordedBy: z.string(),
        role: z.string(),
        recordedAt: instant,
      }),
    )
    .meta({ description: "custody events over the serial, oldest first" }),
  alerts: z.array(alertSchema.omit({ report: true })),
  daily: z
    .array(
      z.looseObject({
        day: z.string(),
        heartbeats: z.number().int(),
        verified: z.number().int(),
        inconsistent: z.number().int(),
        unprovable: z.number().int(),
        impossible: z.number().int(),
        minRadiusKm: z.number(),
      }),
    )
    .meta({ description: "heartbeats per day by verdict, newest first, the last 30 days" }),
});

export const sitesSchema = z.object({ sites: z.array(siteSchema) });
export const landmarksSchema = z.object({ landmarks: z.array(landmarkSchema) });
export const alertsSchema = z.object({ alerts: z.array(alertSchema) });

/**
 * A write's acknowledgement: `created` (201) or `exists` (200, a replay of the same content);
 * a refusal is a 409 problem instead. `extra` names what was written.
 */
const written = <T extends z.ZodRawShape>(extra: T) =>
  z.looseObject({ status: z.enum(["created", "exists"]), ...extra });

export const siteWrittenSchema = written({ siteId: z.string() });
export const sitePermittedSchema = written({ licenceId: z.string(), siteId: z.string() });
export const siteChangeWrittenSchema = written({ siteChangeId: z.string() });
export const landmarkWrittenSchema = written({ landmarkId: z.string() });
export const serialsImportedSchema = written({
  shipmentId: z.string(),
  serials: z.number().int().meta({ description: "serials registered for the shipment's ranges" }),
});
export const custodyEventWrittenSchema = written({
  eventId: z.string(),
  serials: z.number().int().meta({ description: "serials the event covers" }),
});
export const deviceKeysWrittenSchema = written({
  certificateId: z.string(),
  keys: z.number().int().meta({ description: "device keys the certificate binds" }),
});
export const deviceKeyRevokedSchema = z.looseObject({
  status: z
    .enum(["revoked", "exists"])
    .meta({ description: "revoked (201, an alert raised) or already revoked" }),
  serial: z.string(),
});

/** A heartbeat batch: one outcome per item, in the order sent; counts by outcome. */
export const heartbeatBatchResultSchema = z.looseObject({
  batchId: z.string(),
  auditEntryId: z
    .string()
    .nullable()
    .meta({ description: "the `heartbeats.batch` audit entry (null: none accepted)" }),
  counts: z.partialRecord(z.enum(ingestOutcomes), z.number().int()),
  results: z.array(
    z.looseObject({
      index: z.number().int(),
      id: z.string().nullable(),
      outcome: z.enum(ingestOutcomes),
      verdict: z
        .enum(locationVerdicts)
        .optional()
        .meta({ description: "an accepted heartbeat's location verdict" }),
    }),
  ),
});

/** A sweep: what each detector found, alerts newly raised, and the thresholds and rule used. */
export const sweepResultSchema = z.looseObject({
  silent: z.number().int(),
  clones: z.number().int(),
  fleetSilentShares: z.number().int(),
  relays: z.number().int(),
  raised: z.number().int(),
  thresholds: z.looseObject({
    silentDaysMax: z.number(),
    fleetSilentSharePercentMax: z.number(),
    cloneWindowMinutes: z.number(),
    relayStepMsMin: z.number(),
    relayStepMsMax: z.number(),
    relayHeartbeatsMin: z.number(),
  }),
  rule: z.string().meta({ description: "the rule the thresholds came from" }),
});
