// CPU per request of the HTTP edge in one process (issue #14: the adapters reach the database
// through ports): GET /v1/session (request id, token from the authenticator's cache, route) and
// POST /v1/tokens with an Idempotency-Key (claim, write, response recorded in the write's
// transaction), through createApp(httpDeps(store)) on the embedded database. PGlite runs in a child
// process, so its CPU is not counted: the figure is the Node side's, stable under load.
// Run: node --import tsx bench/http-edge-cpu.ts [tree root, default this repository]
//      (give another checkout's root, e.g. `git archive main` unpacked, to compare two trees)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = process.argv[2] ?? fileURLToPath(new URL("../", import.meta.url));
const { openStore } = await import(`${root}/src/adapters/db/open.ts`);
const { createToken, systemTokenFactory } = await import(`${root}/src/adapters/db/tokens.ts`);
const { httpDeps } = await import(`${root}/src/compose.ts`);
const { createApp } = await import(`${root}/src/adapters/http/app.ts`);

const dataDir = mkdtempSync(join(tmpdir(), "sluice-edge-cpu-"));
const store = await openStore({ dataDir, create: true });
const { secret } = await createToken(store, () => new Date(), systemTokenFactory, { role: "admin" });
const app = createApp(httpDeps(store, { logError: () => {} }));
const headers = { authorization: `Bearer ${secret}` };
const warmUpRequests = 50;

async function measure(label: string, requests: number, send: (i: number) => Promise<Response>) {
  for (let i = 0; i < warmUpRequests; i++) await (await send(-i - 1)).arrayBuffer();
  const start = process.cpuUsage();
  for (let i = 0; i < requests; i++) {
    const response = await send(i);
    if (response.status >= 300) throw new Error(`${label}: ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
  }
  const used = process.cpuUsage(start);
  console.log(`| ${label} | ${requests} | ${((used.user + used.system) / requests).toFixed(1)} |`);
}

console.log("| request | requests | µs CPU per request |\n|---|---|---|");
await measure("GET /v1/session", 5000, () => app.request("/v1/session", { headers }));
await measure("POST /v1/tokens, Idempotency-Key", 300, (i) =>
  app.request("/v1/tokens", {
    method: "POST",
    headers: { ...headers, "content-type": "application/json", "idempotency-key": `k-${process.pid}-${i}` },
    body: JSON.stringify({ role: "auditor", label: `bench-${i}` }),
  }),
);
await store.close();
rmSync(dataDir, { recursive: true, force: true });
