// The store-backed screening commands: `sluice lists` (stored versions; import stores a version and
// re-screens every party; diff of stored versions or of two files), `sluice dispositions add|list`
// and `sluice screenings run|show`. The store comes from the environment (DATABASE_URL or
// SLUICE_DATA_DIR) and is always closed; the bundled lists are seeded on first use; SLUICE_NOW
// pins the clock. A list file is parsed and validated before the store is opened. Through --server:
// `lists import` (CSL and custom files, sent as text to POST /v1/lists), `dispositions add|list`
// and `screenings show`; listing and diffing stored versions and `screenings run` have no route.

import { readFileSync } from "node:fs";
import { userInfo } from "node:os";
import type { Command } from "commander";
import { v7 as uuidv7 } from "uuid";
import { diffListFiles, listVersions } from "../../../app/screening.ts";
import {
  addDisposition,
  type DispositionView,
  diffStoredVersions,
  ensureBundledLists,
  listDispositions,
  listVersionsStored,
  partyReview,
  prepareListFile,
  type RescreenReport,
  rescreenAll,
  type StoredListVersion,
  type StoreVersionResult,
  screenPartyById,
  storePreparedVersion,
} from "../../../app/screening-store.ts";
import { badInput, notFound, quote, SluiceError } from "../../../core/errors.ts";
import type { DispositionDecision } from "../../../core/screening/dispositions.ts";
import type { RowProblem } from "../../../core/screening/types.ts";
import type { ListDiff } from "../../../core/screening/versions.ts";
import { openStore, storeConfigFromEnv } from "../../db/open.ts";
import type { Store } from "../../db/store.ts";
import { cliAudit, localOperatorRole } from "../actor.ts";
import { action, printJson } from "../io.ts";
import { pathPart, type Remote, serve } from "../remote.ts";
import { formatHit, formatOf, out } from "./screening-format.ts";

function now(env: NodeJS.ProcessEnv = process.env): Date {
  const pinned = env.SLUICE_NOW;
  if (!pinned) return new Date();
  const instant = new Date(pinned);
  if (Number.isNaN(instant.getTime()))
    throw badInput(`SLUICE_NOW ${quote(pinned)}`, "not an ISO 8601 instant");
  return instant;
}

/** Opens the store, seeds the bundled lists if the store has none, runs, closes. */
async function withStore<T>(at: Date, run: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(storeConfigFromEnv());
  try {
    await ensureBundledLists(store, { at });
    return await run(store);
  } finally {
    await store.close();
  }
}

const versionLine = (v: StoredListVersion): string =>
  `${v.active ? "*" : " "} ${v.listId}@${v.contentHash.slice(0, 12)}  ${v.format}  ${v.entryCount} entries  ` +
  `${v.nameCount} names  imported ${v.importedAt}${v.active ? "" : `  superseded by ${v.supersededBy ?? "?"}`}`;

function diffSummary(diff: ListDiff) {
  return {
    from: diff.from,
    to: diff.to,
    added: diff.added.map((e) => ({ entryId: e.entryId, name: e.names[0]?.text ?? "" })),
    removed: diff.removed.map((e) => ({ entryId: e.entryId, name: e.names[0]?.text ?? "" })),
    changed: diff.changed.map((c) => ({
      entryId: c.entryId,
      name: c.after.names[0]?.text ?? "",
      fields: c.fields,
      fingerprintBefore: c.fingerprintBefore,
      fingerprintAfter: c.fingerprintAfter,
    })),
    unchangedCount: diff.unchangedCount,
  };
}

function printDiff(
  summary: ReturnType<typeof diffSummary>,
  json: boolean,
  extra: Record<string, unknown> = {},
) {
  if (json) return printJson({ ...extra, ...summary });
  out(
    `${summary.added.length} added, ${summary.removed.length} removed, ${summary.changed.length} changed, ${summary.unchangedCount} unchanged`,
  );
  for (const a of summary.added) out(`+ ${a.entryId} ${a.name}`);
  for (const r of summary.removed) out(`- ${r.entryId} ${r.name}`);
  for (const c of summary.changed) out(`~ ${c.entryId} ${c.name} (${c.fields.join(", ")})`);
}

