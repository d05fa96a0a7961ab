// CLI: `sluice evaluate`, `sluice rulebooks`, `sluice rules explain|list`. Decisions exit with
// 0 approve, 10 hold, 11 deny; bad input exits 2 (src/core/errors.ts).
import type { Command } from "commander";
import { bookSummary } from "../../../app/evaluation/rulebooks.ts";
import { parseDossier } from "../../../core/dossier/schema.ts";
import { badInput, exitCodes, quote } from "../../../core/errors.ts";
import type { Decision, Finding } from "../../../core/evaluation/types.ts";
import { inForceOn, type RuleInForce, selectRules } from "../../../core/rulebook/load.ts";
import type { Rule, Rulebook } from "../../../core/rulebook/schema.ts";
import { isIsoDate } from "../../../core/shared.ts";
import { action, printJson, println, readJsonInput } from "../io.ts";
import { cliEvaluator, cliRulebooks } from "../reference.ts";
import { serve } from "../remote.ts";

export const exitCodeByDecision = {
  approve: exitCodes.ok,
  hold: exitCodes.decisionHold,
  deny: exitCodes.decisionDeny,
} as const;

const collect = (value: string, previous: string[]): string[] => [...previous, value];
const today = (): string => new Date().toISOString().slice(0, 10);

function checkDate(value: string | undefined, option: string): string | undefined {
  if (value !== undefined && !isIsoDate(value))
    throw badInput(`${option} ${quote(value)}`, "expected a date written YYYY-MM-DD");
  return value;
}

const statusMark: Record<Finding["status"], string> = {
  fail: "✗",
  pending: "…",
  pass: "✓",
  not_applicable: "·",
};

export function formatDecision(decision: Decision, verbose = false): string {
  const lines = [
    `${decision.decision.toUpperCase()}  ${decision.dossierId} on ${decision.at}  (${decision.product.name}, TPP ${decision.product.tpp})`,
  ];
  for (const finding of decision.findings) {
    if (finding.status === "not_applicable" && !verbose) continue;
    const status = `[${finding.citation.status}]`;
    lines.push(`  ${statusMark[finding.status]} ${finding.ruleId} ${status}: ${finding.message}`);
    if (finding.measured !== undefined && finding.required !== undefined && finding.status !== "pass") {
      lines.push(`      measured ${finding.measured}; required ${finding.required}`);
    }
    if (finding.remedy) lines.push(`      remedy: ${finding.remedy.summary}`);
  }
  const books = decision.rulebooks.map((book) => `${book.id}@${book.version}`).join(", ");
  lines.push(`  rulebooks: ${books || "none"}`, `  input hash: ${decision.inputHash}`);
  if (decision.assertedEvidence) {
    const fields = decision.assertedEvidence.map((fact) => fact.field).join(", ");
    lines.push(`  asserted by this dossier, not recorded by their authorities: ${fields}`);
  }
  return lines.join("\n");
}

interface EvaluateOptions {
  at?: string;
  scenario: string[];
  verbose?: boolean;
  json?: boolean;
}

function reportDecision(decision: Decision, options: EvaluateOptions): number {
  if (options.json) printJson(decision);
  else println(formatDecision(decision, options.verbose));
  return exitCodeByDecision[decision.decision];
}

function registerEvaluate(program: Command): void {
  const command = program
    .command("evaluate")
    .description("decide a shipment application (dossier) under the rulebooks in force on a day")
    .argument("<dossier>", "dossier JSON file, or - for stdin")
    .option("--at <date>", "evaluate as of this day (default: the dossier's submittedOn, else today)")
    .option("--scenario <id>", "apply a scenario rulebook (repeatable)", collect, [])
    .option("--verbose", "also list rules that do not apply")
    .option("--json", "print the decision as JSON");
  serve(
    command,
    (file: string, options: EvaluateOptions) => {
      const at = checkDate(options.at, "--at");
      const dossier = parseDossier(readJsonInput(file), file);
      const evaluator = cliEvaluator();
      const decision = evaluator.evaluate(dossier, at ?? dossier.submittedOn ?? today(), options.scenario);
      return reportDecision(decision, options);
    },
    async (remote, file: string, options: EvaluateOptions) => {
      const at = checkDate(options.at, "--at");
      const body = { dossier: readJsonInput(file), scenarios: options.scenario, ...(at ? { at } : {}) };
      return reportDecision((await remote.post("/v1/evaluate", body)) as Decision, options);
    },
  );
}

