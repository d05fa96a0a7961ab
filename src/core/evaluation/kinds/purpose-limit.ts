// The `purpose-limit` kind: the declared end-use purpose must be one the rule allows.
import type { Kind } from "./kind.ts";

export const purposeLimit: Kind<"purpose-limit"> = ({ allowedPurposes }) => {
  const allowed = allowedPurposes.join(", ");
  return ({ dossier }, v) => {
    const purpose = dossier.endUse.purpose;
    if (allowedPurposes.includes(purpose))
      return v.pass(`purpose ${purpose} is allowed`, { measured: purpose, required: allowed });
    const message = `purpose ${purpose} is not among the allowed purposes (${allowed})`;
    return v.fail(message, `none for purpose ${purpose}: allowed are ${allowed}`, {
      measured: purpose,
      required: allowed,
      vars: { purpose },
    });
  };
};