interface ImportFlags {
  format: string;
  listId?: string;
  skipBadRows?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

/** `lists --json <sub>` and `lists <sub> --json` both land on the parent: read both. */
const withParentJson = <T extends { json?: boolean }>(options: T, command: Command): T => ({
  ...options,
  json: options.json === true || command.optsWithGlobals().json === true,
});

function printImport(
  result: StoreVersionResult,
  rescreen: RescreenReport | null,
  skipped: readonly RowProblem[],
  options: ImportFlags,
): void {
  if (options.json === true) printJson({ ...result, skipped, rescreen });
  else {
    const v = result.version;
    out(
      `${result.status} ${v.id}: ${v.entryCount} entries, ${v.nameCount} names` +
        (result.superseded ? ` (supersedes ${result.superseded})` : "") +
        (result.status === "exists" ? ` (imported ${v.importedAt}; nothing changed)` : ""),
    );
    if (rescreen)
      out(
        `re-screened ${rescreen.screened} of ${rescreen.parties} parties: ${rescreen.withAlerts} with alerts, ` +
          `${rescreen.newAlerts} new alert(s), ${rescreen.openAlerts} open (no disposition in force)`,
      );
  }
  if (options.json !== true) for (const s of skipped) out(`skipped ${s.file} line ${s.line}: ${s.why}`);
}

type Prepared = ReturnType<typeof prepareListFile>;
type StoreListVersion = (prepared: Prepared, file: string, options: ImportFlags, at: Date) => Promise<void>;

/** Parses and checks the file here, then stores it with `store` (locally or through the server). */
async function importWith(
  file: string,
  flags: ImportFlags,
  command: Command,
  storeIt: StoreListVersion,
): Promise<number> {
  const options = withParentJson(flags, command);
  const at = now();
  const loaded = prepareListFile(file, formatOf(options.format), {
    at,
    skipBadRows: options.skipBadRows === true,
    ...(options.listId === undefined ? {} : { listId: options.listId }),
  });
  const { listId, format, contentHash, entryCount, nameCount } = loaded.prepared.version;
  if (options.dryRun !== true) {
    await storeIt(loaded, file, options, at);
    return 0;
  }
  if (options.json === true)
    printJson({ dryRun: true, listId, format, contentHash, entryCount, nameCount, skipped: loaded.skipped });
  else
    out(
      `${listId} (${format}) ${contentHash}: ${entryCount} entries, ${nameCount} names (dry run, not stored)`,
    );
  for (const s of options.json === true ? [] : loaded.skipped)
    out(`skipped ${s.file} line ${s.line}: ${s.why}`);
  return 0;
}

const storeLocally: StoreListVersion = async ({ prepared, skipped }, _file, options, at) => {
  const { result, rescreen } = await withStore(at, async (store) => {
    const result = await storePreparedVersion(store, prepared, { at });
    const rescreen = result.status === "created" ? await rescreenAll(store, { at }) : undefined;
    return { result, rescreen };
  });
  printImport(result, rescreen ?? null, skipped, options);
};

/** POST /v1/lists takes CSL and custom files as text; the skipped rows are the ones found here. */
const storeRemotely =
  (remote: Remote): StoreListVersion =>
  async ({ prepared, skipped }, file, options) => {
    if (options.format === "ofac")
      throw badInput("--format `ofac`", "not available through --server (import OFAC files locally)");
    const body = {
      format: options.format,
      content: readFileSync(file, "utf8"),
      listId: prepared.version.listId,
      skipBadRows: options.skipBadRows === true,
    };
    const answer = (await remote.post("/v1/lists", body)) as StoreVersionResult & {
      rescreen: RescreenReport | null;
    };
    const { rescreen, ...result } = answer;
    printImport(result, rescreen, skipped, options);
  };

function registerLists(program: Command): void {
  const lists = program
    .command("lists")
    .description("list versions in the store (* = active; the bundled lists are seeded on first use)")
    .option("--bundled", "the bundled lists as shipped, without opening the store")
    .option("--json", "print JSON")
    .action(
      action(async (options: { bundled?: boolean; json?: boolean }) => {
        if (options.bundled === true) {
          const versions = listVersions();
          if (options.json === true) printJson({ lists: versions });
          else
            for (const v of versions)
              out(`${v.listId}  ${v.format}  ${v.contentHash}  ${v.entryCount} entries`);
          return 0;
        }
        const versions = await withStore(now(), (store) => listVersionsStored(store));
        if (options.json === true) printJson({ lists: versions });
        else for (const v of versions) out(versionLine(v));
        return 0;
      }),
    );
  serve(
    lists
      .command("import <file>")
      .description("validate a list file, store it as a new version of its list and re-screen every party")
      .requiredOption("--format <format>", "csl, ofac or custom")
      .option("--list-id <id>", "list id (default: ofac-sdn, csl, or the file name for custom)")
      .option("--skip-bad-rows", "skip bad rows and report them instead of failing")
      .option("--dry-run", "parse and report only; nothing is stored")
      .option("--json", "print JSON"),
    (file: string, flags: ImportFlags, command: Command) => importWith(file, flags, command, storeLocally),
    (remote, file, flags, command) => importWith(file, flags, command, storeRemotely(remote)),
  );
  lists
    .command("diff <versionA> <versionB>")
    .description(
      "entries added, removed and changed: two stored versions (id, hash or prefix), or two files with --format",
    )
    .option("--format <format>", "diff two files of this format instead of stored versions")
    .option("--json", "print JSON")
    .action(
      action(async (a: string, b: string, flags: { format?: string; json?: boolean }, command: Command) => {
        const options = withParentJson(flags, command);
        if (options.format !== undefined) {
          printDiff(diffSummary(diffListFiles(a, b, formatOf(options.format))), options.json === true);
          return 0;
        }
        const { from, to, diff } = await withStore(now(), (store) => diffStoredVersions(store, a, b));
        if (options.json !== true) out(`${from.id} → ${to.id}`);
        printDiff(diffSummary(diff), options.json === true, { fromVersion: from, toVersion: to });
        return 0;
      }),
    );
}

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

type AddResult = Awaited<ReturnType<typeof addDisposition>>;

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

async function addCommand(options: AddFlags): Promise<number> {
  const at = now();
  const input = dispositionInputOf(options);
  return reportDisposition(
    await withStore(at, (store) =>
      addDisposition(store, input, { at, newId: uuidv7, decider: localOperator(), appendAudit: cliAudit() }),
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

function registerDispositions(program: Command): void {
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
    addCommand,
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
      const at = now();
      const views = await withStore(at, (store) =>
        listDispositions(store, { at, ...(options.party === undefined ? {} : { partyId: options.party }) }),
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

function registerScreenings(program: Command): void {
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
            const report = await withStore(at, (store) =>
              rescreenAll(store, { at, force: options.force === true }),
            );
            if (options.json === true) printJson(report);
            else
              out(
                `screened ${report.screened} of ${report.parties} parties (${report.unchanged} unchanged): ` +
                  `${report.withAlerts} with alerts, ${report.newAlerts} new alert(s), ${report.openAlerts} open`,
              );
            return 0;
          }
          const result = await withStore(at, (store) => screenPartyById(store, party, { at }));
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
      const at = now();
      const review = await withStore(at, (store) => partyReview(store, party, at));
      if (!review) throw notFound(`screening of party ${quote(party)}`, "the party has not been screened");
      return printReview(party, review, options);
    },
    async (remote, party, options) => {
      const review = await remote.get(`/v1/parties/${pathPart(party)}/screening`);
      return printReview(party, review as PartyReview, options);
    },
  );
}

type PartyReview = NonNullable<Awaited<ReturnType<typeof partyReview>>>;

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

export function registerStoreCommands(program: Command): void {
  registerLists(program);
  registerDispositions(program);
  registerScreenings(program);
}
