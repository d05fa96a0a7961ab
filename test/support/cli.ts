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

/**
 * Runs the same CLI program inside this process (no process start-up, no module loading): output
 * written to stdout/stderr is captured, the exit code is what the command set. Use it for
 * contract tests; keep a few `runCli` tests for the real process.
 */
export async function runCliInProcess(args: readonly string[]): Promise<CliResult> {
  const { runCli: run } = await import("../../src/adapters/cli/program.ts");
  const { cliWiring } = await import("../../src/compose.ts");
  const captured = { stdout: "", stderr: "" };
  const original = { out: process.stdout.write, err: process.stderr.write, exitCode: process.exitCode };
  process.stdout.write = ((chunk: string | Uint8Array) => {
    captured.stdout += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    captured.stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  process.exitCode = undefined;
  try {
    await run(["node", "sluice", ...args], cliWiring());
    return { code: Number(process.exitCode ?? 0), ...captured };
  } finally {
    process.stdout.write = original.out;
    process.stderr.write = original.err;
    process.exitCode = original.exitCode;
  }
}
