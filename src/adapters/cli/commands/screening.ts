// `sluice screen` and `sluice match`: restricted-party screening against the bundled lists, with an
// explanation for every hit, without a store (fast). With --server they ask the server's
// POST /v1/screen and /v1/match instead (its active lists; same output). The store-backed
// commands (`lists`, `dispositions`, `screenings`) are in screening-store.ts and registered here.
import type { Command } from "commander";
import { match, screen } from "../../../app/screening/lists.ts";
import type { NameMatch, ScreenResult } from "../../../core/screening/match.ts";
import { printJson } from "../io.ts";
import { serve } from "../remote.ts";
import type { CliWiring } from "../wiring.ts";
import { countryOf, formatMatch, formatScreen, out } from "./screening-format.ts";
import { registerStoreCommands } from "./screening-store.ts";

export { formatHit, formatMatch, formatScreen } from "./screening-format.ts";

interface ScreenFlags {
  country?: string;
  all?: boolean;
  person?: boolean;
  json?: boolean;
}

function printScreen(result: ScreenResult, options: ScreenFlags): number {
  if (options.json === true) printJson(result);
  else out(formatScreen(result));
  return 0;
}

function printMatch(a: string, b: string, result: NameMatch, options: { json?: boolean }): number {
  if (options.json === true) printJson(result);
  else out(formatMatch(a, b, result));
  return 0;
}

export function register(program: Command, wiring: CliWiring): void {
  serve(
    program
      .command("screen <name>")
      .description("screen a name (Latin or Chinese script) against the bundled restricted-party lists")
      .option("--country <cc>", "ISO alpha-2 country of the party (qualifier)")
      .option("--all", "also report hits below the alert threshold (down to 0.5)")
      .option("--person", "the name is a person's (Chinese surnames read as surnames)")
      .option("--json", "print JSON"),
    (name: string, options: ScreenFlags) => {
      const country = countryOf(options.country);
      const result = screen(wiring.screeningIndex(), name, {
        ...(country === undefined ? {} : { country }),
        all: options.all === true,
        person: options.person === true,
      });
      return printScreen(result, options);
    },
    async (remote, name, options) => {
      const country = countryOf(options.country);
      const body = {
        name,
        ...(country === undefined ? {} : { country }),
        all: options.all === true,
        person: options.person === true,
      };
      return printScreen((await remote.post("/v1/screen", body)) as ScreenResult, options);
    },
  );
  serve(
    program
      .command("match <a> <b>")
      .description("score two names against each other (0–1) and explain the score")
      .option("--json", "print JSON"),
    (a: string, b: string, options: { json?: boolean }) =>
      printMatch(a, b, match(wiring.screeningIndex(), a, b), options),
    async (remote, a, b, options) =>
      printMatch(a, b, (await remote.post("/v1/match", { a, b })) as NameMatch, options),
  );
  registerStoreCommands(program, wiring);
}
