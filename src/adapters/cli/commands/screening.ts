// `sluice screen`, `sluice match` and `sluice lists` (versions, dry-run import, diff): restricted-party
// screening against the bundled lists, with an explanation for every hit. Storing imported lists
// and dispositions comes with the store (src/adapters/db); `lists import` is a dry run until then.
import type { Command } from "commander";
import {
  diffListFiles,
  type ImportFormat,
  importDryRun,
  importFormats,
  listVersions,
  match,
  screen,
} from "../../../app/screening.ts";
import { badInput, quote } from "../../../core/errors.ts";
import { isCountryCode } from "../../../core/screening/countries.ts";
import type { Hit, NameMatch, ScreenResult } from "../../../core/screening/match.ts";
import { action, printJson } from "../io.ts";

const out = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

function formatOf(value: string): ImportFormat {
  const format = importFormats.find((f) => f === value);
  if (format === undefined)
    throw badInput(`format ${quote(value)}`, `must be one of ${importFormats.join(", ")}`);
  return format;
}

function countryOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!isCountryCode(value)) throw badInput(`country ${quote(value)}`, "must be an ISO 3166-1 alpha-2 code");
  return value.toUpperCase();
}

export function formatHit(hit: Hit): string {
  const e = hit.explanation;
  const lines = [
    `${hit.score.toFixed(2)}  ${hit.name}  [${hit.listId} ${hit.entryId}]${hit.alert ? "  ALERT" : ""}`,
    `      matched ${e.matchedName.kind} name "${e.matchedName.text}"; list ${e.list.source.list}` +
      `${e.list.source.citation ? `, ${e.list.source.citation}` : ""}; version ${e.list.version.slice(0, 12)}`,
  ];
  for (const p of e.pairs) lines.push(`      ${p.query} → ${p.listed}  ${p.how} ${p.score.toFixed(2)}`);
  if (e.unmatchedQuery.length > 0) lines.push(`      unmatched in query: ${e.unmatchedQuery.join(", ")}`);
  if (e.unmatchedListed.length > 0)
    lines.push(`      unmatched in listed name: ${e.unmatchedListed.join(", ")}`);
  for (const a of e.adjustments) lines.push(`      × ${a.factor}: ${a.reason}`);
  if (e.country.effect !== "not_applied") {
    lines.push(
      `      country ${e.country.query ?? ""} ${e.country.effect} (${e.country.listed.join(", ")}): ${e.country.delta}`,
    );
  }
  const steps = [...new Set([...e.queryNormalization, ...e.listedNormalization])];
  if (steps.length > 0) lines.push(`      normalized: ${steps.join("; ")}`);
  return lines.join("\n");
}

export function formatScreen(result: ScreenResult): string {
  const head = `${result.hits.length} hit(s) for "${result.query}" at threshold ${result.threshold}`;
  const lists = result.listVersions.map((v) => `${v.listId}@${v.contentHash.slice(0, 12)}`).join(", ");
  return [head, ...result.hits.map(formatHit), `screened against: ${lists}`].join("\n");
}

export function formatMatch(a: string, b: string, m: NameMatch): string {
  const lines = [`${m.score.toFixed(2)}${m.alert ? "  ALERT" : ""}  "${a}" ~ "${b}"`];
  for (const p of m.explanation.pairs)
    lines.push(`  ${p.query} → ${p.listed}  ${p.how} ${p.score.toFixed(2)}`);
  for (const x of m.explanation.adjustments) lines.push(`  × ${x.factor}: ${x.reason}`);
  return lines.join("\n");
}

interface ScreenFlags {
  country?: string;
  all?: boolean;
  person?: boolean;
  json?: boolean;
}

