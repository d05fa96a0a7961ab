// The custody thresholds in force: the verdict's speed and radius and the alert detectors' limits,
// read from the `location-verification` rules of the books in force on a day (with the scenarios
// asked for), so an alert replays like a decision. A later book's values replace an earlier one's;
// what no book sets keeps the documented default, and the answer names the rule behind each group.
import type { RuleSet } from "../rulebook/load.ts";
import { type AlertParams, defaultAlertParams } from "./alerts.ts";
import { defaultLocationParams, type LocationParams } from "./location.ts";

/** Observations older than this (server's clock) are stale unless a book says otherwise: 10 minutes. */
export const defaultHeartbeatAgeMaxMs = 600_000;

export interface CustodyParameters {
  location: LocationParams;
  alerts: AlertParams;
  heartbeatAgeMaxMs: number;
  /** The rule each group came from, or null for the default. */
  sources: { location: string | null; alerts: string | null };
}

export function custodyParameters(ruleSet: Pick<RuleSet, "rules">): CustodyParameters {
  const result: CustodyParameters = {
    location: { ...defaultLocationParams },
    alerts: { ...defaultAlertParams },
    heartbeatAgeMaxMs: defaultHeartbeatAgeMaxMs,
    sources: { location: null, alerts: null },
  };
  for (const { rule } of ruleSet.rules) {
    if (rule.kind !== "location-verification" || rule.params.requirement !== "required") continue;
    const { verdict, alerts } = rule.params;
    if (verdict) {
      result.location = { ...verdict };
      result.sources.location = rule.id;
    }
    if (alerts) {
      const { heartbeatAgeMaxMs, ...detectors } = alerts;
      result.alerts = detectors;
      result.heartbeatAgeMaxMs = heartbeatAgeMaxMs;
      result.sources.alerts = rule.id;
    }
  }
  return result;
}
