// The `sluice` command line: builds the program from the command modules and runs it (main.ts is
// the process entry and hands it the wiring from src/compose.ts; tests run the same program in
// process with the same wiring).
// Exit codes and error lines follow src/core/errors.ts.
import { Command, CommanderError } from "commander";
import { exitCodes } from "../../core/errors.ts";
import { commandModules } from "./commands.ts";
import { provideReferenceData } from "./reference.ts";
import { addServerOptions } from "./remote.ts";
import type { CliWiring } from "./wiring.ts";

export function buildProgram(wiring: CliWiring): Command {
  const program = new Command("sluice")
    .description("Executable, dated, explainable export/import rules for AI chips")
    .version("0.1.0")
    .showSuggestionAfterError()
    .exitOverride();
  program.configureOutput({
    outputError: (text, write) => write(`error: ${text.replace(/^error: /, "").trim()}\n`),
  });
  provideReferenceData(wiring.reference);
  addServerOptions(program);
  for (const register of commandModules) register(program, wiring);
  return program;
}

export async function runCli(argv: string[], wiring: CliWiring): Promise<void> {
  try {
    await buildProgram(wiring).parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not errors; unknown options and missing arguments are bad input.
      process.exitCode = error.exitCode === 0 ? exitCodes.ok : exitCodes.badInput;
      return;
    }
    throw error;
  }
}
