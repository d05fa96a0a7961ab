// Custody use cases: declared sites and the sites a licence permits, approved site changes,
// landmarks, a lot's serials registered from its shipment, custody events over serial ranges (each
// by its authority, through a state machine whose refusals are statuses), the lab's signed
// device-key certificates and device-key revocations, and one serial's whole story. Every write is
// attributed to the authenticated actor and dated by the clock; a refusal changes nothing.
import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import { canSee } from "../../core/authorization/policy.ts";
import { decideCustodyEvent } from "../../core/custody/custody-events.ts";
import { badInput, notFound, quote, SluiceError } from "../../core/errors.ts";
import { parsePublicKey, verifySignature } from "../../core/evidence/certificate.ts";
import { serialInRanges } from "../../core/evidence/sampling.ts";
import { serialCount } from "../../core/shipments/model.ts";
import type { Clock } from "../ports.ts";
import {
  custodyEventInputSchema,
  type DeviceKeyCertificate,
  deviceKeyCertificateSchema,
  landmarkInputSchema,
  serialImportInputSchema,
  siteChangeInputSchema,
  siteInputSchema,
  sitePermitInputSchema,
} from "./inputs.ts";
import type { Actor, CustodyStore, ShipmentFacts } from "./ports.ts";

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");
const canonical = (value: unknown): string => canonicalize(value) ?? "null";

