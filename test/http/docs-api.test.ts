// docs/api.md shows the policy table; this keeps it equal to the one in src/core/authorization.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { actions, allowedRoles, roles } from "../../src/core/authorization/policy.ts";
import { repoRoot } from "../support/cli.ts";

it("docs/api.md's policy table is the policy in the code", () => {
  const text = readFileSync(`${repoRoot}docs/api.md`, "utf8");
  const header = `| action | ${roles.join(" | ")} |`;
  const start = text.indexOf(header);
  expect(start).toBeGreaterThan(0);
  // The table ends at the first line that is not a table row; later tables are not the policy.
  const lines = text.slice(start).split("\n").slice(2);
  const end = lines.findIndex((line) => !line.startsWith("|"));
  const rows = (end < 0 ? lines : lines.slice(0, end)).filter((line) => line.startsWith("| `"));
  const documented = Object.fromEntries(
    rows.map((line) => {
      const cells = line
        .split("|")
        .map((cell) => cell.trim())
        .filter((cell) => cell !== "");
      const [action = "", ...marks] = cells;
      return [action.replaceAll("`", ""), roles.filter((_, i) => marks[i] === "✓")];
    }),
  );
  expect(Object.keys(documented)).toEqual([...actions]);
  for (const action of actions)
    expect(documented[action], action).toEqual(
      [...allowedRoles[action]].sort((a, b) => roles.indexOf(a) - roles.indexOf(b)),
    );
});
