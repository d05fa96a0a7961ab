// Device keys on SQL: a lab's signed device-key certificate is checked (through the use case's
// `decide`) and its keys written onto the serials in one transaction; a revocation dates the key's
// end and raises a `device_key_revoked` alert.
import type { DeviceKeyBody } from "../../../app/custody/inputs.ts";
import type { Actor, DeviceKeySnapshot } from "../../../app/custody/ports.ts";
import { appendAudit } from "../audit.ts";
import type { Store } from "../store.ts";
import { auditActorOf } from "./audit-actor.ts";
import { shipmentFacts } from "./registry.ts";

export async function applyDeviceKeys<S extends string>(
  store: Store,
  certificate: { body: DeviceKeyBody; canonicalText: string; signature: string; contentSha256: string },
  decide: (snapshot: DeviceKeySnapshot) => S,
  accepted: S,
  actor: Actor,
  at: Date,
): Promise<{ status: S | "exists" }> {
  const doc = certificate.body;
  return store.transaction(async (tx) => {
    const prior = await tx.query("SELECT 1 FROM device_key_certificates WHERE content_sha256 = $1", [
      certificate.contentSha256,
    ]);
    if (prior.rowCount !== 0) return { status: "exists" as const };
    const lab = await tx.query<{ public_key: string; revoked_on: string | null }>(
      "SELECT public_key, revoked_on::text FROM labs WHERE id = $1",
      [doc.labId],
    );
    const serials = doc.keys.map((k) => k.serial);
    const existing = await tx.query<{ serial: string; device_key: string | null }>(
      "SELECT serial, device_key FROM serials WHERE shipment_id = $1 AND serial = ANY($2)",
      [doc.shipmentId, serials],
    );
    const labRow = lab.rows[0];
    const status = decide({
      lab: labRow ? { publicKeyPem: labRow.public_key, revoked: labRow.revoked_on !== null } : null,
      shipment: await shipmentFacts(tx, doc.shipmentId),
      existing: new Map(existing.rows.map((r) => [r.serial, r.device_key])),
    });
    if (status !== accepted) return { status };
    await tx.query(
      `INSERT INTO device_key_certificates (id, shipment_id, lab_id, content_sha256, canonical_text, signature, key_count,
         submitted_by, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        doc.id,
        doc.shipmentId,
        doc.labId,
        certificate.contentSha256,
        certificate.canonicalText,
        certificate.signature,
        doc.keys.length,
        actor.id,
        at,
      ],
    );
    await tx.query(
      `UPDATE serials SET device_key = k.key, device_key_certificate_id = $3
       FROM unnest($1::text[], $2::text[]) AS k (serial, key) WHERE serials.serial = k.serial`,
      [serials, doc.keys.map((k) => k.publicKey), doc.id],
    );
    await appendAudit(
      tx,
      "custody.device_keys",
      {
        certificateId: doc.id,
        labId: doc.labId,
        shipmentId: doc.shipmentId,
        keys: doc.keys.length,
        contentSha256: certificate.contentSha256,
        by: actor.id,
      },
      at,
      auditActorOf(actor),
    );
    return { status };
  });
}

export async function revokeDeviceKey(store: Store, serial: string, reason: string, actor: Actor, at: Date) {
  return store.transaction(async (tx) => {
    const { rows } = await tx.query<{
      device_key: string | null;
      device_key_revoked_at: Date | null;
      importer_id: string;
    }>("SELECT device_key, device_key_revoked_at, importer_id FROM serials WHERE serial = $1", [serial]);
    const row = rows[0];
    if (!row) return "unknown_serial" as const;
    if (!row.device_key) return "no_device_key" as const;
    if (row.device_key_revoked_at) return "exists" as const;
    await tx.query("UPDATE serials SET device_key_revoked_at = $2 WHERE serial = $1", [serial, at]);
    await appendAudit(
      tx,
      "custody.device_key_revoked",
      { serial, reason, by: actor.id, role: actor.role },
      at,
      auditActorOf(actor),
    );
    return "revoked" as const;
  });
}
