// src/adapters/http/web.ts over HTTP, on a small build of its own (not web/dist): index.html at
// `/` and at app paths for a browser (no-cache), hashed assets cached for a year with their
// content types, the CSP on every file, and what is NOT the app: /v1 and unknown paths for API
// clients stay 404 problems, a path that climbs out of the build is not served, POST is not served.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "../../src/adapters/db/store.ts";
import { type ServerHandle, startServer } from "../../src/adapters/http/serve.ts";
import { httpDeps } from "../../src/compose.ts";

const unusedStore = new Proxy({} as Store, {
  get: (_t, key) => (key === "then" ? undefined : () => Promise.reject(new Error("store not used here"))),
});

describe("web app serving", () => {
  let root: string;
  let server: ServerHandle;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "sluice-web-"));
    mkdirSync(join(root, "assets"));
    writeFileSync(join(root, "index.html"), "<!doctype html><title>app</title>");
    writeFileSync(join(root, "assets", "index-abc123.js"), "console.log(1)");
    writeFileSync(join(root, "assets", "font-x.woff2"), Buffer.from([0x77, 0x4f, 0x46, 0x32]));
    writeFileSync(join(tmpdir(), "sluice-web-secret.txt"), "secret");
    server = await startServer({
      port: 0,
      deps: httpDeps(unusedStore, { webRoot: root, logError: () => {} }),
    });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const get = (path: string, accept = "text/html") => fetch(`${server.url}${path}`, { headers: { accept } });

  it("answers index.html at / and at app paths for a browser, never cached", async () => {
    for (const path of ["/", "/overview", "/decisions/ord-1:application"]) {
      const response = await get(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(response.headers.get("cache-control")).toBe("no-cache");
      expect(response.headers.get("content-security-policy")).toContain("default-src 'self'");
      expect(await response.text()).toContain("<title>app</title>");
    }
  });

  it("serves hashed assets with their types, cached for a year", async () => {
    const js = await get("/assets/index-abc123.js", "*/*");
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const font = await get("/assets/font-x.woff2", "*/*");
    expect(font.headers.get("content-type")).toBe("font/woff2");
  });

  it("leaves the API's answers alone: unknown routes and /v1 are 404 problems, POST is not the app", async () => {
    const v1 = await get("/v1/nothing");
    expect(v1.status).toBe(401); // the API's own answer: a token first
    expect(v1.headers.get("content-type")).toBe("application/problem+json");
    for (const [path, accept] of [
      ["/nothing", "application/json"],
      ["/assets/missing.js", "text/html"],
    ] as const) {
      const response = await get(path, accept);
      expect(response.status, path).toBe(404);
      expect(response.headers.get("content-type"), path).toBe("application/problem+json");
    }
    const post = await fetch(`${server.url}/overview`, { method: "POST", headers: { accept: "text/html" } });
    expect(post.status).toBe(404);
  });

  it("never serves a file outside the build", async () => {
    for (const path of [
      "/../sluice-web-secret.txt",
      "/%2e%2e/sluice-web-secret.txt",
      "/assets/..%2f..%2fsluice-web-secret.txt",
    ]) {
      const response = await get(path, "*/*");
      expect(response.status, path).toBe(404);
      expect(await response.text(), path).not.toBe("secret");
    }
  });
});
