// The evidence gates' use cases as one object for the routes, the CLI and the seed: the lab
// registry and revocations, signed lab certificates, Section 232 entries and duty payments,
// invoices/payments/forfeitures, Chinese import approvals, domestic-chip purchases and customs
// events, the dossier's `evidence` section, and the reads the adapters make of these records.
// Every write validates first, then applies in one SERIALIZABLE unit of work with its audit entry;
// a refusal is a status and changes nothing; a replayed client id answers `exists` or
// `exists_with_different_<field>`. Each record keeps its author (`recorded_by`, issue #13), whose
// reversal (src/app/reversals) the reads here then ignore. The use cases are in this folder's
// modules, one per record kind; this facade binds them to one EvidenceContext.
import type { DossierInput } from "../../core/dossier/schema.ts";
import type { CertificateRules } from "../../core/evidence/checks.ts";
import type { IsoDate } from "../../core/shared.ts";
import type { OrderRow, ShipmentRow } from "../shipments/ports.ts";
import * as approvals from "./approvals.ts";
import * as certificates from "./certificates.ts";
import * as duty from "./duty.ts";
import * as labs from "./labs.ts";
import * as payments from "./payments.ts";
import type { CertificateRow, EvidenceContext, LabRow, RevertRelease } from "./ports.ts";
import { read } from "./unit.ts";
import { evidenceView } from "./view.ts";

export type { SubmitResult, SubmitStatus } from "./certificates.ts";
export type { Revocation } from "./labs.ts";
export type { CreateStatus, EvidenceContext, RevertRelease } from "./ports.ts";

export class EvidenceService {
  /** Registered public keys as KeyObjects, made once per key (certificate checks reuse them). */
  private readonly keys: certificates.LabKeys = new Map();

  constructor(private readonly context: EvidenceContext) {}

  registerLab(input: unknown) {
    return labs.registerLab(this.context, input);
  }

  /** See `revokeLab` in ./labs.ts: reverts the releases relying on the lab through `revertRelease`. */
  revokeLab(input: unknown, revertRelease?: RevertRelease, ifVersion?: number) {
    return labs.revokeLab(this.context, input, revertRelease, ifVersion);
  }

  submitCertificate(input: unknown, options: { at?: IsoDate; shipmentId?: string } = {}) {
    return certificates.submitCertificate(this.context, this.keys, input, options);
  }

  /** The `lab-certificate` rule in force on `at`: its parameters drive the checks. */
  certificateRules(at: IsoDate): CertificateRules {
    return certificates.certificateRules(this.context, at);
  }

  recordDutyEntry(input: unknown) {
    return duty.recordDutyEntry(this.context, input);
  }

  payDuty(input: unknown) {
    return duty.payDuty(this.context, input);
  }

  invoice(input: unknown) {
    return payments.invoice(this.context, input);
  }

  pay(input: unknown) {
    return payments.pay(this.context, input);
  }

  /** Forfeits the order's paid cash (never a refund): the use case behind `sluice payments forfeit`. */
  forfeit(orderId: string, reason: string, options: { id?: string; on?: IsoDate } = {}) {
    return payments.forfeit(this.context, orderId, reason, options);
  }

  recordImportApproval(input: unknown) {
    return approvals.recordImportApproval(this.context, input);
  }

  recordDomesticPurchase(input: unknown) {
    return approvals.recordDomesticPurchase(this.context, input);
  }

  recordCustomsEvent(input: unknown) {
    return approvals.recordCustomsEvent(this.context, input);
  }

  /** The dossier's evidence section for an order (and one of its shipments) from the records. */
  view(orderId: string, shipmentId: string | null): Promise<DossierInput["evidence"]> {
    return read(this.context, (repos) => evidenceView(repos, orderId, shipmentId));
  }

  /** A registered lab as stored (its version is the lab's ETag over HTTP). */
  lab(id: string): Promise<LabRow | undefined> {
    return this.context.transactor.run((repos) => repos.evidence.loadLab(id));
  }

  /** A certificate on file and the order of the lot it is filed for (who may read it). */
  certificate(id: string): Promise<{ certificate: CertificateRow; order: OrderRow | undefined } | undefined> {
    return this.context.transactor.run(async (repos) => {
      const certificate = await repos.evidence.loadCertificate(id);
      const shipment = certificate && (await repos.shipments.loadShipment(certificate.shipmentId));
      return (
        certificate && { certificate, order: shipment && (await repos.shipments.loadOrder(shipment.orderId)) }
      );
    });
  }

  order(id: string): Promise<OrderRow | undefined> {
    return this.context.transactor.run((repos) => repos.shipments.loadOrder(id));
  }

  shipment(id: string): Promise<ShipmentRow | undefined> {
    return this.context.transactor.run((repos) => repos.shipments.loadShipment(id));
  }

  /** A lot as a lab certifies it: the shipment and its order, read in one snapshot. */
  lot(shipmentId: string): Promise<{ shipment: ShipmentRow; order: OrderRow | undefined } | undefined> {
    return this.context.transactor.run(async (repos) => {
      const shipment = await repos.shipments.loadShipment(shipmentId);
      return shipment && { shipment, order: await repos.shipments.loadOrder(shipment.orderId) };
    });
  }
}
