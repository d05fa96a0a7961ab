// What the shipment-path commands (orders.ts, shipments.ts) share: the use cases on the configured
// store acting as the operator (servicesOf), the refusal of a client-given --at, the report of a
// create (created | exists | exists_with_different_<field>) locally or through --server, and the
// paging options of the lists.
import { type CreateStatus, ShipmentService } from "../../../app/shipments/service.ts";
import { badInput, exitCodes, quote } from "../../../core/errors.ts";
import { cliActor } from "../actor.ts";
import { printJson, println } from "../io.ts";
import { cliClock } from "../ledger-context.ts";
import type { Remote } from "../remote.ts";
import type { CliWiring } from "../wiring.ts";

export const collect = (value: string, previous: string[]): string[] => [...previous, value];
/**
 * A command that changes state takes the server's (or the store's) clock, never a date given by
 * its caller (issue #13); `sluice evaluate --at` still evaluates a dossier as of another day.
 */
export function refuseAt(value: string | undefined, command: string): void {
  if (value === undefined) return;
  throw badInput(
    `\`sluice ${command} --at\``,
    `a state change takes the clock, not a date given on the command line (${quote(value)}); evaluate a dossier as of another day with \`sluice evaluate --at\``,
    "client_time_refused",
  );
}

/**
 * Runs a command's use case on the configured store, acting as the operator; the ports come from
 * the program's wiring (src/compose.ts), which opens the store and closes it afterwards.
 */
export const servicesOf =
  (wiring: CliWiring) =>
  <T>(run: (service: ShipmentService) => Promise<T>) =>
    wiring.withShipments(cliActor(), cliClock(), (context) => run(new ShipmentService(context)));

/** created/exists succeed; a replay with different fields is a conflict (exit 3). */
export function reportCreate(
  kind: string,
  id: string,
  status: CreateStatus,
  json: boolean | undefined,
): number {
  if (json) printJson({ [`${kind}Id`]: id, status });
  else println(`${kind} ${id}: ${status}`);
  return status.startsWith("exists_with_different_") ? exitCodes.conflict : exitCodes.ok;
}

/** A create through --server: the route answers {id, status} with the use case's status. */
export async function remoteCreate(
  remote: Remote,
  kind: string,
  path: string,
  body: unknown,
  json?: boolean,
) {
  const created = (await remote.post(path, body)) as { id: string; status: CreateStatus };
  return reportCreate(kind, created.id, created.status, json);
}

export interface ListOptions {
  after: string;
  limit: string;
  json?: boolean;
}
export const listLimit = (options: ListOptions) => Math.min(Number(options.limit) || 100, 1000);
