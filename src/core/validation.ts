// Turning zod's validation issues into Sluice's one-line errors: pick the most useful issue and
// say where (a path like `rules[0].params`) and why, in lower case.
import type { z } from "zod";
import { badInput, quote } from "./errors.ts";
import { formatPath } from "./shared.ts";

export interface IssueReport {
  path: PropertyKey[];
  where: string;
  why: string;
}

/**
 * An unknown key is reported before anything else: a misspelt field also makes the right one
 * "missing", and the misspelling is what the user needs to see (with the likely intended name).
 */
export function reportIssues(
  issues: readonly z.core.$ZodIssue[],
  describeUnion?: (issue: z.core.$ZodIssue) => string | null,
): IssueReport {
  const unknownKeys = issues.find((issue) => issue.code === "unrecognized_keys");
  const issue = unknownKeys ?? issues[0];
  if (!issue) return { path: [], where: "(root)", why: "invalid" };
  return {
    path: [...issue.path],
    where: formatPath(issue.path),
    why: describe(issue, issues, describeUnion),
  };
}

function describe(
  issue: z.core.$ZodIssue,
  all: readonly z.core.$ZodIssue[],
  describeUnion?: (issue: z.core.$ZodIssue) => string | null,
): string {
  if (issue.code === "unrecognized_keys") {
    const parent = formatPath(issue.path);
    const missing = all
      .filter((other) => other.code === "invalid_type" && isMissing(other))
      .filter((other) => formatPath(other.path.slice(0, -1)) === parent)
      .map((other) => String(other.path.at(-1)));
    const hint = missing.length > 0 ? ` (expected ${missing.map(quote).join(", ")})` : "";
    return `unknown field ${issue.keys.map(quote).join(", ")}${hint}`;
  }
  if (issue.code === "invalid_type") return describeType(issue);
  if (issue.code === "invalid_union") {
    const special = describeUnion?.(issue);
    if (special) return special;
  }
  return issue.message.toLowerCase().replace(/\.$/, "");
}

/** A value absent, as zod words it (`received undefined`); a wrong type is not "missing" (#13). */
const isMissing = (issue: z.core.$ZodIssue): boolean =>
  issue.input === undefined && /received undefined$/.test(issue.message);

/** `missing`, or what was expected and what came: `expected number, received string \`ten\``. */
function describeType(issue: z.core.$ZodIssue & { code: "invalid_type" }): string {
  if (isMissing(issue)) return "missing";
  const received = /received (\w+)$/.exec(issue.message)?.[1] ?? typeof issue.input;
  const shown =
    issue.input === undefined || (typeof issue.input === "object" && issue.input !== null)
      ? ""
      : ` ${quote(String(issue.input).slice(0, 40))}`;
  return `expected ${issue.expected}, received ${received}${shown}`;
}

/** A surrogate code unit not in a pair: in Unicode mode a valid pair is one astral code point. */
const loneSurrogate = /\p{Cs}/u;

/** Nesting deeper than this is not searched (no input of Sluice nests so deep; its schema refuses it). */
const wellFormedScanDepthMax = 32;

/**
 * The path of the first string in `value` that is not well-formed Unicode (a lone surrogate, such
 * as `"\ud800abc"`): PostgreSQL refuses such text (22P02), so it is refused here as bad input.
 */
export function illFormedTextAt(
  value: unknown,
  path: PropertyKey[] = [],
  depth = 0,
): PropertyKey[] | undefined {
  if (typeof value === "string") return loneSurrogate.test(value) ? path : undefined;
  if (value === null || typeof value !== "object" || depth > wellFormedScanDepthMax) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const found = illFormedTextAt(item, [...path, Array.isArray(value) ? Number(key) : key], depth + 1);
    if (found) return found;
    if (loneSurrogate.test(key)) return [...path, key];
  }
  return undefined;
}

/** Refuses text that is not well-formed Unicode anywhere in `input`, naming where. */
export function refuseIllFormedText(input: unknown, what: string): void {
  const at = illFormedTextAt(input);
  if (at === undefined) return;
  throw badInput(
    `${what} at ${quote(formatPath(at))}`,
    "text is not well-formed Unicode (a lone surrogate such as `\\ud800`)",
    "ill_formed_text",
  );
}

/** Validates `input` with `schema`; a failure is one bad_input error naming `what`, the path and why. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  refuseIllFormedText(input, what);
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  const report = reportIssues(result.error.issues);
  throw badInput(`${what} at ${quote(report.where)}`, report.why);
}
