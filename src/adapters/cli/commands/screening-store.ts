// The store-backed screening commands: `sluice lists` (screening-lists.ts, registered here),
// `sluice dispositions add|list` and `sluice screenings run|show`. Each runs on the screening port
// of the configured store (DATABASE_URL or SLUICE_DATA_DIR, from the wiring), which is always
// closed; the bundled lists are seeded on first use; SLUICE_NOW pins the clock, one instant per
// invocation. Through --server: `dispositions add|list` and `screenings show`; `screenings run`
// has no route.

import { userInfo } from "node:os";
import type { Command } from "commander";
import {
  type AddDispositionResult,
  addDisposition,
  type DispositionView,
  listDispositions,
} from "../../../app/screening/dispositions.ts";
import { screenPartyById } from "../../../app/screening/parties.ts";
import type { ScreeningContextFor } from "../../../app/screening/ports.ts";
import { rescreenAll } from "../../../app/screening/rescreen.ts";
import { ensureBundledLists } from "../../../app/screening/versions.ts";
import { type PartyReview, partyReview } from "../../../app/screening/views.ts";
import { localOperatorRole } from "../../../core/audit/actor.ts";
import { badInput, notFound, quote, SluiceError } from "../../../core/errors.ts";
import type { DispositionDecision } from "../../../core/screening/dispositions.ts";
import { cliActor } from "../actor.ts";
import { action, printJson } from "../io.ts";
import { pathPart, type Remote, serve } from "../remote.ts";
import type { CliWiring } from "../wiring.ts";
import { formatHit, out } from "./screening-format.ts";
import { registerLists } from "./screening-lists.ts";

export function now(env: NodeJS.ProcessEnv = process.env): Date {
  const pinned = env.SLUICE_NOW;
  if (!pinned) return new Date();
  const instant = new Date(pinned);
  if (Number.isNaN(instant.getTime()))
    throw badInput(`SLUICE_NOW ${quote(pinned)}`, "not an ISO 8601 instant");
  return instant;
}

/** Opens the store, seeds the bundled lists if the store has none, runs, closes. */

/**
 * Runs on the configured store's screening port at `at` (one instant for the whole invocation),
 * after seeding the bundled lists if the store has none; the store is closed afterwards.
 */
export function withScreening<T>(
  wiring: CliWiring,
  at: Date,
  run: (screening: ScreeningContextFor) => Promise<T>,
): Promise<T> {
  return wiring.withScreening(
    () => at,
    async (screening) => {
      await ensureBundledLists(screening());
      return run(screening);
    },
  );
}

/** `lists --json <sub>` and `lists <sub> --json` both land on the parent: read both. */
export const withParentJson = <T extends { json?: boolean }>(options: T, command: Command): T => ({
  ...options,
  json: options.json === true || command.optsWithGlobals().json === true,
});

const decisionByFlag: Record<string, DispositionDecision> = {
  "false-positive": "false_positive",
  false_positive: "false_positive",
  "true-match": "true_match",
  true_match: "true_match",
};

function decisionOf(value: string): DispositionDecision {
  const decision = decisionByFlag[value];
  if (!decision) throw badInput(`decision ${quote(value)}`, "must be false-positive or true-match");
  return decision;
}

/** A date alone means from the start of that day, UTC. */
const expiryOf = (value: string): string =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;

interface AddFlags {
  party: string;
  list: string;
  entry: string;
  decision: string;
  reason: string;
  expires?: string;
  id?: string;
  json?: boolean;
}

function dispositionInputOf(options: AddFlags) {
  return {
    ...(options.id === undefined ? {} : { id: options.id }),
    partyId: options.party,
    listId: options.list,
    entryId: options.entry,
    decision: decisionOf(options.decision),
    reason: options.reason,
    ...(options.expires === undefined ? {} : { expiresAt: expiryOf(options.expires) }),
  };
}

type AddResult = AddDispositionResult;

function reportDisposition({ status, disposition }: AddResult, options: AddFlags): number {
  if (status.startsWith("exists_with_different_"))
    throw new SluiceError(
      "conflict",
      `disposition ${quote(disposition.id)}`,
      `exists with a different ${status.slice("exists_with_different_".length).replaceAll("_", " ")}`,
      status,
    );
  if (options.json === true) printJson({ status, disposition });
  else
    out(
      `${status} ${disposition.id}: ${disposition.decision.replace("_", "-")} for party ${disposition.partyId} on ` +
        `${disposition.listId} ${disposition.entryId} (entry ${disposition.entryFingerprint.slice(0, 12)}, ` +
        `list version ${disposition.listVersion.slice(0, 12)})${disposition.expiresAt ? `, expires ${disposition.expiresAt}` : ""}`,
    );
  return 0;
}

/**
 * Who decides on the local store: the operating-system user that opened it, with the store's full
 * rights (the HTTP API names the token's principal instead). Never a flag: `--by` is gone (#13).
 */
const localOperator = () => ({ id: `cli:${userInfo().username}`, role: localOperatorRole });

async function addCommand(wiring: CliWiring, options: AddFlags): Promise<number> {
  const input = dispositionInputOf(options);
  return reportDisposition(
    await withScreening(wiring, now(), (screening) =>
      addDisposition(screening(cliActor()), input, localOperator()),
    ),
    options,
  );
}

