// Builds the web app (web/ → web/dist) when the build is missing: `npm install` builds it
// (postinstall), and this covers an install that skipped scripts. Part of the composition root,
// beside src/main.ts: Vite runs in this process, once, before the server listens.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const webRoot = fileURLToPath(new URL("../web", import.meta.url));

export async function ensureWebBuilt(root: string = webRoot): Promise<boolean> {
  if (existsSync(join(root, "dist", "index.html"))) return false;
  console.log("sluice: building the web app (web/dist) …");
  const { build } = await import("vite");
  await build({ root, configFile: join(root, "vite.config.ts"), logLevel: "warn" });
  return true;
}
