// Request bodies of the custody use cases (zod schemas: the HTTP routes and the CLI validate with
// the same ones), and the closed status lists each write answers with.
import { z } from "zod";
import { custodyEventKinds } from "../../core/custody/custody-events.ts";
import { publicKeySchema } from "../../core/custody/heartbeat.ts";
import { idSchema } from "../../core/evidence/ids.ts";
import { serialRangeSchema } from "../../core/shipments/model.ts";

const text = (max: number) => z.string().min(1).max(max);
const latitude = z.number().finite().min(-90).max(90);
const longitude = z.number().finite().min(-180).max(180);
const instant = z.iso.datetime({ offset: false });

export const siteInputSchema = z.strictObject({
  id: idSchema,
  importerId: idSchema,
  name: text(200),
  address: text(500),
  lat: latitude,
  lon: longitude,
});
export type SiteInput = z.output<typeof siteInputSchema>;

export const sitePermitInputSchema = z.strictObject({ licenceId: idSchema, siteId: idSchema });
export type SitePermitInput = z.output<typeof sitePermitInputSchema>;

export const siteChangeInputSchema = z.strictObject({
  id: idSchema,
  shipmentId: idSchema,
  fromSiteId: idSchema,
  toSiteId: idSchema,
  reason: text(500),
});
export type SiteChangeInput = z.output<typeof siteChangeInputSchema>;

export const landmarkInputSchema = z.strictObject({
  id: idSchema,
  name: text(200),
  operator: text(200),
  lat: latitude,
  lon: longitude,
  publicKey: publicKeySchema,
  validFrom: instant,
  validUntil: instant.optional(),
});
export type LandmarkInput = z.output<typeof landmarkInputSchema>;

export const serialImportInputSchema = z.strictObject({ shipmentId: idSchema });
export type SerialImportInput = z.output<typeof serialImportInputSchema>;

/** Largest number of ranges in one custody event request. */
export const eventRangesMax = 1000;

export const custodyEventInputSchema = z.strictObject({
  id: idSchema,
  shipmentId: idSchema,
  kind: z.enum(custodyEventKinds),
  serials: z.array(serialRangeSchema).min(1).max(eventRangesMax),
  siteId: idSchema.optional(),
  siteChangeId: idSchema.optional(),
  /** For `destroyed`: the evidence (a certificate of destruction), its sha256 and a description. */
  evidence: z.strictObject({ sha256: z.string().regex(/^[0-9a-f]{64}$/), description: text(500) }).optional(),
  note: text(500).optional(),
});
export type CustodyEventInput = z.output<typeof custodyEventInputSchema>;

/** Keys per device-key certificate (a 2,000,000-chip lot takes 200 of them). */
export const deviceKeysPerCertificateMax = 10_000;

export const deviceKeyBodySchema = z.strictObject({
  type: z.literal("sluice.device-keys.v1"),
  id: idSchema,
  labId: idSchema,
  shipmentId: idSchema,
  keys: z
    .array(z.strictObject({ serial: z.string().min(1).max(160), publicKey: publicKeySchema }))
    .min(1)
    .max(deviceKeysPerCertificateMax),
});
export type DeviceKeyBody = z.output<typeof deviceKeyBodySchema>;

export const deviceKeyCertificateSchema = z.strictObject({
  certificate: deviceKeyBodySchema,
  signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, "expected a base64 Ed25519 signature"),
});
export type DeviceKeyCertificate = z.output<typeof deviceKeyCertificateSchema>;

export const deviceKeyRevocationSchema = z.strictObject({
  serial: z.string().min(1).max(160),
  reason: text(500),
});

export const alertStatuses = ["open", "acknowledged", "closed"] as const;
export type AlertStatus = (typeof alertStatuses)[number];
export const alertUpdateSchema = z.strictObject({
  status: z.enum(["acknowledged", "closed"]),
  reason: text(1000),
});
