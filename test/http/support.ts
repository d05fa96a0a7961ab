// An API server over a test store, with one token per role, reached over real HTTP (127.0.0.1,
// ephemeral port). Token ids and secrets are deterministic (a counter) so failures are readable.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { integrateAll } from "../../src/adapters/db/log/integrate.ts";
import { DbLogReader } from "../../src/adapters/db/log/reader.ts";
import type { Store } from "../../src/adapters/db/store.ts";
import { createToken, type TokenFactory } from "../../src/adapters/db/tokens.ts";
import type { EvaluationRunner } from "../../src/adapters/http/evaluate-pool.ts";
import { type ServerHandle, startServer } from "../../src/adapters/http/serve.ts";
import type { LogReader } from "../../src/app/log/ports.ts";
import { httpDeps, reportService } from "../../src/compose.ts";
import { type Role, roles } from "../../src/core/authorization/policy.ts";
import { repoRoot } from "../support/cli.ts";
import { testLogSigner } from "../support/log.ts";

export const fixedNow = new Date("2026-02-01T12:00:00Z");
export const clock = () => fixedNow;

/** Deterministic ids and secrets: `tok-0001`, `sluice_test_0001`, … (prefix per store). */
export function counterFactory(prefix = "t"): TokenFactory {
  let n = 0;
  return {
    newId: () => `${prefix}-tok-${String(++n).padStart(4, "0")}`,
    newSecret: () => `sluice_test_${prefix}_${String(n).padStart(4, "0")}_${"x".repeat(20)}`,
  };
}

export const importerParty = "alibaba-cloud";
export const labParty = "us-test-lab";
export const exporterParty = "nvidia";
export const partyOf: Partial<Record<Role, string>> = {
  exporter: exporterParty,
  importer: importerParty,
  lab: labParty,
};

export interface Api {
  server: ServerHandle;
  /** Secret per role. */
  tokens: Record<Role, string>;
  tokenIds: Record<Role, string>;
  factory: TokenFactory;
  request(
    path: string,
    init?: { method?: string; token?: string | null; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
}

/**
 * `evaluateThreads`: worker threads for POST /v1/evaluate (default 0, inline); `evaluation`: a
 * runner of the test's own instead (the server does not close it); `log`: the log's read side
 * (default: over the store with the test log key, no witness quorum).
 */
export async function startApi(
  store: Store,
  prefix: string,
  options: { evaluateThreads?: number; evaluation?: EvaluationRunner; log?: LogReader } = {},
): Promise<Api> {
  const factory = counterFactory(prefix);
  const tokens = {} as Record<Role, string>;
  const tokenIds = {} as Record<Role, string>;
  for (const role of roles) {
    const partyId = partyOf[role];
    const { token, secret } = await createToken(store, clock, factory, {
      role,
      label: `test:${role}`,
      ...(partyId === undefined ? {} : { partyId }),
    });
    tokens[role] = secret;
    tokenIds[role] = token.id;
  }
  const server = await startServer({
    port: 0,
    evaluateThreads: options.evaluateThreads ?? 0,
    deps: httpDeps(store, {
      clock,
      tokenFactory: factory,
      logError: () => {},
      log: options.log ?? new DbLogReader(store, { verifier: testLogSigner }),
      ...(options.evaluation ? { evaluation: options.evaluation } : {}),
      // Regulator reports, signed with a key of this server's own (a fresh temporary file).
      reports: reportService(
        store,
        clock,
        join(mkdtempSync(join(tmpdir(), "sluice-report-key-")), "key.pem"),
      ),
    }),
  });
  return {
    server,
    tokens,
    tokenIds,
    factory,
    request: (path, init = {}) => {
      const headers: Record<string, string> = { ...init.headers };
      const token = init.token === undefined ? tokens.admin : init.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let body: string | undefined;
      if (init.body !== undefined) {
        body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
        headers["content-type"] ??= "application/json";
      }
      return fetch(`${server.url}${path}`, {
        method: init.method ?? "GET",
        headers,
        ...(body === undefined ? {} : { body }),
      });
    },
  };
}

export const exampleDossier = (): unknown =>
  JSON.parse(readFileSync(`${repoRoot}examples/h200-alibaba-approvable.json`, "utf8"));

export const h200Spec = {
  name: "H200 SXM",
  datacenter: true,
  denseTops: { fp8: 1979, fp16: 989.5 },
  dramBandwidthGBs: 4800,
};

/** Row counts of every table and the audit head: equal before and after means nothing was written. */
export async function storeFingerprint(store: Store): Promise<string> {
  // Entries acknowledged before are integrated first, so only what happens next shows.
  await integrateAll(store);
  const { rows } = await store.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const counts: string[] = [];
  for (const { table_name } of rows) {
    const result = await store.query<{ n: bigint }>(`SELECT count(*) AS n FROM "${table_name}"`);
    counts.push(`${table_name}=${result.rows[0]?.n ?? "?"}`);
  }
  const head = await store.query<{ seq: bigint; hash: string }>("SELECT seq, hash FROM audit_head");
  return `${counts.join(",")};head=${head.rows[0]?.seq}:${head.rows[0]?.hash}`;
}
