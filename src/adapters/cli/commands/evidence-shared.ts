// What the lab and evidence commands share: the evidence service over the opened store (clock from
// SLUICE_NOW, the shipped rulebooks and catalog), today's date by that clock, and how a create
// (created | exists | exists_with_different_<field>) is printed and mapped to an exit code.

import { loadCatalog } from "../../../app/catalog.ts";
import { Evaluator } from "../../../app/evaluate.ts";
import { EvidenceService } from "../../../app/evidence.ts";
import { loadRulebooks } from "../../../app/rulebooks.ts";
import { exitCodes } from "../../../core/errors.ts";
import { appendAudit } from "../../db/audit.ts";
import type { Store } from "../../db/store.ts";
import { printJson } from "../io.ts";
import { cliClock, withStore } from "../ledger-context.ts";

export function newEvidence(store: Store): EvidenceService {
  return new EvidenceService({
    store,
    evaluator: new Evaluator(loadRulebooks(), loadCatalog()),
    clock: cliClock(),
    appendAudit,
  });
}

export const withEvidence = <T>(run: (evidence: EvidenceService, store: Store) => Promise<T>): Promise<T> =>
  withStore((store) => run(newEvidence(store), store));

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
