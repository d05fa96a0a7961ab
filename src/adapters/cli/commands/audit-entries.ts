// CLI: `sluice audit list` and `sluice audit show <seq>` (issue #13): the audit log entry by entry,
// each with who did it (token, role, party, route or command, request id). On the local store, or
// through a server (GET /v1/audit/entries, for the auditor and the regulator). Registers on the
// `audit` command that `audit verify` shares.
import type { Command } from "commander";
import type { AuditEntryFilter } from "../../../app/audit/ports.ts";
import type { AuditEntry } from "../../../core/audit/chain.ts";
import { badInput, notFound, quote } from "../../../core/errors.ts";
import { printJson, println } from "../io.ts";
import { serve } from "../remote.ts";
import type { CliWiring } from "../wiring.ts";

/** At most this many entries per listing (the API's page limit). */
export const auditListLimitMax = 200;

interface ListFlags {
  kind?: string;
  object?: string;
  token?: string;
  role?: string;
  from?: string;
  to?: string;
  after?: string;
  limit: string;
  json?: boolean;
}

function limitOf(value: string): number {
  const limit = Number(value);
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > auditListLimitMax)
    throw badInput(`--limit ${quote(value)}`, `expected a whole number from 1 to ${auditListLimitMax}`);
  return limit;
}

function filterOf(flags: ListFlags): AuditEntryFilter {
  const filter: AuditEntryFilter = {};
  if (flags.kind) filter.kind = flags.kind;
  if (flags.object) filter.objectId = flags.object;
  if (flags.token) filter.tokenId = flags.token;
  if (flags.role) filter.role = flags.role;
  for (const key of ["from", "to"] as const) {
    const value = flags[key];
    if (value === undefined) continue;
    const at = new Date(value);
    if (Number.isNaN(at.getTime()))
      throw badInput(`--${key} ${quote(value)}`, "expected an ISO 8601 instant");
    filter[key] = at.toISOString();
  }
  return filter;
}

const who = (entry: AuditEntry): string => {
  const actor = entry.actor as
    | { role?: string; tokenId?: string | null; partyId?: string | null; via?: string }
    | undefined;
  if (!actor) return "(no actor recorded)";
  const party = actor.partyId ? ` of ${actor.partyId}` : "";
  const token = actor.tokenId ? ` token ${actor.tokenId}` : "";
  return `${actor.role}${party}${token} via ${actor.via}`;
};

function printEntries(entries: readonly AuditEntry[], json?: boolean): number {
  if (json) printJson({ items: entries });
  else for (const e of entries) println(`${e.seq}  ${e.at}  ${e.kind}  ${who(e)}`);
  return 0;
}

function printEntry(entry: AuditEntry, json?: boolean): number {
  if (json) printJson(entry);
  else
    println(
      `${entry.seq}  ${entry.at}  ${entry.kind}  ${who(entry)}\n${JSON.stringify(entry.payload, null, 2)}\nhash ${entry.hash}`,
    );
  return 0;
}

export function register(program: Command, wiring: CliWiring): void {
  const existing = program.commands.find((command) => command.name() === "audit");
  const audit = existing ?? program.command("audit").description("the tamper-evident audit log");
  serve(
    audit
      .command("list")
      .description("audit entries, oldest first, each with who did it (filters combine)")
      .option("--kind <kind>", "entry kind, or a prefix ending in `.` (shipment.)")
      .option("--object <id>", "an object id the entry is about (order, shipment, decision …)")
      .option("--token <id>", "the acting token's id")
      .option("--role <role>", "the acting role (system for Sluice itself)")
      .option("--from <instant>", "at or after this ISO 8601 instant")
      .option("--to <instant>", "before this ISO 8601 instant")
      .option("--after <seq>", "entries after this seq (paging)", "0")
      .option("--limit <n>", `at most this many (≤ ${auditListLimitMax})`, "50")
      .option("--json", "print JSON"),
    (flags: ListFlags) => {
      const filter = filterOf(flags);
      const limit = limitOf(flags.limit);
      const after = Number(flags.after ?? "0");
      if (!Number.isSafeInteger(after) || after < 0)
        throw badInput(`--after ${quote(flags.after)}`, "expected a seq");
      return wiring.withAuditEntries(async (entries) =>
        printEntries(await entries.list(filter, after, limit), flags.json),
      );
    },
    async (remote, flags: ListFlags) => {
      const filter = filterOf(flags);
      const page = (await remote.get("/v1/audit/entries", {
        limit: String(limitOf(flags.limit)),
        kind: filter.kind,
        object: filter.objectId,
        token: filter.tokenId,
        role: filter.role,
        from: filter.from,
        to: filter.to,
      })) as { items: AuditEntry[] };
      return printEntries(page.items, flags.json);
    },
  );
  serve(
    audit
      .command("show")
      .description("one audit entry with its actor and hash")
      .argument("<seq>")
      .option("--json", "print JSON"),
    (seqText: string, flags: { json?: boolean }) => {
      const seq = Number(seqText);
      if (!Number.isSafeInteger(seq) || seq < 1)
        throw badInput(`seq ${quote(seqText)}`, "expected a positive whole number");
      return wiring.withAuditEntries(async (entries) => {
        const entry = await entries.get(seq);
        if (!entry) throw notFound(`audit entry ${quote(seq)}`);
        return printEntry(entry, flags.json);
      });
    },
    async (remote, seqText: string, flags: { json?: boolean }) =>
      printEntry(
        (await remote.get(`/v1/audit/entries/${encodeURIComponent(seqText)}`)) as AuditEntry,
        flags.json,
      ),
  );
}
