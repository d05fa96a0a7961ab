// `sluice --server URL …`: runs a CLI command through a running Sluice server instead of opening
// the store (the embedded database is locked by the process that opened it, e.g. `npm start`).
// A command module registers a command with `serve(command, local, remote)`; given --server (or
// SLUICE_SERVER) the remote function runs with a small HTTP client, else the local one. Commands
// registered without `serve` refuse --server. HTTP problems become SluiceErrors of the kind their
// status stands for, so the error line and the exit code are the local ones.
import { randomUUID } from "node:crypto";
import { type Command, Option } from "commander";
import { type ErrorKind, errorKinds, httpStatusByKind, quote, SluiceError } from "../../core/errors.ts";
import { encodeCursor, pageLimitMax } from "../contract/pagination.ts";
import { action } from "./io.ts";

export interface ServerOptions {
  server?: string;
  token?: string;
  idempotencyKey?: string;
}

/** The HTTP status → error kind map: httpStatusByKind read backwards (statuses are unique). */
const kindByStatus = new Map<number, ErrorKind>(errorKinds.map((kind) => [httpStatusByKind[kind], kind]));

export function errorKindOfStatus(status: number): ErrorKind {
  return kindByStatus.get(status) ?? (status >= 500 ? "unavailable" : "bad_input");
}

/** Turns a problem+json answer into the error the same failure raises locally. */
export function problemError(status: number, text: string, server: string): SluiceError {
  let problem: { detail?: unknown; code?: unknown } = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null) problem = parsed;
  } catch {
    // Not JSON (a proxy's page, say): the status alone tells the kind.
  }
  const kind = errorKindOfStatus(status);
  const code = typeof problem.code === "string" ? problem.code : kind;
  const detail = typeof problem.detail === "string" ? problem.detail : "";
  const split = detail.indexOf(": ");
  if (split > 0) return new SluiceError(kind, detail.slice(0, split), detail.slice(split + 2), code);
  return new SluiceError(kind, `server ${quote(server)}`, detail || `answered http ${status}`, code);
}

export interface Remote {
  get(path: string, query?: Record<string, string | undefined>): Promise<unknown>;
  post(path: string, body: unknown): Promise<unknown>;
  /**
   * A POST whose refusals are outcomes, not problems (a release the cap ledger refused): a JSON
   * answer of any status is returned; a problem+json answer still raises its error.
   */
  postOutcome(path: string, body: unknown): Promise<unknown>;
  put(path: string, body: unknown): Promise<unknown>;
  delete(path: string): Promise<unknown>;
  /** A GET whose answer is not JSON (a report's CSV or PDF): its bytes and headers. */
  getBytes(
    path: string,
    query?: Record<string, string | undefined>,
  ): Promise<{ bytes: Uint8Array; headers: Headers }>;
  /** Every item of a paged list after `after`, up to `limit` items (pages of pageLimitMax). */
  list(
    path: string,
    options: { after?: string; limit: number; query?: Record<string, string | undefined> },
  ): Promise<unknown[]>;
}

export const pathPart = (value: string): string => encodeURIComponent(value);

function baseUrl(server: string): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new SluiceError("bad_input", `--server ${quote(server)}`, "not a url");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new SluiceError("bad_input", `--server ${quote(server)}`, "expected an http or https url");
  return url.toString().replace(/\/+$/, "");
}

