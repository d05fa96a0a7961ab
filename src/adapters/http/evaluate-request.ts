// The work of POST /v1/evaluate from the request text to the answer's text: JSON parse, the body
// schema, the evaluation and the decision's JSON. All of it is CPU and none of it I/O, so the
// server runs it in worker threads (evaluate-pool.ts), and the same function inline where there
// are none (tests, `threads: 0`): one code path, so both answer byte for byte alike.
import { z } from "@hono/zod-openapi";
import type { Evaluator } from "../../app/evaluation/evaluator.ts";
import { dossierSchema } from "../../core/dossier/schema.ts";
import { type ErrorKind, SluiceError } from "../../core/errors.ts";
import { type IsoDate, isoDateSchema } from "../../core/shared.ts";
import { toJsonText } from "./json.ts";

/** Scenario books one evaluation may add. */
export const scenariosMax = 16;

export const evaluateBodySchema = z.strictObject({
  dossier: dossierSchema,
  at: isoDateSchema
    .optional()
    .meta({ description: "day of the evaluation (default: dossier.submittedOn, else today)" }),
  scenarios: z.array(z.string().min(1).max(128)).max(scenariosMax).default([]),
});

/** A SluiceError as data, to cross a thread boundary (an Error loses its class on the way). */
export interface ErrorData {
  kind: ErrorKind;
  what: string;
  why: string;
  code: string;
}

/** What one evaluation request comes to: the decision's JSON text, or why there is none. */
export type EvaluateOutcome =
  /** The decision's JSON: text inline, its UTF-8 bytes from a worker (evaluate-worker.ts). */
  | { outcome: "decided"; json: string | Uint8Array<ArrayBuffer> }
  | { outcome: "malformed_json" }
  | { outcome: "invalid"; issues: z.core.$ZodIssue[] }
  | { outcome: "refused"; error: ErrorData };

/**
 * Decides the request body `text`; `today` is the day used when neither `at` nor the dossier's
 * `submittedOn` names one. A SluiceError (an unknown product) is an outcome; any other throw is a
 * bug and propagates.
 */
export function evaluateRequestText(evaluator: Evaluator, text: string, today: IsoDate): EvaluateOutcome {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { outcome: "malformed_json" };
  }
  const parsed = evaluateBodySchema.safeParse(body);
  if (!parsed.success) return { outcome: "invalid", issues: parsed.error.issues };
  const { dossier, at, scenarios } = parsed.data;
  try {
    const { decision, json } = evaluator.evaluateWithJson(
      dossier,
      at ?? dossier.submittedOn ?? today,
      scenarios,
    );
    return { outcome: "decided", json: json ?? toJsonText(decision) };
  } catch (error) {
    if (!(error instanceof SluiceError)) throw error;
    return {
      outcome: "refused",
      error: { kind: error.kind, what: error.what, why: error.why, code: error.code },
    };
  }
}

/** The SluiceError an outcome's error data stands for. */
export const errorFromData = (data: ErrorData): SluiceError =>
  new SluiceError(data.kind, data.what, data.why, data.code);
