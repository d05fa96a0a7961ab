// The import-direction check of docs/architecture.md over the real tree, run by `npm test`: any
// import that breaks the rule fails it (issue #14 ended with none; there is no list of exceptions).
// The fixture tree shows that the check finds each kind of violation and lets each allowed import
// through.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { findImportViolations, importedSpecifiers } from "./import-rules.ts";

const repositoryRoot = fileURLToPath(new URL("../../", import.meta.url));
const fixtureRoot = fileURLToPath(new URL("./fixture/", import.meta.url));
const asLines = (root: string) => findImportViolations(root).map((v) => `${v.from} -> ${v.to}`);

describe("import direction", () => {
  it("the fixture's violations are found, and only those", () => {
    expect(asLines(fixtureRoot)).toEqual([
      "src/adapters/cli/remote.ts -> src/adapters/http/routes.ts",
      "src/adapters/http/routes.ts -> src/adapters/db/cap.ts",
      "src/app/cap/use-case.ts -> src/adapters/db/cap.ts",
      "src/core/cap/ratio.test.ts -> src/adapters/db/cap.ts",
      "src/core/cap/ratio.ts -> src/app/cap/use-case.ts",
    ]);
  });

  it("reads static, type-only, re-exported and dynamic imports, and skips libraries", () => {
    const source = [
      'import { a } from "./a.ts";',
      'import type { B } from "../b.ts";',
      'export { c } from "./c.ts";',
      'const d = () => import("./d.ts");',
      'let e: import("./e.ts").E;',
      'import { z } from "zod";',
    ].join("\n");
    expect(importedSpecifiers(source)).toEqual(["./a.ts", "../b.ts", "./c.ts", "./d.ts", "./e.ts"]);
  });

  it("the real tree breaks the rule nowhere", () => {
    expect(
      asLines(repositoryRoot),
      "imports that break docs/architecture.md's rule: invert them behind a port",
    ).toEqual([]);
  });
});
