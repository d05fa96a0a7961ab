// Validation of chip specs at the boundary (CLI `--spec`, HTTP bodies, catalog rows): a zod schema
// for ChipSpec and a parser that turns the first problem into one bad-input line naming the source,
// the JSON path and what is wrong. Objects are strict so that a mistyped field is an error, not a
// silently missing figure.
import { z } from "zod";
import { badInput, quote } from "../errors.ts";
import * as t from "./thresholds.ts";
import { type ChipSpec, type Precision, precisions } from "./types.ts";

const denseFigure = z.number().positive().max(t.denseTopsMax).exactOptional();

const denseTopsShape = Object.fromEntries(precisions.map((p) => [p, denseFigure])) as Record<
  Precision,
  typeof denseFigure
>;

export const chipSpecSchema = z.strictObject({
  name: z.string().trim().min(1).max(t.chipNameLengthMax),
  datacenter: z.boolean(),
  denseTops: z
    .strictObject(denseTopsShape)
    .refine((tops) => Object.values(tops).some((v) => v !== undefined), {
      message: `needs at least one dense figure (${precisions.join(", ")})`,
    }),
  dramBandwidthGBs: z.number().nonnegative().max(t.bandwidthMaxGBs),
  interconnectGBs: z.number().positive().max(t.bandwidthMaxGBs).exactOptional(),
  logicDieAreaMm2: z.number().positive().min(t.logicDieAreaMinMm2).max(t.logicDieAreaMaxMm2).exactOptional(),
});

// Compile-time check that the schema produces exactly a ChipSpec.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesType: Same<z.output<typeof chipSpecSchema>, ChipSpec> = true;
void schemaMatchesType;

/** Describes a JSON value briefly for messages: numbers and booleans as is, strings quoted. */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}

/** The value at `path` in `input`, and whether its key was present at all. */
function lookup(input: unknown, path: readonly PropertyKey[]): { present: boolean; value: unknown } {
  let value: unknown = input;
  for (const key of path) {
    if (typeof value !== "object" || value === null || !(key in value)) return { present: false, value };
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return { present: true, value };
}

/** The field names allowed in the object at `path`. */
function allowedKeys(path: readonly PropertyKey[]): string[] {
  return path[0] === "denseTops" ? [...precisions] : Object.keys(chipSpecSchema.shape);
}

/** Words for one zod issue, without the path: "is required", "must be > 0 (got -1)". */
function explain(issue: z.core.$ZodIssue, input: unknown): string {
  const { present, value } = lookup(input, issue.path);
  const got = ` (got ${describe(value)})`;
  switch (issue.code) {
    case "invalid_type":
      return present && value !== undefined
        ? `must be ${issue.expected === "object" ? "an object" : `a ${issue.expected}`}${got}`
        : "is required";
    case "too_small":
      if (issue.origin === "string") return "must not be empty";
      return `must be ${issue.inclusive ? "≥" : ">"} ${String(issue.minimum)}${got}`;
    case "too_big":
      if (issue.origin === "string") return `must be at most ${String(issue.maximum)} characters`;
      return `must be ${issue.inclusive ? "≤" : "<"} ${String(issue.maximum)}${got}`;
    case "unrecognized_keys":
      return `has unknown field ${issue.keys.map(quote).join(", ")} (allowed: ${allowedKeys(issue.path).join(", ")})`;
    default:
      return issue.message;
  }
}

export type ChipSpecCheck = { ok: true; spec: ChipSpec } | { ok: false; path: string; why: string };

/** Validates a chip spec; on failure, the JSON path of the first problem and what is wrong with it. */
export function checkChipSpec(input: unknown): ChipSpecCheck {
  const result = chipSpecSchema.safeParse(input);
  if (result.success) return { ok: true, spec: result.data };
  const issue = result.error.issues[0];
  if (issue === undefined) return { ok: false, path: "", why: "is not a valid chip spec" };
  return { ok: false, path: issue.path.map(String).join("."), why: explain(issue, input) };
}

/**
 * Parses and validates a chip spec. `source` names where it came from (a file name, `-` for stdin);
 * the error is one line: spec `<source>`: field `denseTops.fp8` must be > 0 (got -1).
 */
export function parseChipSpec(input: unknown, source: string): ChipSpec {
  const check = checkChipSpec(input);
  if (check.ok) return check.spec;
  const subject = check.path === "" ? "the document" : `field ${quote(check.path)}`;
  throw badInput(`spec ${source === "-" ? "stdin" : quote(source)}`, `${subject} ${check.why}`);
}
