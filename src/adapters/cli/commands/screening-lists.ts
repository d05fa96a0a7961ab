// `sluice lists`: the list versions in the store (or the bundled ones as shipped), `lists import`
// (a file parsed and validated before the store is opened, stored as a new version, then every
// party re-screened; through --server CSL and custom files go to POST /v1/lists as text) and
// `lists diff` (two stored versions, or two files with --format).
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { diffListFiles, listVersions } from "../../../app/screening/lists.ts";
import type { ScreeningFiles, StoredListVersion } from "../../../app/screening/ports.ts";
import { type RescreenReport, rescreenAll } from "../../../app/screening/rescreen.ts";
import {
  diffStoredVersions,
  listVersionsStored,
  prepareListFile,
  type StoreVersionResult,
  storePreparedVersion,
} from "../../../app/screening/versions.ts";
import { badInput } from "../../../core/errors.ts";
import type { RowProblem } from "../../../core/screening/types.ts";
import type { ListDiff } from "../../../core/screening/versions.ts";
import { action, printJson } from "../io.ts";
import { type Remote, serve } from "../remote.ts";
import type { CliWiring } from "../wiring.ts";
import { formatOf, out } from "./screening-format.ts";
import { now, withParentJson, withScreening } from "./screening-store.ts";

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
  files: ScreeningFiles,
  file: string,
  flags: ImportFlags,
  command: Command,
  storeIt: StoreListVersion,
): Promise<number> {
  const options = withParentJson(flags, command);
  const at = now();
  const loaded = prepareListFile(files, file, formatOf(options.format), {
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

const storeLocally =
  (wiring: CliWiring): StoreListVersion =>
  async ({ prepared, skipped }, _file, options, at) => {
    const { result, rescreen } = await withScreening(wiring, at, async (screening) => {
      const result = await storePreparedVersion(screening(), prepared);
      const rescreen = result.status === "created" ? await rescreenAll(screening()) : undefined;
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

export function registerLists(program: Command, wiring: CliWiring): void {
  const lists = program
    .command("lists")
    .description("list versions in the store (* = active; the bundled lists are seeded on first use)")
    .option("--bundled", "the bundled lists as shipped, without opening the store")
    .option("--json", "print JSON")
    .action(
      action(async (options: { bundled?: boolean; json?: boolean }) => {
        if (options.bundled === true) {
          const versions = listVersions(wiring.screeningIndex());
          if (options.json === true) printJson({ lists: versions });
          else
            for (const v of versions)
              out(`${v.listId}  ${v.format}  ${v.contentHash}  ${v.entryCount} entries`);
          return 0;
        }
        const versions = await withScreening(wiring, now(), (screening) => listVersionsStored(screening()));
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
    (file: string, flags: ImportFlags, command: Command) =>
      importWith(wiring.screeningFiles(), file, flags, command, storeLocally(wiring)),
    (remote, file, flags, command) =>
      importWith(wiring.screeningFiles(), file, flags, command, storeRemotely(remote)),
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
          const diff = diffListFiles(wiring.screeningFiles(), a, b, formatOf(options.format));
          printDiff(diffSummary(diff), options.json === true);
          return 0;
        }
        const { from, to, diff } = await withScreening(wiring, now(), (screening) =>
          diffStoredVersions(screening(), a, b),
        );
        if (options.json !== true) out(`${from.id} → ${to.id}`);
        printDiff(diffSummary(diff), options.json === true, { fromVersion: from, toVersion: to });
        return 0;
      }),
    );
}
