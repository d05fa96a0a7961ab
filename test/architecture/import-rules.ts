// The import-direction rule of docs/architecture.md, as a function over a source tree: core imports
// only core; app imports no adapter; an adapter imports no other adapter (the shared wire contracts
// under `adapters/contract/` excepted); the composition roots may import anything. It reads every
// `.ts` file under `<root>/src` with TypeScript's own import scanner (static imports, re-exports,
// dynamic `import()` and `import("…")` types), so type-only imports count: a type from an adapter is
// still a dependency on it. Library imports (bare specifiers) are not checked here. A test beside
// core or app code (`src/core/**/*.test.ts`, `src/app/**/*.test.ts`) keeps its layer's rule, so a
// core or app unit test never needs an adapter; tests that wire adapters live under `test/` (or
// beside an adapter), where they are drivers like the composition roots and may import anything.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

/** One import that breaks the rule: `from` imports `to`, both relative to the root, `/`-separated. */
export interface ImportViolation {
  readonly from: string;
  readonly to: string;
}

/** Files that wire ports to adapters; they may import anything and nothing may import them but roots. */
export const compositionRoots: readonly string[] = [
  "src/main.ts",
  "src/compose.ts",
  "src/demo.ts",
  "src/adapters/cli/main.ts",
];

type Layer =
  | { readonly kind: "core" }
  | { readonly kind: "app" }
  | { readonly kind: "adapter"; readonly adapter: string }
  | { readonly kind: "root" }
  | { readonly kind: "other" };

function layerOf(file: string): Layer {
  const parts = file.split("/");
  const besideInnerCode = parts[0] === "src" && (parts[1] === "core" || parts[1] === "app");
  if (compositionRoots.includes(file) || (file.endsWith(".test.ts") && !besideInnerCode))
    return { kind: "root" };
  if (parts[0] !== "src") return { kind: "other" };
  if (parts[1] === "core") return { kind: "core" };
  if (parts[1] === "app") return { kind: "app" };
  if (parts[1] === "adapters" && parts.length > 3) return { kind: "adapter", adapter: parts[2] ?? "" };
  return { kind: "other" };
}

/** Whether a file in layer `from` may import a file in layer `to`. */
function mayImport(from: Layer, to: Layer): boolean {
  if (from.kind === "root") return true;
  if (to.kind === "root") return false;
  switch (from.kind) {
    case "core":
      return to.kind === "core";
    case "app":
      return to.kind === "core" || to.kind === "app";
    case "adapter":
      return to.kind !== "adapter" || to.adapter === from.adapter || to.adapter === "contract";
    case "other":
      return true;
  }
}

function listTypeScriptFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listTypeScriptFiles(path));
    else if (entry.name.endsWith(".ts")) files.push(path);
  }
  return files;
}

/** The relative specifiers a module imports (static, re-export, dynamic, import types). */
export function importedSpecifiers(sourceText: string): string[] {
  const info = ts.preProcessFile(sourceText, true, true);
  return info.importedFiles.map((ref) => ref.fileName).filter((name) => name.startsWith("."));
}

const toPosix = (path: string): string => path.split(sep).join("/");

/** Every import under `<root>/src` that breaks the rule, sorted by importer then imported file. */
export function findImportViolations(root: string): ImportViolation[] {
  const violations: ImportViolation[] = [];
  for (const absolute of listTypeScriptFiles(join(root, "src"))) {
    const from = toPosix(relative(root, absolute));
    for (const specifier of importedSpecifiers(readFileSync(absolute, "utf8"))) {
      const to = toPosix(relative(root, resolve(dirname(absolute), specifier)));
      // A test's own fixtures and helpers (outside src/, e.g. test/support) are no layer's code.
      const testSupport = from.endsWith(".test.ts") && !to.startsWith("src/");
      if (!testSupport && !mayImport(layerOf(from), layerOf(to))) violations.push({ from, to });
    }
  }
  const key = (v: ImportViolation) => `${v.from} -> ${v.to}`;
  const unique = new Map(violations.map((v) => [key(v), v]));
  return [...unique.values()].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