async function addRemote(remote: Remote, options: AddFlags): Promise<number> {
  const answer = await remote.post("/v1/dispositions", dispositionInputOf(options));
  return reportDisposition(answer as AddResult, options);
}

function printDispositions(views: DispositionView[], options: { json?: boolean }): number {
  if (options.json === true) printJson({ dispositions: views });
  else for (const view of views) out(dispositionLine(view));
  return 0;
}

const dispositionLine = ({ disposition: d, status }: DispositionView): string =>
  `${d.id}  ${d.partyId}  ${d.listId} ${d.entryId}  ${d.decision.replace("_", "-")}  ${status}  by ${d.decidedBy} ` +
  `${d.decidedAt}${d.expiresAt ? ` until ${d.expiresAt}` : ""}  "${d.reason}"`;

function registerDispositions(program: Command, wiring: CliWiring): void {
  const dispositions = program.command("dispositions").description("reviewers' decisions on screening hits");
  serve(
    dispositions
      .command("add")
      .description("record a false positive or a true match for a hit of the party's latest screening")
      .requiredOption("--party <id>", "party id")
      .requiredOption("--list <id>", "list id of the hit")
      .requiredOption("--entry <id>", "entry id of the hit")
      .requiredOption("--decision <decision>", "false-positive or true-match")
      .requiredOption("--reason <text>", "why (required)")
      .option("--expires <date>", "no longer applies from this date (yyyy-mm-dd, 00:00 UTC) or instant")
      .option("--id <id>", "client-supplied id (a replay answers exists)")
      .option("--json", "print JSON"),
    (options: AddFlags) => addCommand(wiring, options),
    addRemote,
  );
  serve(
    dispositions
      .command("list")
      .description(
        "dispositions with their status now: active, expired, reopened_entry_changed, no_current_hit, superseded",
      )
      .option("--party <id>", "only this party")
      .option("--json", "print JSON"),
    async (options: { party?: string; json?: boolean }) => {
      const views = await withScreening(wiring, now(), (screening) =>
        listDispositions(screening(), options.party === undefined ? {} : { partyId: options.party }),
      );
      return printDispositions(views, options);
    },
    async (remote, options) => {
      const answer = (await remote.get("/v1/dispositions", { party: options.party })) as {
        items: DispositionView[];
      };
      return printDispositions(answer.items, options);
    },
  );
}

function registerScreenings(program: Command, wiring: CliWiring): void {
  const screenings = program.command("screenings").description("screenings of stored parties");
  screenings
    .command("run [party]")
    .description("re-screen one party, or every party with --all, against the active list versions")
    .option("--all", "every party (those already screened against the active versions are skipped)")
    .option("--force", "with --all: screen again even when nothing changed")
    .option("--json", "print JSON")
    .action(
      action(
        async (party: string | undefined, options: { all?: boolean; force?: boolean; json?: boolean }) => {
          const at = now();
          if (party === undefined && options.all !== true)
            throw badInput("party", "give a party id or --all");
          if (party === undefined) {
            const report = await withScreening(wiring, at, (screening) =>
              rescreenAll(screening(), { force: options.force === true }),
            );
            if (options.json === true) printJson(report);
            else
              out(
                `screened ${report.screened} of ${report.parties} parties (${report.unchanged} unchanged): ` +
                  `${report.withAlerts} with alerts, ${report.newAlerts} new alert(s), ${report.openAlerts} open`,
              );
            return 0;
          }
          const result = await withScreening(wiring, at, (screening) => screenPartyById(screening(), party));
          if (options.json === true) printJson(result);
          else {
            out(`${party}: ${result.screening.hits.length} alert(s), ${result.newAlerts} new`);
            for (const hit of result.screening.hits) out(formatHit(hit));
          }
          return 0;
        },
      ),
    );
  serve(
    screenings
      .command("show <party>")
      .description("the party's latest screening: outcome, alerts with explanations and dispositions")
      .option("--json", "print JSON"),
    async (party: string, options: { json?: boolean }) => {
      const review = await withScreening(wiring, now(), (screening) => partyReview(screening(), party));
      if (!review) throw notFound(`screening of party ${quote(party)}`, "the party has not been screened");
      return printReview(party, review, options);
    },
    async (remote, party, options) => {
      const review = await remote.get(`/v1/parties/${pathPart(party)}/screening`);
      return printReview(party, review as PartyReview, options);
    },
  );
}

function printReview(party: string, review: PartyReview, options: { json?: boolean }): number {
  if (options.json === true) {
    printJson(review);
    return 0;
  }
  const s = review.screening;
  out(`${party}: ${review.review.outcome}; screened ${s.screenedAt} (${s.reason}) as "${s.name}"`);
  out(`against: ${s.listVersions.map((v) => `${v.listId}@${v.version.slice(0, 12)}`).join(", ")}`);
  for (const r of review.review.hits) {
    out(formatHit(r.hit));
    const d = r.disposition;
    out(
      `      disposition: ${r.status}${d ? ` (${d.decision.replace("_", "-")} by ${d.decidedBy}: ${d.reason})` : ""}`,
    );
  }
  return 0;
}

export function registerStoreCommands(program: Command, wiring: CliWiring): void {
  registerLists(program, wiring);
  registerDispositions(program, wiring);
  registerScreenings(program, wiring);
}
