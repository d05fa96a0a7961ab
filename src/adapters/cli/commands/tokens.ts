// CLI: `sluice tokens create|list|revoke` (API tokens for the HTTP server, stored hashed in the
// database of DATABASE_URL or SLUICE_DATA_DIR). With --server and an admin token, they go through
// /v1/tokens instead (same output). `sluice serve` is in serve.ts. The local store's tokens come
// through the CLI's wiring (a TokenStore port, src/app/authorization/ports.ts).
import type { Command } from "commander";
import { parseTokenInput } from "../../../app/authorization/tokens.ts";
import { roles } from "../../../core/authorization/policy.ts";
import { cliActor } from "../actor.ts";
import { printJson, println } from "../io.ts";
import { pathPart, type Remote, serve } from "../remote.ts";
import type { CliWiring } from "../wiring.ts";

/** Tokens listed by `tokens list` (all of them, one page at a time from the store). */
const listPageSize = 500;

interface CreateFlags {
  role: string;
  party?: string;
  label?: string;
  json?: boolean;
}

/** The token input, checked as the store checks it (the same error line locally and remotely). */
function tokenInputOf(options: CreateFlags) {
  return parseTokenInput(
    {
      role: options.role,
      ...(options.party === undefined ? {} : { partyId: options.party }),
      ...(options.label === undefined ? {} : { label: options.label }),
    },
    "token",
  );
}

interface TokenView {
  id: string;
  role: string;
  partyId: string | null;
  label: string;
  revokedAt: string | null;
}

function printCreated(token: TokenView, secret: string, json?: boolean): void {
  if (json) printJson({ ...token, token: secret });
  else {
    println(`created token ${token.id} (${token.role}${token.partyId ? ` for ${token.partyId}` : ""})`);
    println(`secret (shown once): ${secret}`);
  }
}

function printTokens(all: TokenView[], json?: boolean): void {
  if (json) printJson({ tokens: all });
  else
    for (const t of all)
      println(
        `${t.id}  ${t.role.padEnd(12)}  ${(t.partyId ?? "-").padEnd(24)}  ${t.revokedAt ? `revoked ${t.revokedAt}` : "active"}  ${t.label}`,
      );
}

function printRevoked(token: TokenView, json?: boolean): void {
  if (json) printJson(token);
  else println(`revoked token ${token.id} at ${token.revokedAt ?? ""}`);
}

function registerTokens(program: Command, wiring: CliWiring): void {
  const tokens = program.command("tokens").description("API tokens for the HTTP server (stored hashed)");
  serve(
    tokens
      .command("create")
      .description("create a token; its secret is printed once and never stored")
      .requiredOption("--role <role>", `one of ${roles.join(", ")}`)
      .option("--party <id>", "the party the token acts for (required for importer and lab)")
      .option("--label <text>", "a note for administrators")
      .option("--json", "print JSON"),
    async (options: CreateFlags) => {
      const input = tokenInputOf(options);
      const { token, secret } = await wiring.withTokens((tokens) => tokens.create(input, cliActor()));
      printCreated(token, secret, options.json);
    },
    async (remote: Remote, options) => {
      const { token: secret, ...token } = (await remote.post(
        "/v1/tokens",
        tokenInputOf(options),
      )) as TokenView & {
        token: string | null;
      };
      // A replayed --idempotency-key answers the token without its secret (shown once).
      printCreated(token, secret ?? "(not shown again)", options.json);
    },
  );
  serve(
    tokens.command("list").description("list tokens (never their secrets)").option("--json", "print JSON"),
    async (options: { json?: boolean }) => {
      const all = await wiring.withTokens(async (tokens) => {
        const out = [];
        for (let after: string | undefined; ; ) {
          const page = await tokens.list({ limit: listPageSize, after });
          out.push(...page);
          if (page.length < listPageSize) return out;
          after = page.at(-1)?.id;
        }
      });
      printTokens(all, options.json);
    },
    async (remote, options) => {
      const all = await remote.list("/v1/tokens", { limit: Number.MAX_SAFE_INTEGER });
      printTokens(all as TokenView[], options.json);
    },
  );
  serve(
    tokens
      .command("revoke")
      .description("revoke a token (a running server notices within a few seconds)")
      .argument("<id>")
      .option("--json", "print JSON"),
    async (id: string, options: { json?: boolean }) => {
      printRevoked(await wiring.withTokens((tokens) => tokens.revoke(id, cliActor())), options.json);
    },
    async (remote, id, options) => {
      printRevoked((await remote.delete(`/v1/tokens/${pathPart(id)}`)) as TokenView, options.json);
    },
  );
}

export function register(program: Command, wiring: CliWiring): void {
  registerTokens(program, wiring);
}
