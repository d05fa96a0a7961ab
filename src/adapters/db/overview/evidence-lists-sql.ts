// Lists of evidence records for the web app (EvidenceListReader of src/app/overview/ports.ts):
// labs, lab certificates and §232 duty entries (tables of migration 0040), by id, a page at a
// time. A lab's token reads only its own lab and certificates (`labId`).
import type {
  CertificateSummary,
  DutyEntrySummary,
  EvidenceListReader,
  LabSummary,
  ListWindow,
} from "../../../app/overview/ports.ts";
import type { Store } from "../store.ts";

const day = (value: unknown): string =>
  value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10);
const dayOrNull = (value: unknown): string | null =>
  value === null || value === undefined ? null : day(value);
const iso = (value: unknown): string => (value instanceof Date ? value.toISOString() : String(value));

export class SqlEvidenceLists implements EvidenceListReader {
  constructor(private readonly store: Store) {}

  async listLabs(window: ListWindow, labId: string | null): Promise<LabSummary[]> {
    const { rows } = await this.store.query<Record<string, unknown>>(
      `SELECT id, name, headquarters_country, key_id, qualified_from, qualified_to, revoked_on FROM labs
        WHERE id > $1 AND ($3::text IS NULL OR id = $3) ORDER BY id COLLATE "C" LIMIT $2`,
      [window.after, window.limit, labId],
    );
    return rows.map((row) => ({
      id: String(row.id),
      name: String(row.name),
      headquartersCountry: String(row.headquarters_country),
      keyId: String(row.key_id),
      qualifiedFrom: day(row.qualified_from),
      qualifiedTo: dayOrNull(row.qualified_to),
      revokedOn: dayOrNull(row.revoked_on),
    }));
  }

  async listCertificates(
    window: ListWindow,
    labId: string | null,
    shipmentId?: string,
  ): Promise<CertificateSummary[]> {
    const { rows } = await this.store.query<Record<string, unknown>>(
      `SELECT id, shipment_id, lab_id, certificate_hash, tested_on, status, submitted_at FROM lab_certificates
        WHERE id > $1 AND ($3::text IS NULL OR lab_id = $3) AND ($4::text IS NULL OR shipment_id = $4)
        ORDER BY id COLLATE "C" LIMIT $2`,
      [window.after, window.limit, labId, shipmentId ?? null],
    );
    return rows.map((row) => ({
      id: String(row.id),
      shipmentId: String(row.shipment_id),
      labId: String(row.lab_id),
      hash: String(row.certificate_hash),
      testedOn: day(row.tested_on),
      status: row.status === "lab_revoked" ? "lab_revoked" : "ok",
      submittedAt: iso(row.submitted_at),
    }));
  }

  async listDutyEntries(window: ListWindow): Promise<DutyEntrySummary[]> {
    const { rows } = await this.store.query<Record<string, unknown>>(
      `SELECT id, shipment_id, entered_on, hts_code, band, entered_value_cents, rate_percent, exemption_kind,
              duty_owed_cents, duty_paid_cents
         FROM duty_entries WHERE id > $1 AND reversed_at IS NULL ORDER BY id COLLATE "C" LIMIT $2`,
      [window.after, window.limit],
    );
    return rows.map((row) => ({
      id: String(row.id),
      shipmentId: String(row.shipment_id),
      enteredOn: day(row.entered_on),
      htsCode: String(row.hts_code),
      band: row.band === null ? null : Number(row.band),
      enteredValueCents: BigInt(String(row.entered_value_cents)),
      ratePercent: Number(row.rate_percent),
      exemptionKind: row.exemption_kind === null ? null : String(row.exemption_kind),
      dutyOwedCents: BigInt(String(row.duty_owed_cents)),
      dutyPaidCents: BigInt(String(row.duty_paid_cents)),
    }));
  }
}