function registerLists(program: Command): void {
  const lists = program
    .command("lists")
    .description("list versions screened against (bundled lists)")
    .option("--json", "print JSON")
    .action(
      action((options: { json?: boolean }) => {
        const versions = listVersions();
        if (options.json === true) printJson({ lists: versions });
        else
          for (const v of versions)
            out(`${v.listId}  ${v.format}  ${v.contentHash}  ${v.entryCount} entries  ${v.nameCount} names`);
        return 0;
      }),
    );
  lists
    .command("import <file>")
    .description("parse a list file and report counts and bad rows (dry run: nothing is stored yet)")
    .requiredOption("--format <format>", `one of ${importFormats.join(", ")}`)
    .option("--dry-run", "parse only (the only mode until the store lands)")
    .option("--skip-bad-rows", "skip bad rows and report them instead of failing")
    .option("--json", "print JSON")
    .action(
      action((file: string, options: { format: string; skipBadRows?: boolean; json?: boolean }) => {
        const report = importDryRun(file, formatOf(options.format), {
          skipBadRows: options.skipBadRows === true,
        });
        if (options.json === true) printJson({ dryRun: true, ...report });
        else {
          out(
            `${report.listId} (${report.format}) ${report.contentHash}: ${report.entryCount} entries, ${report.nameCount} names (dry run, not stored)`,
          );
          for (const s of report.skipped) out(`skipped ${s.file} line ${s.line}: ${s.why}`);
        }
        return 0;
      }),
    );
  lists
    .command("diff <fileA> <fileB>")
    .description("entries added, removed and changed between two versions of a list")
    .requiredOption("--format <format>", `one of ${importFormats.join(", ")}`)
    .option("--json", "print JSON")
    .action(
      action((fileA: string, fileB: string, options: { format: string; json?: boolean }) => {
        const diff = diffListFiles(fileA, fileB, formatOf(options.format));
        const summary = {
          from: diff.from,
          to: diff.to,
          added: diff.added.map((e) => ({ entryId: e.entryId, name: e.names[0]?.text ?? "" })),
          removed: diff.removed.map((e) => ({ entryId: e.entryId, name: e.names[0]?.text ?? "" })),
          changed: diff.changed.map((c) => ({
            entryId: c.entryId,
            fields: c.fields,
            fingerprintBefore: c.fingerprintBefore,
            fingerprintAfter: c.fingerprintAfter,
          })),
          unchangedCount: diff.unchangedCount,
        };
        if (options.json === true) printJson(summary);
        else {
          out(
            `${summary.added.length} added, ${summary.removed.length} removed, ${summary.changed.length} changed, ${summary.unchangedCount} unchanged`,
          );
          for (const a of summary.added) out(`+ ${a.entryId} ${a.name}`);
          for (const r of summary.removed) out(`- ${r.entryId} ${r.name}`);
          for (const c of summary.changed) out(`~ ${c.entryId} (${c.fields.join(", ")})`);
        }
        return 0;
      }),
    );
}

export function register(program: Command): void {
  program
    .command("screen <name>")
    .description("screen a name (Latin or Chinese script) against the bundled restricted-party lists")
    .option("--country <cc>", "ISO alpha-2 country of the party (qualifier)")
    .option("--all", "also report hits below the alert threshold (down to 0.5)")
    .option("--person", "the name is a person's (Chinese surnames read as surnames)")
    .option("--json", "print JSON")
    .action(
      action((name: string, options: ScreenFlags) => {
        const country = countryOf(options.country);
        const result = screen(name, {
          ...(country === undefined ? {} : { country }),
          all: options.all === true,
          person: options.person === true,
        });
        if (options.json === true) printJson(result);
        else out(formatScreen(result));
        return 0;
      }),
    );
  program
    .command("match <a> <b>")
    .description("score two names against each other (0–1) and explain the score")
    .option("--json", "print JSON")
    .action(
      action((a: string, b: string, options: { json?: boolean }) => {
        const result = match(a, b);
        if (options.json === true) printJson(result);
        else out(formatMatch(a, b, result));
        return 0;
      }),
    );
  registerLists(program);
}
