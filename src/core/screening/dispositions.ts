// Reviewers' dispositions of screening hits, and what they mean for a party now. A disposition
// (false positive or true match, with who, when, why and an optional expiry) binds to the listed
// entry's fingerprint: when the entry changes in a new list version, the disposition reopens.
// Pure: the clock comes in as `now`; storage is the store's job.
import type { Hit } from "./match.ts";

export const dispositionDecisions = ["false_positive", "true_match"] as const;
export type DispositionDecision = (typeof dispositionDecisions)[number];

export interface Disposition {
  readonly partyId: string;
  readonly listId: string;
  readonly entryId: string;
  /** entryFingerprint of the listed entry the reviewer looked at. */
  readonly entryFingerprint: string;
  readonly decision: DispositionDecision;
  readonly reason: string;
  readonly decidedBy: string;
  /** ISO 8601 instant. */
  readonly decidedAt: string;
  /** ISO 8601 instant after which the disposition no longer applies. */
  readonly expiresAt?: string;
  /** Content hash of the list version the hit came from. */
  readonly listVersion: string;
}

/** How a disposition stands against a hit, in order of precedence for review queues. */
export const dispositionStatuses = ["none", "reopened_entry_changed", "expired", "active"] as const;
export type DispositionStatus = (typeof dispositionStatuses)[number];

/** The party's screening outcome, most severe first: a confirmed match, then open alerts. */
export const screeningOutcomes = ["true_match", "open_alert", "clear"] as const;
export type ScreeningOutcome = (typeof screeningOutcomes)[number];

export interface ReviewedHit {
  readonly hit: Hit;
  readonly disposition?: Disposition;
  readonly status: DispositionStatus;
}

export interface PartyScreening {
  readonly outcome: ScreeningOutcome;
  readonly hits: readonly ReviewedHit[];
}

export function dispositionStatus(
  hit: Hit,
  disposition: Disposition | undefined,
  now: string,
): DispositionStatus {
  if (disposition === undefined) return "none";
  if (disposition.entryFingerprint !== hit.entryFingerprint) return "reopened_entry_changed";
  if (disposition.expiresAt !== undefined && Date.parse(disposition.expiresAt) <= Date.parse(now))
    return "expired";
  return "active";
}

/** The latest disposition per (list, entry) for the party. */
function latestByEntry(partyId: string, dispositions: readonly Disposition[]): Map<string, Disposition> {
  const latest = new Map<string, Disposition>();
  for (const d of dispositions) {
    if (d.partyId !== partyId) continue;
    const key = `${d.listId}\n${d.entryId}`;
    const prev = latest.get(key);
    if (prev === undefined || Date.parse(d.decidedAt) >= Date.parse(prev.decidedAt)) latest.set(key, d);
  }
  return latest;
}

/**
 * Combines a party's alerting hits with reviewers' dispositions. Truth table, per alerting hit:
 * active true_match → true_match; active false_positive → cleared; none, expired or reopened → open.
 * The party is `true_match` if any hit is, else `open_alert` if any hit is open, else `clear`.
 */
export function reviewScreening(
  partyId: string,
  hits: readonly Hit[],
  dispositions: readonly Disposition[],
  now: string,
): PartyScreening {
  const latest = latestByEntry(partyId, dispositions);
  const reviewed: ReviewedHit[] = hits
    .filter((h) => h.alert)
    .map((hit) => {
      const disposition = latest.get(`${hit.listId}\n${hit.entryId}`);
      const status = dispositionStatus(hit, disposition, now);
      return disposition === undefined ? { hit, status } : { hit, disposition, status };
    });
  const confirmed = reviewed.some((r) => r.status === "active" && r.disposition?.decision === "true_match");
  const open = reviewed.some((r) => r.status !== "active");
  return { outcome: confirmed ? "true_match" : open ? "open_alert" : "clear", hits: reviewed };
}
