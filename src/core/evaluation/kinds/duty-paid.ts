// The `duty-paid` kind: the Section 232 duty owed on the US entry has been paid.
import type { Kind } from "./kind.ts";
import { formatCents, percentOfCents } from "./money.ts";

export const dutyPaid: Kind<"duty-paid"> =
  ({ ratePercent, exemptionsAllowed }) =>
  ({ dossier }, v) => {
    const entry = dossier.evidence.dutyEntry;
    if (!entry) {
      const remedy = "file the US customs entry for this lot and pay the Section 232 duty";
      return v.pending("no US entry with Section 232 duty on file", remedy);
    }
    if (entry.exemption) {
      const claim = `entry ${entry.id} claims exemption ${entry.exemption.kind}`;
      if (exemptionsAllowed) return v.pass(claim);
      return v.fail(
        `${claim}, which does not cover a lot exported from the US`,
        "withdraw the claim and pay the duty",
      );
    }
    const owed = percentOfCents(entry.enteredValueCents, ratePercent);
    const figures = {
      measured: formatCents(entry.dutyPaidCents),
      required: `${formatCents(owed)} (${ratePercent} % of ${formatCents(entry.enteredValueCents)})`,
      unit: "USD",
    };
    if (entry.dutyPaidCents >= owed) return v.pass(`duty paid on entry ${entry.id}`, figures);
    const shortfall = owed - entry.dutyPaidCents;
    const short = formatCents(shortfall);
    const remedy = {
      summary: `pay the remaining ${short} of duty`,
      details: { shortfallCents: shortfall.toString() },
    };
    return v.pending(`duty on entry ${entry.id} is short by ${short}`, remedy, figures);
  };
