// Alert use cases: the fleet sweeps (silent for N days; one serial heard from two places whose
// discs cannot both hold within T minutes), listing (an importer sees its own chips' alerts only),
// and moving an alert to acknowledged or closed with a reason. Each alert carries the diversion
// report it opens for the US regulator in the Chip Security Act's terms (`reportOf`). Thresholds
// are parameters with their rulebook named in each alert, so a sweep replays like a decision.
import { notFound, quote, SluiceError } from "../../core/errors.ts";
import { parseWith } from "./custody.ts";
import { alertUpdateSchema } from "./inputs.ts";
import type { Actor, AlertDraft, AlertRecord, Clock, CustodyStore } from "./ports.ts";

export interface SweepParams {
  silentDaysMax: number;
  cloneWindowMinutes: number;
  /** Silent chips raised per sweep (a whole fleet going quiet is one outage, not 2M reports). */
  silentAlertsMax: number;
}
export const sweepDefaults: SweepParams = {
  silentDaysMax: 3,
  cloneWindowMinutes: 60,
  silentAlertsMax: 2_000_000,
};
const book = "scenario-chip-security-act";

/** The Chip Security Act category of each alert kind (S.1705 §3: location, user, tampering). */
const reportCategory: Record<string, string> = {
  location_inconsistent: "chip located other than at its licensed location",
  location_impossible: "location evidence contradicts itself (forged or faulty)",
  silent: "location verification no longer reported",
  clone: "one serial reported from two places (possible tampering or cloning)",
  heartbeat_not_installed: "chip active outside its licensed custody",
  device_key_revoked: "device key compromised (possible tampering)",
};

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
  constructor(private readonly deps: { store: CustodyStore; clock: Clock; params?: SweepParams }) {}

  async sweep(actor: Actor) {
    const params = this.deps.params ?? sweepDefaults;
    const now = this.deps.clock();
    const silentBefore = new Date(now.getTime() - params.silentDaysMax * 86_400_000);
    const silent = await this.deps.store.silentSerials(silentBefore, params.silentAlertsMax);
    const clones = await this.deps.store.cloneCandidates(
      new Date(now.getTime() - params.cloneWindowMinutes * 60_000),
    );
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
        },
        rulebook: book,
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
        },
        rulebook: book,
      })),
    ];
    const raised = await this.deps.store.raiseAlerts(drafts, actor, now);
    return { silent: silent.length, clones: clones.length, raised };
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
