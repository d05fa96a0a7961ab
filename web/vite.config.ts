// Build of the web app: Preact through Vite's own JSX transform (no Babel), into web/dist, which
// the API server serves at `/` (src/adapters/http/web.ts). `npm run dev:web` proxies /v1 to a
// server on :8080. Everything the page needs is bundled: no CDN, no network at run time.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  resolve: { alias: { react: "preact/compat", "react-dom": "preact/compat" } },
  // assetsInlineLimit 0: every font stays a file (the CSP allows fonts from self, not data: URLs).
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    reportCompressedSize: false,
    assetsInlineLimit: 0,
  },
  server: { proxy: { "/v1": "http://127.0.0.1:8080", "/openapi.json": "http://127.0.0.1:8080" } },
});
