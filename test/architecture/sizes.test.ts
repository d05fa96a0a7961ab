// The size rule over the real tree, run by `npm test`: a source file over 400 lines or a test file
// over 600 fails it unless it is in test/architecture/size-allowances.ts, and a listed file that is
// now within its limit fails it too (delete its line), so the list only shrinks. The fixture tree
// (fixture/sizes/, with limits of 5 and 8 lines) shows that the check finds each kind of oversized
// file and skips the generated one; an injected allowance list shows both ways the list can fail.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { oversizedFileAllowances } from "./size-allowances.ts";
import { compareWithAllowances, findOversizedFiles, generatedFiles, lineCount } from "./size-rules.ts";

const repositoryRoot = fileURLToPath(new URL("../../", import.meta.url));
const fixtureRoot = fileURLToPath(new URL("./fixture/sizes/", import.meta.url));
const fixtureLimits = { sourceLinesMax: 5, testLinesMax: 8 };

describe("file sizes", () => {
  it("the fixture's oversized files are found, and only those", () => {
    expect(
      findOversizedFiles(fixtureRoot, fixtureLimits).map((o) => `${o.file} ${o.lines}/${o.limit}`),
    ).toEqual([
      "bench/long.ts 6/5",
      "src/long.test.ts 9/8",
      "src/long.ts 6/5",
      "test/long-support.ts 9/8",
      "web/src/long.tsx 6/5",
    ]);
  });

  it("counts lines as wc -l does", () => {
    expect([lineCount(""), lineCount("a"), lineCount("a\n"), lineCount("a\nb"), lineCount("a\n\n")]).toEqual([
      0, 1, 1, 2, 2,
    ]);
  });

  it("fails on an oversized file not listed, and on a listed file now short", () => {
    const oversized = findOversizedFiles(fixtureRoot, fixtureLimits);
    const allowances = {
      "src/long.ts": "a reason",
      "src/short.ts": "split since",
      "bench/long.ts": "a reason",
      "web/src/long.tsx": "a reason",
      "test/long-support.ts": "a reason",
    };
    expect(compareWithAllowances(oversized, allowances)).toEqual({
      unlisted: ["src/long.test.ts (9 > 8)"],
      shortened: ["src/short.ts"],
    });
  });

  it("the real tree is over the limits only where the allowance list says, each with its reason", () => {
    const { unlisted, shortened } = compareWithAllowances(
      findOversizedFiles(repositoryRoot),
      oversizedFileAllowances,
    );
    expect(unlisted, "files over the limit: split them (never add them to size-allowances.ts)").toEqual([]);
    expect(shortened, "files now within the limit still in size-allowances.ts: delete their lines").toEqual(
      [],
    );
    for (const [file, reason] of Object.entries({ ...oversizedFileAllowances, ...generatedFiles }))
      expect(reason.trim(), `the reason ${file} is allowed`).not.toBe("");
  });
});
