// Alert use cases: the fleet sweeps (silent for N days; a share of an importer's chips silent in the
// month; one serial heard from two places whose discs cannot both hold within T minutes; a stable
// latency step to the nearest landmark for K heartbeats, a relay) using the pure detectors of
// src/core/custody/alerts.ts; listing (an importer sees its own chips' alerts only), and moving an
// alert to acknowledged or closed with a reason. Each alert carries the diversion report it opens for
// the US regulator in the Chip Security Act's terms (`reportOf`). Every threshold comes from the
// books in force on the sweep's day (server's clock) via `custodyParameters`, and each alert names
// the rule it came from, so a sweep replays like a decision.
import { type AlertParams, detectFleetSilence, detectRelay, sweepRelay } from "../../core/custody/alerts.ts";
import { custodyParameters } from "../../core/custody/parameters.ts";
import { notFound, quote, SluiceError } from "../../core/errors.ts";
import { type RuleSet, selectRules } from "../../core/rulebook/load.ts";
import type { Rulebook } from "../../core/rulebook/schema.ts";
import type { Clock } from "../ports.ts";
import { parseWith } from "./custody.ts";
import { alertUpdateSchema } from "./inputs.ts";
import type { Actor, AlertDraft, AlertRecord, CustodyStore } from "./ports.ts";

/** Silent chips raised per sweep (a whole fleet going quiet is one outage, not 2M reports). */
export const silentAlertsMax = 2_000_000;
/**
 * The scenario books whose location-verification rules set the thresholds when a sweep is not
 * given others: the Chip Security Act and the licence conditions that carry its numbers.
 */
export const custodyScenarios = [
  "scenario-chip-security-act",
  "scenario-licence-location-conditions",
] as const;
/** The rules in force on a day (ISO date), from which `custodyParameters` reads the thresholds. */
export type RulesOn = (day: string) => Pick<RuleSet, "rules">;
/** The rules of `library` (read on first use) in force on a day, with the custody scenarios. */
export const rulesInForceOf =
  (library: () => readonly Rulebook[]): RulesOn =>
  (day) =>
    selectRules(library(), day, custodyScenarios);
/** What an alert names as its source when no book sets thresholds (docs/custody.md's defaults). */
export const defaultThresholdsSource = "sluice-defaults (docs/custody.md)";
const hourMs = 3_600_000;
const dayMs = 86_400_000;

/** The Chip Security Act category of each alert kind (S.1705 §3: location, user, tampering). */
const reportCategory: Record<string, string> = {
  location_inconsistent: "chip located other than at its licensed location",
  location_impossible: "location evidence contradicts itself (forged or faulty)",
  silent: "location verification no longer reported",
  fleet_silent_share: "a share of an importer's chips no longer report location verification",
  relay: "a stable latency step to the nearest landmark (possible relay from another place)",
  clone: "one serial reported from two places (possible tampering or cloning)",
  heartbeat_not_installed: "chip active outside its licensed custody",
  device_key_revoked: "device key compromised (possible tampering)",
};

/** The diversion report's category of an alert kind (the custody report writes the same). */
export const alertCategory = (kind: string): string => reportCategory[kind] ?? kind;

export function reportOf(alert: AlertRecord) {
  return {
    to: "US Department of Commerce, Bureau of Industry and Security",
    under: "Chip Security Act (S.1705 / H.R.3447): credible information of diversion or tampering",
    category: reportCategory[alert.kind] ?? alert.kind,
    serial: alert.serial,
    importerId: alert.importerId,
    openedAt: alert.openedAt,
    evidence: alert.evidence,
  };
}

export class AlertService {
  constructor(private readonly deps: { store: CustodyStore; clock: Clock; rules: RulesOn }) {}

