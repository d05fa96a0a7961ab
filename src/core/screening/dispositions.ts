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
  /** The principal that decided, as the credential names it (never a body field). */
  readonly decidedBy: string;
  /** The role of that principal (absent on dispositions recorded before roles were kept). */
  readonly decidedByRole?: string;
  /** ISO 8601 instant. */
  readonly decidedAt: string;
  /** ISO 8601 instant after which the disposition no longer applies. */
  readonly expiresAt?: string;
  /** Content hash of the list version the hit came from. */
  readonly listVersion: string;
}

/** How a disposition stands against a hit, in order of precedence for review queues. */
export const dispositionStatuses = [
  "none",
  "reopened_entry_changed",
  "expired",
  // A strong hit dismissed by one reviewer: open until a second reviewer or the regulator agrees.
  "pending_second_review",
  "active",
] as const;
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

/**
 * Four eyes (issue #13): dismissing a hit at or above this score on a list of denied or blocked
 * parties (the Entity List, the SDN list, and the Consolidated Screening List that carries both)
 * takes two different reviewers, or the US regulator.
 */
export const strongHitScoreMin = 0.9;
const fourEyesListPattern = /entity|sdn|csl/i;
/** The role whose dismissal of a strong hit needs no second pair of eyes. */
export const regulatorRole = "us-regulator";

export const needsFourEyes = (hit: Pick<Hit, "listId" | "score">): boolean =>
  hit.score >= strongHitScoreMin && fourEyesListPattern.test(hit.listId);

/**
 * Whether the latest false-positive dismissal of a strong hit stands: decided by the regulator, or
 * agreed by a different principal since the last true match on the same entry version.
 */
function secondEyesAgree(hit: Hit, latest: Disposition, all: readonly Disposition[], now: string): boolean {
  if (latest.decidedByRole === regulatorRole) return true;
  const deciders = new Set<string>();
  for (const d of all) {
    if (d.partyId !== latest.partyId || d.listId !== hit.listId || d.entryId !== hit.entryId) continue;
    if (d.decision === "true_match") deciders.clear();
    else if (dispositionStatus(hit, d, now) === "active") deciders.add(d.decidedBy);
  }
  return deciders.size >= 2;
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

/** dispositionStatus with four eyes: a lone dismissal of a strong hit is pending_second_review. */
export function reviewedStatus(
  hit: Hit,
  disposition: Disposition | undefined,
  all: readonly Disposition[],
  now: string,
): DispositionStatus {
  const status = dispositionStatus(hit, disposition, now);
  if (status !== "active" || disposition?.decision !== "false_positive" || !needsFourEyes(hit)) return status;
  return secondEyesAgree(hit, disposition, sortedByTime(all), now) ? status : "pending_second_review";
}

const sortedByTime = (dispositions: readonly Disposition[]): Disposition[] =>
  [...dispositions].sort((a, b) => Date.parse(a.decidedAt) - Date.parse(b.decidedAt));

/**
 * Combines a party's alerting hits with reviewers' dispositions. Truth table, per alerting hit:
 * active true_match → true_match; active false_positive → cleared (a strong hit on a denied- or
 * blocked-party list only once a second reviewer or the regulator agreed: else
 * pending_second_review, still open); none, expired or reopened → open.
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
      const status = reviewedStatus(hit, disposition, dispositions, now);
      return disposition === undefined ? { hit, status } : { hit, disposition, status };
    });
  const confirmed = reviewed.some((r) => r.status === "active" && r.disposition?.decision === "true_match");
  const open = reviewed.some((r) => r.status !== "active");
  return { outcome: confirmed ? "true_match" : open ? "open_alert" : "clear", hits: reviewed };
}
