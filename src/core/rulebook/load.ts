// Loading and selecting rulebooks. `parseRulebook` validates one YAML/JSON text and reports the
// first problem with file, path, line and reason; `checkLibrary` validates what only the whole set
// can tell (unique ids, override targets); `selectRules` returns the rules in force on a day, with
// requested scenarios applied on top.
import { createHash } from "node:crypto";
import { LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { canonicalDigest } from "../digest.ts";
import { badInput, quote } from "../errors.ts";
import { formatPath, type IsoDate } from "../shared.ts";
import { reportIssues } from "../validation.ts";
import { paramsByKind, type Rule, type Rulebook, rulebookSchema } from "./schema.ts";

/** Parses and validates one rulebook file's text. Throws bad_input naming file, path and line. */
export function parseRulebook(text: string, fileName: string): Rulebook {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const syntaxError = document.errors[0];
  if (syntaxError) {
    const line = lineCounter.linePos(syntaxError.pos[0]).line;
    throw badInput(
      `rulebook ${quote(fileName)}${line ? ` line ${line}` : ""}`,
      syntaxError.message.split("\n")[0] ?? "",
    );
  }
  const result = rulebookSchema.safeParse(document.toJS());
  if (!result.success) {
    const report = reportIssues(result.error.issues, unknownKind);
    const node = document.getIn(report.path as unknown[], true) as { range?: [number, number] } | undefined;
    const line = node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
    throw badInput(
      `rulebook ${quote(fileName)} at ${quote(report.where)}${line ? ` (line ${line})` : ""}`,
      report.why,
    );
  }
  const book = result.data;
  checkBook(book, fileName);
  const contentHash = createHash("sha256").update(text).digest("hex");
  return { ...book, rules: book.rules as Rule[], contentHash, fileName };
}

const unknownKind = (issue: z.core.$ZodIssue): string | null =>
  "discriminator" in issue
    ? `unknown rule kind; expected one of ${Object.keys(paramsByKind).join(", ")}`
    : null;

function checkBook(book: z.output<typeof rulebookSchema>, fileName: string): void {
  const where = `rulebook ${quote(fileName)}`;
  if (book.effective.to !== null && book.effective.to < book.effective.from) {
    throw badInput(`${where} at \`effective\``, "`to` is before `from`");
  }
  if (!book.scenario && (book.overrides.length > 0 || book.disables.length > 0)) {
    throw badInput(`${where} at \`overrides\``, "only scenario books may override or disable rules");
  }
  const seen = new Set<string>();
  for (const [index, rule] of book.rules.entries()) {
    if (seen.has(rule.id))
      throw badInput(`${where} at \`rules[${index}].id\``, `duplicate rule id ${quote(rule.id)}`);
    seen.add(rule.id);
  }
}

/** Checks across books: rule ids unique everywhere, book ids unique, scenario targets exist and fit. */
export function checkLibrary(books: readonly Rulebook[]): void {
  const ruleById = new Map<string, { rule: Rule; book: Rulebook }>();
  const bookIds = new Set<string>();
  for (const book of books) {
    if (bookIds.has(book.id))
      throw badInput(`rulebook ${quote(book.fileName)}`, `duplicate book id ${quote(book.id)}`);
    bookIds.add(book.id);
    for (const rule of book.rules) {
      const other = ruleById.get(rule.id);
      if (other) {
        throw badInput(
          `rulebook ${quote(book.fileName)}`,
          `rule id ${quote(rule.id)} also in ${quote(other.book.fileName)}`,
        );
      }
      ruleById.set(rule.id, { rule, book });
    }
  }
  for (const book of books) {
    for (const [index, override] of book.overrides.entries()) {
      const target = ruleById.get(override.rule);
      const where = `rulebook ${quote(book.fileName)} at \`overrides[${index}]\``;
      if (!target) throw badInput(where, `no rule ${quote(override.rule)} in any rulebook`);
      applyOverride(target.rule, override.params, where);
    }
    for (const [index, ruleId] of book.disables.entries()) {
      if (!ruleById.has(ruleId)) {
        throw badInput(
          `rulebook ${quote(book.fileName)} at \`disables[${index}]\``,
          `no rule ${quote(ruleId)}`,
        );
      }
    }
  }
}

function applyOverride(rule: Rule, params: Record<string, unknown>, where: string): Rule {
  const merged = paramsByKind[rule.kind].safeParse({ ...rule.params, ...params });
  if (!merged.success) {
    const issue = merged.error.issues[0];
    throw badInput(
      `${where}.params.${formatPath(issue?.path ?? [])}`,
      issue?.message.toLowerCase() ?? "invalid",
    );
  }
  return { ...rule, params: merged.data } as Rule;
}

/** A rule in force, with the book it came from and the scenario that changed it, if any. */
export interface RuleInForce {
  rule: Rule;
  book: Rulebook;
  overriddenBy?: { bookId: string; note: string };
}

export interface RuleSet {
  at: IsoDate;
  books: Rulebook[];
  rules: RuleInForce[];
  /** canonicalDigest of the books used (id, version, content hash) and the scenarios, in order. */
  digest: string;
}

export const inForceOn = (book: Rulebook, at: IsoDate): boolean =>
  book.effective.from <= at && (book.effective.to === null || at <= book.effective.to);

/**
 * The rules in force on `at`: every non-scenario book whose dates cover the day, then each
 * requested scenario (in the order given) adds its rules, overrides parameters and disables rules.
 */
export function selectRules(
  library: readonly Rulebook[],
  at: IsoDate,
  scenarioIds: readonly string[] = [],
): RuleSet {
  const books = library.filter((book) => !book.scenario && inForceOn(book, at));
  for (const id of scenarioIds) {
    const scenario = library.find((book) => book.id === id);
    if (!scenario?.scenario) {
      const known = library.filter((book) => book.scenario).map((book) => book.id);
      throw badInput(`scenario ${quote(id)}`, `unknown scenario; known: ${known.join(", ")}`);
    }
    if (!books.includes(scenario)) books.push(scenario);
  }
  let rules: RuleInForce[] = books.flatMap((book) => book.rules.map((rule) => ({ rule, book })));
  for (const scenario of books.filter((book) => book.scenario)) {
    rules = rules.filter((entry) => !scenario.disables.includes(entry.rule.id));
    rules = rules.map((entry) => {
      const override = scenario.overrides.find((candidate) => candidate.rule === entry.rule.id);
      if (!override) return entry;
      const rule = applyOverride(entry.rule, override.params, `scenario ${quote(scenario.id)}`);
      return { rule, book: entry.book, overriddenBy: { bookId: scenario.id, note: override.note } };
    });
  }
  const digest = canonicalDigest({
    books: books.map((b) => [b.id, b.version, b.contentHash]),
    scenarios: scenarioIds,
  });
  return { at, books, rules, digest };
}
