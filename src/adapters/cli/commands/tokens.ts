// CLI: `sluice tokens create|list|revoke` (API tokens for the HTTP server, stored hashed in the
// database of DATABASE_URL or SLUICE_DATA_DIR) and `sluice serve [--port]` (the HTTP API). With
// --server and an admin token, the tokens commands go through /v1/tokens instead (same output).
import type { Command } from "commander";
import { badInput, quote } from "../../../core/errors.ts";
import { roles } from "../../../core/policy/policy.ts";
import type { Store } from "../../db/store.ts";
import { action, printJson, println } from "../io.ts";
import { pathPart, type Remote, serve } from "../remote.ts";

// The store and the server are loaded on use: every other command starts without them.
const tokensModule = () => import("../../db/tokens.ts");
const serverModule = () => import("../../http/serve.ts");
const portDefault = 8080;

/** Tokens listed by `tokens list` (all of them, one page at a time from the store). */
const listPageSize = 500;

async function withStore<T>(run: (store: Store) => Promise<T>): Promise<T> {
  const { openStore } = await import("../../db/open.ts");
  const store = await openStore();
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

const now = () => new Date();

interface CreateFlags {
  role: string;
  party?: string;
  label?: string;
  json?: boolean;
}

/** The token input, checked as the store checks it (the same error line locally and remotely). */
async function tokenInputOf(options: CreateFlags) {
  const { parseTokenInput } = await tokensModule();
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

function registerTokens(program: Command): void {
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
      const { createToken, systemTokenFactory } = await tokensModule();
      const input = await tokenInputOf(options);
      const { token, secret } = await withStore((store) =>
        createToken(store, now, systemTokenFactory, input),
      );
      printCreated(token, secret, options.json);
    },
    async (remote: Remote, options) => {
      const { token: secret, ...token } = (await remote.post(
        "/v1/tokens",
        await tokenInputOf(options),
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
      const { listTokens } = await tokensModule();
      const all = await withStore(async (store) => {
        const out = [];
        for (let after: string | undefined; ; ) {
          const page = await listTokens(store, { limit: listPageSize, after });
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
      const { revokeToken } = await tokensModule();
      printRevoked(await withStore((store) => revokeToken(store, now, id)), options.json);
    },
    async (remote, id, options) => {
      printRevoked((await remote.delete(`/v1/tokens/${pathPart(id)}`)) as TokenView, options.json);
    },
  );
}

function parsePort(value: string | undefined): number {
  const text = value ?? process.env.PORT ?? String(portDefault);
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw badInput(`port ${quote(text)}`, "expected 0–65535");
  return port;
}

function registerServe(program: Command): void {
  program
    .command("serve")
    .description("serve the HTTP API (/v1, /openapi.json, /docs) on the configured database")
    .option("--port <port>", `TCP port (default PORT, else ${portDefault})`)
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option(
      "--evaluate-threads <n>",
      "worker threads for POST /v1/evaluate, 0 for inline (default SLUICE_EVALUATE_THREADS, else the cores less one)",
    )
    .action(
      action(async (options: { port?: string; host: string; evaluateThreads?: string }) => {
        const port = parsePort(options.port);
        const { startServer } = await serverModule();
        const { evaluateThreadsOf } = await import("../../http/evaluate-pool.ts");
        const evaluateThreads = evaluateThreadsOf(options.evaluateThreads);
        const { openStore } = await import("../../db/open.ts");
        const store = await openStore();
        // The transparency log: every serving process runs an integrator; the lease lets one at a
        // time integrate and sign (docs/log.md).
        const { loadLogSigner } = await import("../../db/log/key.ts");
        const { startIntegrator } = await import("../../db/log/runner.ts");
        const { DbLogReader } = await import("../../db/log/reader.ts");
        const { WitnessPusher, witnessesFromEnv } = await import("../../db/log/witnesses.ts");
        const logSigner = loadLogSigner();
        const witnesses = witnessesFromEnv(process.env.SLUICE_LOG_WITNESSES);
        const logReader = new DbLogReader(store, {
          verifier: logSigner,
          witnessQuorum: Number(process.env.SLUICE_LOG_WITNESS_QUORUM || witnesses.length),
        });
        const pusher = new WitnessPusher(store, logReader, witnesses);
        const integrator = startIntegrator(store, {
          signer: logSigner,
          onSigned: async (size) => void (await pusher.push(size)),
        });
        const server = await startServer({
          store,
          port,
          hostname: options.host,
          evaluateThreads,
          deps: { log: logReader },
        });
        println(
          `sluice: serving ${server.url} (docs ${server.url}/docs) on ${store.driver} ${store.location}, ${server.evaluateThreads} evaluation thread${server.evaluateThreads === 1 ? "" : "s"}`,
        );
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once("SIGINT", stop);
          process.once("SIGTERM", stop);
        });
        await server.close();
        await integrator.stop();
        await store.close();
      }),
    );
}

export function register(program: Command): void {
  registerTokens(program);
  registerServe(program);
}
