// The `import-approval` kind: the Chinese import approval covers this importer, quantity, purpose
// and date.
import { anotherParty, type Kind } from "./kind.ts";

/** Same name up to case, spaces and punctuation (equal lower-case texts need no regex). */
function sameName(a: string, b: string): boolean {
  const lowerA = a.toLowerCase();
  const lowerB = b.toLowerCase();
  return (
    lowerA === lowerB || lowerA.replace(/[^\p{L}\p{N}]+/gu, "") === lowerB.replace(/[^\p{L}\p{N}]+/gu, "")
  );
}

export const importApproval: Kind<"import-approval"> =
  (params) =>
  ({ dossier, at }, v) => {
    const approval = dossier.evidence.cnImportApproval;
    if (!approval) {
      return v.pending(
        "no Chinese import approval on file",
        "obtain the importer's approval from the Chinese import authority",
      );
    }
    const id = approval.id;
    if (at < approval.validFrom)
      return v.pending(
        `approval ${id} is valid only from ${approval.validFrom}`,
        `wait until ${approval.validFrom}`,
      );
    if (at > approval.validTo)
      return v.fail(`approval ${id} expired on ${approval.validTo}`, "obtain a new approval");
    const consignee = dossier.parties.consignee.name;
    if (!sameName(approval.importer, consignee)) {
      return v.fail(
        `approval ${id} names ${approval.importer}, not the consignee ${consignee}`,
        `obtain an approval naming ${consignee}`,
      );
    }
    const sector = dossier.parties.endUser.sector;
    if (sector && params.excludedSectors.includes(sector))
      return v.fail(`end user sector ${sector} is excluded from import approvals`, anotherParty);
    const purpose = dossier.endUse.purpose;
    if (params.requirePurposeMatch && approval.purpose !== purpose) {
      return v.fail(
        `approval ${id} is for ${approval.purpose}, not ${purpose}`,
        `obtain an approval for purpose ${purpose}`,
      );
    }
    const after = approval.usedUnits + dossier.quantityUnits;
    const figures = { measured: `${after} units`, required: `≤ ${approval.approvedUnits} units` };
    if (after > approval.approvedUnits) {
      const remedy = `obtain approval for ${after - approval.approvedUnits} more units, or cut the lot`;
      return v.fail(
        `approval ${id} would be exhausted: ${after} of ${approval.approvedUnits} units`,
        remedy,
        figures,
      );
    }
    return v.pass(
      `approval ${id} covers ${dossier.quantityUnits} units (${after} of ${approval.approvedUnits})`,
      figures,
    );
  };
