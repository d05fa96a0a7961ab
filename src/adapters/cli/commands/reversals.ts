// `sluice payments reverse`, `sluice duty reverse`, `sluice approvals reverse`, `sluice customs
// reverse` (issue #13 point 5): a mistaken record is reversed by its author with a reason and stays
// on file. On a local store the operator of the store acts (role `local-operator`); through
// --server the token's principal, and the server refuses anyone but the record's author. Prints
// `<record> <id>: reversed` (or the refusal's status and why); exit 0 when reversed, 3 otherwise.
import type { Command } from "commander";
import { exitCodes } from "../../../core/errors.ts";
import {
  type ReversibleKind,
  reversalInputSchema,
  reversalRefusals,
} from "../../../core/evidence/reversals.ts";
import { cliActor } from "../actor.ts";
import { printJson } from "../io.ts";
import { cliClock } from "../ledger-context.ts";
import { pathPart, serve } from "../remote.ts";
import type { CliWiring } from "../wiring.ts";
import { checkedBody, sentOrRefused } from "./evidence-shared.ts";

type Options = Record<string, string | boolean | undefined>;

/** Each command group's reverse command: the kind by default, and the option that picks the other. */
const groups: {
  group: string;
  kind: ReversibleKind;
  other?: { flag: string; kind: ReversibleKind; help: string };
}[] = [
  {
    group: "payments",
    kind: "payment",
    other: { flag: "invoice", kind: "invoice", help: "the id is an invoice's" },
  },
  {
    group: "duty",
    kind: "duty-entry",
    other: { flag: "payment", kind: "duty-payment", help: "the id is a duty payment's" },
  },
  { group: "approvals", kind: "import-approval" },
  { group: "customs", kind: "customs-event" },
];

const paths: Record<ReversibleKind, string> = {
  payment: "payments",
  invoice: "invoices",
  "duty-entry": "duty-entries",
  "duty-payment": "duty-payments",
  "import-approval": "import-approvals",
  "customs-event": "customs-events",
};

function report(
  kind: ReversibleKind,
  id: string,
  answer: { status: string; detail?: string },
  options: Options,
) {
  if (options.json === true) printJson({ kind, id, ...answer });
  else
    process.stdout.write(
      `${kind} ${id}: ${answer.status}${answer.detail && answer.status !== "reversed" ? ` (${answer.detail})` : ""}\n`,
    );
  return answer.status === "reversed" ? exitCodes.ok : exitCodes.conflict;
}

export function register(program: Command, wiring: CliWiring): void {
  for (const { group, kind, other } of groups) {
    const parent = program.commands.find((command) => command.name() === group);
    if (!parent) throw new Error(`no \`sluice ${group}\` command to add \`reverse\` to`);
    const command = parent
      .command("reverse")
      .description("reverse a mistaken record as its author, with a reason (it stays on file; never deleted)")
      .argument("<id>")
      .requiredOption("--reason <text>", "what was wrong with the record")
      .option("--json", "print JSON");
    if (other) command.option(`--${other.flag}`, other.help);
    const kindOf = (options: Options): ReversibleKind =>
      other && options[other.flag] === true ? other.kind : kind;
    serve(
      command,
      async (id: string, options: Options) => {
        const input = checkedBody(reversalInputSchema, { reason: options.reason }, "reversal");
        const result = await wiring.reverse(kindOf(options), id, input, cliActor(), cliClock());
        return report(kindOf(options), id, result, options);
      },
      async (remote, id, options) => {
        const input = checkedBody(reversalInputSchema, { reason: options.reason }, "reversal");
        const path = `/v1/${paths[kindOf(options)]}/${pathPart(id)}/reversals`;
        const answer = await sentOrRefused<{ status: string }>(
          () => remote.post(path, input),
          ["already_reversed", ...reversalRefusals],
        );
        return report(kindOf(options), id, answer, options);
      },
    );
  }
}
