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
      .filter((other) => other.code === "invalid_type" && other.message.endsWith("received undefined"))
      .filter((other) => formatPath(other.path.slice(0, -1)) === parent)
      .map((other) => String(other.path.at(-1)));
    const hint = missing.length > 0 ? ` (expected ${missing.map(quote).join(", ")})` : "";
    return `unknown field ${issue.keys.map(quote).join(", ")}${hint}`;
  }
  // zod reports no input by default, so "missing" is read from the message, not from `input`.
  if (issue.code === "invalid_type" && issue.message.endsWith("received undefined")) return "missing";
  if (issue.code === "invalid_union") {
    const special = describeUnion?.(issue);
    if (special) return special;
  }
  return issue.message.toLowerCase().replace(/\.$/, "");
}

/** Validates `input` with `schema`; a failure is one bad_input error naming `what`, the path and why. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const report = reportIssues(result.error.issues);
  throw badInput(`${what} at ${quote(report.where)}`, report.why);
}