function registerRulebooks(program: Command): void {
  program
    .command("rulebooks")
    .description("list the rulebooks in force on a day, and the scenarios that can be added")
    .option("--at <date>", "day to look at (default today)")
    .option("--all", "list every rulebook, in force or not")
    .option("--json", "print JSON")
    .action(
      action((options: { at?: string; all?: boolean; json?: boolean }) => {
        const at = checkDate(options.at, "--at") ?? today();
        const library = cliRulebooks();
        const shown = options.all ? library : library.filter((book) => book.scenario || inForceOn(book, at));
        if (options.json) {
          printJson({ at, rulebooks: shown.map(bookSummary) });
          return;
        }
        println(`rulebooks in force on ${at}${options.all ? " (and all others)" : ""}:`);
        for (const book of shown.filter((b) => !b.scenario)) {
          const until = book.effective.to ?? "open";
          println(
            `  ${book.id}@${book.version}  ${book.jurisdiction}  ${book.effective.from} → ${until}  ${book.title}`,
          );
        }
        println("scenarios (add with --scenario <id>):");
        for (const book of shown.filter((b) => b.scenario)) println(`  ${book.id}  ${book.title}`);
      }),
    );
}

function findRule(ruleId: string): { rule: Rule; book: Rulebook } {
  for (const book of cliRulebooks()) {
    const rule = book.rules.find((candidate) => candidate.id === ruleId);
    if (rule) return { rule, book };
  }
  throw badInput(`rule ${quote(ruleId)}`, "unknown rule (see `sluice rules list --all`)");
}

function registerRules(program: Command): void {
  const rules = program.command("rules").description("inspect rules");
  rules
    .command("explain")
    .description("show a rule: what it checks, its parameters and their status, its citation and remedy")
    .argument("<ruleId>")
    .option("--json", "print JSON")
    .action(
      action((ruleId: string, options: { json?: boolean }) => {
        const { rule, book } = findRule(ruleId);
        const scenariosTouching = cliRulebooks()
          .filter((b) => b.overrides.some((o) => o.rule === ruleId) || b.disables.includes(ruleId))
          .map((b) => b.id);
        if (options.json) {
          printJson({ ...rule, book: bookSummary(book), scenariosTouching });
          return;
        }
        println(`${rule.id} (${rule.kind}) in ${book.id}@${book.version}, ${book.jurisdiction}`);
        println(`  ${rule.summary}`);
        println(
          `  effective ${book.effective.from} → ${book.effective.to ?? "open"}${book.scenario ? " (scenario)" : ""}`,
        );
        println(
          `  citation [${rule.citation.status}]: ${rule.citation.source}${rule.citation.url ? ` <${rule.citation.url}>` : ""}`,
        );
        if (rule.when) println(`  applies when: ${JSON.stringify(rule.when)}`);
        for (const [name, value] of Object.entries(rule.params)) {
          const note = rule.annotations?.[name];
          println(
            `  param ${name} = ${JSON.stringify(value)}${note ? `  [${note.status}] ${note.note}` : ""}`,
          );
        }
        if (rule.remedy) println(`  remedy: ${rule.remedy}`);
        if (scenariosTouching.length > 0) println(`  changed by scenarios: ${scenariosTouching.join(", ")}`);
      }),
    );
  rules
    .command("list")
    .description("list the rules in force on a day")
    .option("--at <date>", "day to look at (default today)")
    .option("--scenario <id>", "apply a scenario rulebook (repeatable)", collect, [])
    .option("--all", "list the rules of every rulebook, in force or not")
    .option("--json", "print JSON")
    .action(
      action((options: { at?: string; scenario: string[]; all?: boolean; json?: boolean }) => {
        const at = checkDate(options.at, "--at") ?? today();
        const library = cliRulebooks();
        const entries: RuleInForce[] = options.all
          ? library.flatMap((book) => book.rules.map((rule) => ({ rule, book })))
          : selectRules(library, at, options.scenario).rules;
        const rows = entries.map(({ rule, book, overriddenBy }) => ({
          id: rule.id,
          kind: rule.kind,
          book: book.id,
          status: rule.citation.status,
          summary: rule.summary,
          ...(overriddenBy ? { overriddenBy: overriddenBy.bookId } : {}),
        }));
        if (options.json) printJson(options.all ? { rules: rows } : { at, rules: rows });
        else for (const row of rows) println(`${row.id} [${row.status}] ${row.kind}: ${row.summary}`);
      }),
    );
}

export function register(program: Command): void {
  registerEvaluate(program);
  registerRulebooks(program);
  registerRules(program);
}