/** Parses with a schema; a failure is bad input naming the first field and why. */
export function parseWith<T>(
  schema: {
    safeParse(
      v: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  value: unknown,
  what: string,
): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const at = issue && issue.path.length > 0 ? ` at \`${issue.path.map(String).join(".")}\`` : "";
  throw badInput(`${what}${at}`, issue?.message.toLowerCase() ?? "invalid");
}

const refused = (what: string, status: string): SluiceError =>
  new SluiceError("conflict", what, status.replaceAll("_", " "), status);

/**
 * Party scope: an importer acts only on its own objects, an exporter only on the lots of its own
 * orders (issue #13); others are not found.
 */
function requireOwn(actor: Actor, importerId: string, what: string, exporterId?: string): void {
  const parties =
    exporterId === undefined ? { importer: importerId } : { importer: importerId, exporter: exporterId };
  if (!canSee({ id: actor.id, role: actor.role, partyId: actor.partyId }, { parties })) throw notFound(what);
}

export interface CustodyDeps {
  store: CustodyStore;
  clock: Clock;
}

export class CustodyService {
  constructor(private readonly deps: CustodyDeps) {}

  async declareSite(body: unknown, actor: Actor) {
    const input = parseWith(siteInputSchema, body, "site");
    requireOwn(actor, input.importerId, `importer ${quote(input.importerId)}`);
    const at = this.deps.clock();
    const status = await this.deps.store.writeSite(
      { ...input, createdBy: actor.id, createdAt: at.toISOString() },
      actor,
      at,
    );
    if (status !== "created" && status !== "exists") throw refused(`site ${quote(input.id)}`, status);
    return { status, siteId: input.id };
  }

  async listSites(actor: Actor) {
    return this.deps.store.sites(actor.role === "importer" ? (actor.partyId ?? "") : null);
  }

  async permitSite(body: unknown, actor: Actor) {
    const input = parseWith(sitePermitInputSchema, body, "permit");
    const status = await this.deps.store.writePermit(input.licenceId, input.siteId, actor, this.deps.clock());
    if (status !== "created" && status !== "exists")
      throw refused(`licence ${quote(input.licenceId)} site ${quote(input.siteId)}`, status);
    return { status, ...input };
  }

  async approveSiteChange(body: unknown, actor: Actor) {
    const input = parseWith(siteChangeInputSchema, body, "site change");
    const status = await this.deps.store.writeSiteChange(input, actor, this.deps.clock());
    if (status !== "created" && status !== "exists") throw refused(`site change ${quote(input.id)}`, status);
    return { status, siteChangeId: input.id };
  }

  async registerLandmark(body: unknown, actor: Actor) {
    const input = parseWith(landmarkInputSchema, body, "landmark");
    const status = await this.deps.store.writeLandmark({ ...input, createdBy: actor.id }, this.deps.clock());
    if (status === "exists_with_different_content") throw refused(`landmark ${quote(input.id)}`, status);
    return { status, landmarkId: input.id };
  }

  listLandmarks() {
    return this.deps.store.landmarks();
  }

  /** Registers every serial of a shipment's ranges (one row per chip, in one statement). */
  async importSerials(body: unknown, actor: Actor) {
    const input = parseWith(serialImportInputSchema, body, "serials import");
    const shipment = await this.deps.store.shipmentFacts(input.shipmentId);
    if (!shipment) throw notFound(`shipment ${quote(input.shipmentId)}`);
    requireOwn(actor, shipment.importerId, `shipment ${quote(input.shipmentId)}`, shipment.exporterId);
    const result = await this.deps.store.importSerials(shipment, actor, this.deps.clock());
    if (result.status === "serials_taken")
      throw new SluiceError(
        "conflict",
        `shipment ${quote(shipment.id)}`,
        `serial ${quote(result.clash)} is already registered to another lot`,
        "serials_taken",
      );
    return { status: result.status, shipmentId: shipment.id, serials: result.count };
  }

  async recordEvent(body: unknown, actor: Actor) {
    const input = parseWith(custodyEventInputSchema, body, "custody event");
    const facts = await this.deps.store.shipmentFacts(input.shipmentId);
    if (facts) requireOwn(actor, facts.importerId, `shipment ${quote(input.shipmentId)}`, facts.exporterId);
    const at = this.deps.clock();
    const contentSha256 = sha256(canonical(input));
    // The store may run `decide` again on a retried transaction: the last run's message is the answer.
    let why = "";
    const result = await this.deps.store.applyEvent(input, (snapshot) => {
      const decision = decideCustodyEvent(input, actor.role, snapshot);
      if (!decision.ok) {
        why = decision.message;
        return { status: decision.refusal };
      }
      return {
        status: "created" as const,
        record: {
          input,
          serialCount: snapshot.registered,
          fromStates: decision.from,
          toState: decision.to,
          siteId: decision.siteId,
          contentSha256,
          actor,
          at,
        },
      };
    });
    if (result.status === "exists_with_different_content")
      throw refused(`custody event ${quote(input.id)}`, result.status);
    if (result.status !== "created" && result.status !== "exists")
      throw new SluiceError("conflict", `custody event ${quote(input.id)}`, why, result.status);
    return { status: result.status, eventId: input.id, serials: serialCount(input.serials) };
  }

  /** A lab's signed device-key certificate: each key bound to a serial of the lot. */
  async submitDeviceKeys(body: unknown, actor: Actor) {
    const signed: DeviceKeyCertificate = parseWith(deviceKeyCertificateSchema, body, "device keys");
    const doc = signed.certificate;
    if (actor.role === "lab" && actor.partyId !== doc.labId) throw notFound(`lab ${quote(doc.labId)}`);
    const serials = new Set(doc.keys.map((k) => k.serial));
    if (serials.size !== doc.keys.length)
      throw badInput("device keys at `certificate.keys`", "a serial is listed twice");
    const canonicalText = canonical(doc);
    const result = await this.deps.store.applyDeviceKeys(
      { body: doc, canonicalText, signature: signed.signature, contentSha256: sha256(canonicalText) },
      (snapshot) => decideDeviceKeys(doc, canonicalText, signed.signature, snapshot),
      "created",
      actor,
      this.deps.clock(),
    );
    if (result.status !== "created" && result.status !== "exists")
      throw refused(`device-key certificate ${quote(doc.id)}`, result.status);
    return { status: result.status, certificateId: doc.id, keys: doc.keys.length };
  }

  async revokeDeviceKey(serial: string, reason: string, actor: Actor) {
    const at = this.deps.clock();
    const status = await this.deps.store.revokeDeviceKey(serial, reason, actor, at);
    if (status === "unknown_serial") throw notFound(`serial ${quote(serial)}`);
    if (status === "no_device_key") throw refused(`serial ${quote(serial)}`, status);
    const record = await this.deps.store.serial(serial);
    if (status === "revoked" && record)
      await this.deps.store.raiseAlerts(
        [
          {
            kind: "device_key_revoked",
            serial,
            importerId: record.importerId,
            dedupeKey: `device_key_revoked:${serial}`,
            evidence: { reason, revokedAt: at.toISOString(), by: actor.id },
            rulebook: "scenario-chip-security-act",
          },
        ],
        actor,
        at,
      );
    return { status, serial };
  }

  /** One serial: lot, licence, custody history, site, last heartbeat and verdict, alerts. */
  async showSerial(serial: string, actor: Actor) {
    const record = await this.deps.store.serial(serial);
    if (!record) throw notFound(`serial ${quote(serial)}`);
    const lot = await this.deps.store.shipmentFacts(record.shipmentId);
    requireOwn(actor, record.importerId, `serial ${quote(serial)}`, lot?.exporterId);
    const [history, site, alerts, daily] = await Promise.all([
      this.deps.store.eventsOf(record),
      record.siteId ? this.deps.store.site(record.siteId) : null,
      this.deps.store.alerts({ importerId: null, serial, limit: 100 }),
      this.deps.store.dailySummary(serial, 30),
    ]);
    return { ...record, site, history, alerts, daily };
  }
}

export const deviceKeyStatuses = [
  "created",
  "unknown_lab",
  "lab_revoked",
  "bad_lab_signature",
  "unknown_shipment",
  "serials_not_registered",
  "device_key_conflict",
] as const;
export type DeviceKeyStatus = (typeof deviceKeyStatuses)[number];

function decideDeviceKeys(
  doc: DeviceKeyCertificate["certificate"],
  text: string,
  signature: string,
  snapshot: {
    lab: { publicKeyPem: string; revoked: boolean } | null;
    shipment: ShipmentFacts | null;
    existing: Map<string, string | null>;
  },
): DeviceKeyStatus {
  if (!snapshot.lab) return "unknown_lab";
  if (snapshot.lab.revoked) return "lab_revoked";
  const key = parsePublicKey(snapshot.lab.publicKeyPem);
  if (!key || !verifySignature(text, signature, key)) return "bad_lab_signature";
  if (!snapshot.shipment) return "unknown_shipment";
  const ranges = snapshot.shipment.ranges;
  if (!doc.keys.every((k) => serialInRanges(k.serial, ranges) && snapshot.existing.has(k.serial)))
    return "serials_not_registered";
  if (
    doc.keys.some((k) => {
      const current = snapshot.existing.get(k.serial);
      return current !== null && current !== undefined && current !== k.publicKey;
    })
  )
    return "device_key_conflict";
  return "created";
}
