// `sluice screen`, `sluice match`, `sluice lists`: text formatting in process, and a few spawned
// runs of the real CLI for JSON output and exit codes (each spawn costs about a second).
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { match, screen } from "../../../app/screening/lists.ts";
import { bundledScreeningIndex } from "../../../compose.ts";
import { formatMatch, formatScreen } from "./screening.ts";

const repo = fileURLToPath(new URL("../../../../", import.meta.url));

function sluice(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "src/adapters/cli/main.ts", ...args],
      { cwd: repo },
      (error, stdout, stderr) => {
        const status = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolve({ status, stdout, stderr });
      },
    );
  });
}

describe("text output", () => {
  it("shows each hit with its token pairs, list citation and the versions screened", () => {
    const text = formatScreen(
      screen(bundledScreeningIndex(), "Wuxi Jiangnan Institute of Computing Technology"),
    );
    const lines = text.split("\n");
    expect(lines[0]).toBe('1 hit(s) for "Wuxi Jiangnan Institute of Computing Technology" at threshold 0.78');
    expect(lines[1]).toBe(
      "1.00  Wuxi Jiangnan Institute of Computing Technology  [bis-entity-list-extract el-wuxi-jiangnan]  ALERT",
    );
    expect(lines[2]).toContain("84 FR 29371");
    expect(lines).toContain("      wuxi → wuxi  exact 1.00");
    expect(lines.at(-1)).toMatch(
      /^screened against: ofac-sdn@[0-9a-f]{12}, csl@[0-9a-f]{12}, bis-entity-list-extract@/,
    );
  });

  it("explains a match score", () => {
    expect(
      formatMatch("CORP", "Sun Corp", match(bundledScreeningIndex(), "CORP", "Sun Corp")).split("\n"),
    ).toEqual([
      '0.00  "CORP" ~ "Sun Corp"',
      "  corp → corp  exact 1.00",
      "  × 0: only legal forms or nothing matched",
    ]);
  });
});

describe("cli", () => {
  it("screens with --json: hits with listId, entryId, name, score and explanation", async () => {
    const { status, stdout } = await sluice(["screen", "华为技术有限公司", "--country", "CN", "--json"]);
    expect(status).toBe(0);
    const result = JSON.parse(stdout) as {
      hits: {
        listId: string;
        entryId: string;
        score: number;
        explanation: { country: { effect: string } };
      }[];
    };
    expect(result.hits[0]).toMatchObject({
      listId: "bis-entity-list-extract",
      entryId: "el-huawei-technologies",
      score: 1,
    });
    expect(result.hits[0]?.explanation.country.effect).toBe("match");
  });

  it("rejects a bad country and a bad list file with exit code 2 and one error line", async () => {
    const country = await sluice(["screen", "Sugon", "--country", "QQ"]);
    expect([country.status, country.stderr]).toEqual([
      2,
      "error: country `QQ`: must be an ISO 3166-1 alpha-2 code\n",
    ]);
    const file = await sluice([
      "lists",
      "import",
      "test/screening/fixtures/custom-bad.csv",
      "--format",
      "custom",
      "--json",
    ]);
    expect([file.status, file.stderr]).toEqual([
      2,
      "error: file `test/screening/fixtures/custom-bad.csv` line 3: missing name\n",
    ]);
  });
});
