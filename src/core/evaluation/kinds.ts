// The predicate kinds a rulebook can use. A kind is compiled once per rule in force: given the
// rule's parameters it prepares what depends only on them (texts, bigints) and returns the
// predicate, a pure function (subject, verdict) → finding. A predicate states its result through
// the rule's `Verdict`, which builds the finding directly. Every fail and pending must say what
// would make it pass: `fail` and `pending` take the remedy as a required argument, so a predicate
// without one does not compile. A kind never throws on data the dossier schema accepted; if one
// throws anyway (compiling or running), `evaluate` fails closed.
// Each kind is one module under kinds/ (named as in rulebooks); this file is their table.
import type { RuleKind } from "../rulebook/schema.ts";
import { certificationRequired } from "./kinds/certification-required.ts";
import { domesticRatio } from "./kinds/domestic-ratio.ts";
import { dutyPaid } from "./kinds/duty-paid.ts";
import { evidenceRequired } from "./kinds/evidence-required.ts";
import { importApproval } from "./kinds/import-approval.ts";
import type { Kind } from "./kinds/kind.ts";
import { labCertificate } from "./kinds/lab-certificate.ts";
import { listScreening } from "./kinds/list-screening.ts";
import { noticePeriod } from "./kinds/notice-period.ts";
import { partyAttribute } from "./kinds/party-attribute.ts";
import { policy } from "./kinds/policy.ts";
import { prepayment } from "./kinds/prepayment.ts";
import { purposeLimit } from "./kinds/purpose-limit.ts";
import { ratioCap } from "./kinds/ratio-cap.ts";
import { revenueShare } from "./kinds/revenue-share.ts";
import { route } from "./kinds/route.ts";
import { threshold } from "./kinds/threshold.ts";

export type { Figures, Predicate, Verdict } from "./kinds/kind.ts";
export { formatCents, percentOfCents } from "./kinds/money.ts";

const locationVerification: Kind<"location-verification"> = ({ requirement, onViolation }) => {
  const required = requirement === "required" ? "signed-latency" : "none";
  const unstated = "the dossier does not say whether the chips carry location verification";
  const unstatedRemedy = "state product.locationVerification (none or signed-latency)";
  const remedy =
    requirement === "required"
      ? "fit the chips with location verification (signed round trips to landmarks) before export"
      : "none for chips that carry location verification: ship chips without it";
  return ({ dossier }, v) => {
    const method = dossier.product.locationVerification;
    if (method === undefined) return v.pending(unstated, unstatedRemedy, { required });
    const figures = { measured: method, required };
    if (method === required)
      return v.pass(
        requirement === "required"
          ? "the chips carry location verification (signed latency)"
          : "the chips carry no location verification",
        figures,
      );
    const message =
      requirement === "required"
        ? "the chips carry no location verification, which is required before export"
        : "the chips carry location verification (signed latency), which is refused here";
    return onViolation === "fail" ? v.fail(message, remedy, figures) : v.pending(message, remedy, figures);
  };
};

export const kinds: { [K in RuleKind]: Kind<K> } = {
  policy,
  threshold,
  route,
  "party-attribute": partyAttribute,
  "certification-required": certificationRequired,
  "evidence-required": evidenceRequired,
  "purpose-limit": purposeLimit,
  "ratio-cap": ratioCap,
  "lab-certificate": labCertificate,
  "duty-paid": dutyPaid,
  prepayment,
  "import-approval": importApproval,
  "domestic-ratio": domesticRatio,
  "list-screening": listScreening,
  "notice-period": noticePeriod,
  "revenue-share": revenueShare,
  "location-verification": locationVerification,
};
