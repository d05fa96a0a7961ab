// CLI input and output helpers: read a file or stdin, parse JSON with a clear error, print results
// as JSON or text, and turn any thrown error into one line `error: <what>: <why>` and an exit code.
import { readFileSync } from "node:fs";
import { exitCodeByKind, exitCodes, quote, SluiceError } from "../../core/errors.ts";

/** Reads the named file, or standard input when the name is `-`. */
export function readInput(source: string): string {
  try {
    return source === "-" ? readFileSync(0, "utf8") : readFileSync(source, "utf8");
  } catch (error) {
    const reason = error instanceof Error && "code" in error ? String(error.code) : "cannot be read";
    const why = reason === "ENOENT" ? "no such file" : `cannot be read (${reason.toLowerCase()})`;
    throw new SluiceError("bad_input", `file ${quote(source)}`, why);
  }
}

/** Parses JSON text; a syntax error names the source and the position. */
export function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new SluiceError(
      "bad_input",
      `${source === "-" ? "stdin" : quote(source)}`,
      `malformed json (${detail})`,
    );
  }
}

export const readJsonInput = (source: string): unknown => parseJson(readInput(source), source);

/** Serializes values with bigint support (bigints become decimal strings). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${toJson(value)}\n`);
}

/** Maps an error to its one-line message and exit code; unknown errors are internal. */
export function describeError(error: unknown): { line: string; exitCode: number } {
  if (error instanceof SluiceError) {
    return { line: `error: ${error.message}`, exitCode: exitCodeByKind[error.kind] };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { line: `error: internal: ${message.split("\n")[0] ?? ""}`, exitCode: exitCodes.internal };
}

/** Wraps a command action: runs it, sets the exit code it returns, reports errors in one line. */
export function action<A extends unknown[]>(run: (...args: A) => unknown): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      // A command returns its exit code, or nothing for success.
      const code = await run(...args);
      process.exitCode = typeof code === "number" ? code : exitCodes.ok;
    } catch (error) {
      const { line, exitCode } = describeError(error);
      process.stderr.write(`${line}\n`);
      if (exitCode === exitCodes.internal && process.env.SLUICE_DEBUG && error instanceof Error) {
        process.stderr.write(`${error.stack ?? ""}\n`);
      }
      process.exitCode = exitCode;
    }
  };
}

/** Prints one line of text to stdout (one writer, so tests can capture it in process). */
export function println(text = ""): void {
  process.stdout.write(`${text}\n`);
}
