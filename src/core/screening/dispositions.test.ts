// Dispositions against hits: active, expired, reopened when the listed entry changed; the party's
// outcome by the truth table in dispositions.ts.
import { describe, expect, it } from "vitest";
import { type Disposition, reviewScreening } from "./dispositions.ts";
import type { Hit } from "./match.ts";

const hit = (entryId: string, fingerprint: string, alert = true): Hit => ({
  listId: "ofac-sdn",
  entryId,
  entryFingerprint: fingerprint,
  name: `entry ${entryId}`,
  type: "entity",
  countries: [],
  score: alert ? 0.85 : 0.6, // an alert below the four-eyes threshold (0.9): one reviewer clears it
  alert,
  explanation: {} as Hit["explanation"],
});

const disposition = (
  entryId: string,
  decision: Disposition["decision"],
  extra: Partial<Disposition> = {},
): Disposition => ({
  partyId: "p1",
  listId: "ofac-sdn",
  entryId,
  entryFingerprint: "fp-a",
  decision,
  reason: "different company, different city",
  decidedBy: "reviewer@exporter",
  decidedAt: "2026-01-10T00:00:00Z",
  listVersion: "abc",
  ...extra,
});

const now = "2026-02-01T00:00:00Z";

describe("reviewScreening", () => {
  it("is clear when every alert has an active false-positive disposition; non-alerts are ignored", () => {
    const r = reviewScreening(
      "p1",
      [hit("1", "fp-a"), hit("2", "fp-b", false)],
      [disposition("1", "false_positive")],
      now,
    );
    expect(r.outcome).toBe("clear");
    expect(r.hits.map((h) => [h.hit.entryId, h.status])).toEqual([["1", "active"]]);
  });

  it("keeps an alert open without a disposition, after expiry, or when the entry changed", () => {
    expect(reviewScreening("p1", [hit("1", "fp-a")], [], now).outcome).toBe("open_alert");
    const expired = reviewScreening(
      "p1",
      [hit("1", "fp-a")],
      [disposition("1", "false_positive", { expiresAt: "2026-01-31T00:00:00Z" })],
      now,
    );
    expect([expired.outcome, expired.hits[0]?.status]).toEqual(["open_alert", "expired"]);
    const changed = reviewScreening(
      "p1",
      [hit("1", "fp-changed")],
      [disposition("1", "false_positive")],
      now,
    );
    expect([changed.outcome, changed.hits[0]?.status]).toEqual(["open_alert", "reopened_entry_changed"]);
  });

  it("a true match wins; the latest disposition of the party counts; other parties' do not", () => {
    const hits = [hit("1", "fp-a"), hit("2", "fp-a")];
    const ds = [
      disposition("1", "false_positive"),
      disposition("2", "false_positive"),
      disposition("2", "true_match", { decidedAt: "2026-01-20T00:00:00Z" }),
      disposition("1", "true_match", { partyId: "p2" }),
    ];
    const r = reviewScreening("p1", hits, ds, now);
    expect(r.outcome).toBe("true_match");
    expect(r.hits.map((h) => h.disposition?.decision)).toEqual(["false_positive", "true_match"]);
  });
});
