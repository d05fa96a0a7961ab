// The `notice-period` kind: US buyers were notified enough business days before the evaluation day.
import { businessDaysBetween } from "../../shared.ts";
import type { Kind } from "./kind.ts";

export const noticePeriod: Kind<"notice-period"> = ({ businessDaysMin }) => {
  const required = `≥ ${businessDaysMin} business days`;
  const noNoticeRemedy = `notify US buyers and wait ${businessDaysMin} business days`;
  return ({ dossier, at }, v) => {
    const notice = dossier.evidence.usBuyerNotice;
    if (!notice) return v.pending("no notice to US buyers on file", noNoticeRemedy, { required });
    const days = businessDaysBetween(notice.noticeOn, at);
    const message = `US buyers were notified ${days} business days ago`;
    if (days >= businessDaysMin) return v.pass(message, { required });
    return v.pending(message, `wait ${businessDaysMin - days} more business days`, {
      measured: `${days} business days`,
      required,
    });
  };
};
