// The `route` kind: the lot must be exported from an allowed country.
import type { Kind } from "./kind.ts";

export const route: Kind<"route"> = ({ exportFromAllowed }) => {
  const allowed = exportFromAllowed.join(", ");
  return ({ dossier }, v) => {
    const from = dossier.route.exportFrom;
    if (exportFromAllowed.includes(from))
      return v.pass(`exported from ${from}`, { measured: from, required: allowed });
    const message = `exported from ${from} (origin ${dossier.route.origin}); only exports from ${allowed} qualify`;
    return v.fail(message, `export the lot from ${allowed}`, {
      measured: from,
      required: allowed,
      vars: { exportFrom: from },
    });
  };
};
