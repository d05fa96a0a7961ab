// Serves the web app (the Vite build in web/dist) at `/`: hashed assets under /assets/ are cached
// for a year (their names change with their content), index.html is never cached (it names the
// current assets). A GET for a page path the app routes itself (/, /overview, /shipments/x …) that
// is not a file answers index.html (SPA fallback) — but only for a browser asking for HTML, and
// never under /v1/, so API clients still get 404 problems for unknown routes. Files only: nothing
// is fetched from elsewhere, and the content-security-policy says so to the browser.
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Context, Next } from "hono";

export const webDistDefault = fileURLToPath(new URL("../../../web/dist", import.meta.url));

/** Content types of the files a Vite build writes. */
const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".txt": "text/plain; charset=utf-8",
};

/** The API's own paths: never answered with the app's index.html. */
const apiPrefixes = ["/v1/", "/openapi.json", "/docs", "/healthz", "/readyz"];

/** Longest path accepted for a static file (bytes): app paths are short. */
export const webPathLengthMax = 512;

const webHeaders = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "content-security-policy":
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
};

const immutable = "public, max-age=31536000, immutable";

/** The file under `root` that a URL path names, or undefined when it would leave the root. */
function fileUnder(root: string, path: string): string | undefined {
  if (path.length > webPathLengthMax || path.includes("\0")) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  const file = resolve(root, `.${normalize(decoded)}`);
  return file === root || file.startsWith(root + sep) ? file : undefined;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

async function sendFile(c: Context, file: string, cacheControl: string): Promise<Response> {
  const type = contentTypes[extname(file)] ?? "application/octet-stream";
  const bytes = await readFile(file);
  return c.body(bytes, 200, { ...webHeaders, "content-type": type, "cache-control": cacheControl });
}

const wantsHtml = (c: Context): boolean => (c.req.header("accept") ?? "").includes("text/html");

/**
 * Middleware answering GET/HEAD for the app's files and pages; everything else goes on. With no
 * build at `root` it passes every request on (the API works without the app).
 */
export function serveWeb(root: string = webDistDefault) {
  const dist = resolve(root);
  const index = join(dist, "index.html");
  return async (c: Context, next: Next): Promise<Response | undefined> => {
    const method = c.req.method;
    const path = c.req.path;
    if ((method !== "GET" && method !== "HEAD") || apiPrefixes.some((p) => path.startsWith(p))) {
      await next();
      return undefined;
    }
    if (!existsSync(index)) {
      await next();
      return undefined;
    }
    const file = path === "/" ? index : fileUnder(dist, path);
    if (file !== undefined && file !== index && (await isFile(file))) {
      return sendFile(c, file, path.startsWith("/assets/") ? immutable : "no-cache");
    }
    if (path === "/" || (wantsHtml(c) && !path.startsWith("/assets/"))) {
      return sendFile(c, index, "no-cache");
    }
    await next();
    return undefined;
  };
}
