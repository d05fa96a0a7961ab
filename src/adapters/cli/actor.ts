// Who a CLI invocation acts as (issue #13): on the local store there is no token, so the actor is
// the operator of the store (role \`local-operator\`), the command typed (\`sluice release\`) and one
// UUIDv7 per invocation as its request id. Remote commands act as their token on the server.
import { v7 as uuidv7 } from "uuid";
import { type AuditActor, localOperatorRole } from "../../core/audit/actor.ts";

export { localOperatorRole };

/** The command words typed (the leading arguments up to the first option), e.g. `sluice lab submit`. */
function commandOf(argv: readonly string[]): string {
  const words: string[] = [];
  for (const arg of argv) {
    if (arg.startsWith("-") || words.length === 2) break;
    words.push(arg);
  }
  return ["sluice", ...words].join(" ");
}

let invocation: AuditActor | undefined;

/** This invocation's actor (one request id per process run). */
export function cliActor(): AuditActor {
  invocation ??= {
    tokenId: null,
    role: localOperatorRole,
    partyId: null,
    via: commandOf(process.argv.slice(2)),
    requestId: uuidv7(),
  };
  return invocation;
}
