// The repositories of a failed lab test on SQL, bound to one transaction: the lab's registry entry
// (its key, qualification and revocation), the lot's serial ranges, the failures on record, and the
// audit log bound to the acting principal. `sqlLabTestTransactor` runs a unit of work with them.
import type { AuditActor } from "../../../app/audit/ports.ts";
import type { LabTestRepos } from "../../../app/lab-tests/ports.ts";
import type { Transactor } from "../../../app/ports.ts";
import { parsePublicKey } from "../../../core/evidence/certificate.ts";
import type { SerialRange } from "../../../core/shipments/model.ts";
import { appendAudit } from "../audit.ts";
import type { Store, Tx } from "../store.ts";

const day = (value: unknown): string | null =>
  value === null || value === undefined
    ? null
    : value instanceof Date
      ? value.toISOString().slice(0, 10)
      : String(value).slice(0, 10);

export function sqlLabTestRepos(tx: Tx, actor: AuditActor): LabTestRepos {
  return {
    labs: {
      async find(labId) {
        const { rows } = await tx.query<Record<string, unknown>>(
          `SELECT key_id, public_key, to_char(qualified_from, 'YYYY-MM-DD') AS qualified_from,
                  to_char(qualified_to, 'YYYY-MM-DD') AS qualified_to, to_char(revoked_on, 'YYYY-MM-DD') AS revoked_on
             FROM labs WHERE id = $1`,
          [labId],
        );
        const row = rows[0];
        const key = row ? parsePublicKey(String(row.public_key)) : null;
        if (!row || !key) return null;
        return {
          keyId: String(row.key_id),
          key,
          qualifiedFrom: day(row.qualified_from) ?? "",
          qualifiedTo: day(row.qualified_to),
          revokedOn: day(row.revoked_on),
        };
      },
    },
    lots: {
      async rangesOf(shipmentId) {
        const { rows } = await tx.query<{ serials: SerialRange[] }>(
          "SELECT serials FROM shipments WHERE id = $1",
          [shipmentId],
        );
        return rows[0]?.serials ?? null;
      },
    },
    failures: {
      async hashOf(id) {
        const { rows } = await tx.query<{ failure_hash: string }>(
          "SELECT failure_hash FROM lab_test_failures WHERE id = $1",
          [id],
        );
        return rows[0]?.failure_hash ?? null;
      },
      async insert(row) {
        await tx.query(
          `INSERT INTO lab_test_failures (id, shipment_id, lab_id, failure_hash, canonical_text, document, signature,
                                          tested_on, recorded_by, recorded_at)
           VALUES ($1, $2, $3, $4, $5::text, $5::text::jsonb, $6, $7, $8, $9)`,
          [
            row.id,
            row.shipmentId,
            row.labId,
            row.hash,
            row.canonicalText,
            row.signature,
            row.testedOn,
            row.recordedBy,
            row.recordedAt,
          ],
        );
      },
    },
    audit: { append: (kind, payload, at) => appendAudit(tx, kind, payload, at, actor) },
  };
}

export function sqlLabTestTransactor(store: Store, actor: AuditActor): Transactor<LabTestRepos> {
  return {
    run: (work, options = {}) => store.transaction((tx) => work(sqlLabTestRepos(tx, actor)), options),
  };
}
