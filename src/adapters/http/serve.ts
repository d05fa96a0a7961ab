// Puts the API on a TCP port with @hono/node-server. `startServer` resolves once listening (port 0
// picks a free port: tests use it) and returns the URL and a close() that stops accepting, ends
// idle keep-alive connections, waits for the server to close and stops the evaluation pool. With
// `evaluateThreads` > 0, POST /v1/evaluate runs in that many worker threads (evaluate-pool.ts);
// 0 (the default here; `sluice serve` and `npm start` pass the cores less one) runs it inline.
// The deps (src/compose.ts's httpDeps) and their store stay the caller's.
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createApp } from "./app.ts";
import type { AppDeps } from "./context.ts";
import { EvaluationPool } from "./evaluate-pool.ts";

export const portDefault = 8080;
export const hostnameDefault = "127.0.0.1";

export interface StartOptions {
  /** The app's ports (src/compose.ts's httpDeps builds the production ones). */
  deps: AppDeps;
  port?: number;
  hostname?: string;
  /** Worker threads for POST /v1/evaluate (default 0: inline on the event loop). */
  evaluateThreads?: number;
}

export interface ServerHandle {
  url: string;
  port: number;
  /** Worker threads that evaluate (0: inline). */
  evaluateThreads: number;
  close(): Promise<void>;
}

export function startServer(options: StartOptions): Promise<ServerHandle> {
  const deps: AppDeps = { ...options.deps };
  const threads = options.evaluateThreads ?? 0;
  const pool =
    deps.evaluation === undefined && threads > 0
      ? new EvaluationPool({
          threads,
          rulebooks: deps.rulebooks,
          products: deps.catalog.all(),
          ...(deps.logError ? { logError: deps.logError } : {}),
        })
      : undefined;
  if (pool) deps.evaluation = pool;
  const app = createApp(deps);
  const hostname = options.hostname ?? hostnameDefault;
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: app.fetch, port: options.port ?? portDefault, hostname },
      (info: AddressInfo) => {
        const host = info.family === "IPv6" ? `[${info.address}]` : info.address;
        resolve({
          url: `http://${host}:${info.port}`,
          port: info.port,
          evaluateThreads: pool?.threads ?? 0,
          close: async () => {
            await new Promise<void>((done) => {
              server.close(() => done());
              if ("closeIdleConnections" in server) server.closeIdleConnections();
            });
            await pool?.close();
          },
        });
      },
    );
    server.once("error", (error) => {
      void pool?.close();
      reject(error);
    });
  });
}
