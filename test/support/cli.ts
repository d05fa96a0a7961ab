// Runs the real `sluice` CLI in a child process, as a user would, and captures what it prints.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const mainFile = fileURLToPath(new URL("../../src/adapters/cli/main.ts", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: readonly string[],
  options: { stdin?: string; env?: Record<string, string> } = {},
): CliResult {
  const result = spawnSync(process.execPath, ["--import", "tsx", mainFile, ...args], {
    cwd: repoRoot,
    input: options.stdin ?? "",
    encoding: "utf8",
    env: { ...process.env, ...options.env },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
