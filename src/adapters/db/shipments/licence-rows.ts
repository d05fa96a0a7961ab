// SQL for the licences of the shipment path (migration 0010): a licence granted on an approved
// application, read by id or as the latest of an order, and written down by a shipment's units and
// value (a conditional UPDATE refuses going over the grant), restored when the shipment is cancelled.
import type { LicenceRow } from "../../../app/shipments/ports.ts";
import type { LicenceInput } from "../../../core/shipments/model.ts";
import type { Tx } from "../store.ts";
import { json } from "./rows.ts";

const licenceColumns = `id, decision_id, order_id, granted_units, used_units, granted_value_cents, used_value_cents,
  to_char(expires_on, 'YYYY-MM-DD') AS expires_on`;
interface LicenceSqlRow {
  id: string;
  decision_id: string;
  order_id: string;
  granted_units: bigint;
  used_units: bigint;
  granted_value_cents: bigint;
  used_value_cents: bigint;
  expires_on: string;
}
const toLicence = (row: LicenceSqlRow): LicenceRow => ({
  id: row.id,
  input: { applicationId: row.decision_id, expiresOn: row.expires_on },
  orderId: row.order_id,
  grantedUnits: row.granted_units,
  usedUnits: row.used_units,
  grantedValueCents: row.granted_value_cents,
  usedValueCents: row.used_value_cents,
  expiresOn: row.expires_on,
});

export async function loadLicence(tx: Tx, id: string): Promise<LicenceRow | undefined> {
  const { rows } = await tx.query<LicenceSqlRow>(`SELECT ${licenceColumns} FROM licences WHERE id = $1`, [
    id,
  ]);
  return rows[0] ? toLicence(rows[0]) : undefined;
}

export async function loadLicenceForOrder(tx: Tx, orderId: string): Promise<LicenceRow | undefined> {
  const { rows } = await tx.query<LicenceSqlRow>(
    `SELECT ${licenceColumns} FROM licences WHERE order_id = $1 ORDER BY granted_at DESC, id LIMIT 1`,
    [orderId],
  );
  return rows[0] ? toLicence(rows[0]) : undefined;
}

export async function insertLicence(
  tx: Tx,
  licence: LicenceInput & { grantedUnits: number; grantedValueCents: bigint },
  orderId: string,
  at: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO licences (id, decision_id, order_id, granted_units, granted_value_cents, conditions, expires_on, granted_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      licence.id,
      licence.applicationId,
      orderId,
      licence.grantedUnits,
      licence.grantedValueCents,
      json(licence.conditions),
      licence.expiresOn,
      at,
    ],
  );
}

/** Writes a shipment down on its licence; false when the licence has too little left. */
export async function writeDownLicence(
  tx: Tx,
  id: string,
  units: bigint,
  valueCents: bigint,
): Promise<boolean> {
  const { rowCount } = await tx.query(
    `UPDATE licences SET used_units = used_units + $2, used_value_cents = used_value_cents + $3
      WHERE id = $1 AND used_units + $2 <= granted_units AND used_value_cents + $3 <= granted_value_cents`,
    [id, units, valueCents],
  );
  return rowCount === 1;
}

export async function restoreLicence(tx: Tx, id: string, units: bigint, valueCents: bigint): Promise<void> {
  await tx.query(
    "UPDATE licences SET used_units = used_units - $2, used_value_cents = used_value_cents - $3 WHERE id = $1",
    [id, units, valueCents],
  );
}
