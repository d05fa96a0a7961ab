// What the lab and evidence commands share: the evidence use cases on the configured store (the
// CLI's wiring opens it; clock from SLUICE_NOW, acting as the invocation's operator), today's date by
// that clock, and how a create (created | exists | exists_with_different_<field>) is printed and
// mapped to an exit code. Through --server, a body is checked locally with the use case's own
// schema first (so bad input gets the local error line), and a 409 problem coded by one of the use
// case's statuses becomes that status again (the local command prints it rather than failing).

import type { z } from "zod";
import type { EvidenceService } from "../../../app/evidence/service.ts";
import type { ShipmentContext } from "../../../app/shipments/ports.ts";
import { exitCodes, SluiceError } from "../../../core/errors.ts";
import { parseInput } from "../../../core/validation.ts";
import { cliActor } from "../actor.ts";
import { printJson } from "../io.ts";
import { cliClock } from "../ledger-context.ts";
import type { CliWiring } from "../wiring.ts";

/** Runs `run` with the evidence use cases (and the shipment ones) on the configured store. */
export const withEvidence = <T>(
  wiring: CliWiring,
  run: (evidence: EvidenceService, shipments: ShipmentContext) => Promise<T>,
): Promise<T> => wiring.withEvidence(cliActor(), cliClock(), run);

/** Command-line options as commander hands them over. */
export type Options = Record<string, string | boolean | undefined>;
export const json = (options: Options) => options.json === true;

export const todayOf = (): string => cliClock()().toISOString().slice(0, 10);

/** created/exists succeed; a replay with different fields is a conflict (exit 3). */
export function reportCreate(
  kind: string,
  id: string,
  status: string,
  json: boolean | undefined,
  extra: Record<string, unknown> = {},
): number {
  if (json) printJson({ [`${kind}Id`]: id, status, ...extra });
  else process.stdout.write(`${kind} ${id}: ${status}\n`);
  if (status.startsWith("exists_with_different_")) return exitCodes.conflict;
  return status === "created" || status === "exists" ? exitCodes.ok : exitCodes.denied;
}

/** A use-case status that the routes answer as a 409 problem coded by it (nothing was written). */
const isReplayConflict = (code: string): boolean => code.startsWith("exists_with_different_");

/**
 * Sends a write through the server; a 409 problem coded by a replay with other fields, or by one of
 * `refusals`, comes back as `{status: code}`, as the use case returned it locally.
 */
export async function sentOrRefused<R extends { status: string }>(
  send: () => Promise<unknown>,
  refusals: readonly string[] = [],
): Promise<Partial<R> & { status: string }> {
  try {
    return (await send()) as R;
  } catch (error) {
    if (
      error instanceof SluiceError &&
      error.kind === "conflict" &&
      (isReplayConflict(error.code) || refusals.includes(error.code))
    )
      return { status: error.code } as Partial<R> & { status: string };
    throw error;
  }
}

/** Checks a body with the use case's schema and label (the local error line), and returns it as given. */
export function checkedBody(schema: z.ZodType, input: unknown, what: string): unknown {
  parseInput(schema, input, what);
  return input;
}

/** The `id` a JSON input names, if any (what a refused create is reported under). */
export const idOf = (input: unknown): string =>
  typeof input === "object" && input !== null && "id" in input ? String(input.id) : "";

/**
 * A create through the server, reported as locally: the body checked with the use case's schema
 * and label, a replay with other fields (or one of `refusals`) back as its status. `id` is the
 * input's (every one of these names its record).
 */
export async function remoteCreate(
  send: () => Promise<unknown>,
  kind: string,
  id: string,
  options: Options,
  extra: (answer: Record<string, unknown>) => Record<string, unknown> = () => ({}),
  refusals: readonly string[] = [],
): Promise<number> {
  const answer = await sentOrRefused<{ status: string }>(send, refusals);
  return reportCreate(kind, id, answer.status, json(options), extra(answer as Record<string, unknown>));
}

/** The fields of a JSON answer that are present (a refusal carries only its status). */
export const present = (answer: Record<string, unknown>, names: readonly string[]): Record<string, unknown> =>
  Object.fromEntries(names.filter((name) => answer[name] !== undefined).map((name) => [name, answer[name]]));
