// CLI: `sluice schema dossier|rulebook` prints the JSON Schema of an input document, generated from
// the same zod schemas that validate it (the copies in docs/ are checked against these by a test).
import type { Command } from "commander";
import { z } from "zod";
import { dossierJsonSchema } from "../../../core/dossier/schema.ts";
import { badInput, quote } from "../../../core/errors.ts";
import { rulebookSchema } from "../../../core/rulebook/schema.ts";
import { action, printJson } from "../io.ts";

export const jsonSchemas: Record<string, () => unknown> = {
  dossier: dossierJsonSchema,
  rulebook: () =>
    z.toJSONSchema(rulebookSchema, { io: "input", target: "draft-2020-12", unrepresentable: "any" }),
};

export function register(program: Command): void {
  program
    .command("schema")
    .description("print the JSON Schema of an input document: dossier or rulebook")
    .argument("<document>", Object.keys(jsonSchemas).join(" | "))
    .action(
      action((document: string) => {
        const build = jsonSchemas[document];
        if (!build)
          throw badInput(
            `document ${quote(document)}`,
            `expected one of ${Object.keys(jsonSchemas).join(", ")}`,
          );
        printJson(build());
      }),
    );
}
