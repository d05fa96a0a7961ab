// Re-screening every party against the active list versions after a new version lands: in
// batches of parties, one unit of work each, skipping the parties already screened against the
// same versions, name and country (unless forced), and counting the alerts still open.
import { reviewScreening } from "../../core/screening/dispositions.ts";
import { activeKey } from "./active-index.ts";
import { type PartyScreeningResult, screenedAsNow, screenParty } from "./parties.ts";
import type { ScreenedParty, ScreeningContext, ScreeningRepos, StoredScreening } from "./ports.ts";
import { ensureBundledLists, screeningWrite } from "./versions.ts";

export const rescreenBatchSizeMaxDefault = 100;

export interface RescreenReport {
  readonly indexKey: string;
  readonly parties: number;
  readonly screened: number;
  /** Already screened against exactly these versions, with the same name and country. */
  readonly unchanged: number;
  /** Parties whose current screening has at least one alerting hit. */
  readonly withAlerts: number;
  readonly newAlerts: number;
  /** Alerting hits without a disposition in force (new, expired, or reopened by a changed entry). */
  readonly openAlerts: number;
  readonly batches: number;
}

export interface RescreenOptions {
  readonly batchSizeMax?: number;
  /** Screen again even the parties whose screening is current. */
  readonly force?: boolean;
}

interface BatchCounts {
  screened: number;
  unchanged: number;
  withAlerts: number;
  newAlerts: number;
  openAlerts: number;
}

const countedKeys = ["screened", "unchanged", "withAlerts", "newAlerts", "openAlerts"] as const;

async function rescreenBatch(
  repos: ScreeningRepos,
  context: ScreeningContext,
  page: readonly ScreenedParty[],
  batch: { key: string; at: Date; force: boolean },
): Promise<BatchCounts> {
  const ids = page.map((p) => p.id);
  const latest = await repos.screening.latestScreenings(ids);
  const dispositions = await repos.screening.loadDispositions(ids);
  const counts: BatchCounts = { screened: 0, unchanged: 0, withAlerts: 0, newAlerts: 0, openAlerts: 0 };
  for (const party of page) {
    const prev = latest.get(party.id);
    let current: StoredScreening | undefined = prev;
    if (!prev || !screenedAsNow(prev, party, batch.key) || batch.force) {
      const result: PartyScreeningResult = await screenParty(repos, context.files, party, {
        reason: "list_version",
        at: batch.at,
      });
      counts.screened++;
      counts.newAlerts += result.newAlerts;
      current = result.screening;
    } else counts.unchanged++;
    if (!current || current.hits.length === 0) continue;
    counts.withAlerts++;
    const review = reviewScreening(party.id, current.hits, dispositions, batch.at.toISOString());
    counts.openAlerts += review.hits.filter((r) => r.status !== "active").length;
  }
  return counts;
}

/**
 * Re-screens every party against the active versions, in batches of batchSizeMax parties, one
 * unit of work each (the index is built only if some party needs screening). Parties already
 * screened against the same versions, name and country are skipped unless `force`.
 */
export async function rescreenAll(
  context: ScreeningContext,
  options: RescreenOptions = {},
): Promise<RescreenReport> {
  await ensureBundledLists(context);
  const at = context.clock();
  const key = await context.transactor.run((repos) => activeKey(repos));
  const batchSizeMax = options.batchSizeMax ?? rescreenBatchSizeMaxDefault;
  const batch = { key, at, force: options.force === true };
  const totals = {
    parties: 0,
    screened: 0,
    unchanged: 0,
    withAlerts: 0,
    newAlerts: 0,
    openAlerts: 0,
    batches: 0,
  };
  for (let after = ""; ; ) {
    const done = await context.transactor.run(async (repos) => {
      const page = await repos.screening.partiesPage(after, batchSizeMax);
      return { page, counts: await rescreenBatch(repos, context, page, batch) };
    }, screeningWrite);
    if (done.page.length === 0) break;
    totals.batches++;
    totals.parties += done.page.length;
    for (const k of countedKeys) totals[k] += done.counts[k];
    after = done.page.at(-1)?.id ?? after;
    if (done.page.length < batchSizeMax) break;
  }
  return { indexKey: key, ...totals };
}