/** An HTTP client for one invocation: one Idempotency-Key for its POSTs. */
export function remoteClient(options: ServerOptions & { server: string }): Remote {
  const base = baseUrl(options.server);
  const idempotencyKey = options.idempotencyKey ?? randomUUID();
  // The answer as it came, whatever its status: `send` and `getBytes` decide what a refusal is.
  const request = async (method: string, path: string, body?: unknown, accept = "application/json") => {
    const headers: Record<string, string> = { accept };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    if (method === "POST") headers["idempotency-key"] = idempotencyKey;
    // A PUT replaces what is on file, as the local command does: say so (the API requires If-Match).
    if (method === "PUT") headers["if-match"] = "*";
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      // Node's fetch says "fetch failed"; its cause says why (ECONNREFUSED, ENOTFOUND, bad port …).
      const cause =
        error instanceof Error ? (error.cause as { code?: unknown; message?: unknown }) : undefined;
      const why = typeof cause?.code === "string" ? cause.code : cause?.message;
      const reason = typeof why === "string" ? ` (${why.toLowerCase()})` : "";
      throw new SluiceError("unavailable", `server ${quote(base)}`, `cannot be reached${reason}`);
    }
    return response;
  };
  const send = async (method: string, path: string, body?: unknown, outcome = false): Promise<unknown> => {
    const response = await request(method, path, body);
    const text = await response.text();
    const isProblem = (response.headers.get("content-type") ?? "").startsWith("application/problem+json");
    if (!response.ok && (!outcome || isProblem)) throw problemError(response.status, text, base);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new SluiceError(
        "unavailable",
        `server ${quote(base)}`,
        `answered ${method} ${path} with no json`,
      );
    }
  };
  const withQuery = (path: string, query: Record<string, string | undefined> = {}) => {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, value);
    const text = params.toString();
    return text ? `${path}?${text}` : path;
  };
  return {
    get: (path, query) => send("GET", withQuery(path, query)),
    post: (path, body) => send("POST", path, body),
    postOutcome: (path, body) => send("POST", path, body, true),
    put: (path, body) => send("PUT", path, body),
    delete: (path) => send("DELETE", path),
    async getBytes(path, query) {
      const response = await request("GET", withQuery(path, query), undefined, "*/*");
      if (!response.ok) throw problemError(response.status, await response.text(), base);
      return { bytes: new Uint8Array(await response.arrayBuffer()), headers: response.headers };
    },
    async list(path, { after, limit, query }) {
      const items: unknown[] = [];
      let cursor = after ? encodeCursor(after) : undefined;
      while (items.length < limit) {
        const pageLimit = String(Math.min(limit - items.length, pageLimitMax));
        const page = (await send("GET", withQuery(path, { ...query, limit: pageLimit, cursor }))) as {
          items: unknown[];
          nextCursor: string | null;
        };
        items.push(...page.items);
        if (page.nextCursor === null) break;
        cursor = page.nextCursor;
      }
      return items;
    },
  };
}

/** Commands that have an HTTP equivalent (registered through `serve`). */
const servable = new WeakSet<Command>();

const commandPath = (command: Command): string => {
  const names: string[] = [];
  for (let at: Command | null = command; at?.parent; at = at.parent) names.unshift(at.name());
  return names.join(" ");
};

/** Adds --server, --token and --idempotency-key to the program, and refuses them where not served. */
export function addServerOptions(program: Command): void {
  program
    .addOption(
      new Option("--server <url>", "run the command through a Sluice server at this url").env(
        "SLUICE_SERVER",
      ),
    )
    .addOption(new Option("--token <secret>", "bearer token for --server").env("SLUICE_TOKEN"))
    .addOption(
      new Option(
        "--idempotency-key <key>",
        "Idempotency-Key of the POST sent to --server (default: a new uuid)",
      ),
    );
  program.hook("preAction", (_program, actionCommand) => {
    const { server } = actionCommand.optsWithGlobals<ServerOptions>();
    if (server !== undefined && !servable.has(actionCommand)) {
      actionCommand.error(`command ${quote(commandPath(actionCommand))}: not available through --server`, {
        exitCode: 2,
        code: "sluice.not_served",
      });
    }
  });
}

/**
 * Registers a command's action: `local(...args)` opens the store as before; with --server,
 * `remote(client, ...args)` sends the request instead. Both print and return the exit code alike.
 */
export function serve<A extends unknown[]>(
  command: Command,
  local: (...args: A) => unknown,
  remote: (client: Remote, ...args: A) => unknown,
): Command {
  servable.add(command);
  return command.action(
    action((...args: A) => {
      const options = command.optsWithGlobals<ServerOptions>();
      return options.server === undefined
        ? local(...args)
        : remote(remoteClient({ ...options, server: options.server }), ...args);
    }),
  );
}
