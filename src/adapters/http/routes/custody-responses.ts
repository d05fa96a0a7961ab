// What the custody reads answer (issue #17: the OpenAPI document and the web app's types), from
// src/app/custody/ports.ts and alerts.ts: sites, landmarks, alerts with their diversion report, and
// one serial's story. Objects are open (looseObject) where a feature may add fields; the fields
// named here are the ones clients read, and test/http/response-schemas.test.ts checks real
// answers against them.
import { z } from "@hono/zod-openapi";

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
  history: z.array(z.looseObject({})).meta({ description: "custody events over the serial, oldest first" }),
  alerts: z.array(alertSchema.omit({ report: true })),
  daily: z.array(z.looseObject({})).meta({ description: "heartbeats per day, the last 30 days" }),
});

export const sitesSchema = z.object({ sites: z.array(siteSchema) });
export const landmarksSchema = z.object({ landmarks: z.array(landmarkSchema) });
export const alertsSchema = z.object({ alerts: z.array(alertSchema) });
