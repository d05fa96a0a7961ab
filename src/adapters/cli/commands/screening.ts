// `sluice screen` and `sluice match`: restricted-party screening against the bundled lists, with an
// explanation for every hit, without a store (fast). The store-backed commands (`lists`,
// `dispositions`, `screenings`) are in screening-store.ts and registered from here.
import type { Command } from "commander";
import { match, screen } from "../../../app/screening.ts";
import { action, printJson } from "../io.ts";
import { countryOf, formatMatch, formatScreen, out } from "./screening-format.ts";
import { registerStoreCommands } from "./screening-store.ts";

export { formatHit, formatMatch, formatScreen } from "./screening-format.ts";

interface ScreenFlags {
  country?: string;
  all?: boolean;
  person?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command("screen <name>")
    .description("screen a name (Latin or Chinese script) against the bundled restricted-party lists")
    .option("--country <cc>", "ISO alpha-2 country of the party (qualifier)")
    .option("--all", "also report hits below the alert threshold (down to 0.5)")
    .option("--person", "the name is a person's (Chinese surnames read as surnames)")
    .option("--json", "print JSON")
    .action(
      action((name: string, options: ScreenFlags) => {
        const country = countryOf(options.country);
        const result = screen(name, {
          ...(country === undefined ? {} : { country }),
          all: options.all === true,
          person: options.person === true,
        });
        if (options.json === true) printJson(result);
        else out(formatScreen(result));
        return 0;
      }),
    );
  program
    .command("match <a> <b>")
    .description("score two names against each other (0–1) and explain the score")
    .option("--json", "print JSON")
    .action(
      action((a: string, b: string, options: { json?: boolean }) => {
        const result = match(a, b);
        if (options.json === true) printJson(result);
        else out(formatMatch(a, b, result));
        return 0;
      }),
    );
  registerStoreCommands(program);
}