  /**
   * Runs every fleet detector with the thresholds of the books in force on the server's day; each
   * alert names the rule its thresholds came from. Idempotent: an open alert is not raised twice.
   */
  async sweep(actor: Actor) {
    const now = this.deps.clock();
    const { alerts: params, sources } = custodyParameters(this.deps.rules(now.toISOString().slice(0, 10)));
    const ruleId = sources.alerts ?? defaultThresholdsSource;
    const silentBefore = new Date(now.getTime() - params.silentDaysMax * dayMs);
    const silent = await this.deps.store.silentSerials(silentBefore, silentAlertsMax);
    const clones = await this.deps.store.cloneCandidates(
      new Date(now.getTime() - params.cloneWindowMinutes * 60_000),
    );
    const fleet = await this.fleetSilenceDrafts(now, silentBefore, params, ruleId);
    const relays = await this.relayDrafts(now, params, ruleId);
    const drafts: AlertDraft[] = [
      ...silent.map((s) => ({
        kind: "silent",
        serial: s.serial,
        importerId: s.importerId,
        dedupeKey: `silent:${s.serial}`,
        evidence: {
          lastHeartbeatAt: s.lastHeartbeatAt,
          silentDaysMax: params.silentDaysMax,
          sweptAt: now.toISOString(),
          rule: ruleId,
        },
        rulebook: ruleId,
      })),
      ...clones.map((c) => ({
        kind: "clone",
        serial: c.serial,
        importerId: c.importerId,
        dedupeKey: `clone:${c.serial}`,
        evidence: {
          heartbeats: [c.a, c.b],
          distanceKm: c.distanceKm,
          radiiKm: c.radiiKm,
          windowMinutes: params.cloneWindowMinutes,
          rule: ruleId,
        },
        rulebook: ruleId,
      })),
      ...fleet,
      ...relays,
    ];
    const raised = await this.deps.store.raiseAlerts(drafts, actor, now);
    return {
      silent: silent.length,
      clones: clones.length,
      fleetSilentShares: fleet.length,
      relays: relays.length,
      raised,
      thresholds: params,
      rule: ruleId,
    };
  }

  /** One alert per importer whose silent share this month is over the limit (`detectFleetSilence`). */
  private async fleetSilenceDrafts(now: Date, silentBefore: Date, params: AlertParams, ruleId: string) {
    const month = now.toISOString().slice(0, 7);
    const counts = await this.deps.store.fleetSilenceCounts(silentBefore);
    return counts.flatMap((c): AlertDraft[] => {
      const alert = detectFleetSilence(
        c.importerId,
        { month, installed: c.installed, silent: c.silent },
        params,
      );
      if (!alert) return [];
      return [
        {
          kind: alert.kind,
          serial: null,
          importerId: c.importerId,
          dedupeKey: `fleet_silent_share:${c.importerId}:${month}`,
          evidence: { ...alert.evidence, message: alert.message, rule: ruleId },
          rulebook: ruleId,
        },
      ];
    });
  }

  /**
   * Relay steps (`sweepRelay` over one packed column, `detectRelay` for each hit's evidence): each
   * installed chip's last 2 × K round trips to its nearest landmark, read from a lookback of 2 × K
   * hours (one heartbeat an hour) plus the silence limit, so a chip with gaps still fills its window.
   */
  private async relayDrafts(now: Date, params: AlertParams, ruleId: string) {
    const window = 2 * params.relayHeartbeatsMin;
    const since = new Date(now.getTime() - window * hourMs - params.silentDaysMax * dayMs);
    const nearest = new Map<
      string,
      { serial: string; importerId: string; landmarkId: string; rttsMs: number[] }
    >();
    for (const series of await this.deps.store.nearestRttSeries(since, window)) {
      const kept = nearest.get(series.serial);
      if (!kept || Math.min(...series.rttsMs) < Math.min(...kept.rttsMs)) nearest.set(series.serial, series);
    }
    const chips = [...nearest.values()];
    const column = new Float64Array(chips.length * window);
    for (const [i, chip] of chips.entries()) column.set(chip.rttsMs, i * window);
    const drafts: AlertDraft[] = [];
    sweepRelay(column, window, params, (i) => {
      const chip = chips[i];
      const alert = chip && detectRelay(chip.serial, chip.landmarkId, chip.rttsMs, params);
      if (!chip || !alert) return;
      drafts.push({
        kind: alert.kind,
        serial: chip.serial,
        importerId: chip.importerId,
        dedupeKey: `relay:${chip.serial}`,
        evidence: { ...alert.evidence, message: alert.message, rule: ruleId },
        rulebook: ruleId,
      });
    });
    return drafts;
  }

  async list(actor: Actor, filter: { serial?: string; status?: string; limit?: number }) {
    const importerId = actor.role === "importer" ? (actor.partyId ?? "") : null;
    const rows = await this.deps.store.alerts({ importerId, ...filter, limit: filter.limit ?? 100 });
    return rows.map((a) => ({ ...a, report: reportOf(a) }));
  }

  async get(id: string, actor: Actor) {
    const found = await this.deps.store.alert(id);
    if (!found || (actor.role === "importer" && found.importerId !== actor.partyId))
      throw notFound(`alert ${quote(id)}`);
    return { ...found, report: reportOf(found) };
  }

  async update(id: string, body: unknown, actor: Actor) {
    const input = parseWith(alertUpdateSchema, body, "alert");
    await this.get(id, actor);
    const status = await this.deps.store.updateAlert(
      id,
      input.status,
      input.reason,
      actor,
      this.deps.clock(),
    );
    if (status === "unknown_alert") throw notFound(`alert ${quote(id)}`);
    if (status === "already_closed")
      throw new SluiceError("conflict", `alert ${quote(id)}`, "already closed", status);
    return this.get(id, actor);
  }
}
