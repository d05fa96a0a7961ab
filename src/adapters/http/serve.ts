// Puts the API on a TCP port with @hono/node-server. `startServer` resolves once listening (port 0
// picks a free port: tests use it) and returns the URL and a close() that stops accepting, ends
// idle keep-alive connections and waits for the server to close. The store stays the caller's.
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { Store } from "../db/store.ts";
import { createApp, defaultDeps } from "./app.ts";
import type { AppDeps } from "./context.ts";

export const portDefault = 8080;
export const hostnameDefault = "127.0.0.1";

export interface StartOptions {
  store: Store;
  port?: number;
  hostname?: string;
  /** Replace some of the default deps (clock, token factory, …). */
  deps?: Partial<AppDeps>;
}

export interface ServerHandle {
  url: string;
  port: number;
  close(): Promise<void>;
}

export function startServer(options: StartOptions): Promise<ServerHandle> {
  const deps: AppDeps = { ...defaultDeps(options.store), ...options.deps };
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
          close: () =>
            new Promise<void>((done) => {
              server.close(() => done());
              if ("closeIdleConnections" in server) server.closeIdleConnections();
            }),
        });
      },
    );
    server.once("error", reject);
  });
}
